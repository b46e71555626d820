-- creditrisk: enterprise credit-risk classification (企业信用风险分类)
-- Install script, kept readable; the build installs it as
-- creditrisk--<version>.sql.  Every name is schema-qualified, so that no
-- object placed on a caller's search_path can capture a reference.

\echo Use "CREATE EXTENSION creditrisk" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Refuse a schema prepared by someone else.  CREATE EXTENSION reuses an
-- existing schema named creditrisk; if a non-superuser owns it, that role
-- could drop or replace what we create, so stop before creating anything.
-- ---------------------------------------------------------------------------
DO $guard$
DECLARE
    owner_name name;
    owner_super boolean;
BEGIN
    SELECT r.rolname, r.rolsuper INTO owner_name, owner_super
      FROM pg_catalog.pg_namespace n
      JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
     WHERE n.nspname OPERATOR(pg_catalog.=) 'creditrisk';
    IF NOT owner_super THEN
        RAISE EXCEPTION 'schema "creditrisk" is owned by non-superuser role "%"', owner_name
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'The owner of the schema could drop or replace the extension''s objects.',
                  HINT = 'Drop the schema, or make a superuser its owner, before CREATE EXTENSION creditrisk.';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                WHERE c.relnamespace OPERATOR(pg_catalog.=) 'creditrisk'::pg_catalog.regnamespace)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_proc p
                WHERE p.pronamespace OPERATOR(pg_catalog.=) 'creditrisk'::pg_catalog.regnamespace)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_type t
                WHERE t.typnamespace OPERATOR(pg_catalog.=) 'creditrisk'::pg_catalog.regnamespace)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_operator o
                WHERE o.oprnamespace OPERATOR(pg_catalog.=) 'creditrisk'::pg_catalog.regnamespace)
    THEN
        RAISE EXCEPTION 'schema "creditrisk" already contains objects'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'CREATE EXTENSION creditrisk needs an empty schema, so that no prepared object can capture a reference.',
                  HINT = 'Move or drop the objects in schema creditrisk first.';
    END IF;
END
$guard$;

REVOKE ALL ON SCHEMA creditrisk FROM PUBLIC;
COMMENT ON SCHEMA creditrisk IS
    'creditrisk: enterprise credit-risk classification for market regulators (企业信用风险分类监管). Results are an internal reference, never public.';

-- ===========================================================================
-- Type riskclass: credit-risk classes A < B < C < D (Henan measures art. 9)
-- ===========================================================================

CREATE TYPE creditrisk.riskclass;

CREATE FUNCTION creditrisk.riskclass_in(pg_catalog.cstring) RETURNS creditrisk.riskclass
    AS 'MODULE_PATHNAME', 'riskclass_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION creditrisk.riskclass_out(creditrisk.riskclass) RETURNS pg_catalog.cstring
    AS 'MODULE_PATHNAME', 'riskclass_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION creditrisk.riskclass_recv(pg_catalog.internal) RETURNS creditrisk.riskclass
    AS 'MODULE_PATHNAME', 'riskclass_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION creditrisk.riskclass_send(creditrisk.riskclass) RETURNS pg_catalog.bytea
    AS 'MODULE_PATHNAME', 'riskclass_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE creditrisk.riskclass (
    INPUT = creditrisk.riskclass_in,
    OUTPUT = creditrisk.riskclass_out,
    RECEIVE = creditrisk.riskclass_recv,
    SEND = creditrisk.riskclass_send,
    INTERNALLENGTH = 1,
    PASSEDBYVALUE,
    ALIGNMENT = char,
    STORAGE = plain,
    CATEGORY = 'U'
);
COMMENT ON TYPE creditrisk.riskclass IS
    'Credit-risk class (信用风险分类): A 信用风险低 (low) < B 信用风险一般 (general) < C 信用风险较高 (higher) < D 信用风险高 (high).';

CREATE FUNCTION creditrisk.riskclass_eq(creditrisk.riskclass, creditrisk.riskclass) RETURNS boolean
    AS 'MODULE_PATHNAME', 'riskclass_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.riskclass_ne(creditrisk.riskclass, creditrisk.riskclass) RETURNS boolean
    AS 'MODULE_PATHNAME', 'riskclass_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.riskclass_lt(creditrisk.riskclass, creditrisk.riskclass) RETURNS boolean
    AS 'MODULE_PATHNAME', 'riskclass_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.riskclass_le(creditrisk.riskclass, creditrisk.riskclass) RETURNS boolean
    AS 'MODULE_PATHNAME', 'riskclass_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.riskclass_gt(creditrisk.riskclass, creditrisk.riskclass) RETURNS boolean
    AS 'MODULE_PATHNAME', 'riskclass_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.riskclass_ge(creditrisk.riskclass, creditrisk.riskclass) RETURNS boolean
    AS 'MODULE_PATHNAME', 'riskclass_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.riskclass_cmp(creditrisk.riskclass, creditrisk.riskclass) RETURNS integer
    AS 'MODULE_PATHNAME', 'riskclass_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.riskclass_sortsupport(pg_catalog.internal) RETURNS void
    AS 'MODULE_PATHNAME', 'riskclass_sortsupport' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION creditrisk.riskclass_hash(creditrisk.riskclass) RETURNS integer
    AS 'MODULE_PATHNAME', 'riskclass_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.riskclass_hash_extended(creditrisk.riskclass, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'riskclass_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.riskclass_smaller(creditrisk.riskclass, creditrisk.riskclass) RETURNS creditrisk.riskclass
    AS 'MODULE_PATHNAME', 'riskclass_smaller' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.riskclass_larger(creditrisk.riskclass, creditrisk.riskclass) RETURNS creditrisk.riskclass
    AS 'MODULE_PATHNAME', 'riskclass_larger' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;

CREATE OPERATOR creditrisk.= (
    LEFTARG = creditrisk.riskclass, RIGHTARG = creditrisk.riskclass,
    FUNCTION = creditrisk.riskclass_eq,
    COMMUTATOR = OPERATOR(creditrisk.=), NEGATOR = OPERATOR(creditrisk.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR creditrisk.<> (
    LEFTARG = creditrisk.riskclass, RIGHTARG = creditrisk.riskclass,
    FUNCTION = creditrisk.riskclass_ne,
    COMMUTATOR = OPERATOR(creditrisk.<>), NEGATOR = OPERATOR(creditrisk.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR creditrisk.< (
    LEFTARG = creditrisk.riskclass, RIGHTARG = creditrisk.riskclass,
    FUNCTION = creditrisk.riskclass_lt,
    COMMUTATOR = OPERATOR(creditrisk.>), NEGATOR = OPERATOR(creditrisk.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
CREATE OPERATOR creditrisk.<= (
    LEFTARG = creditrisk.riskclass, RIGHTARG = creditrisk.riskclass,
    FUNCTION = creditrisk.riskclass_le,
    COMMUTATOR = OPERATOR(creditrisk.>=), NEGATOR = OPERATOR(creditrisk.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
CREATE OPERATOR creditrisk.> (
    LEFTARG = creditrisk.riskclass, RIGHTARG = creditrisk.riskclass,
    FUNCTION = creditrisk.riskclass_gt,
    COMMUTATOR = OPERATOR(creditrisk.<), NEGATOR = OPERATOR(creditrisk.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
CREATE OPERATOR creditrisk.>= (
    LEFTARG = creditrisk.riskclass, RIGHTARG = creditrisk.riskclass,
    FUNCTION = creditrisk.riskclass_ge,
    COMMUTATOR = OPERATOR(creditrisk.<=), NEGATOR = OPERATOR(creditrisk.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);

CREATE OPERATOR CLASS creditrisk.riskclass_ops
    DEFAULT FOR TYPE creditrisk.riskclass USING btree AS
        OPERATOR 1 creditrisk.<,
        OPERATOR 2 creditrisk.<=,
        OPERATOR 3 creditrisk.=,
        OPERATOR 4 creditrisk.>=,
        OPERATOR 5 creditrisk.>,
        FUNCTION 1 creditrisk.riskclass_cmp(creditrisk.riskclass, creditrisk.riskclass),
        FUNCTION 2 creditrisk.riskclass_sortsupport(pg_catalog.internal);

CREATE OPERATOR CLASS creditrisk.riskclass_hash_ops
    DEFAULT FOR TYPE creditrisk.riskclass USING hash AS
        OPERATOR 1 creditrisk.=,
        FUNCTION 1 creditrisk.riskclass_hash(creditrisk.riskclass),
        FUNCTION 2 creditrisk.riskclass_hash_extended(creditrisk.riskclass, bigint);

CREATE AGGREGATE creditrisk.min(creditrisk.riskclass) (
    SFUNC = creditrisk.riskclass_smaller,
    STYPE = creditrisk.riskclass,
    COMBINEFUNC = creditrisk.riskclass_smaller,
    SORTOP = OPERATOR(creditrisk.<),
    PARALLEL = SAFE
);
CREATE AGGREGATE creditrisk.max(creditrisk.riskclass) (
    SFUNC = creditrisk.riskclass_larger,
    STYPE = creditrisk.riskclass,
    COMBINEFUNC = creditrisk.riskclass_larger,
    SORTOP = OPERATOR(creditrisk.>),
    PARALLEL = SAFE
);

COMMENT ON FUNCTION creditrisk.riskclass_in(pg_catalog.cstring) IS 'riskclass text input: one letter A-D, case-insensitive';
COMMENT ON FUNCTION creditrisk.riskclass_out(creditrisk.riskclass) IS 'riskclass text output: the upper-case letter';
COMMENT ON FUNCTION creditrisk.riskclass_recv(pg_catalog.internal) IS 'riskclass binary input (validated)';
COMMENT ON FUNCTION creditrisk.riskclass_send(creditrisk.riskclass) IS 'riskclass binary output: one byte, the letter';
COMMENT ON FUNCTION creditrisk.riskclass_eq(creditrisk.riskclass, creditrisk.riskclass) IS 'implementation of = for riskclass';
COMMENT ON FUNCTION creditrisk.riskclass_ne(creditrisk.riskclass, creditrisk.riskclass) IS 'implementation of <> for riskclass';
COMMENT ON FUNCTION creditrisk.riskclass_lt(creditrisk.riskclass, creditrisk.riskclass) IS 'implementation of < for riskclass';
COMMENT ON FUNCTION creditrisk.riskclass_le(creditrisk.riskclass, creditrisk.riskclass) IS 'implementation of <= for riskclass';
COMMENT ON FUNCTION creditrisk.riskclass_gt(creditrisk.riskclass, creditrisk.riskclass) IS 'implementation of > for riskclass';
COMMENT ON FUNCTION creditrisk.riskclass_ge(creditrisk.riskclass, creditrisk.riskclass) IS 'implementation of >= for riskclass';
COMMENT ON FUNCTION creditrisk.riskclass_cmp(creditrisk.riskclass, creditrisk.riskclass) IS 'btree comparison of risk classes (A < B < C < D)';
COMMENT ON FUNCTION creditrisk.riskclass_sortsupport(pg_catalog.internal) IS 'btree sort support for riskclass';
COMMENT ON FUNCTION creditrisk.riskclass_hash(creditrisk.riskclass) IS 'hash of a risk class';
COMMENT ON FUNCTION creditrisk.riskclass_hash_extended(creditrisk.riskclass, bigint) IS 'seeded 64-bit hash of a risk class (hash partitioning)';
COMMENT ON FUNCTION creditrisk.riskclass_smaller(creditrisk.riskclass, creditrisk.riskclass) IS 'the less risky of two classes';
COMMENT ON FUNCTION creditrisk.riskclass_larger(creditrisk.riskclass, creditrisk.riskclass) IS 'the riskier of two classes';
COMMENT ON OPERATOR creditrisk.= (creditrisk.riskclass, creditrisk.riskclass) IS 'equal';
COMMENT ON OPERATOR creditrisk.<> (creditrisk.riskclass, creditrisk.riskclass) IS 'not equal';
COMMENT ON OPERATOR creditrisk.< (creditrisk.riskclass, creditrisk.riskclass) IS 'less risky than';
COMMENT ON OPERATOR creditrisk.<= (creditrisk.riskclass, creditrisk.riskclass) IS 'less risky than or equal';
COMMENT ON OPERATOR creditrisk.> (creditrisk.riskclass, creditrisk.riskclass) IS 'riskier than';
COMMENT ON OPERATOR creditrisk.>= (creditrisk.riskclass, creditrisk.riskclass) IS 'riskier than or equal';
COMMENT ON AGGREGATE creditrisk.min(creditrisk.riskclass) IS 'the least risky class in a set';
COMMENT ON AGGREGATE creditrisk.max(creditrisk.riskclass) IS 'the riskiest class in a set';

-- ===========================================================================
-- From a score to a class, and what a class means (art. 9, 12-15)
-- ===========================================================================

CREATE FUNCTION creditrisk.classify(score double precision) RETURNS creditrisk.riskclass
    AS 'MODULE_PATHNAME', 'classify_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1;
COMMENT ON FUNCTION creditrisk.classify(double precision) IS
    'Risk class of a score 0-1000 by the Henan bands (豫市监办〔2022〕100号 art. 9): A [0,200), B [200,500), C [500,750), D [750,1000]';

CREATE FUNCTION creditrisk.classify(score double precision, cutoffs double precision[]) RETURNS creditrisk.riskclass
    AS 'MODULE_PATHNAME', 'classify_score_cutoffs' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5;
COMMENT ON FUNCTION creditrisk.classify(double precision, double precision[]) IS
    'Risk class of a score 0-1000 with caller-supplied bands: cutoffs are the lower bounds of B, C and D, strictly increasing inside (0,1000)';

-- min_spot_check_ratio() reads the supervision measures in force (1.4):
-- see classification.sql.

CREATE FUNCTION creditrisk.class_label(creditrisk.riskclass) RETURNS text
    AS 'MODULE_PATHNAME', 'riskclass_label' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1;
COMMENT ON FUNCTION creditrisk.class_label(creditrisk.riskclass) IS
    'Chinese label of a class: 信用风险低 / 信用风险一般 / 信用风险较高 / 信用风险高';

-- ===========================================================================
-- Type uscc: unified social credit code (统一社会信用代码, GB 32100-2015)
-- ===========================================================================

CREATE TYPE creditrisk.uscc;

CREATE FUNCTION creditrisk.uscc_in(pg_catalog.cstring) RETURNS creditrisk.uscc
    AS 'MODULE_PATHNAME', 'uscc_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION creditrisk.uscc_out(creditrisk.uscc) RETURNS pg_catalog.cstring
    AS 'MODULE_PATHNAME', 'uscc_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION creditrisk.uscc_recv(pg_catalog.internal) RETURNS creditrisk.uscc
    AS 'MODULE_PATHNAME', 'uscc_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION creditrisk.uscc_send(creditrisk.uscc) RETURNS pg_catalog.bytea
    AS 'MODULE_PATHNAME', 'uscc_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE creditrisk.uscc (
    INPUT = creditrisk.uscc_in,
    OUTPUT = creditrisk.uscc_out,
    RECEIVE = creditrisk.uscc_recv,
    SEND = creditrisk.uscc_send,
    INTERNALLENGTH = 11,
    ALIGNMENT = char,
    STORAGE = plain,
    CATEGORY = 'U'
);
COMMENT ON TYPE creditrisk.uscc IS
    'Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters with a check character, stored in 11 bytes';

CREATE FUNCTION creditrisk.uscc_eq(creditrisk.uscc, creditrisk.uscc) RETURNS boolean
    AS 'MODULE_PATHNAME', 'uscc_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.uscc_ne(creditrisk.uscc, creditrisk.uscc) RETURNS boolean
    AS 'MODULE_PATHNAME', 'uscc_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.uscc_lt(creditrisk.uscc, creditrisk.uscc) RETURNS boolean
    AS 'MODULE_PATHNAME', 'uscc_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.uscc_le(creditrisk.uscc, creditrisk.uscc) RETURNS boolean
    AS 'MODULE_PATHNAME', 'uscc_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.uscc_gt(creditrisk.uscc, creditrisk.uscc) RETURNS boolean
    AS 'MODULE_PATHNAME', 'uscc_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.uscc_ge(creditrisk.uscc, creditrisk.uscc) RETURNS boolean
    AS 'MODULE_PATHNAME', 'uscc_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.uscc_cmp(creditrisk.uscc, creditrisk.uscc) RETURNS integer
    AS 'MODULE_PATHNAME', 'uscc_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.uscc_sortsupport(pg_catalog.internal) RETURNS void
    AS 'MODULE_PATHNAME', 'uscc_sortsupport' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION creditrisk.uscc_hash(creditrisk.uscc) RETURNS integer
    AS 'MODULE_PATHNAME', 'uscc_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;
CREATE FUNCTION creditrisk.uscc_hash_extended(creditrisk.uscc, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'uscc_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF COST 1;

CREATE OPERATOR creditrisk.= (
    LEFTARG = creditrisk.uscc, RIGHTARG = creditrisk.uscc,
    FUNCTION = creditrisk.uscc_eq,
    COMMUTATOR = OPERATOR(creditrisk.=), NEGATOR = OPERATOR(creditrisk.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR creditrisk.<> (
    LEFTARG = creditrisk.uscc, RIGHTARG = creditrisk.uscc,
    FUNCTION = creditrisk.uscc_ne,
    COMMUTATOR = OPERATOR(creditrisk.<>), NEGATOR = OPERATOR(creditrisk.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR creditrisk.< (
    LEFTARG = creditrisk.uscc, RIGHTARG = creditrisk.uscc,
    FUNCTION = creditrisk.uscc_lt,
    COMMUTATOR = OPERATOR(creditrisk.>), NEGATOR = OPERATOR(creditrisk.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
CREATE OPERATOR creditrisk.<= (
    LEFTARG = creditrisk.uscc, RIGHTARG = creditrisk.uscc,
    FUNCTION = creditrisk.uscc_le,
    COMMUTATOR = OPERATOR(creditrisk.>=), NEGATOR = OPERATOR(creditrisk.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
CREATE OPERATOR creditrisk.> (
    LEFTARG = creditrisk.uscc, RIGHTARG = creditrisk.uscc,
    FUNCTION = creditrisk.uscc_gt,
    COMMUTATOR = OPERATOR(creditrisk.<), NEGATOR = OPERATOR(creditrisk.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
CREATE OPERATOR creditrisk.>= (
    LEFTARG = creditrisk.uscc, RIGHTARG = creditrisk.uscc,
    FUNCTION = creditrisk.uscc_ge,
    COMMUTATOR = OPERATOR(creditrisk.<=), NEGATOR = OPERATOR(creditrisk.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);

CREATE OPERATOR CLASS creditrisk.uscc_ops
    DEFAULT FOR TYPE creditrisk.uscc USING btree AS
        OPERATOR 1 creditrisk.<,
        OPERATOR 2 creditrisk.<=,
        OPERATOR 3 creditrisk.=,
        OPERATOR 4 creditrisk.>=,
        OPERATOR 5 creditrisk.>,
        FUNCTION 1 creditrisk.uscc_cmp(creditrisk.uscc, creditrisk.uscc),
        FUNCTION 2 creditrisk.uscc_sortsupport(pg_catalog.internal);

CREATE OPERATOR CLASS creditrisk.uscc_hash_ops
    DEFAULT FOR TYPE creditrisk.uscc USING hash AS
        OPERATOR 1 creditrisk.=,
        FUNCTION 1 creditrisk.uscc_hash(creditrisk.uscc),
        FUNCTION 2 creditrisk.uscc_hash_extended(creditrisk.uscc, bigint);

CREATE FUNCTION creditrisk.uscc_region(creditrisk.uscc) RETURNS text
    AS 'MODULE_PATHNAME', 'uscc_region' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1;
CREATE FUNCTION creditrisk.uscc_entity_type(creditrisk.uscc) RETURNS text
    AS 'MODULE_PATHNAME', 'uscc_entity_type' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1;
CREATE FUNCTION creditrisk.uscc_is_valid(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'uscc_is_valid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1;
CREATE FUNCTION creditrisk.uscc_clean_text(text) RETURNS text
    AS 'MODULE_PATHNAME', 'uscc_clean_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1;
CREATE FUNCTION creditrisk.uscc_clean(text) RETURNS creditrisk.uscc
    AS 'MODULE_PATHNAME', 'uscc_clean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1;

COMMENT ON FUNCTION creditrisk.uscc_in(pg_catalog.cstring) IS 'uscc text input: 18 characters, case-insensitive, check character verified';
COMMENT ON FUNCTION creditrisk.uscc_out(creditrisk.uscc) IS 'uscc text output: 18 upper-case characters';
COMMENT ON FUNCTION creditrisk.uscc_recv(pg_catalog.internal) IS 'uscc binary input: 18 ASCII characters, validated';
COMMENT ON FUNCTION creditrisk.uscc_send(creditrisk.uscc) IS 'uscc binary output: 18 ASCII characters';
COMMENT ON FUNCTION creditrisk.uscc_eq(creditrisk.uscc, creditrisk.uscc) IS 'implementation of = for uscc';
COMMENT ON FUNCTION creditrisk.uscc_ne(creditrisk.uscc, creditrisk.uscc) IS 'implementation of <> for uscc';
COMMENT ON FUNCTION creditrisk.uscc_lt(creditrisk.uscc, creditrisk.uscc) IS 'implementation of < for uscc';
COMMENT ON FUNCTION creditrisk.uscc_le(creditrisk.uscc, creditrisk.uscc) IS 'implementation of <= for uscc';
COMMENT ON FUNCTION creditrisk.uscc_gt(creditrisk.uscc, creditrisk.uscc) IS 'implementation of > for uscc';
COMMENT ON FUNCTION creditrisk.uscc_ge(creditrisk.uscc, creditrisk.uscc) IS 'implementation of >= for uscc';
COMMENT ON FUNCTION creditrisk.uscc_cmp(creditrisk.uscc, creditrisk.uscc) IS 'btree comparison of codes (text order)';
COMMENT ON FUNCTION creditrisk.uscc_sortsupport(pg_catalog.internal) IS 'btree sort support for uscc, with abbreviated keys';
COMMENT ON FUNCTION creditrisk.uscc_hash(creditrisk.uscc) IS 'hash of a code';
COMMENT ON FUNCTION creditrisk.uscc_hash_extended(creditrisk.uscc, bigint) IS 'seeded 64-bit hash of a code (hash partitioning)';
COMMENT ON FUNCTION creditrisk.uscc_region(creditrisk.uscc) IS 'Administrative division code (行政区划代码) of the registering authority: characters 3-8';
COMMENT ON FUNCTION creditrisk.uscc_entity_type(creditrisk.uscc) IS 'Registration authority and entity type (登记管理部门代码 + 机构类别代码): characters 1-2, e.g. 91 = enterprise registered by market regulation';
COMMENT ON FUNCTION creditrisk.uscc_is_valid(text) IS 'Whether a text is a valid unified social credit code; never raises an error (for cleaning imported data)';
COMMENT ON FUNCTION creditrisk.uscc_clean_text(text) IS
    'A typed or pasted unified social credit code without spaces and hyphens, upper case, full-width characters made ASCII; not validated, never raises an error';
COMMENT ON FUNCTION creditrisk.uscc_clean(text) IS
    'A typed or pasted unified social credit code cleaned (uscc_clean_text) and validated: an error if still invalid, NULL for NULL';
COMMENT ON OPERATOR creditrisk.= (creditrisk.uscc, creditrisk.uscc) IS 'equal';
COMMENT ON OPERATOR creditrisk.<> (creditrisk.uscc, creditrisk.uscc) IS 'not equal';
COMMENT ON OPERATOR creditrisk.< (creditrisk.uscc, creditrisk.uscc) IS 'less than (text order)';
COMMENT ON OPERATOR creditrisk.<= (creditrisk.uscc, creditrisk.uscc) IS 'less than or equal (text order)';
COMMENT ON OPERATOR creditrisk.> (creditrisk.uscc, creditrisk.uscc) IS 'greater than (text order)';
COMMENT ON OPERATOR creditrisk.>= (creditrisk.uscc, creditrisk.uscc) IS 'greater than or equal (text order)';

-- ---------------------------------------------------------------------------
-- Frozen shipped rows (generic guard).  TG_ARGV[0]: the flag column;
-- TG_ARGV[1]: what to do instead.
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.shipped_row_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    flag text := TG_ARGV[0];
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND (pg_catalog.to_jsonb(OLD) ->> flag)::boolean THEN
        RAISE EXCEPTION '% of a row shipped with creditrisk refused (%)', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Rows with %s = true are the reference configuration: CREATE EXTENSION installs them and pg_dump leaves them out, so a change to them would be lost.', flag),
                  HINT = TG_ARGV[1];
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND (pg_catalog.to_jsonb(NEW) ->> flag)::boolean THEN
        RAISE EXCEPTION 'only rows shipped with creditrisk have % = true (%)', flag, TG_TABLE_NAME
            USING ERRCODE = 'check_violation',
                  DETAIL = 'Such rows are left out of pg_dump, so a row of yours marked so would be lost.',
                  HINT = format('Insert it with %s = false.', flag);
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION creditrisk.shipped_row_guard() IS
    'Trigger: rows shipped with the extension (reference configuration, 参考配置) cannot be changed or deleted, and no other row may claim to be one';

-- ===========================================================================
-- Privileges: PUBLIC gets nothing.  Grant USAGE on the schema and EXECUTE on
-- the functions a role needs (see README, "Privileges").
-- ===========================================================================
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA creditrisk FROM PUBLIC;
REVOKE ALL ON TYPE creditrisk.riskclass FROM PUBLIC;
REVOKE ALL ON TYPE creditrisk.uscc FROM PUBLIC;

-- The division code (行政区划代码) is a type of the whole extension: the
-- register, the reporting units and the jurisdictions use it.
CREATE DOMAIN creditrisk.division_code AS text
    CONSTRAINT division_code_format
    CHECK (VALUE ~ '^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])[0-9]{4}$');
COMMENT ON DOMAIN creditrisk.division_code IS
    'Administrative division code (行政区划代码, GB/T 2260): 6 digits starting with a province code, e.g. 411622 西华县';
REVOKE ALL ON DOMAIN creditrisk.division_code FROM PUBLIC;
