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

CREATE FUNCTION creditrisk.min_spot_check_ratio(creditrisk.riskclass) RETURNS numeric
    AS 'MODULE_PATHNAME', 'riskclass_min_spot_check_ratio' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 5;
COMMENT ON FUNCTION creditrisk.min_spot_check_ratio(creditrisk.riskclass) IS
    'Minimum random spot-check ratio (双随机抽查比例) of a class under the Henan measures art. 12-15: A 0.01, B 0.03, C 0.10, D 0.20';

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
COMMENT ON OPERATOR creditrisk.= (creditrisk.uscc, creditrisk.uscc) IS 'equal';
COMMENT ON OPERATOR creditrisk.<> (creditrisk.uscc, creditrisk.uscc) IS 'not equal';
COMMENT ON OPERATOR creditrisk.< (creditrisk.uscc, creditrisk.uscc) IS 'less than (text order)';
COMMENT ON OPERATOR creditrisk.<= (creditrisk.uscc, creditrisk.uscc) IS 'less than or equal (text order)';
COMMENT ON OPERATOR creditrisk.> (creditrisk.uscc, creditrisk.uscc) IS 'greater than (text order)';
COMMENT ON OPERATOR creditrisk.>= (creditrisk.uscc, creditrisk.uscc) IS 'greater than or equal (text order)';

-- ===========================================================================
-- Privileges: PUBLIC gets nothing.  Grant USAGE on the schema and EXECUTE on
-- the functions a role needs (see README, "Privileges").
-- ===========================================================================
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA creditrisk FROM PUBLIC;
REVOKE ALL ON TYPE creditrisk.riskclass FROM PUBLIC;
REVOKE ALL ON TYPE creditrisk.uscc FROM PUBLIC;
-- ===========================================================================
-- 1.1 Scoring engine: versioned three-level indicator models (指标体系) as
-- data, frozen once published; the C scorer; explanations and reason codes.
-- (Henan measures art. 8-9: scores 0-1000 from an indicator system that is
-- adjusted dynamically.)
-- ===========================================================================

-- Every change to a model's content takes a new revision number; scorers
-- cache compiled models per backend under (model_key, revision).
CREATE SEQUENCE creditrisk.model_revision_seq;
COMMENT ON SEQUENCE creditrisk.model_revision_seq IS
    'Revision numbers of model contents; a cached compiled model is reused only while its revision is current';

-- ---------------------------------------------------------------------------
-- The indicator catalogue (指标目录): what each level-3 indicator measures.
-- Models reference catalogue entries by code.
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.indicator (
    code        text PRIMARY KEY
                CONSTRAINT indicator_code_format CHECK (code ~ '^[a-z][a-z0-9_]{0,39}$'),
    name        text NOT NULL CONSTRAINT indicator_name_nonempty CHECK (name <> ''),
    name_en     text NOT NULL DEFAULT '',
    unit        text NOT NULL DEFAULT '',
    definition  text NOT NULL DEFAULT '',
    source      text NOT NULL DEFAULT '',
    builtin     boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE creditrisk.indicator IS
    'Indicator catalogue (指标目录): code, name, unit and definition of every level-3 indicator a model can use';
COMMENT ON COLUMN creditrisk.indicator.code IS 'Stable identifier: lower-case letters, digits and _, at most 40 characters';
COMMENT ON COLUMN creditrisk.indicator.definition IS 'What fact the indicator measures and how it is computed as of a date';
COMMENT ON COLUMN creditrisk.indicator.source IS 'The credit records it is computed from';
COMMENT ON COLUMN creditrisk.indicator.builtin IS 'Installed with the extension (not dumped: CREATE EXTENSION recreates it)';

-- ---------------------------------------------------------------------------
-- Models and their three-level tree.
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.model (
    model_key    text PRIMARY KEY
                 CONSTRAINT model_key_format CHECK (model_key ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    description  text NOT NULL DEFAULT '',
    status       text NOT NULL DEFAULT 'draft'
                 CONSTRAINT model_status_valid CHECK (status IN ('draft', 'published', 'retired')),
    based_on     text,
    created_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    published_at timestamptz,
    retired_at   timestamptz,
    revision     bigint NOT NULL DEFAULT pg_catalog.nextval('creditrisk.model_revision_seq'),
    seal         jsonb,
    CONSTRAINT model_published_has_seal CHECK ((status = 'draft') = (seal IS NULL)),
    CONSTRAINT model_published_has_date CHECK ((status = 'draft') = (published_at IS NULL)),
    CONSTRAINT model_retired_has_date CHECK ((status = 'retired') = (retired_at IS NOT NULL))
);
COMMENT ON TABLE creditrisk.model IS
    'Risk-scoring models (信用风险分类指标体系), versioned: a draft can be edited; published and retired models are frozen';
COMMENT ON COLUMN creditrisk.model.status IS 'draft (editable) -> published (frozen, scored by score()) -> retired (frozen, still scorable for history)';
COMMENT ON COLUMN creditrisk.model.based_on IS 'The model this one was copied from, if any';
COMMENT ON COLUMN creditrisk.model.revision IS 'Changes whenever the content changes; used to keep per-backend caches fresh';
COMMENT ON COLUMN creditrisk.model.seal IS 'Row counts of the published content; nothing can be added beyond them, and an incomplete (partly restored) model cannot be scored';

CREATE TABLE creditrisk.model_dimension (
    model_key  text NOT NULL REFERENCES creditrisk.model ON DELETE CASCADE,
    code       text NOT NULL CONSTRAINT dimension_code_format CHECK (code ~ '^[A-Za-z0-9_.-]{1,40}$'),
    name       text NOT NULL,
    name_en    text NOT NULL DEFAULT '',
    weight     double precision NOT NULL
               CONSTRAINT dimension_weight_positive CHECK (weight > 0 AND weight <= 1),
    position   integer NOT NULL,
    PRIMARY KEY (model_key, code),
    UNIQUE (model_key, position)
);
COMMENT ON TABLE creditrisk.model_dimension IS 'Level-1 indicators (一级指标) of a model, weighted; sibling weights sum to 1';

CREATE TABLE creditrisk.model_group (
    model_key      text NOT NULL,
    dimension_code text NOT NULL,
    code           text NOT NULL CONSTRAINT group_code_format CHECK (code ~ '^[A-Za-z0-9_.-]{1,40}$'),
    name           text NOT NULL,
    name_en        text NOT NULL DEFAULT '',
    weight         double precision NOT NULL
                   CONSTRAINT group_weight_positive CHECK (weight > 0 AND weight <= 1),
    position       integer NOT NULL,
    PRIMARY KEY (model_key, code),
    UNIQUE (model_key, dimension_code, position),
    FOREIGN KEY (model_key, dimension_code) REFERENCES creditrisk.model_dimension ON DELETE CASCADE
);
COMMENT ON TABLE creditrisk.model_group IS 'Level-2 indicators (二级指标) of a model, weighted within their dimension';

CREATE TABLE creditrisk.model_indicator (
    model_key      text NOT NULL,
    group_code     text NOT NULL,
    code           text NOT NULL REFERENCES creditrisk.indicator,
    weight         double precision NOT NULL
                   CONSTRAINT indicator_weight_positive CHECK (weight > 0 AND weight <= 1),
    position       integer NOT NULL CONSTRAINT indicator_position_positive CHECK (position >= 1),
    rule           text NOT NULL CONSTRAINT indicator_rule_kind CHECK (rule IN ('bins', 'categories', 'boolean')),
    missing_points double precision NOT NULL
                   CONSTRAINT indicator_missing_points_range CHECK (missing_points BETWEEN 0 AND 100),
    default_points double precision
                   CONSTRAINT indicator_default_points_range CHECK (default_points BETWEEN 0 AND 100),
    true_points    double precision
                   CONSTRAINT indicator_true_points_range CHECK (true_points BETWEEN 0 AND 100),
    false_points   double precision
                   CONSTRAINT indicator_false_points_range CHECK (false_points BETWEEN 0 AND 100),
    rationale      text NOT NULL DEFAULT '',
    PRIMARY KEY (model_key, code),
    UNIQUE (model_key, position),
    FOREIGN KEY (model_key, group_code) REFERENCES creditrisk.model_group ON DELETE CASCADE
);
CREATE INDEX model_indicator_code_idx ON creditrisk.model_indicator (code);
COMMENT ON TABLE creditrisk.model_indicator IS
    'Level-3 indicators (三级指标) of a model: weight in their group, position in the indicator array, and scoring rule';
COMMENT ON COLUMN creditrisk.model_indicator.position IS 'Index (1-based) of the indicator in the array passed to score()';
COMMENT ON COLUMN creditrisk.model_indicator.rule IS 'bins (numeric intervals, see model_bin), categories (see model_category, plus default_points) or boolean (true_points / false_points)';
COMMENT ON COLUMN creditrisk.model_indicator.missing_points IS 'Risk points (0-100) for a missing value';

CREATE TABLE creditrisk.model_bin (
    model_key      text NOT NULL,
    indicator_code text NOT NULL,
    lower          double precision,
    upper          double precision,
    points         double precision NOT NULL
                   CONSTRAINT bin_points_range CHECK (points BETWEEN 0 AND 100),
    label          text NOT NULL DEFAULT '',
    CONSTRAINT bin_bounds_finite CHECK (lower <> 'NaN' AND lower > '-Infinity' AND lower < 'Infinity'
                                        AND upper <> 'NaN' AND upper > '-Infinity' AND upper < 'Infinity'),
    FOREIGN KEY (model_key, indicator_code) REFERENCES creditrisk.model_indicator ON DELETE CASCADE
);
CREATE UNIQUE INDEX model_bin_key ON creditrisk.model_bin
    (model_key, indicator_code, coalesce(lower, '-Infinity'::double precision));
COMMENT ON TABLE creditrisk.model_bin IS
    'Numeric bins [lower, upper) of a bins indicator; NULL lower is -infinity, NULL upper is +infinity; together they must cover the real line without gaps or overlaps';

CREATE TABLE creditrisk.model_category (
    model_key      text NOT NULL,
    indicator_code text NOT NULL,
    value          double precision NOT NULL
                   CONSTRAINT category_value_finite CHECK (value <> 'NaN' AND value > '-Infinity' AND value < 'Infinity'),
    points         double precision NOT NULL
                   CONSTRAINT category_points_range CHECK (points BETWEEN 0 AND 100),
    label          text NOT NULL DEFAULT '',
    PRIMARY KEY (model_key, indicator_code, value),
    FOREIGN KEY (model_key, indicator_code) REFERENCES creditrisk.model_indicator ON DELETE CASCADE
);
COMMENT ON TABLE creditrisk.model_category IS 'Category codes of a categories indicator and their risk points; other values get the default points';

CREATE TABLE creditrisk.model_floor (
    model_key  text NOT NULL REFERENCES creditrisk.model ON DELETE CASCADE,
    code       text NOT NULL CONSTRAINT floor_code_format CHECK (code ~ '^[a-z][a-z0-9_]{0,39}$'),
    name       text NOT NULL,
    name_en    text NOT NULL DEFAULT '',
    floor      double precision NOT NULL CONSTRAINT floor_range CHECK (floor > 0 AND floor <= 1000),
    rationale  text NOT NULL DEFAULT '',
    PRIMARY KEY (model_key, code)
);
COMMENT ON TABLE creditrisk.model_floor IS
    'Qualitative judgement rules (定性判定): when all their conditions hold, the score is raised to at least floor';

CREATE TABLE creditrisk.model_floor_condition (
    model_key      text NOT NULL,
    floor_code     text NOT NULL,
    position       integer NOT NULL,
    indicator_code text NOT NULL,
    op             text NOT NULL CONSTRAINT condition_op_valid CHECK (op IN ('<', '<=', '=', '>=', '>', '<>')),
    value          double precision NOT NULL
                   CONSTRAINT condition_value_finite CHECK (value <> 'NaN' AND value > '-Infinity' AND value < 'Infinity'),
    PRIMARY KEY (model_key, floor_code, position),
    FOREIGN KEY (model_key, floor_code) REFERENCES creditrisk.model_floor ON DELETE CASCADE,
    FOREIGN KEY (model_key, indicator_code) REFERENCES creditrisk.model_indicator ON DELETE CASCADE
);
COMMENT ON TABLE creditrisk.model_floor_condition IS
    'Conditions of a floor rule, all of which must hold; a missing indicator value makes its condition false';

-- ---------------------------------------------------------------------------
-- Freezing published models.
-- ---------------------------------------------------------------------------

-- Refuse changes to the content of a model that is not a draft.  An insert
-- is let through only while the published content is incomplete, which is
-- what happens while pg_dump's data is being restored; the seal holds the
-- row counts, so nothing can be added beyond them.
CREATE FUNCTION creditrisk.model_content_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    key text;
    m creditrisk.model;
    existing bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN key := OLD.model_key; ELSE key := NEW.model_key; END IF;
    SELECT * INTO m FROM creditrisk.model WHERE model_key = key;
    IF TG_OP = 'UPDATE' AND OLD.model_key <> NEW.model_key AND m.status = 'draft' THEN
        SELECT * INTO m FROM creditrisk.model WHERE model_key = OLD.model_key;
    END IF;
    IF NOT FOUND OR m.status = 'draft' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('SELECT count(*) FROM %I.%I WHERE model_key = $1', TG_TABLE_SCHEMA, TG_TABLE_NAME)
           INTO existing USING key;
        IF existing < coalesce((m.seal ->> TG_TABLE_NAME)::bigint, 0) THEN
            RETURN NEW;   -- restoring the published content
        END IF;
    END IF;
    RAISE EXCEPTION 'model "%" is % and cannot be changed', m.model_key, m.status
        USING ERRCODE = 'object_not_in_prerequisite_state',
              DETAIL = format('%s on %s refused: published models are frozen so that every score they gave can be reproduced.',
                              TG_OP, TG_TABLE_NAME),
              HINT = format('Copy it to a new draft with creditrisk.model_copy(%L, ''new-key'') and change the copy.', m.model_key);
END
$$;
COMMENT ON FUNCTION creditrisk.model_content_guard() IS 'Trigger: refuses changes to the content of published and retired models';

CREATE FUNCTION creditrisk.model_content_truncate_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM creditrisk.model WHERE status <> 'draft') THEN
        RAISE EXCEPTION 'TRUNCATE of % refused: published models are frozen', TG_TABLE_NAME
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Delete the rows of draft models instead.';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.model_content_truncate_guard() IS 'Trigger: refuses TRUNCATE of model tables while any model is published';

-- Any change to a model's content gives the model a new revision.
CREATE FUNCTION creditrisk.model_content_touch() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    UPDATE creditrisk.model m SET revision = nextval('creditrisk.model_revision_seq')
     WHERE m.model_key IN (SELECT t.model_key FROM changed_rows t);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.model_content_touch() IS 'Trigger: gives a model a new revision when its content changes';

-- The catalogue entries a frozen model uses are frozen with it.
CREATE FUNCTION creditrisk.indicator_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    user_model text;
BEGIN
    SELECT mi.model_key INTO user_model
      FROM creditrisk.model_indicator mi JOIN creditrisk.model m USING (model_key)
     WHERE mi.code = OLD.code AND m.status <> 'draft'
     ORDER BY mi.model_key LIMIT 1;
    IF FOUND AND (TG_OP = 'DELETE' OR ROW(OLD.name, OLD.name_en, OLD.unit, OLD.definition, OLD.source)
                                  IS DISTINCT FROM ROW(NEW.name, NEW.name_en, NEW.unit, NEW.definition, NEW.source)) THEN
        RAISE EXCEPTION 'indicator "%" is used by published model "%" and cannot be changed', OLD.code, user_model
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add a new catalogue entry with another code for a changed definition.';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION creditrisk.indicator_guard() IS 'Trigger: refuses changes to catalogue entries used by published models';

CREATE TRIGGER indicator_guard BEFORE UPDATE OR DELETE ON creditrisk.indicator
    FOR EACH ROW EXECUTE FUNCTION creditrisk.indicator_guard();

DO $triggers$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['model_dimension', 'model_group', 'model_indicator', 'model_bin',
                             'model_category', 'model_floor', 'model_floor_condition']
    LOOP
        EXECUTE format('CREATE TRIGGER model_content_guard BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.%I
                        FOR EACH ROW EXECUTE FUNCTION creditrisk.model_content_guard()', t);
        EXECUTE format('CREATE TRIGGER model_content_truncate_guard BEFORE TRUNCATE ON creditrisk.%I
                        FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.model_content_truncate_guard()', t);
        EXECUTE format('CREATE TRIGGER model_content_touch_ins AFTER INSERT ON creditrisk.%I
                        REFERENCING NEW TABLE AS changed_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.model_content_touch()', t);
        EXECUTE format('CREATE TRIGGER model_content_touch_upd AFTER UPDATE ON creditrisk.%I
                        REFERENCING OLD TABLE AS changed_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.model_content_touch()', t);
        EXECUTE format('CREATE TRIGGER model_content_touch_del AFTER DELETE ON creditrisk.%I
                        REFERENCING OLD TABLE AS changed_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.model_content_touch()', t);
    END LOOP;
END
$triggers$;

-- ---------------------------------------------------------------------------
-- Validation (run on publish, and on demand).
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.model_validate(model text)
RETURNS TABLE (object text, problem text)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    tolerance CONSTANT double precision := 1e-9;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = model) THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;

    RETURN QUERY
    WITH dims AS (SELECT * FROM creditrisk.model_dimension d WHERE d.model_key = model),
         grps AS (SELECT * FROM creditrisk.model_group g WHERE g.model_key = model),
         inds AS (SELECT * FROM creditrisk.model_indicator i WHERE i.model_key = model),
         bins AS (SELECT b.*, lag(b.upper) OVER w AS prev_upper,
                         row_number() OVER w AS n, count(*) OVER (PARTITION BY b.indicator_code) AS total
                    FROM creditrisk.model_bin b WHERE b.model_key = model
                  WINDOW w AS (PARTITION BY b.indicator_code ORDER BY b.lower NULLS FIRST)),
         cats AS (SELECT * FROM creditrisk.model_category c WHERE c.model_key = model),
         problems(object, problem, ord) AS (
        -- the tree
        SELECT 'model ' || model, 'has no level-1 dimensions', 1
         WHERE NOT EXISTS (SELECT 1 FROM dims)
        UNION ALL
        SELECT 'model ' || model, format('level-1 weights sum to %s, not 1', trim_scale(round(sum(weight)::numeric, 9))), 2
          FROM dims HAVING count(*) > 0 AND abs(sum(weight) - 1) > tolerance
        UNION ALL
        SELECT 'dimension ' || d.code, 'has no level-2 groups', 3
          FROM dims d WHERE NOT EXISTS (SELECT 1 FROM grps g WHERE g.dimension_code = d.code)
        UNION ALL
        SELECT 'dimension ' || g.dimension_code, format('level-2 weights sum to %s, not 1', trim_scale(round(sum(g.weight)::numeric, 9))), 4
          FROM grps g GROUP BY g.dimension_code HAVING abs(sum(g.weight) - 1) > tolerance
        UNION ALL
        SELECT 'group ' || g.code, 'has no level-3 indicators', 5
          FROM grps g WHERE NOT EXISTS (SELECT 1 FROM inds i WHERE i.group_code = g.code)
        UNION ALL
        SELECT 'group ' || i.group_code, format('level-3 weights sum to %s, not 1', trim_scale(round(sum(i.weight)::numeric, 9))), 6
          FROM inds i GROUP BY i.group_code HAVING abs(sum(i.weight) - 1) > tolerance
        UNION ALL
        SELECT 'model ' || model, format('indicator positions are not 1..%s without gaps', count(*)), 7
          FROM inds HAVING count(*) > 0 AND max(position) <> count(*)
        -- scoring rules
        UNION ALL
        SELECT 'indicator ' || i.code, 'bins rule has no bins', 10
          FROM inds i WHERE i.rule = 'bins' AND NOT EXISTS (SELECT 1 FROM bins b WHERE b.indicator_code = i.code)
        UNION ALL
        SELECT 'indicator ' || b.indicator_code, 'first bin must start at -infinity (lower NULL)', 11
          FROM bins b WHERE b.n = 1 AND b.lower IS NOT NULL
        UNION ALL
        SELECT 'indicator ' || b.indicator_code, 'last bin must end at +infinity (upper NULL)', 12
          FROM bins b WHERE b.n = b.total AND b.upper IS NOT NULL
        UNION ALL
        SELECT 'indicator ' || b.indicator_code,
               format('bin [%s, %s) is empty or reversed', coalesce(b.lower::text, '-inf'), coalesce(b.upper::text, '+inf')), 13
          FROM bins b WHERE b.lower >= b.upper
        UNION ALL
        SELECT 'indicator ' || b.indicator_code,
               CASE WHEN b.prev_upper IS NULL THEN format('bin starting at %s overlaps the bin that extends to +infinity', b.lower)
                    WHEN b.lower > b.prev_upper THEN format('gap between %s and %s is not covered by any bin', b.prev_upper, b.lower)
                    ELSE format('bins overlap between %s and %s', b.lower, b.prev_upper) END, 14
          FROM bins b WHERE b.n > 1 AND b.lower IS DISTINCT FROM b.prev_upper
        UNION ALL
        SELECT 'indicator ' || i.code, 'categories rule has no categories', 15
          FROM inds i WHERE i.rule = 'categories' AND NOT EXISTS (SELECT 1 FROM cats c WHERE c.indicator_code = i.code)
        UNION ALL
        SELECT 'indicator ' || i.code, 'categories rule has no default points (for values not listed)', 16
          FROM inds i WHERE i.rule = 'categories' AND i.default_points IS NULL
        UNION ALL
        SELECT 'indicator ' || i.code, 'boolean rule needs both true_points and false_points', 17
          FROM inds i WHERE i.rule = 'boolean' AND (i.true_points IS NULL OR i.false_points IS NULL)
        UNION ALL
        SELECT 'indicator ' || i.code, format('%s rule must not have bins', i.rule), 18
          FROM inds i WHERE i.rule <> 'bins' AND EXISTS (SELECT 1 FROM bins b WHERE b.indicator_code = i.code)
        UNION ALL
        SELECT 'indicator ' || i.code, format('%s rule must not have categories', i.rule), 19
          FROM inds i WHERE i.rule <> 'categories' AND EXISTS (SELECT 1 FROM cats c WHERE c.indicator_code = i.code)
        -- floors
        UNION ALL
        SELECT 'floor ' || f.code, 'has no conditions', 20
          FROM creditrisk.model_floor f
         WHERE f.model_key = model
           AND NOT EXISTS (SELECT 1 FROM creditrisk.model_floor_condition c
                            WHERE c.model_key = model AND c.floor_code = f.code)
    )
    SELECT p.object, p.problem FROM problems p ORDER BY p.ord, p.object, p.problem;
END
$$;
COMMENT ON FUNCTION creditrisk.model_validate(text) IS
    'Every problem that keeps a model from being published, each with the object it concerns (empty when the model is valid)';

-- Errors shared by the model functions (C and SQL report them alike).
CREATE FUNCTION creditrisk.model_not_found(model text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
BEGIN
    RAISE EXCEPTION 'model "%" does not exist', model
        USING ERRCODE = 'undefined_object',
              HINT = 'SELECT model_key, status FROM creditrisk.model lists the models.';
END
$$;
COMMENT ON FUNCTION creditrisk.model_not_found(text) IS 'Raises the error for an unknown model key';

-- Row counts of a model's content, by table: the seal of a published model.
CREATE FUNCTION creditrisk.model_content_counts(model text) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT jsonb_build_object(
        'model_dimension', (SELECT count(*) FROM creditrisk.model_dimension WHERE model_key = model),
        'model_group', (SELECT count(*) FROM creditrisk.model_group WHERE model_key = model),
        'model_indicator', (SELECT count(*) FROM creditrisk.model_indicator WHERE model_key = model),
        'model_bin', (SELECT count(*) FROM creditrisk.model_bin WHERE model_key = model),
        'model_category', (SELECT count(*) FROM creditrisk.model_category WHERE model_key = model),
        'model_floor', (SELECT count(*) FROM creditrisk.model_floor WHERE model_key = model),
        'model_floor_condition', (SELECT count(*) FROM creditrisk.model_floor_condition WHERE model_key = model))
$$;
COMMENT ON FUNCTION creditrisk.model_content_counts(text) IS
    'Row counts of a model''s content by table; a published model''s seal must equal them before it is scored';

-- Status transitions, freezing and revisions of the model row itself.
CREATE FUNCTION creditrisk.model_row_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    problems text;
    n bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'model "%" is % and cannot be deleted', OLD.model_key, OLD.status
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'Published models are kept so that every score they gave can be reproduced.',
                      HINT = format('Retire it instead: SELECT creditrisk.model_retire(%L).', OLD.model_key);
        END IF;
        RETURN OLD;
    END IF;

    IF TG_OP = 'INSERT' THEN
        -- pg_dump restores published models with their seal; anything else starts as a draft.
        IF NEW.status <> 'draft' AND NEW.seal IS NULL THEN
            RAISE EXCEPTION 'a new model must start as a draft'
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'Insert it as a draft, fill it in, then publish it with creditrisk.model_publish().';
        END IF;
        RETURN NEW;
    END IF;

    -- UPDATE
    IF OLD.status <> 'draft' THEN
        IF NEW.status = 'retired' AND OLD.status = 'published'
           AND ROW(NEW.model_key, NEW.description, NEW.based_on, NEW.created_at, NEW.published_at, NEW.seal)
               IS NOT DISTINCT FROM ROW(OLD.model_key, OLD.description, OLD.based_on, OLD.created_at, OLD.published_at, OLD.seal)
        THEN
            NEW.revision := nextval('creditrisk.model_revision_seq');
            RETURN NEW;
        END IF;
        -- a new revision alone (content rows restored by pg_dump) is no change
        IF ROW(NEW.model_key, NEW.description, NEW.status, NEW.based_on, NEW.created_at,
               NEW.published_at, NEW.retired_at, NEW.seal)
           IS NOT DISTINCT FROM ROW(OLD.model_key, OLD.description, OLD.status, OLD.based_on, OLD.created_at,
                                    OLD.published_at, OLD.retired_at, OLD.seal) THEN
            RETURN NEW;
        END IF;
        IF NEW.status <> OLD.status THEN
            RAISE EXCEPTION 'model "%" cannot go from % to %', OLD.model_key, OLD.status, NEW.status
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = format('A model goes draft -> published -> retired. Copy it to change it: creditrisk.model_copy(%L, ''new-key'').', OLD.model_key);
        END IF;
        RAISE EXCEPTION 'model "%" is % and cannot be changed', OLD.model_key, OLD.status
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Copy it to a new draft with creditrisk.model_copy(%L, ''new-key'') and change the copy.', OLD.model_key);
    END IF;

    IF NEW.status = 'published' THEN
        SELECT string_agg(v.object || ': ' || v.problem, E'\n'), count(*) INTO problems, n
          FROM creditrisk.model_validate(OLD.model_key) v;
        IF n > 0 THEN
            RAISE EXCEPTION 'model "%" cannot be published: % problem%', OLD.model_key, n, CASE WHEN n > 1 THEN 's' ELSE '' END
                USING ERRCODE = 'invalid_object_definition',
                      DETAIL = problems,
                      HINT = format('SELECT * FROM creditrisk.model_validate(%L) lists the problems.', OLD.model_key);
        END IF;
        NEW.published_at := coalesce(NEW.published_at, now());
        NEW.seal := creditrisk.model_content_counts(OLD.model_key);
    ELSIF NEW.status = 'retired' THEN
        RAISE EXCEPTION 'model "%" is a draft and cannot be retired', OLD.model_key
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Delete a draft you no longer need, or publish it first.';
    END IF;
    NEW.revision := nextval('creditrisk.model_revision_seq');
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.model_row_guard() IS
    'Trigger: validates and seals a model on publish, allows only draft -> published -> retired, freezes non-drafts';

CREATE TRIGGER model_row_guard BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.model
    FOR EACH ROW EXECUTE FUNCTION creditrisk.model_row_guard();
CREATE TRIGGER model_content_truncate_guard BEFORE TRUNCATE ON creditrisk.model
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.model_content_truncate_guard();

-- ---------------------------------------------------------------------------
-- Model life cycle.
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.model_publish(model text) RETURNS void
LANGUAGE plpgsql STRICT SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    current_status text;
BEGIN
    SELECT status INTO current_status FROM creditrisk.model WHERE model_key = model FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;
    UPDATE creditrisk.model SET status = 'published' WHERE model_key = model;
END
$$;
COMMENT ON FUNCTION creditrisk.model_publish(text) IS
    'Validates a draft model and publishes it: from then on it is frozen and score() accepts it. Reports every problem found.';

CREATE FUNCTION creditrisk.model_retire(model text) RETURNS void
LANGUAGE plpgsql STRICT SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
BEGIN
    PERFORM 1 FROM creditrisk.model WHERE model_key = model FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;
    UPDATE creditrisk.model SET status = 'retired', retired_at = now() WHERE model_key = model;
END
$$;
COMMENT ON FUNCTION creditrisk.model_retire(text) IS
    'Retires a published model: it stays frozen and scorable, for re-scoring history';

CREATE FUNCTION creditrisk.model_copy(source text, new_key text, description text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    IF source IS NULL OR new_key IS NULL THEN
        RAISE EXCEPTION 'source and new_key must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model WHERE model_key = source) THEN
        PERFORM creditrisk.model_not_found(source);
    END IF;
    IF EXISTS (SELECT 1 FROM creditrisk.model WHERE model_key = new_key) THEN
        RAISE EXCEPTION 'model "%" already exists', new_key
            USING ERRCODE = 'duplicate_object', HINT = 'Choose another key for the copy.';
    END IF;
    INSERT INTO creditrisk.model (model_key, description, based_on)
    SELECT new_key, coalesce(model_copy.description, m.description), source
      FROM creditrisk.model m WHERE m.model_key = source;
    INSERT INTO creditrisk.model_dimension (model_key, code, name, name_en, weight, position)
    SELECT new_key, code, name, name_en, weight, position FROM creditrisk.model_dimension WHERE model_key = source;
    INSERT INTO creditrisk.model_group (model_key, dimension_code, code, name, name_en, weight, position)
    SELECT new_key, dimension_code, code, name, name_en, weight, position FROM creditrisk.model_group WHERE model_key = source;
    INSERT INTO creditrisk.model_indicator (model_key, group_code, code, weight, position, rule, missing_points,
                                            default_points, true_points, false_points, rationale)
    SELECT new_key, group_code, code, weight, position, rule, missing_points, default_points, true_points,
           false_points, rationale
      FROM creditrisk.model_indicator WHERE model_key = source;
    INSERT INTO creditrisk.model_bin (model_key, indicator_code, lower, upper, points, label)
    SELECT new_key, indicator_code, lower, upper, points, label FROM creditrisk.model_bin WHERE model_key = source;
    INSERT INTO creditrisk.model_category (model_key, indicator_code, value, points, label)
    SELECT new_key, indicator_code, value, points, label FROM creditrisk.model_category WHERE model_key = source;
    INSERT INTO creditrisk.model_floor (model_key, code, name, name_en, floor, rationale)
    SELECT new_key, code, name, name_en, floor, rationale FROM creditrisk.model_floor WHERE model_key = source;
    INSERT INTO creditrisk.model_floor_condition (model_key, floor_code, position, indicator_code, op, value)
    SELECT new_key, floor_code, position, indicator_code, op, value
      FROM creditrisk.model_floor_condition WHERE model_key = source;
    RETURN new_key;
END
$$;
COMMENT ON FUNCTION creditrisk.model_copy(text, text, text) IS
    'Starts a new model version as a draft copy of an existing model (the indicator system is adjusted dynamically, art. 8)';

-- The model's indicator order: the array that score() takes.
CREATE FUNCTION creditrisk.model_indicators(model text)
RETURNS TABLE ("position" integer, code text, name text, name_en text, unit text,
               dimension text, "group" text, rule text, weight double precision)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
BEGIN
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = model) THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;
    RETURN QUERY
    SELECT i.position, i.code, c.name, c.name_en, c.unit, d.name, g.name, i.rule,
           d.weight * g.weight * i.weight
      FROM creditrisk.model_indicator i
      JOIN creditrisk.indicator c ON c.code = i.code
      JOIN creditrisk.model_group g ON g.model_key = i.model_key AND g.code = i.group_code
      JOIN creditrisk.model_dimension d ON d.model_key = g.model_key AND d.code = g.dimension_code
     WHERE i.model_key = model
     ORDER BY i.position;
END
$$;
COMMENT ON FUNCTION creditrisk.model_indicators(text) IS
    'The level-3 indicators of a model in array order (the order score() expects), with names, tree and overall weight';

-- ---------------------------------------------------------------------------
-- Export and import: a model as one JSON document, every parameter included.
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.model_export(model text) RETURNS jsonb
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    m creditrisk.model;
BEGIN
    SELECT * INTO m FROM creditrisk.model WHERE model_key = model;
    IF NOT FOUND THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;
    RETURN jsonb_build_object(
        'format', 'creditrisk-model/1',
        'key', m.model_key,
        'description', m.description,
        'status', m.status,
        'based_on', m.based_on,
        'dimensions', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'code', d.code, 'name', d.name, 'name_en', d.name_en, 'weight', d.weight,
                       'groups', coalesce((
                           SELECT jsonb_agg(jsonb_build_object(
                                      'code', g.code, 'name', g.name, 'name_en', g.name_en, 'weight', g.weight,
                                      'indicators', coalesce((
                                          SELECT jsonb_agg(creditrisk.model_export_indicator(i) ORDER BY i.position)
                                            FROM creditrisk.model_indicator i
                                           WHERE i.model_key = model AND i.group_code = g.code), '[]'))
                                    ORDER BY g.position)
                             FROM creditrisk.model_group g
                            WHERE g.model_key = model AND g.dimension_code = d.code), '[]'))
                   ORDER BY d.position)
              FROM creditrisk.model_dimension d WHERE d.model_key = model), '[]'),
        'floors', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'code', f.code, 'name', f.name, 'name_en', f.name_en, 'floor', f.floor,
                       'rationale', f.rationale,
                       'when', (SELECT jsonb_agg(jsonb_build_object('indicator', c.indicator_code, 'op', c.op,
                                                                    'value', c.value) ORDER BY c.position)
                                  FROM creditrisk.model_floor_condition c
                                 WHERE c.model_key = model AND c.floor_code = f.code))
                   ORDER BY f.code)
              FROM creditrisk.model_floor f WHERE f.model_key = model), '[]'));
END
$$;
COMMENT ON FUNCTION creditrisk.model_export(text) IS
    'A model as one JSON document (format creditrisk-model/1) with every parameter; model_import() reads it back exactly';

CREATE FUNCTION creditrisk.model_export_indicator(i creditrisk.model_indicator) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT jsonb_build_object(
        'code', i.code, 'name', c.name, 'name_en', c.name_en, 'unit', c.unit, 'weight', i.weight,
        'definition', c.definition, 'source', c.source, 'rationale', i.rationale,
        'rule', jsonb_strip_nulls(jsonb_build_object(
            'kind', i.rule,
            'missing', i.missing_points,
            'default', i.default_points,
            'true', i.true_points,
            'false', i.false_points,
            'bins', (SELECT jsonb_agg(jsonb_build_object('lower', b.lower, 'upper', b.upper, 'points', b.points,
                                                          'label', b.label) ORDER BY b.lower NULLS FIRST)
                       FROM creditrisk.model_bin b WHERE b.model_key = i.model_key AND b.indicator_code = i.code),
            'categories', (SELECT jsonb_agg(jsonb_build_object('value', k.value, 'points', k.points, 'label', k.label)
                                            ORDER BY k.value)
                             FROM creditrisk.model_category k
                            WHERE k.model_key = i.model_key AND k.indicator_code = i.code))))
      FROM creditrisk.indicator c WHERE c.code = i.code
$$;
COMMENT ON FUNCTION creditrisk.model_export_indicator(creditrisk.model_indicator) IS 'One indicator of model_export()';

CREATE FUNCTION creditrisk.model_import(doc jsonb, new_key text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    key text := coalesce(new_key, doc ->> 'key');
    d jsonb; g jsonb; i jsonb; b jsonb; f jsonb; c jsonb;
    dpos int := 0; gpos int; ipos int := 0; cpos int;
    cat creditrisk.indicator;
BEGIN
    IF doc IS NULL OR jsonb_typeof(doc) <> 'object' OR doc ->> 'format' IS DISTINCT FROM 'creditrisk-model/1' THEN
        RAISE EXCEPTION 'not a creditrisk model document'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A model document is a JSON object with "format": "creditrisk-model/1".',
                  HINT = 'creditrisk.model_export() writes such documents.';
    END IF;
    IF key IS NULL THEN
        RAISE EXCEPTION 'model document has no key'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Pass one: creditrisk.model_import(doc, ''my-key'').';
    END IF;
    IF EXISTS (SELECT 1 FROM creditrisk.model WHERE model_key = key) THEN
        RAISE EXCEPTION 'model "%" already exists', key
            USING ERRCODE = 'duplicate_object',
                  HINT = 'Import it under another key: creditrisk.model_import(doc, ''new-key'').';
    END IF;

    INSERT INTO creditrisk.model (model_key, description, based_on)
    VALUES (key, coalesce(doc ->> 'description', ''), doc ->> 'based_on');

    FOR d IN SELECT * FROM jsonb_array_elements(coalesce(doc -> 'dimensions', '[]')) LOOP
        dpos := dpos + 1;
        INSERT INTO creditrisk.model_dimension (model_key, code, name, name_en, weight, position)
        VALUES (key, d ->> 'code', d ->> 'name', coalesce(d ->> 'name_en', ''), (d ->> 'weight')::float8, dpos);
        gpos := 0;
        FOR g IN SELECT * FROM jsonb_array_elements(coalesce(d -> 'groups', '[]')) LOOP
            gpos := gpos + 1;
            INSERT INTO creditrisk.model_group (model_key, dimension_code, code, name, name_en, weight, position)
            VALUES (key, d ->> 'code', g ->> 'code', g ->> 'name', coalesce(g ->> 'name_en', ''),
                    (g ->> 'weight')::float8, gpos);
            FOR i IN SELECT * FROM jsonb_array_elements(coalesce(g -> 'indicators', '[]')) LOOP
                ipos := ipos + 1;
                -- catalogue entry: reuse an identical one, create a missing one
                SELECT * INTO cat FROM creditrisk.indicator WHERE code = i ->> 'code';
                IF NOT FOUND THEN
                    INSERT INTO creditrisk.indicator (code, name, name_en, unit, definition, source)
                    VALUES (i ->> 'code', i ->> 'name', coalesce(i ->> 'name_en', ''), coalesce(i ->> 'unit', ''),
                            coalesce(i ->> 'definition', ''), coalesce(i ->> 'source', ''));
                ELSIF ROW(cat.name, cat.name_en, cat.unit, cat.definition, cat.source)
                      IS DISTINCT FROM ROW(i ->> 'name', coalesce(i ->> 'name_en', ''), coalesce(i ->> 'unit', ''),
                                           coalesce(i ->> 'definition', ''), coalesce(i ->> 'source', '')) THEN
                    RAISE EXCEPTION 'indicator "%" differs from the catalogue entry of the same code', cat.code
                        USING ERRCODE = 'invalid_parameter_value',
                              DETAIL = 'A catalogue code always means the same fact; the document gives another name, unit, definition or source.',
                              HINT = 'Give the indicator a new code in the document, or change the catalogue entry first.';
                END IF;
                INSERT INTO creditrisk.model_indicator (model_key, group_code, code, weight, position, rule,
                                                        missing_points, default_points, true_points, false_points,
                                                        rationale)
                VALUES (key, g ->> 'code', i ->> 'code', (i ->> 'weight')::float8, ipos, i #>> '{rule,kind}',
                        (i #>> '{rule,missing}')::float8, (i #>> '{rule,default}')::float8,
                        (i #>> '{rule,true}')::float8, (i #>> '{rule,false}')::float8,
                        coalesce(i ->> 'rationale', ''));
                FOR b IN SELECT * FROM jsonb_array_elements(coalesce(i #> '{rule,bins}', '[]')) LOOP
                    INSERT INTO creditrisk.model_bin (model_key, indicator_code, lower, upper, points, label)
                    VALUES (key, i ->> 'code', (b ->> 'lower')::float8, (b ->> 'upper')::float8,
                            (b ->> 'points')::float8, coalesce(b ->> 'label', ''));
                END LOOP;
                FOR c IN SELECT * FROM jsonb_array_elements(coalesce(i #> '{rule,categories}', '[]')) LOOP
                    INSERT INTO creditrisk.model_category (model_key, indicator_code, value, points, label)
                    VALUES (key, i ->> 'code', (c ->> 'value')::float8, (c ->> 'points')::float8,
                            coalesce(c ->> 'label', ''));
                END LOOP;
            END LOOP;
        END LOOP;
    END LOOP;

    FOR f IN SELECT * FROM jsonb_array_elements(coalesce(doc -> 'floors', '[]')) LOOP
        INSERT INTO creditrisk.model_floor (model_key, code, name, name_en, floor, rationale)
        VALUES (key, f ->> 'code', f ->> 'name', coalesce(f ->> 'name_en', ''), (f ->> 'floor')::float8,
                coalesce(f ->> 'rationale', ''));
        cpos := 0;
        FOR c IN SELECT * FROM jsonb_array_elements(coalesce(f -> 'when', '[]')) LOOP
            cpos := cpos + 1;
            INSERT INTO creditrisk.model_floor_condition (model_key, floor_code, position, indicator_code, op, value)
            VALUES (key, f ->> 'code', cpos, c ->> 'indicator', c ->> 'op', (c ->> 'value')::float8);
        END LOOP;
    END LOOP;

    IF doc ->> 'status' IN ('published', 'retired') THEN
        PERFORM creditrisk.model_publish(key);
    END IF;
    IF doc ->> 'status' = 'retired' THEN
        PERFORM creditrisk.model_retire(key);
    END IF;
    RETURN key;
END
$$;
COMMENT ON FUNCTION creditrisk.model_import(jsonb, text) IS
    'Creates a model from a model_export() document (under new_key if given), with its status: a published document is validated and published';

-- ---------------------------------------------------------------------------
-- The model as plain SQL, for audit and for systems without the extension.
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.model_to_sql(model text, indicators text DEFAULT 'ind') RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    sum_expr text;
    floor_expr text;
    lit CONSTANT text := '(%s)::float8';
BEGIN
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = model) THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;

    -- Left-to-right sum in indicator order, in float8, as the C scorer adds.
    SELECT string_agg(format(E'\n  + ' || lit || ' * %s', (d.weight * g.weight * i.weight * 10)::text, t.points_expr),
                      '' ORDER BY i.position)
      INTO sum_expr
      FROM creditrisk.model_indicator i
      JOIN creditrisk.model_group g ON g.model_key = i.model_key AND g.code = i.group_code
      JOIN creditrisk.model_dimension d ON d.model_key = g.model_key AND d.code = g.dimension_code
      CROSS JOIN LATERAL (
          SELECT format('CASE WHEN %1$s IS NULL THEN %2$s %3$s END',
                        format('%s[%s]', indicators, i.position),
                        format(lit, i.missing_points),
                        CASE i.rule
                        WHEN 'bins' THEN
                            (SELECT string_agg(CASE WHEN b.upper IS NULL
                                                    THEN format('ELSE ' || lit, b.points)
                                                    ELSE format('WHEN %s < ' || lit || ' THEN ' || lit,
                                                                format('%s[%s]', indicators, i.position), b.upper, b.points)
                                               END, ' ' ORDER BY b.lower NULLS FIRST)
                               FROM creditrisk.model_bin b
                              WHERE b.model_key = i.model_key AND b.indicator_code = i.code)
                        WHEN 'categories' THEN
                            coalesce((SELECT string_agg(format('WHEN %s = ' || lit || ' THEN ' || lit,
                                                               format('%s[%s]', indicators, i.position), k.value, k.points),
                                                        ' ' ORDER BY k.value)
                                        FROM creditrisk.model_category k
                                       WHERE k.model_key = i.model_key AND k.indicator_code = i.code), '')
                            || format(' ELSE ' || lit, i.default_points)
                        ELSE
                            format('WHEN %s <> 0 THEN ' || lit || ' ELSE ' || lit,
                                   format('%s[%s]', indicators, i.position), i.true_points, i.false_points)
                        END) AS points_expr) t
     WHERE i.model_key = model;

    SELECT string_agg(format(E',\n  CASE WHEN %s THEN ' || lit || ' END',
                             (SELECT string_agg(format('%s[%s] %s ' || lit, indicators, mi.position, c.op, c.value),
                                                ' AND ' ORDER BY c.position)
                                FROM creditrisk.model_floor_condition c
                                JOIN creditrisk.model_indicator mi
                                  ON mi.model_key = c.model_key AND mi.code = c.indicator_code
                               WHERE c.model_key = f.model_key AND c.floor_code = f.code),
                             f.floor), '' ORDER BY f.code)
      INTO floor_expr
      FROM creditrisk.model_floor f WHERE f.model_key = model;

    RETURN format(E'/* creditrisk model %s: score 0-1000 from %s (double precision[]) */\nGREATEST(\n  (0::float8%s)%s)',
                  model, indicators, coalesce(sum_expr, ''), coalesce(floor_expr, ''));
END
$$;
COMMENT ON FUNCTION creditrisk.model_to_sql(text, text) IS
    'The model as one plain SQL expression over an indicator array (named by the second argument), for audit and for systems without creditrisk';

-- ---------------------------------------------------------------------------
-- Scoring (C).  score() takes published (or retired) models only, which
-- never change, so it is IMMUTABLE; score_draft() takes any model and is
-- STABLE.  Compiled models are cached per backend and checked once per
-- query against the model's revision.
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.score(model text, indicators double precision[]) RETURNS double precision
    AS 'MODULE_PATHNAME', 'score_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100;
COMMENT ON FUNCTION creditrisk.score(text, double precision[]) IS
    'Risk score 0-1000 (higher = riskier) of one enterprise under a published model; indicator values in the model''s order (model_indicators()), NULL = missing';

CREATE FUNCTION creditrisk.score(model text, indicators jsonb) RETURNS double precision
    AS 'MODULE_PATHNAME', 'score_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 400;
COMMENT ON FUNCTION creditrisk.score(text, jsonb) IS
    'Risk score 0-1000 under a published model, with indicator values given by code in a JSON object; absent keys and nulls are missing values';

CREATE FUNCTION creditrisk.score_draft(model text, indicators double precision[]) RETURNS double precision
    AS 'MODULE_PATHNAME', 'score_draft_array' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 100;
COMMENT ON FUNCTION creditrisk.score_draft(text, double precision[]) IS
    'Risk score under any model, drafts included (STABLE: a draft can change); the model must pass model_validate()';

CREATE FUNCTION creditrisk.score_draft(model text, indicators jsonb) RETURNS double precision
    AS 'MODULE_PATHNAME', 'score_draft_jsonb' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 400;
COMMENT ON FUNCTION creditrisk.score_draft(text, jsonb) IS
    'Risk score under any model, drafts included, with values by indicator code';

CREATE FUNCTION creditrisk.score_explain(model text, indicators jsonb)
RETURNS TABLE ("position" integer, code text, name text, dimension text, "group" text,
               value double precision, matched text, points double precision,
               weight double precision, contribution double precision)
    AS 'MODULE_PATHNAME', 'score_explain_jsonb' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000 ROWS 85;
COMMENT ON FUNCTION creditrisk.score_explain(text, jsonb) IS
    'Why a score is what it is: one row per level-3 indicator (value, bin or category matched, points, weight, contribution in score units), then one row per floor rule that held; contributions sum to the score';

CREATE FUNCTION creditrisk.score_explain(model text, indicators double precision[])
RETURNS TABLE ("position" integer, code text, name text, dimension text, "group" text,
               value double precision, matched text, points double precision,
               weight double precision, contribution double precision)
    AS 'MODULE_PATHNAME', 'score_explain_array' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000 ROWS 85;
COMMENT ON FUNCTION creditrisk.score_explain(text, double precision[]) IS
    'score_explain() with indicator values in the model''s order';

CREATE FUNCTION creditrisk.score_reasons(model text, indicators jsonb, n integer DEFAULT 3) RETURNS text[]
    AS 'MODULE_PATHNAME', 'score_reasons_jsonb' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 500;
COMMENT ON FUNCTION creditrisk.score_reasons(text, jsonb, integer) IS
    'Reason codes: the n indicators (or a floor rule that raised the score) that added most risk above each indicator''s lowest points';

CREATE FUNCTION creditrisk.score_reasons(model text, indicators double precision[], n integer DEFAULT 3) RETURNS text[]
    AS 'MODULE_PATHNAME', 'score_reasons_array' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 300;
COMMENT ON FUNCTION creditrisk.score_reasons(text, double precision[], integer) IS
    'score_reasons() with indicator values in the model''s order';

-- ---------------------------------------------------------------------------
-- User data survives pg_dump: models and catalogue entries that are not
-- installed by the extension itself.
-- ---------------------------------------------------------------------------
SELECT pg_catalog.pg_extension_config_dump('creditrisk.indicator', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model', 'WHERE model_key <> ''reference-v1''');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_dimension', 'WHERE model_key <> ''reference-v1''');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_group', 'WHERE model_key <> ''reference-v1''');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_indicator', 'WHERE model_key <> ''reference-v1''');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_bin', 'WHERE model_key <> ''reference-v1''');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_category', 'WHERE model_key <> ''reference-v1''');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_floor', 'WHERE model_key <> ''reference-v1''');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_floor_condition', 'WHERE model_key <> ''reference-v1''');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_revision_seq', '');

-- Privileges: PUBLIC gets nothing (see the end of the foundation script).
REVOKE ALL ON ALL TABLES IN SCHEMA creditrisk FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA creditrisk FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA creditrisk FROM PUBLIC;
-- ===========================================================================
-- 1.1 Credit-information collection (归集, Henan measures art. 7): the
-- enterprise register and one table per kind of credit record.
--
-- Every record names the enterprise (uscc, which must be on the register),
-- the department that reported it (reported_by) and when it arrived
-- (received_at), so that collection timeliness can be measured.
--
-- Time semantics: a window "in the N before D" is (D - N, D]; a listing is
-- *current* on D when it was listed on or before D and not removed by D
-- (removed_date IS NULL OR removed_date > D).  creditrisk.is_current() says so.
-- ===========================================================================

CREATE DOMAIN creditrisk.division_code AS text
    CONSTRAINT division_code_format
    CHECK (VALUE ~ '^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])[0-9]{4}$');
COMMENT ON DOMAIN creditrisk.division_code IS
    'Administrative division code (行政区划代码, GB/T 2260): 6 digits starting with a province code, e.g. 411622 西华县';

CREATE DOMAIN creditrisk.industry_code AS text
    CONSTRAINT industry_code_format
    CHECK (VALUE ~ '^[A-T]([0-9]{2}([0-9]{1,2})?)?$');
COMMENT ON DOMAIN creditrisk.industry_code IS
    'Industry code (国民经济行业分类, GB/T 4754-2017): section letter A-T, optionally followed by the 2-digit division, 3-digit group or 4-digit class, e.g. C1391';

CREATE FUNCTION creditrisk.is_current(listed date, removed date, as_of date) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT listed <= as_of AND (removed IS NULL OR removed > as_of) $$;
COMMENT ON FUNCTION creditrisk.is_current(date, date, date) IS
    'Whether a listing is current on as_of: listed on or before it and not removed by it';

-- ---------------------------------------------------------------------------
-- The enterprise register (企业登记)
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.enterprise (
    uscc               creditrisk.uscc PRIMARY KEY,
    name               text NOT NULL CONSTRAINT enterprise_name_nonempty CHECK (name <> ''),
    division_code      creditrisk.division_code NOT NULL,
    industry_code      creditrisk.industry_code NOT NULL,
    entity_type        smallint NOT NULL
                       CONSTRAINT enterprise_entity_type_code CHECK (entity_type BETWEEN 1 AND 9),
    established_date   date NOT NULL
                       CONSTRAINT enterprise_established_not_future CHECK (established_date <= current_date),
    registered_capital numeric(16, 4)
                       CONSTRAINT enterprise_registered_capital_nonnegative CHECK (registered_capital >= 0),
    paid_in_capital    numeric(16, 4)
                       CONSTRAINT enterprise_paid_in_capital_nonnegative CHECK (paid_in_capital >= 0),
    status             text NOT NULL DEFAULT 'in_business'
                       CONSTRAINT enterprise_status_valid CHECK (status IN ('in_business', 'revoked', 'cancelled')),
    status_date        date,
    parent_uscc        creditrisk.uscc REFERENCES creditrisk.enterprise,
    reported_by        text NOT NULL CONSTRAINT enterprise_reported_by_nonempty CHECK (reported_by <> ''),
    received_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT enterprise_status_dated
        CHECK ((status = 'in_business') = (status_date IS NULL)),
    CONSTRAINT enterprise_status_after_establishment
        CHECK (status_date IS NULL OR status_date >= established_date),
    CONSTRAINT enterprise_not_own_branch CHECK (parent_uscc <> uscc)
);
CREATE INDEX enterprise_division_idx ON creditrisk.enterprise (division_code);
CREATE INDEX enterprise_parent_idx ON creditrisk.enterprise (parent_uscc) WHERE parent_uscc IS NOT NULL;
COMMENT ON TABLE creditrisk.enterprise IS
    'The enterprise register (企业登记) of the jurisdiction: one row per enterprise or branch, keyed by USCC';
COMMENT ON COLUMN creditrisk.enterprise.entity_type IS
    'Legal form: 1 state-owned or collective, 2 joint-stock, 3 LLC (2+ shareholders), 4 single-shareholder LLC, 5 foreign-invested, 6 sole proprietorship, 7 partnership, 8 farmers'' cooperative, 9 other';
COMMENT ON COLUMN creditrisk.enterprise.registered_capital IS 'Registered capital (注册资本), 10,000 CNY';
COMMENT ON COLUMN creditrisk.enterprise.paid_in_capital IS 'Paid-in capital (实缴资本), 10,000 CNY';
COMMENT ON COLUMN creditrisk.enterprise.status IS 'in_business (存续), revoked (吊销), cancelled (注销); status_date is when it became revoked or cancelled';
COMMENT ON COLUMN creditrisk.enterprise.parent_uscc IS 'For a branch (分支机构): the enterprise it belongs to';
COMMENT ON COLUMN creditrisk.enterprise.reported_by IS 'The department (unit) that reported the record';
COMMENT ON COLUMN creditrisk.enterprise.received_at IS 'When the record arrived';

-- ---------------------------------------------------------------------------
-- Credit records.  Each has the same first and last columns:
--   id, uscc (on the register), ..., reported_by, received_at
-- ---------------------------------------------------------------------------

CREATE TABLE creditrisk.licence (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc          creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    licence_number text NOT NULL CONSTRAINT licence_number_nonempty CHECK (licence_number <> ''),
    kind          text NOT NULL DEFAULT '',
    valid_from    date NOT NULL,
    valid_to      date,
    revoked_date  date,
    reported_by   text NOT NULL CONSTRAINT licence_reported_by_nonempty CHECK (reported_by <> ''),
    received_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT licence_valid_to_after_from CHECK (valid_to >= valid_from),
    CONSTRAINT licence_revoked_after_from CHECK (revoked_date >= valid_from),
    CONSTRAINT licence_revoked_not_future CHECK (revoked_date <= current_date)
);
CREATE INDEX licence_uscc_idx ON creditrisk.licence (uscc, valid_from);
COMMENT ON TABLE creditrisk.licence IS 'Administrative licences (行政许可): validity and revocation';
COMMENT ON COLUMN creditrisk.licence.valid_to IS 'Last day of validity; NULL = open-ended';
COMMENT ON COLUMN creditrisk.licence.kind IS 'Kind of licence (e.g. food business licence), used to match renewals';

CREATE TABLE creditrisk.penalty (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc               creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    decision_number    text NOT NULL UNIQUE CONSTRAINT penalty_decision_number_nonempty CHECK (decision_number <> ''),
    decision_date      date NOT NULL
                       CONSTRAINT penalty_decision_not_future CHECK (decision_date <= current_date),
    severity           text NOT NULL
                       CONSTRAINT penalty_severity_valid CHECK (severity IN ('minor', 'general', 'serious')),
    fine_amount        numeric(16, 4) NOT NULL DEFAULT 0
                       CONSTRAINT penalty_fine_nonnegative CHECK (fine_amount >= 0),
    publicity_end_date date,
    field              text NOT NULL DEFAULT 'other'
                       CONSTRAINT penalty_field_valid CHECK (field IN ('food', 'drugs', 'special_equipment', 'other')),
    reported_by        text NOT NULL CONSTRAINT penalty_reported_by_nonempty CHECK (reported_by <> ''),
    received_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT penalty_publicity_after_decision CHECK (publicity_end_date >= decision_date)
);
CREATE INDEX penalty_uscc_idx ON creditrisk.penalty (uscc, decision_date);
COMMENT ON TABLE creditrisk.penalty IS 'Administrative penalties (行政处罚), 双公示 within 7 working days of the decision';
COMMENT ON COLUMN creditrisk.penalty.fine_amount IS 'Fine and confiscation, 10,000 CNY';
COMMENT ON COLUMN creditrisk.penalty.publicity_end_date IS 'Actual end of publicity (公示期满), earlier when repaired (信用修复)';
COMMENT ON COLUMN creditrisk.penalty.field IS 'Field: food, drugs, special_equipment (通用+专业 key fields) or other';

CREATE TABLE creditrisk.spot_check (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc         creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    check_date   date NOT NULL CONSTRAINT spot_check_not_future CHECK (check_date <= current_date),
    outcome      text NOT NULL
                 CONSTRAINT spot_check_outcome_valid
                 CHECK (outcome IN ('pass', 'problems_found', 'rectification_ordered', 'not_found_at_address')),
    refused      boolean NOT NULL DEFAULT false,
    reported_by  text NOT NULL CONSTRAINT spot_check_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX spot_check_uscc_idx ON creditrisk.spot_check (uscc, check_date);
COMMENT ON TABLE creditrisk.spot_check IS 'Random spot-check results (双随机抽查结果); refused = refused or obstructed the inspection';

CREATE TABLE creditrisk.complaint (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc           creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    received_date  date NOT NULL CONSTRAINT complaint_not_future CHECK (received_date <= current_date),
    kind           text NOT NULL CONSTRAINT complaint_kind_valid CHECK (kind IN ('complaint', 'report')),
    substantiated  boolean,
    reported_by    text NOT NULL CONSTRAINT complaint_reported_by_nonempty CHECK (reported_by <> ''),
    received_at    timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX complaint_uscc_idx ON creditrisk.complaint (uscc, received_date);
COMMENT ON TABLE creditrisk.complaint IS 'Complaints (投诉) and reports (举报), e.g. from 12345/12315; substantiated NULL = not yet handled';

CREATE TABLE creditrisk.abnormal_listing (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc          creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    listed_date   date NOT NULL CONSTRAINT abnormal_listing_not_future CHECK (listed_date <= current_date),
    removed_date  date,
    reason        smallint NOT NULL
                  CONSTRAINT abnormal_listing_reason_code CHECK (reason IN (1, 2, 3, 4, 9)),
    reported_by   text NOT NULL CONSTRAINT abnormal_listing_reported_by_nonempty CHECK (reported_by <> ''),
    received_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT abnormal_listing_removed_after_listed CHECK (removed_date >= listed_date),
    CONSTRAINT abnormal_listing_removed_not_future CHECK (removed_date <= current_date)
);
CREATE INDEX abnormal_listing_uscc_idx ON creditrisk.abnormal_listing (uscc, listed_date);
COMMENT ON TABLE creditrisk.abnormal_listing IS 'Abnormal-operation list (经营异常名录) listings and removals';
COMMENT ON COLUMN creditrisk.abnormal_listing.reason IS
    '1 annual report not filed, 2 did not disclose when ordered, 3 false information, 4 unreachable at the registered address, 9 other';

CREATE TABLE creditrisk.serious_dishonesty_listing (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc          creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    listed_date   date NOT NULL CONSTRAINT serious_dishonesty_not_future CHECK (listed_date <= current_date),
    removed_date  date,
    reported_by   text NOT NULL CONSTRAINT serious_dishonesty_reported_by_nonempty CHECK (reported_by <> ''),
    received_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT serious_dishonesty_removed_after_listed CHECK (removed_date >= listed_date),
    CONSTRAINT serious_dishonesty_removed_not_future CHECK (removed_date <= current_date)
);
CREATE INDEX serious_dishonesty_uscc_idx ON creditrisk.serious_dishonesty_listing (uscc, listed_date);
COMMENT ON TABLE creditrisk.serious_dishonesty_listing IS
    'Serious-dishonesty list (严重违法失信名单, SAMR order 44): listings and removals; current ones force class D (art. 10)';

CREATE TABLE creditrisk.judgment_debtor_listing (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc          creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    listed_date   date NOT NULL CONSTRAINT judgment_debtor_not_future CHECK (listed_date <= current_date),
    removed_date  date,
    reported_by   text NOT NULL CONSTRAINT judgment_debtor_reported_by_nonempty CHECK (reported_by <> ''),
    received_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT judgment_debtor_removed_after_listed CHECK (removed_date >= listed_date),
    CONSTRAINT judgment_debtor_removed_not_future CHECK (removed_date <= current_date)
);
CREATE INDEX judgment_debtor_uscc_idx ON creditrisk.judgment_debtor_listing (uscc, listed_date);
COMMENT ON TABLE creditrisk.judgment_debtor_listing IS
    'Dishonest judgment debtors (失信被执行人), listed by courts: listings and removals; current ones force class D (art. 10)';

CREATE TABLE creditrisk.annual_report (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc         creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    year         smallint NOT NULL CONSTRAINT annual_report_year_range CHECK (year BETWEEN 2013 AND 2100),
    filed_on     date NOT NULL CONSTRAINT annual_report_filed_not_future CHECK (filed_on <= current_date),
    on_time      boolean NOT NULL GENERATED ALWAYS AS (filed_on <= make_date(year + 1, 6, 30)) STORED,
    reported_by  text NOT NULL CONSTRAINT annual_report_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT annual_report_filed_after_year CHECK (filed_on > make_date(year, 12, 31)),
    CONSTRAINT annual_report_once_a_year UNIQUE (uscc, year)
);
COMMENT ON TABLE creditrisk.annual_report IS
    'Annual reports (年度报告): the report for a year is due by 30 June of the next year (on_time)';

CREATE TABLE creditrisk.registration_change (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc         creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    change_date  date NOT NULL CONSTRAINT registration_change_not_future CHECK (change_date <= current_date),
    kind         text NOT NULL
                 CONSTRAINT registration_change_kind_valid
                 CHECK (kind IN ('legal_representative', 'name', 'address', 'scope', 'capital')),
    old_value    text,
    new_value    text,
    reported_by  text NOT NULL CONSTRAINT registration_change_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX registration_change_uscc_idx ON creditrisk.registration_change (uscc, change_date);
COMMENT ON TABLE creditrisk.registration_change IS
    'Registration changes (变更登记): legal representative, name, address, business scope, capital';

CREATE TABLE creditrisk.related_party_link (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_uscc    creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    to_uscc      creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    kind         text NOT NULL
                 CONSTRAINT related_party_kind_valid
                 CHECK (kind IN ('shareholder', 'common_legal_representative', 'branch')),
    valid_from   date,
    valid_to     date,
    reported_by  text NOT NULL CONSTRAINT related_party_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT related_party_not_self CHECK (from_uscc <> to_uscc),
    CONSTRAINT related_party_valid_to_after_from CHECK (valid_to >= valid_from)
);
CREATE INDEX related_party_from_idx ON creditrisk.related_party_link (from_uscc);
CREATE INDEX related_party_to_idx ON creditrisk.related_party_link (to_uscc);
COMMENT ON TABLE creditrisk.related_party_link IS
    'Related parties (关联关系): shareholder = from invests in to; branch = from is the parent of to; common_legal_representative is symmetric';

CREATE TABLE creditrisk.equity_pledge_freeze (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc         creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    kind         text NOT NULL CONSTRAINT equity_kind_valid CHECK (kind IN ('pledge', 'freeze')),
    start_date   date NOT NULL CONSTRAINT equity_start_not_future CHECK (start_date <= current_date),
    end_date     date,
    amount       numeric(16, 4) CONSTRAINT equity_amount_nonnegative CHECK (amount >= 0),
    reported_by  text NOT NULL CONSTRAINT equity_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT equity_end_after_start CHECK (end_date >= start_date)
);
CREATE INDEX equity_pledge_freeze_uscc_idx ON creditrisk.equity_pledge_freeze (uscc, start_date);
COMMENT ON TABLE creditrisk.equity_pledge_freeze IS
    'Equity pledges (股权出质) and freezes (股权冻结) of the enterprise''s equity; amount in 10,000 CNY';

CREATE TABLE creditrisk.lawsuit (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc         creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    filed_date   date NOT NULL CONSTRAINT lawsuit_not_future CHECK (filed_date <= current_date),
    role         text NOT NULL CONSTRAINT lawsuit_role_valid CHECK (role IN ('plaintiff', 'defendant', 'third_party')),
    kind         text NOT NULL
                 CONSTRAINT lawsuit_kind_valid CHECK (kind IN ('civil', 'labour', 'administrative', 'criminal', 'other')),
    reported_by  text NOT NULL CONSTRAINT lawsuit_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX lawsuit_uscc_idx ON creditrisk.lawsuit (uscc, filed_date);
COMMENT ON TABLE creditrisk.lawsuit IS 'Lawsuits (司法诉讼) the enterprise is party to';

CREATE TABLE creditrisk.public_opinion (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc            creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    published_date  date NOT NULL CONSTRAINT public_opinion_not_future CHECK (published_date <= current_date),
    sentiment       text NOT NULL
                    CONSTRAINT public_opinion_sentiment_valid CHECK (sentiment IN ('negative', 'neutral', 'positive')),
    source          text NOT NULL DEFAULT '',
    reported_by     text NOT NULL CONSTRAINT public_opinion_reported_by_nonempty CHECK (reported_by <> ''),
    received_at     timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX public_opinion_uscc_idx ON creditrisk.public_opinion (uscc, published_date);
COMMENT ON TABLE creditrisk.public_opinion IS 'Internet public-opinion items (网络舆情) about the enterprise';

CREATE TABLE creditrisk.domain_risk_class (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc           creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    domain         text NOT NULL CONSTRAINT domain_risk_class_domain_format CHECK (domain ~ '^[a-z][a-z_]{1,39}$'),
    class          creditrisk.riskclass NOT NULL,
    assessed_date  date NOT NULL CONSTRAINT domain_risk_class_not_future CHECK (assessed_date <= current_date),
    reported_by    text NOT NULL CONSTRAINT domain_risk_class_reported_by_nonempty CHECK (reported_by <> ''),
    received_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT domain_risk_class_once_a_day UNIQUE (uscc, domain, assessed_date)
);
COMMENT ON TABLE creditrisk.domain_risk_class IS
    'Professional (domain) risk classes (专业风险分类) for food, drugs, special equipment and other key fields, fused with the general class (通用+专业, art. 16); the latest assessment on or before a date applies';

-- ---------------------------------------------------------------------------
-- Indicator values computed elsewhere, loaded directly (by USCC, date and
-- indicator code), to be scored instead of computed ones.
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.indicator_value (
    uscc         creditrisk.uscc NOT NULL REFERENCES creditrisk.enterprise,
    as_of        date NOT NULL,
    code         text NOT NULL REFERENCES creditrisk.indicator,
    value        double precision
                 CONSTRAINT indicator_value_finite CHECK (value <> 'NaN' AND value > '-Infinity' AND value < 'Infinity'),
    reported_by  text NOT NULL CONSTRAINT indicator_value_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (as_of, uscc, code)
);
COMMENT ON TABLE creditrisk.indicator_value IS
    'Indicator values computed outside creditrisk, loaded by USCC, as-of date and catalogue code; NULL value = known to be missing';

CREATE FUNCTION creditrisk.loaded_indicators(model text, as_of date)
RETURNS TABLE (uscc creditrisk.uscc, indicators jsonb)
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT v.uscc, jsonb_object_agg(v.code, v.value)
      FROM creditrisk.indicator_value v
      JOIN creditrisk.model_indicator mi ON mi.code = v.code AND mi.model_key = loaded_indicators.model
     WHERE v.as_of = loaded_indicators.as_of
     GROUP BY v.uscc
$$;
COMMENT ON FUNCTION creditrisk.loaded_indicators(text, date) IS
    'Loaded indicator values of a model as of a date, one JSON object per enterprise, ready for score(model, jsonb); absent codes are missing values';

-- User data survives pg_dump (one call per statement: each updates pg_extension).
DO $dump$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['enterprise', 'licence', 'penalty', 'spot_check', 'complaint', 'abnormal_listing',
                             'serious_dishonesty_listing', 'judgment_debtor_listing', 'annual_report',
                             'registration_change', 'related_party_link', 'equity_pledge_freeze', 'lawsuit',
                             'public_opinion', 'domain_risk_class', 'indicator_value']
    LOOP
        PERFORM pg_catalog.pg_extension_config_dump(format('creditrisk.%I', t)::regclass, '');
        IF t NOT IN ('enterprise', 'indicator_value') THEN
            PERFORM pg_catalog.pg_extension_config_dump(
                pg_catalog.pg_get_serial_sequence(format('creditrisk.%I', t), 'id')::regclass, '');
        END IF;
    END LOOP;
END
$dump$;

REVOKE ALL ON ALL TABLES IN SCHEMA creditrisk FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA creditrisk FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA creditrisk FROM PUBLIC;
REVOKE ALL ON DOMAIN creditrisk.division_code FROM PUBLIC;
REVOKE ALL ON DOMAIN creditrisk.industry_code FROM PUBLIC;
-- The reference model reference-v1 (generated from models/reference-v1.json)
SELECT creditrisk.model_import($reference$
{
  "format": "creditrisk-model/1",
  "key": "reference-v1",
  "description": "Reference general-purpose enterprise credit-risk model (通用型企业信用风险分类指标体系) for market-regulation bureaus in Henan: the five level-1 dimensions of the SAMR national indicator system v1 (企业基础属性信息, 企业动态信息, 监管信息, 关联关系信息, 社会评价信息), 25 level-2 groups and 81 level-3 indicators, each computed as of a date from the collected credit records (归集) named in its source. Score = 10 x sum of dimension weight x group weight x indicator weight x points (0-100, 100 = riskiest), raised to the floor of any qualitative-judgement rule (定性判定) that holds, giving 0-1000 (higher = riskier; A [0,200), B [200,500), C [500,750), D [750,1000]). The national weights and bins are not public: every weight, bin, point value and floor here is a reference value chosen by domain judgement, not an official figure, and a bureau should recalibrate them on its own outcome data (copy the model, edit the draft, publish it under a new key). The article 10 direct classifications (current serious-dishonesty listing, current dishonest judgment debtor, high-social-concern industry) and the article 16 fusion with professional (domain) risk classes are applied by the classification stage, not by this score.",
  "dimensions": [
    {"code": "D1", "name": "企业基础属性信息", "name_en": "Basic attributes", "weight": 0.07,
     "groups": [
       {"code": "D1G1", "name": "企业规模", "name_en": "Enterprise size", "weight": 0.25,
        "indicators": [
          {"code": "registered_capital", "name": "注册资本", "name_en": "Registered capital",
           "unit": "10k CNY", "weight": 0.4,
           "definition": "Registered (subscribed, 认缴) capital on the register as of D, in 10,000 yuan (万元); capital in another currency is converted to CNY by the register's rate. A branch (分支机构) has no capital of its own and takes its parent's.",
           "source": "register.registered_capital (register.parent_uscc for a branch)",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 10, "points": 60},
             {"lower": 10, "upper": 50, "points": 45},
             {"lower": 50, "upper": 100, "points": 35},
             {"lower": 100, "upper": 500, "points": 25},
             {"lower": 500, "upper": 5000, "points": 15},
             {"lower": 5000, "upper": null, "points": 10}
             ], "missing": 50},
           "rationale": "Under the subscription system capital says little about real strength, so the spread is kept narrow (10-60). Very small capital (< 100k yuan) goes with the shortest-lived and most often abandoned enterprises; large capital with an operating history is a mild sign of substance. Missing 50: the register always holds capital, so absence is a data defect and is treated as average risk."},
          {"code": "corporate_shareholder_count", "name": "企业股东数", "name_en": "Enterprise shareholders",
           "unit": "count", "weight": 0.2,
           "definition": "Number of distinct enterprises that are shareholders (投资人) of the enterprise on D: related-party links of kind shareholder whose invested side is the enterprise and that are in force on D. Natural-person shareholders are not in the link records and are not counted.",
           "source": "related_party_link (kind = shareholder, to_uscc = enterprise)",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 30},
             {"lower": 1, "upper": 3, "points": 20},
             {"lower": 3, "upper": null, "points": 10}
             ], "missing": 30},
           "rationale": "Institutional shareholders bring governance, audit and reputational stakes; most small private firms have none, so zero is only mildly elevated (30) and the effect is small."},
          {"code": "branch_count", "name": "分支机构数", "name_en": "Branches",
           "unit": "count", "weight": 0.2,
           "definition": "Number of branches of the enterprise in business on D: register entries with is_branch = true and parent_uscc = the enterprise, established on or before D and not revoked or cancelled by D. 0 for a branch.",
           "source": "register.is_branch, register.parent_uscc, register.established_date, register.status, register.status_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 30},
             {"lower": 1, "upper": 5, "points": 15},
             {"lower": 5, "upper": null, "points": 10}
             ], "missing": 30},
           "rationale": "An enterprise that sustains branches has a real operating footprint; most small enterprises have none (30)."},
          {"code": "outbound_investment_count", "name": "对外投资企业数", "name_en": "Outbound investments",
           "unit": "count", "weight": 0.2,
           "definition": "Number of distinct enterprises in which the enterprise holds equity on D: related-party links of kind shareholder whose investing side is the enterprise and that are in force on D.",
           "source": "related_party_link (kind = shareholder, from_uscc = enterprise)",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 25},
             {"lower": 1, "upper": 5, "points": 15},
             {"lower": 5, "upper": 20, "points": 10},
             {"lower": 20, "upper": null, "points": 35}
             ], "missing": 25},
           "rationale": "U-shaped: a few subsidiaries indicate an established business; twenty or more holdings by one enterprise is a pattern of layered holding or shell networks (空壳公司) and scores higher."}
        ]},
       {"code": "D1G2", "name": "成立年限与存续状态", "name_en": "Age and registration status", "weight": 0.25,
        "indicators": [
          {"code": "years_in_operation", "name": "成立年限", "name_en": "Years in operation",
           "unit": "years", "weight": 0.65,
           "definition": "Time from the establishment date to D, in days / 365.25. Negative if established after D (then the enterprise should not be scored for D).",
           "source": "register.established_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 70},
             {"lower": 1, "upper": 2, "points": 55},
             {"lower": 2, "upper": 3, "points": 45},
             {"lower": 3, "upper": 5, "points": 35},
             {"lower": 5, "upper": 10, "points": 20},
             {"lower": 10, "upper": null, "points": 10}
             ], "missing": 50},
           "rationale": "Young enterprises are the most likely to miss their first annual report, be listed as abnormal, be unreachable at the registered address or be abandoned; the risk falls steadily with survival. The points are moderate so that a clean new enterprise stays in class A or B."},
          {"code": "status_revoked", "name": "营业执照被吊销", "name_en": "Business licence revoked",
           "unit": "flag", "weight": 0.35,
           "definition": "1 if the enterprise's registration status on D is revoked (吊销): register.status = revoked with a status date on or before D; otherwise 0.",
           "source": "register.status, register.status_date",
           "rule": {"kind": "boolean", "true": 100, "false": 0, "missing": 20},
           "rationale": "Revocation of the business licence is the gravest registration sanction; the enterprise may not operate but often keeps trading or leaves debts. The floor rule business_licence_revoked guarantees class D."}
        ]},
       {"code": "D1G3", "name": "主体类型", "name_en": "Entity type", "weight": 0.15,
        "indicators": [
          {"code": "entity_type_class", "name": "主体类型", "name_en": "Entity type",
           "unit": "code", "weight": 0.6,
           "definition": "The enterprise's legal form on D, mapped from the register's entity type (企业类型) to a code: 1 state-owned or collective, 2 joint-stock company, 3 limited liability company with two or more shareholders, 4 single-shareholder LLC (一人有限责任公司), 5 foreign-invested enterprise, 6 sole proprietorship (个人独资企业), 7 partnership (合伙企业), 8 farmers' specialised cooperative (农民专业合作社). A branch takes the code of its parent's legal form.",
           "source": "register.entity_type (register.parent_uscc for a branch)",
           "rule": {"kind": "categories", "categories": [
             {"value": 1, "label": "国有或集体企业 state-owned or collective", "points": 10},
             {"value": 2, "label": "股份有限公司 joint-stock company", "points": 15},
             {"value": 3, "label": "有限责任公司 LLC (2+ shareholders)", "points": 25},
             {"value": 4, "label": "一人有限责任公司 single-shareholder LLC", "points": 35},
             {"value": 5, "label": "外商投资企业 foreign-invested", "points": 20},
             {"value": 6, "label": "个人独资企业 sole proprietorship", "points": 35},
             {"value": 7, "label": "合伙企业 partnership", "points": 35},
             {"value": 8, "label": "农民专业合作社 farmers' cooperative", "points": 30}
             ], "default": 30, "missing": 30},
           "rationale": "Forms with more governance and disclosure (state-owned, joint-stock) fail less often; one-person forms lack internal checks and mix owner and company assets. The spread (10-35) is deliberately small."},
          {"code": "is_branch", "name": "分支机构", "name_en": "Is a branch",
           "unit": "flag", "weight": 0.4,
           "definition": "1 if the enterprise is a branch (分支机构) on the register, else 0.",
           "source": "register.is_branch",
           "rule": {"kind": "boolean", "true": 30, "false": 10, "missing": 15},
           "rationale": "A branch has no legal personality or capital of its own and leaves a thin record; branches are more often left dormant without deregistration. Its parent's condition is scored in parent_adverse."}
        ]},
       {"code": "D1G4", "name": "行业属性", "name_en": "Industry", "weight": 0.15,
        "indicators": [
          {"code": "industry_section_class", "name": "行业门类", "name_en": "Industry section",
           "unit": "code", "weight": 0.6,
           "definition": "Section (门类) of the enterprise's main industry code (GB/T 4754-2017) on the register, letter mapped to a number: A=1, B=2, ..., T=20.",
           "source": "register.industry_code",
           "rule": {"kind": "categories", "categories": [
             {"value": 1, "label": "A 农、林、牧、渔业 agriculture", "points": 20},
             {"value": 2, "label": "B 采矿业 mining", "points": 35},
             {"value": 3, "label": "C 制造业 manufacturing", "points": 25},
             {"value": 4, "label": "D 电力、热力、燃气及水 utilities", "points": 15},
             {"value": 5, "label": "E 建筑业 construction", "points": 35},
             {"value": 6, "label": "F 批发和零售业 wholesale and retail", "points": 30},
             {"value": 7, "label": "G 交通运输、仓储和邮政 transport", "points": 25},
             {"value": 8, "label": "H 住宿和餐饮业 accommodation and catering", "points": 35},
             {"value": 9, "label": "I 信息传输、软件和信息技术服务 IT", "points": 25},
             {"value": 10, "label": "J 金融业 finance", "points": 35},
             {"value": 11, "label": "K 房地产业 real estate", "points": 35},
             {"value": 12, "label": "L 租赁和商务服务业 leasing and business services", "points": 35},
             {"value": 13, "label": "M 科学研究和技术服务 research", "points": 20},
             {"value": 14, "label": "N 水利、环境和公共设施管理 environment", "points": 20},
             {"value": 15, "label": "O 居民服务、修理和其他服务 residents' services", "points": 30},
             {"value": 16, "label": "P 教育 education", "points": 30},
             {"value": 17, "label": "Q 卫生和社会工作 health", "points": 30},
             {"value": 18, "label": "R 文化、体育和娱乐 culture and sport", "points": 30},
             {"value": 19, "label": "S 公共管理、社会保障和社会组织 public administration", "points": 10},
             {"value": 20, "label": "T 国际组织 international organisations", "points": 10}
             ], "default": 25, "missing": 30},
           "rationale": "Sector base rates of complaints, penalties and abnormal listings in market regulation are highest in catering, construction, mining, real estate, finance-related and business-service agencies. Kept narrow (10-35): the article 10 'high-social-concern industry' override is applied later, not here."},
          {"code": "key_field_industry", "name": "重点领域行业", "name_en": "Key-field industry",
           "unit": "flag", "weight": 0.4,
           "definition": "1 if on D the enterprise works in a key field of article 16 (food, drugs, special equipment): its GB/T 4754 code starts with one of C13, C14, C15, F512, F521, F522, H62 (food), C27, F515, F525 (drugs), C341, C343 (special equipment), or it has a professional domain risk class assessed on or before D; else 0.",
           "source": "register.industry_code; domain_risk_class.assessed_date",
           "rule": {"kind": "boolean", "true": 40, "false": 10, "missing": 20},
           "rationale": "Failures in food, drugs and special equipment harm life and health, so the general model leans towards inspecting them. The domain class itself is not scored here: article 16 fuses it with the general class later, and scoring it twice would double count."}
        ]},
       {"code": "D1G5", "name": "资质许可", "name_en": "Licences", "weight": 0.2,
        "indicators": [
          {"code": "licence_lapsed", "name": "许可证全部失效", "name_en": "All licences lapsed",
           "unit": "flag", "weight": 0.35,
           "definition": "1 if the enterprise has held at least one administrative licence with valid_from on or before D and on D none is valid (valid_from <= D < valid_to, an empty valid_to meaning open-ended, and not revoked on or before D); 0 otherwise, including an enterprise that never held a licence.",
           "source": "licence.valid_from, licence.valid_to, licence.revoked_date",
           "rule": {"kind": "boolean", "true": 60, "false": 0, "missing": 10},
           "rationale": "An enterprise whose business needed a licence and which holds none now is either operating without a licence (无证经营) or has stopped operating without deregistering: both call for a visit."},
          {"code": "licence_expired_unrenewed_1y", "name": "近一年许可到期未延续数", "name_en": "Licences expired, not renewed (1 year)",
           "unit": "count", "weight": 0.3,
           "definition": "Licences of the enterprise whose valid_to lies in (D − 1 year, D] and that were not renewed: no other licence of the enterprise (of the same kind, where the records carry a kind) has a valid_from between valid_to − 180 days and D.",
           "source": "licence.valid_from, licence.valid_to (licence.kind if recorded)",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 40},
             {"lower": 2, "upper": null, "points": 70}
             ], "missing": 10},
           "rationale": "The national system names 'licences expired or invalid' (许可证过期/失效); an expiry without a successor is a likely case of unlicensed operation or of quiet exit."},
          {"code": "licence_revoked_3y", "name": "近三年许可被吊销撤销数", "name_en": "Licences revoked (3 years)",
           "unit": "count", "weight": 0.35,
           "definition": "Licences of the enterprise whose revoked_date lies in (D − 3 years, D].",
           "source": "licence.revoked_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 75},
             {"lower": 2, "upper": null, "points": 100}
             ], "missing": 10},
           "rationale": "Revocation (吊销) or withdrawal (撤销) of a licence follows a serious violation or a licence obtained by fraud."}
        ]}
     ]},
    {"code": "D2", "name": "企业动态信息", "name_en": "Dynamic information", "weight": 0.17,
     "groups": [
       {"code": "D2G1", "name": "登记事项变更", "name_en": "Registration changes", "weight": 0.2,
        "indicators": [
          {"code": "legal_rep_changes_1y", "name": "近一年法定代表人变更次数", "name_en": "Legal representative changes (1 year)",
           "unit": "count", "weight": 0.3,
           "definition": "Registration changes of kind legal_representative with change_date in (D − 1 year, D] (several records of the same kind on the same day count once).",
           "source": "registration_change.change_date, registration_change.kind = legal_representative",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 25},
             {"lower": 2, "upper": 3, "points": 65},
             {"lower": 3, "upper": null, "points": 100}
             ], "missing": 15},
           "rationale": "Frequent replacement of the legal representative (频繁变更法定代表人) is a classic sign of nominee representatives (挂名法人), of an enterprise being sold as a shell, or of someone escaping liability. One change is routine."},
          {"code": "name_changes_1y", "name": "近一年名称变更次数", "name_en": "Name changes (1 year)",
           "unit": "count", "weight": 0.15,
           "definition": "Registration changes of kind name with change_date in (D − 1 year, D].",
           "source": "registration_change.change_date, registration_change.kind = name",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 30},
             {"lower": 2, "upper": null, "points": 80}
             ], "missing": 15},
           "rationale": "Repeated renaming breaks the link between an enterprise and its reputation and is used to shed complaints."},
          {"code": "address_changes_1y", "name": "近一年住所变更次数", "name_en": "Address changes (1 year)",
           "unit": "count", "weight": 0.2,
           "definition": "Registration changes of kind address with change_date in (D − 1 year, D].",
           "source": "registration_change.change_date, registration_change.kind = address",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 20},
             {"lower": 2, "upper": 3, "points": 55},
             {"lower": 3, "upper": null, "points": 85}
             ], "missing": 15},
           "rationale": "Frequent moves (频繁变更住所) go with virtual addresses and evasion of local supervision."},
          {"code": "scope_changes_1y", "name": "近一年经营范围变更次数", "name_en": "Business scope changes (1 year)",
           "unit": "count", "weight": 0.1,
           "definition": "Registration changes of kind scope with change_date in (D − 1 year, D].",
           "source": "registration_change.change_date, registration_change.kind = scope",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 10},
             {"lower": 2, "upper": 3, "points": 30},
             {"lower": 3, "upper": null, "points": 60}
             ], "missing": 15},
           "rationale": "Scope changes are often legitimate diversification; only repeated changes weigh, and lightly."},
          {"code": "capital_changes_1y", "name": "近一年注册资本变更次数", "name_en": "Registered capital changes (1 year)",
           "unit": "count", "weight": 0.1,
           "definition": "Registration changes of kind capital with change_date in (D − 1 year, D].",
           "source": "registration_change.change_date, registration_change.kind = capital",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 15},
             {"lower": 2, "upper": 3, "points": 45},
             {"lower": 3, "upper": null, "points": 75}
             ], "missing": 15},
           "rationale": "Repeated increases and reductions of capital are used to inflate apparent strength or to withdraw capital before debts fall due."},
          {"code": "changes_total_3y", "name": "近三年登记事项变更总次数", "name_en": "All registration changes (3 years)",
           "unit": "count", "weight": 0.15,
           "definition": "Registration changes of any kind with change_date in (D − 3 years, D].",
           "source": "registration_change.change_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 3, "points": 0},
             {"lower": 3, "upper": 6, "points": 20},
             {"lower": 6, "upper": 10, "points": 50},
             {"lower": 10, "upper": null, "points": 85}
             ], "missing": 15},
           "rationale": "Captures sustained instability that the one-year counts miss."}
        ]},
       {"code": "D2G2", "name": "出资情况", "name_en": "Capital contribution", "weight": 0.15,
        "indicators": [
          {"code": "paid_in_ratio", "name": "实缴资本比例", "name_en": "Paid-in capital ratio",
           "unit": "ratio", "weight": 0.6,
           "definition": "Paid-in capital divided by registered capital on D (0-1; above 1 is a data error and scores as 1). Missing when registered capital is 0 or unknown. A branch takes its parent's ratio.",
           "source": "register.paid_in_capital, register.registered_capital (register.parent_uscc for a branch)",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 0.2, "points": 40},
             {"lower": 0.2, "upper": 0.5, "points": 30},
             {"lower": 0.5, "upper": 1, "points": 15},
             {"lower": 1, "upper": null, "points": 0}
             ], "missing": 30},
           "rationale": "Capital that is subscribed but not paid (认缴未实缴) gives creditors no protection. Zero paid-in capital is common under the subscription system, so the highest bin is only 40."},
          {"code": "unpaid_capital", "name": "认缴未实缴资本", "name_en": "Unpaid subscribed capital",
           "unit": "10k CNY", "weight": 0.4,
           "definition": "Registered capital minus paid-in capital on D, in 10,000 yuan. A branch takes its parent's value.",
           "source": "register.registered_capital, register.paid_in_capital (register.parent_uscc for a branch)",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 100, "points": 10},
             {"lower": 100, "upper": 1000, "points": 25},
             {"lower": 1000, "upper": 5000, "points": 45},
             {"lower": 5000, "upper": null, "points": 65}
             ], "missing": 30},
           "rationale": "Large unpaid subscriptions inflate the capital shown to trading partners (虚高注册资本) and are a liability the shareholders may not honour."}
        ]},
       {"code": "D2G3", "name": "年度报告", "name_en": "Annual reports", "weight": 0.25,
        "indicators": [
          {"code": "annual_report_latest_missing", "name": "最近年度年报未报送", "name_en": "Latest annual report missing",
           "unit": "flag", "weight": 0.4,
           "definition": "The report for year Y is due by 30 June of Y + 1, for every Y from the year of establishment on. The latest due year on D is the last Y whose deadline is before D. 1 if no report for that year was filed on or before D; 0 if it was, or if no year is due yet.",
           "source": "annual_report.year, annual_report.filed_on; register.established_date",
           "rule": {"kind": "boolean", "true": 100, "false": 0, "missing": 40},
           "rationale": "Failure to file the annual report (未按时公示年报) is the commonest reason for abnormal listing and a strong sign of an enterprise that has stopped operating or stopped caring about compliance. Missing 40: absence of annual-report data is itself a warning."},
          {"code": "annual_reports_missing_3y", "name": "近三个年度未报年报数", "name_en": "Annual reports missing (3 years)",
           "unit": "count", "weight": 0.3,
           "definition": "Among the last three due years (the latest due year and the two before it, counting only years from the year of establishment on), the number with no report filed on or before D.",
           "source": "annual_report.year, annual_report.filed_on; register.established_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 60},
             {"lower": 2, "upper": 3, "points": 85},
             {"lower": 3, "upper": null, "points": 100}
             ], "missing": 40},
           "rationale": "Repeated non-filing marks a dormant or abandoned enterprise; three missing years is practically certain."},
          {"code": "annual_reports_late_3y", "name": "近三个年度逾期报送年报数", "name_en": "Annual reports filed late (3 years)",
           "unit": "count", "weight": 0.3,
           "definition": "Among the same three due years, the number of reports filed on or before D with on_time = false (filed after 30 June of the following year).",
           "source": "annual_report.year, annual_report.filed_on, annual_report.on_time",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 40},
             {"lower": 2, "upper": 3, "points": 65},
             {"lower": 3, "upper": null, "points": 85}
             ], "missing": 30},
           "rationale": "Late filing usually follows an abnormal listing and its removal (补报); a habit of it shows weak compliance."}
        ]},
       {"code": "D2G4", "name": "股权出质与冻结", "name_en": "Equity pledges and freezes", "weight": 0.2,
        "indicators": [
          {"code": "equity_pledges_current", "name": "当前股权出质数", "name_en": "Current equity pledges",
           "unit": "count", "weight": 0.25,
           "definition": "Pledges (股权出质) of equity in the enterprise in force on D: records of kind pledge with start_date <= D and end_date empty or after D.",
           "source": "equity_pledge_freeze.kind = pledge, equity_pledge_freeze.start_date, equity_pledge_freeze.end_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 3, "points": 30},
             {"lower": 3, "upper": null, "points": 55}
             ], "missing": 15},
           "rationale": "Pledging equity is a normal financing tool, but it shows shareholders borrowing against the enterprise; several pledges at once show financial strain (股权出质 in the national examples)."},
          {"code": "equity_freezes_current", "name": "当前股权冻结数", "name_en": "Current equity freezes",
           "unit": "count", "weight": 0.35,
           "definition": "Freezes (股权冻结) of equity in the enterprise in force on D: records of kind freeze with start_date <= D and end_date empty or after D.",
           "source": "equity_pledge_freeze.kind = freeze, equity_pledge_freeze.start_date, equity_pledge_freeze.end_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 70},
             {"lower": 2, "upper": null, "points": 90}
             ], "missing": 15},
           "rationale": "A court or authority froze the equity to secure enforcement: the enterprise or its shareholders are in unresolved legal or debt trouble."},
          {"code": "equity_pledges_1y", "name": "近一年新增股权出质数", "name_en": "New equity pledges (1 year)",
           "unit": "count", "weight": 0.15,
           "definition": "Records of kind pledge with start_date in (D − 1 year, D].",
           "source": "equity_pledge_freeze.kind = pledge, equity_pledge_freeze.start_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 20},
             {"lower": 2, "upper": 4, "points": 40},
             {"lower": 4, "upper": null, "points": 60}
             ], "missing": 15},
           "rationale": "A burst of new pledges signals a recent need for cash."},
          {"code": "equity_freezes_3y", "name": "近三年股权冻结数", "name_en": "Equity freezes (3 years)",
           "unit": "count", "weight": 0.25,
           "definition": "Records of kind freeze with start_date in (D − 3 years, D], whether or not still in force.",
           "source": "equity_pledge_freeze.kind = freeze, equity_pledge_freeze.start_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 40},
             {"lower": 2, "upper": 3, "points": 65},
             {"lower": 3, "upper": null, "points": 85}
             ], "missing": 15},
           "rationale": "Freezes that were lifted still show a recent history of enforcement."}
        ]},
       {"code": "D2G5", "name": "司法涉诉", "name_en": "Litigation", "weight": 0.2,
        "indicators": [
          {"code": "lawsuits_defendant_1y", "name": "近一年被诉案件数", "name_en": "Lawsuits as defendant (1 year)",
           "unit": "count", "weight": 0.35,
           "definition": "Lawsuits in which the enterprise is defendant (被告), any kind, with filed_date in (D − 1 year, D].",
           "source": "lawsuit.filed_date, lawsuit.role = defendant",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 30},
             {"lower": 2, "upper": 5, "points": 60},
             {"lower": 5, "upper": 10, "points": 85},
             {"lower": 10, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Being sued is the most direct public sign of unpaid debts, defective goods or broken contracts; one suit is common in normal business, many are not."},
          {"code": "lawsuits_defendant_3y", "name": "近三年被诉案件数", "name_en": "Lawsuits as defendant (3 years)",
           "unit": "count", "weight": 0.25,
           "definition": "Lawsuits in which the enterprise is defendant, any kind, with filed_date in (D − 3 years, D].",
           "source": "lawsuit.filed_date, lawsuit.role = defendant",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 3, "points": 20},
             {"lower": 3, "upper": 10, "points": 50},
             {"lower": 10, "upper": 30, "points": 75},
             {"lower": 30, "upper": null, "points": 95}
             ], "missing": 20},
           "rationale": "Longer window: persistent litigation rather than a single dispute."},
          {"code": "labour_disputes_defendant_1y", "name": "近一年劳动争议被诉数", "name_en": "Labour disputes as defendant (1 year)",
           "unit": "count", "weight": 0.2,
           "definition": "Lawsuits of kind labour (劳动争议) in which the enterprise is defendant, with filed_date in (D − 1 year, D].",
           "source": "lawsuit.filed_date, lawsuit.role = defendant, lawsuit.kind = labour",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 50},
             {"lower": 2, "upper": 5, "points": 75},
             {"lower": 5, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Wage arrears and unpaid social insurance surface as labour disputes; they stand in for the tax and social-security indicators of the national system, whose data are not collected here."},
          {"code": "criminal_defendant_3y", "name": "近三年涉刑事案件数", "name_en": "Criminal cases as defendant (3 years)",
           "unit": "count", "weight": 0.2,
           "definition": "Lawsuits of kind criminal in which the enterprise is the defendant unit (单位犯罪), with filed_date in (D − 3 years, D].",
           "source": "lawsuit.filed_date, lawsuit.role = defendant, lawsuit.kind = criminal",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Prosecution of the enterprise itself (fraud, counterfeit goods, illegal fund-raising) is the most serious judicial signal short of a dishonesty listing."}
        ]}
     ]},
    {"code": "D3", "name": "监管信息", "name_en": "Regulatory information", "weight": 0.56,
     "groups": [
       {"code": "D3G1", "name": "经营异常名录", "name_en": "Abnormal-operation list", "weight": 0.24,
        "indicators": [
          {"code": "abnormal_list_current", "name": "当前列入经营异常名录", "name_en": "Currently on the abnormal-operation list",
           "unit": "flag", "weight": 0.35,
           "definition": "1 if the enterprise has a listing with listed_date <= D and removed_date empty or after D; else 0.",
           "source": "abnormal_listing.listed_date, abnormal_listing.removed_date",
           "rule": {"kind": "boolean", "true": 100, "false": 0, "missing": 30},
           "rationale": "A current abnormal listing (经营异常名录) is the national system's first regulatory example and the strongest everyday signal of an enterprise that is not meeting its obligations; the floor abnormal_list_not_a keeps a listed enterprise out of class A."},
          {"code": "abnormal_list_times_3y", "name": "近三年列入经营异常名录次数", "name_en": "Abnormal listings (3 years)",
           "unit": "count", "weight": 0.25,
           "definition": "Listings with listed_date in (D − 3 years, D], removed or not.",
           "source": "abnormal_listing.listed_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 60},
             {"lower": 2, "upper": 3, "points": 90},
             {"lower": 3, "upper": null, "points": 100}
             ], "missing": 30},
           "rationale": "Repeat listings show a pattern, not an oversight, even when each was repaired."},
          {"code": "abnormal_list_reason_current", "name": "当前列异原因", "name_en": "Reason of the current abnormal listing",
           "unit": "code", "weight": 0.2,
           "definition": "Reason of the enterprise's current listing(s) on D, as a code: 0 not currently listed, 1 annual report not published on time, 2 information not published within the ordered period, 3 false or concealed information in published information, 4 cannot be reached at the registered address or premises; any other reason 9. With several current listings, the code with the highest points.",
           "source": "abnormal_listing.listed_date, abnormal_listing.removed_date, abnormal_listing.reason",
           "rule": {"kind": "categories", "categories": [
             {"value": 0, "label": "未列入 not listed", "points": 0},
             {"value": 1, "label": "未按规定公示年度报告 annual report not published", "points": 60},
             {"value": 2, "label": "未在责令期限内公示信息 did not publish when ordered", "points": 75},
             {"value": 3, "label": "公示信息隐瞒真实情况、弄虚作假 false information", "points": 100},
             {"value": 4, "label": "通过登记的住所或者经营场所无法联系 unreachable at registered address", "points": 100}
             ], "default": 70, "missing": 30},
           "rationale": "The four statutory reasons differ in gravity: false information and disappearance from the registered address are far worse than a late annual report."},
          {"code": "abnormal_list_current_days", "name": "当前列异持续天数", "name_en": "Days on the abnormal list",
           "unit": "days", "weight": 0.2,
           "definition": "Days the enterprise has been on the abnormal-operation list without interruption on D, counting the day of listing as day 1: D − (earliest listed_date among the current listings) + 1; 0 if not currently listed.",
           "source": "abnormal_listing.listed_date, abnormal_listing.removed_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 365, "points": 50},
             {"lower": 365, "upper": 730, "points": 75},
             {"lower": 730, "upper": 1095, "points": 90},
             {"lower": 1095, "upper": null, "points": 100}
             ], "missing": 30},
           "rationale": "An enterprise that stays listed does not repair; after three years it is due for transfer to the serious-dishonesty list (SAMR order 44)."}
        ]},
       {"code": "D3G2", "name": "严重违法失信名单", "name_en": "Serious-dishonesty list", "weight": 0.06,
        "indicators": [
          {"code": "serious_dishonesty_current", "name": "当前列入严重违法失信名单", "name_en": "Currently on the serious-dishonesty list",
           "unit": "flag", "weight": 0.5,
           "definition": "1 if the enterprise has a serious-dishonesty listing with listed_date <= D and removed_date empty or after D; else 0.",
           "source": "serious_dishonesty_listing.listed_date, serious_dishonesty_listing.removed_date",
           "rule": {"kind": "boolean", "true": 100, "false": 0, "missing": 30},
           "rationale": "The gravest regulatory status. Article 10 puts such an enterprise in class D directly at the classification stage; the score reflects it too, so that the score and the reason codes explain the class."},
          {"code": "serious_dishonesty_listings_5y", "name": "近五年列入严重违法失信名单次数", "name_en": "Serious-dishonesty listings (5 years)",
           "unit": "count", "weight": 0.3,
           "definition": "Listings with listed_date in (D − 5 years, D], removed or not.",
           "source": "serious_dishonesty_listing.listed_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 80},
             {"lower": 2, "upper": null, "points": 100}
             ], "missing": 30},
           "rationale": "A listing lasts up to three years; a five-year window keeps the history visible for a while after it ends."},
          {"code": "serious_dishonesty_removed_2y", "name": "近两年移出严重违法失信名单次数", "name_en": "Removed from the serious-dishonesty list (2 years)",
           "unit": "count", "weight": 0.2,
           "definition": "Listings with removed_date in (D − 2 years, D].",
           "source": "serious_dishonesty_listing.removed_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": null, "points": 50}
             ], "missing": 30},
           "rationale": "Recently repaired enterprises relapse more often than others; the points are moderate so that credit repair (信用修复) still pays off."}
        ]},
       {"code": "D3G3", "name": "失信被执行人", "name_en": "Dishonest judgment debtor", "weight": 0.05,
        "indicators": [
          {"code": "judgment_debtor_current", "name": "当前为失信被执行人", "name_en": "Currently a dishonest judgment debtor",
           "unit": "flag", "weight": 0.5,
           "definition": "1 if the enterprise has a dishonest-judgment-debtor listing (失信被执行人) with listed_date <= D and removed_date empty or after D; else 0.",
           "source": "judgment_debtor_listing.listed_date, judgment_debtor_listing.removed_date",
           "rule": {"kind": "boolean", "true": 100, "false": 0, "missing": 30},
           "rationale": "The enterprise refuses to perform a court judgment it is able to perform. Article 10 classifies it D directly at the classification stage; the score reflects it as well."},
          {"code": "judgment_debtor_listings_3y", "name": "近三年被列为失信被执行人次数", "name_en": "Dishonest-debtor listings (3 years)",
           "unit": "count", "weight": 0.3,
           "definition": "Listings with listed_date in (D − 3 years, D], removed or not.",
           "source": "judgment_debtor_listing.listed_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 70},
             {"lower": 2, "upper": 3, "points": 90},
             {"lower": 3, "upper": null, "points": 100}
             ], "missing": 30},
           "rationale": "History of refusing to pay judgments, even when later performed."},
          {"code": "judgment_debtor_removed_1y", "name": "近一年移出失信被执行人名单次数", "name_en": "Removed from the dishonest-debtor list (1 year)",
           "unit": "count", "weight": 0.2,
           "definition": "Listings with removed_date in (D − 1 year, D].",
           "source": "judgment_debtor_listing.removed_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": null, "points": 50}
             ], "missing": 30},
           "rationale": "Recent removal (usually by performing the judgment) leaves elevated risk for a year."}
        ]},
       {"code": "D3G4", "name": "行政处罚频次", "name_en": "Penalty frequency", "weight": 0.2,
        "indicators": [
          {"code": "penalties_1y", "name": "近一年行政处罚次数", "name_en": "Administrative penalties (1 year)",
           "unit": "count", "weight": 0.4,
           "definition": "Administrative penalty decisions against the enterprise with decision_date in (D − 1 year, D], counted by distinct decision number.",
           "source": "penalty.decision_date, penalty.decision_number",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 60},
             {"lower": 2, "upper": 3, "points": 85},
             {"lower": 3, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Recent penalties (行政处罚) are the most direct evidence of violations; repeated penalties within a year show they did not deter."},
          {"code": "penalties_3y", "name": "近三年行政处罚次数", "name_en": "Administrative penalties (3 years)",
           "unit": "count", "weight": 0.35,
           "definition": "Penalty decisions with decision_date in (D − 3 years, D], by distinct decision number.",
           "source": "penalty.decision_date, penalty.decision_number",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 50},
             {"lower": 2, "upper": 3, "points": 70},
             {"lower": 3, "upper": 5, "points": 90},
             {"lower": 5, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Three years matches the longest penalty publicity period of SAMR order 44."},
          {"code": "penalties_in_publicity", "name": "处于公示期的行政处罚数", "name_en": "Penalties still in publicity",
           "unit": "count", "weight": 0.25,
           "definition": "Penalty decisions with decision_date <= D and publicity_end_date after D (still publicised: neither expired nor ended early by credit repair).",
           "source": "penalty.decision_date, penalty.publicity_end_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 60},
             {"lower": 2, "upper": 3, "points": 80},
             {"lower": 3, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Ties the score to the publicity rules: a repaired penalty (publicity ended early) stops counting here, so credit repair lowers the score; it is also the condition of the floors penalty_publicised_not_a and serious_penalty_unrepaired."}
        ]},
       {"code": "D3G5", "name": "行政处罚严重程度", "name_en": "Penalty severity", "weight": 0.15,
        "indicators": [
          {"code": "penalty_max_severity_3y", "name": "近三年最重处罚等级", "name_en": "Most severe penalty (3 years)",
           "unit": "code", "weight": 0.3,
           "definition": "Highest severity among penalty decisions with decision_date in (D − 3 years, D]: 0 none, 1 minor (轻微), 2 general (一般), 3 serious (严重).",
           "source": "penalty.decision_date, penalty.severity",
           "rule": {"kind": "categories", "categories": [
             {"value": 0, "label": "无 none", "points": 0},
             {"value": 1, "label": "轻微 minor", "points": 30},
             {"value": 2, "label": "一般 general", "points": 70},
             {"value": 3, "label": "严重 serious", "points": 100}
             ], "default": 70, "missing": 20},
           "rationale": "Severity grades follow the publicity regimes (minor 3 months; general and serious longer): a serious penalty means large fines, licence revocation or suspension of production."},
          {"code": "penalties_serious_3y", "name": "近三年严重处罚次数", "name_en": "Serious penalties (3 years)",
           "unit": "count", "weight": 0.3,
           "definition": "Penalty decisions of severity serious with decision_date in (D − 3 years, D].",
           "source": "penalty.decision_date, penalty.severity = serious",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 80},
             {"lower": 2, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Serious penalties are the regulatory events most predictive of serious dishonesty listing; two within three years trigger the floor serious_penalties_repeated."},
          {"code": "penalties_general_3y", "name": "近三年一般处罚次数", "name_en": "General penalties (3 years)",
           "unit": "count", "weight": 0.15,
           "definition": "Penalty decisions of severity general with decision_date in (D − 3 years, D].",
           "source": "penalty.decision_date, penalty.severity = general",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 60},
             {"lower": 2, "upper": 3, "points": 85},
             {"lower": 3, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Ordinary violations; weigh by repetition."},
          {"code": "penalty_fines_3y", "name": "近三年罚款金额", "name_en": "Fines (3 years)",
           "unit": "10k CNY", "weight": 0.25,
           "definition": "Sum of fine_amount of penalty decisions with decision_date in (D − 3 years, D], in 10,000 yuan (万元).",
           "source": "penalty.decision_date, penalty.fine_amount",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 0.5, "points": 0},
             {"lower": 0.5, "upper": 5, "points": 40},
             {"lower": 5, "upper": 20, "points": 65},
             {"lower": 20, "upper": 100, "points": 85},
             {"lower": 100, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Fine size tracks the gain from, and the harm of, the violation. Fines under 5,000 yuan add nothing beyond the count."}
        ]},
       {"code": "D3G6", "name": "重点领域处罚", "name_en": "Key-field penalties", "weight": 0.12,
        "indicators": [
          {"code": "penalties_key_field_1y", "name": "近一年重点领域行政处罚次数", "name_en": "Key-field penalties (1 year)",
           "unit": "count", "weight": 0.4,
           "definition": "Penalty decisions with field food, drugs or special_equipment and decision_date in (D − 1 year, D].",
           "source": "penalty.decision_date, penalty.field in (food, drugs, special_equipment)",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 75},
             {"lower": 2, "upper": 3, "points": 95},
             {"lower": 3, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Food, drugs and special equipment (art. 16 key fields) are where violations harm life and health: a recent penalty there is a strong reason for closer supervision, on top of its weight as a penalty."},
          {"code": "penalties_key_field_3y", "name": "近三年重点领域行政处罚次数", "name_en": "Key-field penalties (3 years)",
           "unit": "count", "weight": 0.35,
           "definition": "Penalty decisions with field food, drugs or special_equipment and decision_date in (D − 3 years, D].",
           "source": "penalty.decision_date, penalty.field in (food, drugs, special_equipment)",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 55},
             {"lower": 2, "upper": 3, "points": 80},
             {"lower": 3, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Key-field penalties are publicised for at least one year before repair is allowed; three years keeps the pattern in view."},
          {"code": "penalties_key_field_serious_3y", "name": "近三年重点领域严重处罚次数", "name_en": "Serious key-field penalties (3 years)",
           "unit": "count", "weight": 0.25,
           "definition": "Penalty decisions with field food, drugs or special_equipment, severity serious and decision_date in (D − 3 years, D].",
           "source": "penalty.decision_date, penalty.field in (food, drugs, special_equipment), penalty.severity = serious",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "A serious violation in a key field (e.g. unsafe food, counterfeit drugs, an uninspected lift) is the case the 'general + professional' approach exists for."}
        ]},
       {"code": "D3G7", "name": "抽查检查", "name_en": "Spot checks and inspections", "weight": 0.18,
        "indicators": [
          {"code": "spot_check_refused_1y", "name": "近一年拒绝阻碍检查次数", "name_en": "Refused inspection (1 year)",
           "unit": "count", "weight": 0.25,
           "definition": "Spot checks and inspections with check_date in (D − 1 year, D] whose refused flag is set (拒绝、阻碍检查).",
           "source": "spot_check.check_date, spot_check.refused",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Refusing or obstructing an inspection defeats supervision itself; the floor refused_inspection_1y ensures at least class C."},
          {"code": "spot_check_problems_3y", "name": "近三年抽查发现问题次数", "name_en": "Checks with problems found (3 years)",
           "unit": "count", "weight": 0.15,
           "definition": "Spot checks with check_date in (D − 3 years, D] and outcome problems_found.",
           "source": "spot_check.check_date, spot_check.outcome = problems_found",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 60},
             {"lower": 2, "upper": 3, "points": 80},
             {"lower": 3, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Problems found on site are direct evidence; minor ones are common, repeated ones are not."},
          {"code": "spot_check_rectification_1y", "name": "近一年责令整改次数", "name_en": "Ordered to rectify (1 year)",
           "unit": "count", "weight": 0.15,
           "definition": "Spot checks with check_date in (D − 1 year, D] and outcome rectification_ordered (责令整改).",
           "source": "spot_check.check_date, spot_check.outcome = rectification_ordered",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 75},
             {"lower": 2, "upper": 3, "points": 90},
             {"lower": 3, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "An order to rectify means the problem was material; a repeat within a year means it was not fixed."},
          {"code": "spot_check_not_found_3y", "name": "近三年通过登记住所无法联系次数", "name_en": "Not found at registered address (3 years)",
           "unit": "count", "weight": 0.2,
           "definition": "Spot checks with check_date in (D − 3 years, D] and outcome not_found_at_address (通过登记的住所或经营场所无法联系).",
           "source": "spot_check.check_date, spot_check.outcome = not_found_at_address",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 85},
             {"lower": 2, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "An enterprise that is not where it registered cannot be supervised; such enterprises are listed as abnormal and are often shells."},
          {"code": "spot_check_last_outcome", "name": "最近一次抽查结果", "name_en": "Outcome of the latest check",
           "unit": "code", "weight": 0.1,
           "definition": "Outcome of the enterprise's latest spot check with check_date <= D: 1 pass, 2 problems_found, 3 rectification_ordered, 4 not_found_at_address, 5 refused (refused flag set, whatever the outcome). Missing if the enterprise has never been checked.",
           "source": "spot_check.check_date, spot_check.outcome, spot_check.refused",
           "rule": {"kind": "categories", "categories": [
             {"value": 1, "label": "合格 pass", "points": 0},
             {"value": 2, "label": "发现问题 problems found", "points": 60},
             {"value": 3, "label": "责令整改 rectification ordered", "points": 80},
             {"value": 4, "label": "无法联系 not found at address", "points": 100},
             {"value": 5, "label": "拒绝检查 refused", "points": 100}
             ], "default": 50, "missing": 20},
           "rationale": "The latest state matters most; an enterprise never inspected is unverified, hence a small missing value (20)."},
          {"code": "spot_check_pass_ratio_3y", "name": "近三年抽查合格率", "name_en": "Spot-check pass ratio (3 years)",
           "unit": "ratio", "weight": 0.15,
           "definition": "Checks with check_date in (D − 3 years, D] and outcome pass (refused flag not set), divided by all checks in that window; missing if there was none.",
           "source": "spot_check.check_date, spot_check.outcome, spot_check.refused",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 0.5, "points": 100},
             {"lower": 0.5, "upper": 0.8, "points": 70},
             {"lower": 0.8, "upper": 1, "points": 35},
             {"lower": 1, "upper": null, "points": 0}
             ], "missing": 15},
           "rationale": "A good inspection record over several checks is the best evidence of compliance; a poor one the opposite."}
        ]}
     ]},
    {"code": "D4", "name": "关联关系信息", "name_en": "Related parties", "weight": 0.06,
     "groups": [
       {"code": "D4G1", "name": "关联网络", "name_en": "Related-party network", "weight": 0.15,
        "indicators": [
          {"code": "related_enterprise_count", "name": "关联企业数", "name_en": "Related enterprises",
           "unit": "count", "weight": 0.5,
           "definition": "Size of the related set on D: distinct enterprises other than this one linked to it by a related-party link in force on D, of any kind (shareholder in either direction, common legal representative, branch or parent).",
           "source": "related_party_link (any kind, either direction)",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 15},
             {"lower": 1, "upper": 10, "points": 10},
             {"lower": 10, "upper": 30, "points": 25},
             {"lower": 30, "upper": 100, "points": 45},
             {"lower": 100, "upper": null, "points": 60}
             ], "missing": 15},
           "rationale": "A small, ordinary group is the norm; very large webs of linked enterprises make abuse (asset transfers, registration of disposable shells) easier to hide. An isolated enterprise has no group support, hence 15."},
          {"code": "common_legal_rep_count", "name": "同一法定代表人关联企业数", "name_en": "Enterprises with the same legal representative",
           "unit": "count", "weight": 0.5,
           "definition": "Distinct enterprises linked to this one on D by a link of kind common_legal_representative.",
           "source": "related_party_link (kind = common_legal_representative)",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 3, "points": 10},
             {"lower": 3, "upper": 10, "points": 30},
             {"lower": 10, "upper": 20, "points": 55},
             {"lower": 20, "upper": null, "points": 80}
             ], "missing": 15},
           "rationale": "One person acting as legal representative of many enterprises is the pattern of professional nominee representatives (职业法人) and shell factories."}
        ]},
       {"code": "D4G2", "name": "关联企业存续状态", "name_en": "Related enterprises' status", "weight": 0.25,
        "indicators": [
          {"code": "related_revoked_count", "name": "关联企业被吊销数", "name_en": "Related enterprises revoked",
           "unit": "count", "weight": 0.35,
           "definition": "Enterprises in the related set on D whose registration status on D is revoked (吊销).",
           "source": "related_party_link; register.status, register.status_date of the related enterprises",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 35},
             {"lower": 2, "upper": 5, "points": 60},
             {"lower": 5, "upper": null, "points": 85}
             ], "missing": 15},
           "rationale": "The national system names related enterprises' revocations: the same people tend to run enterprises the same way."},
          {"code": "related_revoked_ratio", "name": "关联企业吊销比例", "name_en": "Share of related enterprises revoked",
           "unit": "ratio", "weight": 0.3,
           "definition": "related_revoked_count divided by the size of the related set on D; missing if the set is empty.",
           "source": "related_party_link; register.status, register.status_date of the related enterprises",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 0.1, "points": 0},
             {"lower": 0.1, "upper": 0.3, "points": 35},
             {"lower": 0.3, "upper": 0.5, "points": 65},
             {"lower": 0.5, "upper": null, "points": 90}
             ], "missing": 10},
           "rationale": "Normalises the count for large groups: one revoked firm among a hundred is not the same as one among two."},
          {"code": "related_cancelled_1y", "name": "近一年关联企业注销数", "name_en": "Related enterprises cancelled (1 year)",
           "unit": "count", "weight": 0.35,
           "definition": "Enterprises linked to this one by a link in force at some time in (D − 1 year, D] whose status became cancelled (注销) with status_date in that window.",
           "source": "related_party_link; register.status = cancelled, register.status_date of the related enterprises",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 15},
             {"lower": 2, "upper": 5, "points": 40},
             {"lower": 5, "upper": null, "points": 70}
             ], "missing": 15},
           "rationale": "A wave of deregistrations around an enterprise can be a 'phoenix' pattern: debts left behind in closed companies and business moved to a surviving one (逃废债)."}
        ]},
       {"code": "D4G3", "name": "关联企业失信记录", "name_en": "Related enterprises on lists", "weight": 0.3,
        "indicators": [
          {"code": "related_abnormal_current", "name": "关联企业当前列异数", "name_en": "Related enterprises on the abnormal list",
           "unit": "count", "weight": 0.3,
           "definition": "Enterprises in the related set on D currently on the abnormal-operation list (listed on or before D, not removed by D).",
           "source": "related_party_link; abnormal_listing of the related enterprises",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 35},
             {"lower": 2, "upper": 5, "points": 60},
             {"lower": 5, "upper": null, "points": 85}
             ], "missing": 15},
           "rationale": "Abnormal listings in the group point to the controlling persons' habits."},
          {"code": "related_serious_dishonesty_current", "name": "关联企业当前严重失信数", "name_en": "Related enterprises on the serious-dishonesty list",
           "unit": "count", "weight": 0.4,
           "definition": "Enterprises in the related set on D currently on the serious-dishonesty list.",
           "source": "related_party_link; serious_dishonesty_listing of the related enterprises",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 70},
             {"lower": 2, "upper": null, "points": 95}
             ], "missing": 15},
           "rationale": "Blacklisted related enterprises (黑名单) are the strongest related-party signal in the national examples; blacklisted people often continue through another enterprise."},
          {"code": "related_judgment_debtor_current", "name": "关联企业当前失信被执行人数", "name_en": "Related enterprises that are dishonest debtors",
           "unit": "count", "weight": 0.3,
           "definition": "Enterprises in the related set on D that are currently dishonest judgment debtors.",
           "source": "related_party_link; judgment_debtor_listing of the related enterprises",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 60},
             {"lower": 2, "upper": null, "points": 90}
             ], "missing": 15},
           "rationale": "Unpaid judgments in the group may be shifted onto, or paid out of, this enterprise."}
        ]},
       {"code": "D4G4", "name": "关联企业处罚", "name_en": "Related enterprises' penalties", "weight": 0.15,
        "indicators": [
          {"code": "related_penalties_1y", "name": "关联企业近一年行政处罚次数", "name_en": "Penalties on related enterprises (1 year)",
           "unit": "count", "weight": 0.5,
           "definition": "Penalty decisions with decision_date in (D − 1 year, D] against enterprises in the related set on D.",
           "source": "related_party_link; penalty.decision_date of the related enterprises",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 25},
             {"lower": 2, "upper": 5, "points": 50},
             {"lower": 5, "upper": null, "points": 80}
             ], "missing": 15},
           "rationale": "Penalties in the group (关联企业受处罚) suggest shared practices."},
          {"code": "related_serious_penalties_3y", "name": "关联企业近三年严重处罚次数", "name_en": "Serious penalties on related enterprises (3 years)",
           "unit": "count", "weight": 0.5,
           "definition": "Penalty decisions of severity serious with decision_date in (D − 3 years, D] against enterprises in the related set on D.",
           "source": "related_party_link; penalty.decision_date, penalty.severity of the related enterprises",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 60},
             {"lower": 2, "upper": null, "points": 90}
             ], "missing": 15},
           "rationale": "Serious violations in the group weigh more than their number."}
        ]},
       {"code": "D4G5", "name": "上级单位与股东", "name_en": "Parent and shareholders", "weight": 0.15,
        "indicators": [
          {"code": "parent_adverse", "name": "上级单位异常", "name_en": "Parent in adverse state",
           "unit": "flag", "weight": 0.5,
           "definition": "For a branch: 1 if on D its parent (register.parent_uscc) is revoked or cancelled, or currently on the abnormal-operation list, the serious-dishonesty list or the dishonest-judgment-debtor list; 0 otherwise. 0 for an enterprise that is not a branch.",
           "source": "register.is_branch, register.parent_uscc, register.status, register.status_date; abnormal_listing, serious_dishonesty_listing, judgment_debtor_listing of the parent",
           "rule": {"kind": "boolean", "true": 100, "false": 0, "missing": 20},
           "rationale": "A branch has no legal personality: its parent's failure is its own."},
          {"code": "shareholder_listed_current", "name": "企业股东当前失信", "name_en": "Enterprise shareholder currently dishonest",
           "unit": "flag", "weight": 0.5,
           "definition": "1 if on D any enterprise shareholder of this enterprise (related-party link of kind shareholder with this enterprise as the invested side) is currently on the serious-dishonesty list or a dishonest judgment debtor; else 0.",
           "source": "related_party_link (kind = shareholder, to_uscc = enterprise); serious_dishonesty_listing, judgment_debtor_listing of the shareholders",
           "rule": {"kind": "boolean", "true": 100, "false": 0, "missing": 20},
           "rationale": "A dishonest controlling shareholder may strip or use the enterprise to evade enforcement."}
        ]}
     ]},
    {"code": "D5", "name": "社会评价信息", "name_en": "Social evaluation", "weight": 0.14,
     "groups": [
       {"code": "D5G1", "name": "投诉", "name_en": "Complaints", "weight": 0.4,
        "indicators": [
          {"code": "complaints_1y", "name": "近一年投诉数", "name_en": "Complaints (1 year)",
           "unit": "count", "weight": 0.3,
           "definition": "Complaints (投诉; kind complaint, including those received through the 12345 hotline) about the enterprise with received_date in (D − 1 year, D].",
           "source": "complaint.received_date, complaint.kind = complaint",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 3, "points": 30},
             {"lower": 3, "upper": 10, "points": 60},
             {"lower": 10, "upper": 30, "points": 85},
             {"lower": 30, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Consumer complaints in the last year are a national example indicator; a consumer-facing business collects some, so one or two weigh little."},
          {"code": "complaints_3y", "name": "近三年投诉数", "name_en": "Complaints (3 years)",
           "unit": "count", "weight": 0.15,
           "definition": "Complaints (kind complaint) with received_date in (D − 3 years, D].",
           "source": "complaint.received_date, complaint.kind = complaint",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 5, "points": 20},
             {"lower": 5, "upper": 20, "points": 45},
             {"lower": 20, "upper": 60, "points": 70},
             {"lower": 60, "upper": null, "points": 90}
             ], "missing": 20},
           "rationale": "Persistent complaint volume, less sensitive to a single bad month."},
          {"code": "complaints_substantiated_1y", "name": "近一年查实投诉数", "name_en": "Substantiated complaints (1 year)",
           "unit": "count", "weight": 0.3,
           "definition": "Complaints (kind complaint) with received_date in (D − 1 year, D] whose substantiated flag is set (查实).",
           "source": "complaint.received_date, complaint.kind = complaint, complaint.substantiated",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 60},
             {"lower": 2, "upper": 5, "points": 85},
             {"lower": 5, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Verified complaints filter out malicious and professional complainants (职业打假)."},
          {"code": "complaints_growth_3m", "name": "投诉举报三个月增长率", "name_en": "Complaint growth (3 months)",
           "unit": "ratio", "weight": 0.25,
           "definition": "(R − P) / (P + 1), where R is the number of complaints and reports (both kinds) with received_date in (D − 3 months, D] and P the number in (D − 6 months, D − 3 months]. 0 when both are 0.",
           "source": "complaint.received_date",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 0.5, "points": 0},
             {"lower": 0.5, "upper": 1, "points": 20},
             {"lower": 1, "upper": 2, "points": 35},
             {"lower": 2, "upper": 4, "points": 60},
             {"lower": 4, "upper": null, "points": 85}
             ], "missing": 10},
           "rationale": "A sudden rise in complaints (the national 3-month growth indicator) is an early warning (预警) of a new problem, such as a prepaid-card business about to close. The +1 keeps one complaint after a quiet quarter from reading as infinite growth."}
        ]},
       {"code": "D5G2", "name": "举报与查实", "name_en": "Reports and verification", "weight": 0.3,
        "indicators": [
          {"code": "reports_1y", "name": "近一年举报数", "name_en": "Reports (1 year)",
           "unit": "count", "weight": 0.3,
           "definition": "Reports (举报: allegations of violations, kind report) about the enterprise with received_date in (D − 1 year, D].",
           "source": "complaint.received_date, complaint.kind = report",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 40},
             {"lower": 2, "upper": 5, "points": 65},
             {"lower": 5, "upper": null, "points": 90}
             ], "missing": 20},
           "rationale": "Reports allege violations of law rather than a consumer dispute and weigh more per item than complaints."},
          {"code": "reports_3y", "name": "近三年举报数", "name_en": "Reports (3 years)",
           "unit": "count", "weight": 0.15,
           "definition": "Reports (kind report) with received_date in (D − 3 years, D].",
           "source": "complaint.received_date, complaint.kind = report",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 3, "points": 25},
             {"lower": 3, "upper": 10, "points": 50},
             {"lower": 10, "upper": null, "points": 75}
             ], "missing": 20},
           "rationale": "Longer-term pattern of allegations."},
          {"code": "reports_substantiated_1y", "name": "近一年查实举报数", "name_en": "Substantiated reports (1 year)",
           "unit": "count", "weight": 0.35,
           "definition": "Reports (kind report) with received_date in (D − 1 year, D] whose substantiated flag is set.",
           "source": "complaint.received_date, complaint.kind = report, complaint.substantiated",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 70},
             {"lower": 2, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "A verified report is a confirmed violation, often ahead of the penalty decision."},
          {"code": "substantiated_ratio_1y", "name": "近一年投诉举报查实率", "name_en": "Share substantiated (1 year)",
           "unit": "ratio", "weight": 0.2,
           "definition": "Complaints and reports (both kinds) with received_date in (D − 1 year, D] that are substantiated, divided by all of them; missing if there were none.",
           "source": "complaint.received_date, complaint.substantiated",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 0.2, "points": 0},
             {"lower": 0.2, "upper": 0.5, "points": 35},
             {"lower": 0.5, "upper": 0.8, "points": 65},
             {"lower": 0.8, "upper": null, "points": 85}
             ], "missing": 5},
           "rationale": "Separates an enterprise that attracts groundless complaints from one whose complaints are mostly justified. Missing (nothing received) is nearly risk-free: 5."}
        ]},
       {"code": "D5G3", "name": "网络舆情", "name_en": "Public opinion", "weight": 0.3,
        "indicators": [
          {"code": "negative_opinion_1y", "name": "近一年负面舆情数", "name_en": "Negative public opinion (1 year)",
           "unit": "count", "weight": 0.4,
           "definition": "Public-opinion items (网络舆情) about the enterprise with sentiment negative and published_date in (D − 1 year, D].",
           "source": "public_opinion.published_date, public_opinion.sentiment = negative",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 30},
             {"lower": 2, "upper": 5, "points": 55},
             {"lower": 5, "upper": 20, "points": 80},
             {"lower": 20, "upper": null, "points": 100}
             ], "missing": 20},
           "rationale": "Negative public opinion is a national example indicator (internet information, article 7); media exposure often precedes complaints and penalties."},
          {"code": "negative_opinion_3m", "name": "近三个月负面舆情数", "name_en": "Negative public opinion (3 months)",
           "unit": "count", "weight": 0.35,
           "definition": "Items with sentiment negative and published_date in (D − 3 months, D].",
           "source": "public_opinion.published_date, public_opinion.sentiment = negative",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 1, "points": 0},
             {"lower": 1, "upper": 2, "points": 40},
             {"lower": 2, "upper": 5, "points": 70},
             {"lower": 5, "upper": null, "points": 95}
             ], "missing": 20},
           "rationale": "Recency: a current wave of negative coverage calls for prompt attention."},
          {"code": "negative_opinion_share_1y", "name": "近一年负面舆情占比", "name_en": "Share of negative opinion (1 year)",
           "unit": "ratio", "weight": 0.25,
           "definition": "Items with sentiment negative divided by all items (any sentiment) with published_date in (D − 1 year, D]; missing if there were none.",
           "source": "public_opinion.published_date, public_opinion.sentiment",
           "rule": {"kind": "bins", "bins": [
             {"lower": null, "upper": 0.2, "points": 0},
             {"lower": 0.2, "upper": 0.5, "points": 30},
             {"lower": 0.5, "upper": 0.8, "points": 60},
             {"lower": 0.8, "upper": null, "points": 80}
             ], "missing": 10},
           "rationale": "Puts negative items in proportion for enterprises that are much written about."}
        ]}
     ]}
  ],
  "floors": [
    {"code": "abnormal_list_not_a", "name": "列入经营异常名录不评为A类", "name_en": "On the abnormal list: not class A",
     "when": [{"indicator": "abnormal_list_current", "op": ">=", "value": 1}],
     "floor": 200,
     "rationale": "Class A means self-governance without proactive on-site inspection (art. 12). An enterprise that is currently on the abnormal-operation list has an unmet statutory obligation and is supervised at least as class B; removal from the list (补报, 移出) lifts the floor."},
    {"code": "business_licence_revoked", "name": "营业执照被吊销", "name_en": "Business licence revoked",
     "when": [{"indicator": "status_revoked", "op": ">=", "value": 1}],
     "floor": 750,
     "rationale": "An enterprise whose business licence was revoked may no longer operate; if it still trades or holds assets and debts it is a high-risk target (class D) whatever its other records say."},
    {"code": "penalty_publicised_not_a", "name": "一般以上处罚公示期内不评为A类", "name_en": "Penalty still publicised: not class A",
     "when": [{"indicator": "penalties_in_publicity", "op": ">=", "value": 1}, {"indicator": "penalty_max_severity_3y", "op": ">=", "value": 2}],
     "floor": 200,
     "rationale": "While a penalty is still publicised and the enterprise has had a general or serious penalty in the last three years, it is not a low-risk enterprise: at least class B. Minor-only records do not trigger it; the end of publicity (by expiry or credit repair) lifts the floor."},
    {"code": "refused_inspection_1y", "name": "近一年拒绝阻碍检查", "name_en": "Refused inspection in the last year",
     "when": [{"indicator": "spot_check_refused_1y", "op": ">=", "value": 1}],
     "floor": 500,
     "rationale": "Refusing or obstructing an inspection defeats supervision; the enterprise must be checked more often (class C, at least 10%)."},
    {"code": "serious_penalties_repeated", "name": "三年内两次以上严重处罚", "name_en": "Repeated serious penalties",
     "when": [{"indicator": "penalties_serious_3y", "op": ">=", "value": 2}],
     "floor": 750,
     "rationale": "Two or more serious penalties within three years show that sanctions did not deter; such enterprises are close to serious-dishonesty listing and warrant class D."},
    {"code": "serious_penalty_unrepaired", "name": "严重处罚仍在公示期", "name_en": "Serious penalty still publicised",
     "when": [{"indicator": "penalties_serious_3y", "op": ">=", "value": 1}, {"indicator": "penalties_in_publicity", "op": ">=", "value": 1}],
     "floor": 500,
     "rationale": "A serious penalty in the last three years whose publicity has not ended (no credit repair yet) puts the enterprise at least in class C. Repair ends the publicity and lifts this floor."}
  ]
}
$reference$::jsonb || '{"status": "published"}');
UPDATE creditrisk.indicator SET builtin = true
 WHERE code IN (SELECT code FROM creditrisk.model_indicator WHERE model_key = 'reference-v1');
-- ===========================================================================
-- 1.2 Indicator derivation (指标计算) as of a date.
--
-- Every catalogue entry may carry an SQL definition: a scalar expression
-- over the enterprise row `e` (creditrisk.enterprise) and the as-of date
-- `$1`, giving the value as a number or NULL (missing).  Definitions are
-- compiled and run with search_path = pg_catalog, creditrisk, pg_temp, so
-- that the operators of the uscc type need no schema (p.uscc = e.uscc).
-- The definitions of the built-in entries are the reference for what the C
-- engine computes (compute_indicators() computes built-in entries in a few
-- streaming passes over the record tables and evaluates the SQL definitions
-- of the others); indicators_to_sql() assembles them into one plain query
-- for audit.
--
-- The population on a date D: enterprises established on or before D and
-- not cancelled (注销) on or before D.  Revoked ones are included.
-- ===========================================================================

ALTER TABLE creditrisk.indicator ADD COLUMN definition_sql text
    CONSTRAINT indicator_definition_sql_nonempty CHECK (definition_sql <> '');
COMMENT ON COLUMN creditrisk.indicator.definition_sql IS
    'The indicator as SQL: a scalar expression over the enterprise row e (creditrisk.enterprise) and the as-of date $1, giving a number or NULL (missing)';

-- The indicators read a licence as valid on [valid_from, valid_to).
COMMENT ON COLUMN creditrisk.licence.valid_to IS
    'End of validity: the licence is valid on the days before it, [valid_from, valid_to); NULL = open-ended';

-- A definition must compile to a number before it enters the catalogue.
CREATE FUNCTION creditrisk.indicator_definition_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    IF NEW.definition_sql IS NOT NULL THEN
        BEGIN
            EXECUTE format('SELECT (%s)::double precision FROM creditrisk.enterprise e LIMIT 0', NEW.definition_sql)
              USING current_date;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'SQL definition of indicator "%" does not compile', NEW.code
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = SQLERRM,
                      HINT = 'Write a scalar expression over the enterprise row e and the as-of date $1, e.g. (SELECT count(*) FROM creditrisk.penalty p WHERE p.uscc = e.uscc AND p.decision_date <= $1).';
        END;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.indicator_definition_check() IS
    'Trigger: refuses a catalogue entry whose SQL definition does not compile to a number';
CREATE TRIGGER indicator_definition_check BEFORE INSERT OR UPDATE OF definition_sql ON creditrisk.indicator
    FOR EACH ROW EXECUTE FUNCTION creditrisk.indicator_definition_check();

-- Frozen entries: a definition may be filled in where there was none, but
-- never changed once a published model uses the entry.
CREATE OR REPLACE FUNCTION creditrisk.indicator_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    user_model text;
BEGIN
    SELECT mi.model_key INTO user_model
      FROM creditrisk.model_indicator mi JOIN creditrisk.model m USING (model_key)
     WHERE mi.code = OLD.code AND m.status <> 'draft'
     ORDER BY mi.model_key LIMIT 1;
    IF FOUND AND (TG_OP = 'DELETE'
                  OR ROW(OLD.name, OLD.name_en, OLD.unit, OLD.definition, OLD.source)
                     IS DISTINCT FROM ROW(NEW.name, NEW.name_en, NEW.unit, NEW.definition, NEW.source)
                  OR (OLD.definition_sql IS NOT NULL AND OLD.definition_sql IS DISTINCT FROM NEW.definition_sql)) THEN
        RAISE EXCEPTION 'indicator "%" is used by published model "%" and cannot be changed', OLD.code, user_model
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add a new catalogue entry with another code for a changed definition.';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

-- Model documents carry the catalogue's SQL definitions, so that a model
-- moved to another database computes there too: model_export() adds each
-- entry's definition_sql, model_import() fills it in (or refuses a
-- different one).  The 1.1 functions stay, renamed, and do the rest.
ALTER FUNCTION creditrisk.model_export_indicator(creditrisk.model_indicator) RENAME TO model_export_indicator_rule;
COMMENT ON FUNCTION creditrisk.model_export_indicator_rule(creditrisk.model_indicator) IS
    'One indicator of model_export(), without its SQL definition';
CREATE FUNCTION creditrisk.model_export_indicator(i creditrisk.model_indicator) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT creditrisk.model_export_indicator_rule(i)
           || CASE WHEN c.definition_sql IS NULL THEN '{}'::jsonb
                   ELSE jsonb_build_object('definition_sql', c.definition_sql) END
      FROM creditrisk.indicator c WHERE c.code = i.code
$$;
COMMENT ON FUNCTION creditrisk.model_export_indicator(creditrisk.model_indicator) IS
    'One indicator of model_export(), with the SQL definition of its catalogue entry';

ALTER FUNCTION creditrisk.model_import(jsonb, text) RENAME TO model_import_tree;
COMMENT ON FUNCTION creditrisk.model_import_tree(jsonb, text) IS
    'model_import() without the SQL definitions: the model, its tree and the catalogue entries';
CREATE FUNCTION creditrisk.model_import(doc jsonb, new_key text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    key text := creditrisk.model_import_tree(doc, new_key);
    i jsonb;
    current_sql text;
BEGIN
    FOR i IN SELECT x FROM jsonb_array_elements(doc -> 'dimensions') d,
                           jsonb_array_elements(coalesce(d -> 'groups', '[]')) g,
                           jsonb_array_elements(coalesce(g -> 'indicators', '[]')) x
              WHERE x ? 'definition_sql' LOOP
        SELECT c.definition_sql INTO current_sql FROM creditrisk.indicator c WHERE c.code = i ->> 'code';
        IF current_sql IS NULL THEN
            UPDATE creditrisk.indicator SET definition_sql = i ->> 'definition_sql' WHERE code = i ->> 'code';
        ELSIF current_sql IS DISTINCT FROM i ->> 'definition_sql' THEN
            RAISE EXCEPTION 'indicator "%" differs from the catalogue entry of the same code', i ->> 'code'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'A catalogue code always means the same fact; the document gives another SQL definition.',
                      HINT = 'Give the indicator a new code in the document.';
        END IF;
    END LOOP;
    RETURN key;
END
$$;
COMMENT ON FUNCTION creditrisk.model_import(jsonb, text) IS
    'Creates a model from a model_export() document (under new_key if given), with its status and the SQL definitions of its catalogue entries: a published document is validated and published';

-- The population scored on a date.
CREATE FUNCTION creditrisk.in_population(established date, status text, status_date date, as_of date) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT established <= as_of AND NOT (status = 'cancelled' AND status_date <= as_of) $$;
COMMENT ON FUNCTION creditrisk.in_population(date, text, date, date) IS
    'Whether an enterprise is classified on as_of: established on or before it and not cancelled (注销) by it';

-- The whole computation of a model's indicators as one plain SQL query.
CREATE FUNCTION creditrisk.indicators_to_sql(model text) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    missing text;
    body text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = model) THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;
    SELECT string_agg(mi.code, ', ' ORDER BY mi.position) INTO missing
      FROM creditrisk.model_indicator mi JOIN creditrisk.indicator i USING (code)
     WHERE mi.model_key = model AND i.definition_sql IS NULL;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'model "%" uses indicators without an SQL definition', model
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Without a definition: %s.', missing),
                  HINT = 'Set creditrisk.indicator.definition_sql, or load their values into creditrisk.indicator_value and score those.';
    END IF;
    SELECT string_agg(format(E'    /* %s */ (%s)::double precision', mi.code, i.definition_sql), E',\n' ORDER BY mi.position)
      INTO body
      FROM creditrisk.model_indicator mi JOIN creditrisk.indicator i USING (code)
     WHERE mi.model_key = model;
    RETURN format(E'-- indicators of model %s as of the date $1, in model order\nSELECT e.uscc, ARRAY[\n%s\n  ] AS indicators\n  FROM creditrisk.enterprise e\n WHERE creditrisk.in_population(e.established_date, e.status, e.status_date, $1)',
                  model, body);
END
$$;
COMMENT ON FUNCTION creditrisk.indicators_to_sql(text) IS
    'The computation of a model''s indicators as one plain SQL query over the record tables (parameter $1: the as-of date), from the catalogue''s SQL definitions; for audit and for systems without the extension';

-- The C engine: built-in entries in streaming passes over the record
-- tables, the others by their SQL definitions (see src/indicators.c).
CREATE FUNCTION creditrisk.compute_indicators(model text, as_of date)
RETURNS TABLE (uscc creditrisk.uscc, indicators double precision[])
AS 'MODULE_PATHNAME', 'compute_indicators'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp
COST 1000 ROWS 100000;
COMMENT ON FUNCTION creditrisk.compute_indicators(text, date) IS
    'Indicator values (指标值) of every enterprise in the population on as_of (established, not cancelled), in the model''s order, ready for creditrisk.score(); the same date always gives the same values';

REVOKE ALL ON FUNCTION creditrisk.indicator_definition_check() FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.model_export_indicator(creditrisk.model_indicator) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.model_import(jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.in_population(date, text, date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.indicators_to_sql(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.compute_indicators(text, date) FROM PUBLIC;
-- ===========================================================================
-- 1.2 SQL definitions of the built-in catalogue entries (reference-v1's 81
-- indicators), exactly as documented in doc/reference-model.md.
-- ===========================================================================
--
-- Each definition is a scalar expression over the enterprise row e
-- (creditrisk.enterprise) and the as-of date $1 (date), in the order of the
-- model.  Conventions (doc/reference-model.md section 2):
--   * a window "in the last N" is (D - N, D]: date > ($1 - interval 'N')::date
--     AND date <= $1;
--   * "current" on D: listed (started) on or before D and not removed (ended)
--     by D: listed_date <= $1 AND (removed_date IS NULL OR removed_date > $1);
--   * a related-party link is in force on D when (valid_from IS NULL OR
--     valid_from <= $1) AND (valid_to IS NULL OR valid_to > $1); the related
--     set R(E, D) is the distinct enterprises at the other end of such links;
--   * counts are 0 when there are no records; flags are 0 / 1; NULL is a
--     missing value (a ratio without denominator, an outcome that does not
--     exist).
-- Every table is schema-qualified; definitions are compiled and run with
-- search_path = pg_catalog, creditrisk, pg_temp, which resolves the
-- operators of the uscc type (p.uscc = e.uscc) and nothing else.

-- ---------------------------------------------------------------------------
-- D1G1 Enterprise size
-- ---------------------------------------------------------------------------

-- A branch (parent_uscc set) takes its parent's registered capital.
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NULL THEN e.registered_capital
     ELSE (SELECT pe.registered_capital FROM creditrisk.enterprise pe WHERE pe.uscc = e.parent_uscc)
END
$d$ WHERE code = 'registered_capital';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT l.from_uscc)
   FROM creditrisk.related_party_link l
  WHERE l.to_uscc = e.uscc AND l.kind = 'shareholder'
    AND (l.valid_from IS NULL OR l.valid_from <= $1)
    AND (l.valid_to IS NULL OR l.valid_to > $1))
$d$ WHERE code = 'corporate_shareholder_count';

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NOT NULL THEN 0
     ELSE (SELECT count(*)
             FROM creditrisk.enterprise b
            WHERE b.parent_uscc = e.uscc
              AND b.established_date <= $1
              AND NOT (b.status IN ('revoked', 'cancelled') AND b.status_date <= $1))
END
$d$ WHERE code = 'branch_count';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT l.to_uscc)
   FROM creditrisk.related_party_link l
  WHERE l.from_uscc = e.uscc AND l.kind = 'shareholder'
    AND (l.valid_from IS NULL OR l.valid_from <= $1)
    AND (l.valid_to IS NULL OR l.valid_to > $1))
$d$ WHERE code = 'outbound_investment_count';

-- ---------------------------------------------------------------------------
-- D1G2 Age and registration status
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
($1 - e.established_date)::double precision / 365.25
$d$ WHERE code = 'years_in_operation';

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.status = 'revoked' AND e.status_date <= $1 THEN 1 ELSE 0 END
$d$ WHERE code = 'status_revoked';

-- ---------------------------------------------------------------------------
-- D1G3 Entity type
-- ---------------------------------------------------------------------------

-- The register's code 1..9 as stored; a branch takes its parent's.
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NULL THEN e.entity_type
     ELSE (SELECT pe.entity_type FROM creditrisk.enterprise pe WHERE pe.uscc = e.parent_uscc)
END
$d$ WHERE code = 'entity_type_class';

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NOT NULL THEN 1 ELSE 0 END
$d$ WHERE code = 'is_branch';

-- ---------------------------------------------------------------------------
-- D1G4 Industry
-- ---------------------------------------------------------------------------

-- Section letter A..T as 1..20.
UPDATE creditrisk.indicator SET definition_sql = $d$
ascii(left(e.industry_code, 1)) - 64
$d$ WHERE code = 'industry_section_class';

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.industry_code LIKE ANY (ARRAY['C13%', 'C14%', 'C15%', 'F512%', 'F521%', 'F522%', 'H62%',
                                          'C27%', 'F515%', 'F525%',
                                          'C341%', 'C343%'])
       OR EXISTS (SELECT 1 FROM creditrisk.domain_risk_class d
                   WHERE d.uscc = e.uscc AND d.assessed_date <= $1)
     THEN 1 ELSE 0
END
$d$ WHERE code = 'key_field_industry';

-- ---------------------------------------------------------------------------
-- D1G5 Licences.  A licence is valid on D when valid_from <= D < valid_to
-- (NULL valid_to: open-ended) and it was not revoked on or before D.
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.licence l
                   WHERE l.uscc = e.uscc AND l.valid_from <= $1)
      AND NOT EXISTS (SELECT 1 FROM creditrisk.licence l
                       WHERE l.uscc = e.uscc
                         AND l.valid_from <= $1
                         AND (l.valid_to IS NULL OR $1 < l.valid_to)
                         AND (l.revoked_date IS NULL OR l.revoked_date > $1))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'licence_lapsed';

-- Renewed: another licence of the enterprise (same kind when both carry one)
-- valid from no earlier than 180 days before the expiry, and by D.
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.licence l
  WHERE l.uscc = e.uscc
    AND l.valid_to > ($1 - interval '1 year')::date AND l.valid_to <= $1
    AND NOT EXISTS (SELECT 1 FROM creditrisk.licence n
                     WHERE n.uscc = e.uscc AND n.id <> l.id
                       AND (n.kind = l.kind OR n.kind = '' OR l.kind = '')
                       AND n.valid_from >= l.valid_to - 180
                       AND n.valid_from <= $1))
$d$ WHERE code = 'licence_expired_unrenewed_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.licence l
  WHERE l.uscc = e.uscc
    AND l.revoked_date > ($1 - interval '3 years')::date AND l.revoked_date <= $1)
$d$ WHERE code = 'licence_revoked_3y';

-- ---------------------------------------------------------------------------
-- D2G1 Registration changes (record counts; legal-representative changes
-- by distinct day, as the catalogue says)
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT c.change_date)
   FROM creditrisk.registration_change c
  WHERE c.uscc = e.uscc AND c.kind = 'legal_representative'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'legal_rep_changes_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change c
  WHERE c.uscc = e.uscc AND c.kind = 'name'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'name_changes_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change c
  WHERE c.uscc = e.uscc AND c.kind = 'address'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'address_changes_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change c
  WHERE c.uscc = e.uscc AND c.kind = 'scope'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'scope_changes_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change c
  WHERE c.uscc = e.uscc AND c.kind = 'capital'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'capital_changes_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change c
  WHERE c.uscc = e.uscc
    AND c.change_date > ($1 - interval '3 years')::date AND c.change_date <= $1)
$d$ WHERE code = 'changes_total_3y';

-- ---------------------------------------------------------------------------
-- D2G2 Capital contribution (a branch takes its parent's capital)
-- ---------------------------------------------------------------------------

-- Raw ratio (may exceed 1); missing when registered capital is 0 or unknown
-- or paid-in capital unknown.
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT CASE WHEN c.registered_capital > 0
             THEN c.paid_in_capital::double precision / c.registered_capital::double precision
        END
   FROM creditrisk.enterprise c
  WHERE c.uscc = coalesce(e.parent_uscc, e.uscc))
$d$ WHERE code = 'paid_in_ratio';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT c.registered_capital - c.paid_in_capital
   FROM creditrisk.enterprise c
  WHERE c.uscc = coalesce(e.parent_uscc, e.uscc))
$d$ WHERE code = 'unpaid_capital';

-- ---------------------------------------------------------------------------
-- D2G3 Annual reports.  The latest due year on D is the last year Y whose
-- deadline, 30 June of Y + 1, is before D; only years from the year of
-- establishment on are due.
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT CASE WHEN y.due < extract(year FROM e.established_date)::int THEN 0
             WHEN EXISTS (SELECT 1 FROM creditrisk.annual_report a
                           WHERE a.uscc = e.uscc AND a.year = y.due AND a.filed_on <= $1) THEN 0
             ELSE 1
        END
   FROM (SELECT CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30)
                     THEN extract(year FROM $1)::int - 1
                     ELSE extract(year FROM $1)::int - 2
                END AS due) y)
$d$ WHERE code = 'annual_report_latest_missing';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM (SELECT CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30)
                     THEN extract(year FROM $1)::int - 1
                     ELSE extract(year FROM $1)::int - 2
                END AS due) y,
        generate_series(y.due - 2, y.due) AS s(year)
  WHERE s.year >= extract(year FROM e.established_date)::int
    AND NOT EXISTS (SELECT 1 FROM creditrisk.annual_report a
                     WHERE a.uscc = e.uscc AND a.year = s.year AND a.filed_on <= $1))
$d$ WHERE code = 'annual_reports_missing_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM (SELECT CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30)
                     THEN extract(year FROM $1)::int - 1
                     ELSE extract(year FROM $1)::int - 2
                END AS due) y,
        creditrisk.annual_report a
  WHERE a.uscc = e.uscc
    AND a.year BETWEEN y.due - 2 AND y.due
    AND a.year >= extract(year FROM e.established_date)::int
    AND a.filed_on <= $1
    AND NOT a.on_time)
$d$ WHERE code = 'annual_reports_late_3y';

-- ---------------------------------------------------------------------------
-- D2G4 Equity pledges and freezes
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.equity_pledge_freeze q
  WHERE q.uscc = e.uscc AND q.kind = 'pledge'
    AND q.start_date <= $1 AND (q.end_date IS NULL OR q.end_date > $1))
$d$ WHERE code = 'equity_pledges_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.equity_pledge_freeze q
  WHERE q.uscc = e.uscc AND q.kind = 'freeze'
    AND q.start_date <= $1 AND (q.end_date IS NULL OR q.end_date > $1))
$d$ WHERE code = 'equity_freezes_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.equity_pledge_freeze q
  WHERE q.uscc = e.uscc AND q.kind = 'pledge'
    AND q.start_date > ($1 - interval '1 year')::date AND q.start_date <= $1)
$d$ WHERE code = 'equity_pledges_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.equity_pledge_freeze q
  WHERE q.uscc = e.uscc AND q.kind = 'freeze'
    AND q.start_date > ($1 - interval '3 years')::date AND q.start_date <= $1)
$d$ WHERE code = 'equity_freezes_3y';

-- ---------------------------------------------------------------------------
-- D2G5 Litigation
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.lawsuit s
  WHERE s.uscc = e.uscc AND s.role = 'defendant'
    AND s.filed_date > ($1 - interval '1 year')::date AND s.filed_date <= $1)
$d$ WHERE code = 'lawsuits_defendant_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.lawsuit s
  WHERE s.uscc = e.uscc AND s.role = 'defendant'
    AND s.filed_date > ($1 - interval '3 years')::date AND s.filed_date <= $1)
$d$ WHERE code = 'lawsuits_defendant_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.lawsuit s
  WHERE s.uscc = e.uscc AND s.role = 'defendant' AND s.kind = 'labour'
    AND s.filed_date > ($1 - interval '1 year')::date AND s.filed_date <= $1)
$d$ WHERE code = 'labour_disputes_defendant_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.lawsuit s
  WHERE s.uscc = e.uscc AND s.role = 'defendant' AND s.kind = 'criminal'
    AND s.filed_date > ($1 - interval '3 years')::date AND s.filed_date <= $1)
$d$ WHERE code = 'criminal_defendant_3y';

-- ---------------------------------------------------------------------------
-- D3G1 Abnormal-operation list
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.abnormal_listing a
                   WHERE a.uscc = e.uscc
                     AND a.listed_date <= $1 AND (a.removed_date IS NULL OR a.removed_date > $1))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'abnormal_list_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.abnormal_listing a
  WHERE a.uscc = e.uscc
    AND a.listed_date > ($1 - interval '3 years')::date AND a.listed_date <= $1)
$d$ WHERE code = 'abnormal_list_times_3y';

-- The gravest reason among the current listings: 1 < 9 < 2 < 3 < 4.
UPDATE creditrisk.indicator SET definition_sql = $d$
coalesce((SELECT a.reason
            FROM creditrisk.abnormal_listing a
           WHERE a.uscc = e.uscc
             AND a.listed_date <= $1 AND (a.removed_date IS NULL OR a.removed_date > $1)
           ORDER BY CASE a.reason WHEN 1 THEN 1 WHEN 9 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 4 WHEN 4 THEN 5 END DESC
           LIMIT 1),
         0)
$d$ WHERE code = 'abnormal_list_reason_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
coalesce($1 - (SELECT min(a.listed_date)
                 FROM creditrisk.abnormal_listing a
                WHERE a.uscc = e.uscc
                  AND a.listed_date <= $1 AND (a.removed_date IS NULL OR a.removed_date > $1)) + 1,
         0)
$d$ WHERE code = 'abnormal_list_current_days';

-- ---------------------------------------------------------------------------
-- D3G2 Serious-dishonesty list
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing s
                   WHERE s.uscc = e.uscc
                     AND s.listed_date <= $1 AND (s.removed_date IS NULL OR s.removed_date > $1))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'serious_dishonesty_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.serious_dishonesty_listing s
  WHERE s.uscc = e.uscc
    AND s.listed_date > ($1 - interval '5 years')::date AND s.listed_date <= $1)
$d$ WHERE code = 'serious_dishonesty_listings_5y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.serious_dishonesty_listing s
  WHERE s.uscc = e.uscc
    AND s.removed_date > ($1 - interval '2 years')::date AND s.removed_date <= $1)
$d$ WHERE code = 'serious_dishonesty_removed_2y';

-- ---------------------------------------------------------------------------
-- D3G3 Dishonest judgment debtor
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing j
                   WHERE j.uscc = e.uscc
                     AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'judgment_debtor_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.judgment_debtor_listing j
  WHERE j.uscc = e.uscc
    AND j.listed_date > ($1 - interval '3 years')::date AND j.listed_date <= $1)
$d$ WHERE code = 'judgment_debtor_listings_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.judgment_debtor_listing j
  WHERE j.uscc = e.uscc
    AND j.removed_date > ($1 - interval '1 year')::date AND j.removed_date <= $1)
$d$ WHERE code = 'judgment_debtor_removed_1y';

-- ---------------------------------------------------------------------------
-- D3G4 Penalty frequency (decision_number is unique: one row per decision)
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_3y';

-- Still publicised on D; a NULL publicity_end_date is not counted.
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty p
  WHERE p.uscc = e.uscc
    AND p.decision_date <= $1 AND p.publicity_end_date > $1)
$d$ WHERE code = 'penalties_in_publicity';

-- ---------------------------------------------------------------------------
-- D3G5 Penalty severity
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT coalesce(max(CASE p.severity WHEN 'minor' THEN 1 WHEN 'general' THEN 2 WHEN 'serious' THEN 3 END), 0)
   FROM creditrisk.penalty p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalty_max_severity_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty p
  WHERE p.uscc = e.uscc AND p.severity = 'serious'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_serious_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty p
  WHERE p.uscc = e.uscc AND p.severity = 'general'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_general_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT coalesce(sum(p.fine_amount), 0)
   FROM creditrisk.penalty p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalty_fines_3y';

-- ---------------------------------------------------------------------------
-- D3G6 Key-field penalties
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty p
  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment')
    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_key_field_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty p
  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment')
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_key_field_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty p
  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment') AND p.severity = 'serious'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'penalties_key_field_serious_3y';

-- ---------------------------------------------------------------------------
-- D3G7 Spot checks
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.spot_check s
  WHERE s.uscc = e.uscc AND s.refused
    AND s.check_date > ($1 - interval '1 year')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_refused_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.spot_check s
  WHERE s.uscc = e.uscc AND s.outcome = 'problems_found'
    AND s.check_date > ($1 - interval '3 years')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_problems_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.spot_check s
  WHERE s.uscc = e.uscc AND s.outcome = 'rectification_ordered'
    AND s.check_date > ($1 - interval '1 year')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_rectification_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.spot_check s
  WHERE s.uscc = e.uscc AND s.outcome = 'not_found_at_address'
    AND s.check_date > ($1 - interval '3 years')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_not_found_3y';

-- The latest check on or before D: 5 refused, else 1 pass, 2 problems_found,
-- 3 rectification_ordered, 4 not_found_at_address; the highest code among
-- checks on that day; NULL if never checked.
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT max(CASE WHEN s.refused THEN 5
                 WHEN s.outcome = 'pass' THEN 1
                 WHEN s.outcome = 'problems_found' THEN 2
                 WHEN s.outcome = 'rectification_ordered' THEN 3
                 WHEN s.outcome = 'not_found_at_address' THEN 4
            END)
   FROM creditrisk.spot_check s
  WHERE s.uscc = e.uscc
    AND s.check_date = (SELECT max(s2.check_date) FROM creditrisk.spot_check s2
                         WHERE s2.uscc = e.uscc AND s2.check_date <= $1))
$d$ WHERE code = 'spot_check_last_outcome';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE s.outcome = 'pass' AND NOT s.refused))::double precision
        / nullif(count(*), 0)
   FROM creditrisk.spot_check s
  WHERE s.uscc = e.uscc
    AND s.check_date > ($1 - interval '3 years')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_pass_ratio_3y';

-- ---------------------------------------------------------------------------
-- D4 Related parties, from creditrisk.related_party_link only.  The related
-- set R(E, D) is written out in each definition as
--   SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
--     FROM creditrisk.related_party_link l
--    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc) AND <in force on $1>
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END)
   FROM creditrisk.related_party_link l
  WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
    AND (l.valid_from IS NULL OR l.valid_from <= $1)
    AND (l.valid_to IS NULL OR l.valid_to > $1))
$d$ WHERE code = 'related_enterprise_count';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END)
   FROM creditrisk.related_party_link l
  WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc) AND l.kind = 'common_legal_representative'
    AND (l.valid_from IS NULL OR l.valid_from <= $1)
    AND (l.valid_to IS NULL OR l.valid_to > $1))
$d$ WHERE code = 'common_legal_rep_count';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.enterprise r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND r.status = 'revoked' AND r.status_date <= $1)
$d$ WHERE code = 'related_revoked_count';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE r.status = 'revoked' AND r.status_date <= $1))::double precision
        / nullif(count(*), 0)
   FROM creditrisk.enterprise r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1)))
$d$ WHERE code = 'related_revoked_ratio';

-- Linked at some time in (D - 1 year, D], cancelled in that window.
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.enterprise r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > ($1 - interval '1 year')::date))
    AND r.status = 'cancelled'
    AND r.status_date > ($1 - interval '1 year')::date AND r.status_date <= $1)
$d$ WHERE code = 'related_cancelled_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.enterprise r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND EXISTS (SELECT 1 FROM creditrisk.abnormal_listing a
                 WHERE a.uscc = r.uscc
                   AND a.listed_date <= $1 AND (a.removed_date IS NULL OR a.removed_date > $1)))
$d$ WHERE code = 'related_abnormal_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.enterprise r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing s
                 WHERE s.uscc = r.uscc
                   AND s.listed_date <= $1 AND (s.removed_date IS NULL OR s.removed_date > $1)))
$d$ WHERE code = 'related_serious_dishonesty_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.enterprise r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing j
                 WHERE j.uscc = r.uscc
                   AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1)))
$d$ WHERE code = 'related_judgment_debtor_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty p
  WHERE p.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1)
$d$ WHERE code = 'related_penalties_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty p
  WHERE p.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND p.severity = 'serious'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1)
$d$ WHERE code = 'related_serious_penalties_3y';

-- A branch's parent revoked or cancelled by D, or currently on the abnormal,
-- serious-dishonesty or judgment-debtor list; 0 for a non-branch.
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NULL THEN 0
     WHEN EXISTS (SELECT 1 FROM creditrisk.enterprise pe
                   WHERE pe.uscc = e.parent_uscc
                     AND pe.status IN ('revoked', 'cancelled') AND pe.status_date <= $1)
       OR EXISTS (SELECT 1 FROM creditrisk.abnormal_listing a
                   WHERE a.uscc = e.parent_uscc
                     AND a.listed_date <= $1 AND (a.removed_date IS NULL OR a.removed_date > $1))
       OR EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing s
                   WHERE s.uscc = e.parent_uscc
                     AND s.listed_date <= $1 AND (s.removed_date IS NULL OR s.removed_date > $1))
       OR EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing j
                   WHERE j.uscc = e.parent_uscc
                     AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'parent_adverse';

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1
                    FROM creditrisk.related_party_link l
                   WHERE l.to_uscc = e.uscc AND l.kind = 'shareholder'
                     AND (l.valid_from IS NULL OR l.valid_from <= $1)
                     AND (l.valid_to IS NULL OR l.valid_to > $1)
                     AND (EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing s
                                   WHERE s.uscc = l.from_uscc
                                     AND s.listed_date <= $1 AND (s.removed_date IS NULL OR s.removed_date > $1))
                          OR EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing j
                                      WHERE j.uscc = l.from_uscc
                                        AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1))))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'shareholder_listed_current';

-- ---------------------------------------------------------------------------
-- D5G1 Complaints (kind complaint) and D5G2 reports (kind report);
-- substantiated IS TRUE counts as substantiated (NULL: not yet handled).
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint c
  WHERE c.uscc = e.uscc AND c.kind = 'complaint'
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'complaints_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint c
  WHERE c.uscc = e.uscc AND c.kind = 'complaint'
    AND c.received_date > ($1 - interval '3 years')::date AND c.received_date <= $1)
$d$ WHERE code = 'complaints_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint c
  WHERE c.uscc = e.uscc AND c.kind = 'complaint' AND c.substantiated IS TRUE
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'complaints_substantiated_1y';

-- (R - P) / (P + 1): R both kinds in (D - 3 months, D], P in
-- (D - 6 months, D - 3 months].
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE c.received_date > ($1 - interval '3 months')::date)
         - count(*) FILTER (WHERE c.received_date <= ($1 - interval '3 months')::date))::double precision
        / (count(*) FILTER (WHERE c.received_date <= ($1 - interval '3 months')::date) + 1)
   FROM creditrisk.complaint c
  WHERE c.uscc = e.uscc
    AND c.received_date > ($1 - interval '6 months')::date AND c.received_date <= $1)
$d$ WHERE code = 'complaints_growth_3m';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint c
  WHERE c.uscc = e.uscc AND c.kind = 'report'
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'reports_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint c
  WHERE c.uscc = e.uscc AND c.kind = 'report'
    AND c.received_date > ($1 - interval '3 years')::date AND c.received_date <= $1)
$d$ WHERE code = 'reports_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint c
  WHERE c.uscc = e.uscc AND c.kind = 'report' AND c.substantiated IS TRUE
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'reports_substantiated_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE c.substantiated IS TRUE))::double precision / nullif(count(*), 0)
   FROM creditrisk.complaint c
  WHERE c.uscc = e.uscc
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'substantiated_ratio_1y';

-- ---------------------------------------------------------------------------
-- D5G3 Public opinion
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.public_opinion o
  WHERE o.uscc = e.uscc AND o.sentiment = 'negative'
    AND o.published_date > ($1 - interval '1 year')::date AND o.published_date <= $1)
$d$ WHERE code = 'negative_opinion_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.public_opinion o
  WHERE o.uscc = e.uscc AND o.sentiment = 'negative'
    AND o.published_date > ($1 - interval '3 months')::date AND o.published_date <= $1)
$d$ WHERE code = 'negative_opinion_3m';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE o.sentiment = 'negative'))::double precision / nullif(count(*), 0)
   FROM creditrisk.public_opinion o
  WHERE o.uscc = e.uscc
    AND o.published_date > ($1 - interval '1 year')::date AND o.published_date <= $1)
$d$ WHERE code = 'negative_opinion_share_1y';

-- ---------------------------------------------------------------------------
-- Every built-in catalogue entry must have its definition.
-- ---------------------------------------------------------------------------
DO $check$
DECLARE
    missing text;
BEGIN
    SELECT string_agg(i.code, ', ' ORDER BY i.code) INTO missing
      FROM creditrisk.indicator i
     WHERE i.builtin AND i.definition_sql IS NULL;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'built-in indicators without an SQL definition: %', missing;
    END IF;
END
$check$;
-- ===========================================================================
-- 1.2 Classification pipeline (分类): overrides (art. 10), fusion (art. 16),
-- supervision measures (art. 12-15), the monthly run and early warning.
--
-- Configuration is data, versioned by date, so that re-running an old
-- classification date gives the old answer:
--   model_activation        which model classifies from which date
--   override_rule           direct classification (直接定性) rules, as SQL
--   high_concern_industry   社会高度关注行业 → C or D, by industry prefix
--   fusion_rule/_matrix     通用+专业 fusion per domain (default: the riskier)
--   supervision_measure     差异化监管措施 per class, provincial minimums
--                           that local bureaus may add to, never loosen
-- The monthly run (refresh_classification) keeps every classification in
-- classification_run / classification_result / classification_domain_result
-- and publishes the latest one in two materialized views refreshed
-- CONCURRENTLY, so that analysts keep reading while it runs.
--
-- Rows shipped with the extension are flagged (shipped / example), frozen,
-- and left out of pg_dump (CREATE EXTENSION puts them back); every other
-- row is user data and is dumped.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Administrative divisions: levels and ancestors
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.division_level(division_code text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT CASE WHEN division_code ~ '0000$' THEN 'province'
                      WHEN division_code ~ '00$' OR substr(division_code, 3, 2) = '90' THEN 'city'
                      ELSE 'county' END $$;
COMMENT ON FUNCTION creditrisk.division_level(text) IS
    'Level of an administrative division code (行政区划代码): province (省, 410000), city (市, 411600; also province-administered 4190xx such as 419001 济源) or county (县/区, 411622)';

CREATE FUNCTION creditrisk.division_at(division_code text, level text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    own text := creditrisk.division_level(division_code);
BEGIN
    CASE level
    WHEN 'province' THEN RETURN left(division_code, 2) || '0000';
    WHEN 'city' THEN
        RETURN CASE WHEN own = 'province' THEN NULL
                    WHEN substr(division_code, 3, 2) = '90' THEN division_code
                    ELSE left(division_code, 4) || '00' END;
    WHEN 'county' THEN
        RETURN CASE WHEN own = 'province' THEN NULL ELSE division_code END;
    ELSE
        RAISE EXCEPTION 'unknown division level "%"', level
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The levels are province, city and county.',
                  HINT = 'For example creditrisk.division_at(''411622'', ''city'') gives 411600.';
    END CASE;
END
$$;
COMMENT ON FUNCTION creditrisk.division_at(text, text) IS
    'The division a code belongs to at a level: province 410000, city 411600 (4190xx is its own city), county = the code itself (NULL above the level); for grouping by 省/市/县';

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

-- ---------------------------------------------------------------------------
-- The active model (启用的指标体系), by date
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.model_activation (
    effective_from date PRIMARY KEY,
    model_key      text NOT NULL,
    note           text NOT NULL DEFAULT '',
    shipped        boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE creditrisk.model_activation IS
    'Which model (指标体系) classifies from which date: on a classification date D the row with the latest effective_from <= D applies; refresh_classification() uses it when no model is named';
COMMENT ON COLUMN creditrisk.model_activation.shipped IS 'The reference configuration (reference-v1 from -infinity); frozen, add a row of your own to switch models';

CREATE FUNCTION creditrisk.model_activation_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    st text;
BEGIN
    -- (No foreign key: published models cannot be deleted anyway, and the
    -- model tables stay free of references from the classification tables.)
    SELECT m.status INTO st FROM creditrisk.model m WHERE m.model_key = NEW.model_key;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'model "%" does not exist', NEW.model_key
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'SELECT model_key, status FROM creditrisk.model lists the models.';
    END IF;
    IF st = 'draft' THEN
        RAISE EXCEPTION 'model "%" is a draft and cannot be activated', NEW.model_key
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Classifications must be reproducible, so only published (frozen) models classify.',
                  HINT = format('Publish it first: SELECT creditrisk.model_publish(%L);', NEW.model_key);
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.model_activation_check() IS 'Trigger: only existing published or retired models (已发布的指标体系) can be activated';
CREATE TRIGGER model_activation_check BEFORE INSERT OR UPDATE ON creditrisk.model_activation
    FOR EACH ROW EXECUTE FUNCTION creditrisk.model_activation_check();

INSERT INTO creditrisk.model_activation (effective_from, model_key, note, shipped)
VALUES ('-infinity', 'reference-v1', 'reference configuration: the reference model until a bureau activates its own', true);

CREATE TRIGGER model_activation_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.model_activation
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Add a row of your own: INSERT INTO creditrisk.model_activation (effective_from, model_key) VALUES (''2026-01-01'', ''henan-2026'');');

CREATE FUNCTION creditrisk.active_model(as_of date DEFAULT CURRENT_DATE) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp
    AS $$ SELECT a.model_key FROM creditrisk.model_activation a
           WHERE a.effective_from <= active_model.as_of ORDER BY a.effective_from DESC LIMIT 1 $$;
COMMENT ON FUNCTION creditrisk.active_model(date) IS
    'The model (启用的指标体系) that classifies on a date, from creditrisk.model_activation; NULL when none is active';

-- ---------------------------------------------------------------------------
-- High-social-concern industries (社会高度关注行业, art. 10 (3))
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.high_concern_industry (
    industry_prefix creditrisk.industry_code NOT NULL,
    effective_from  date NOT NULL,
    effective_to    date,
    class           creditrisk.riskclass NOT NULL
                    CONSTRAINT high_concern_industry_class_c_or_d CHECK (class IN ('C', 'D')),
    name            text NOT NULL DEFAULT '',
    note            text NOT NULL DEFAULT '',
    example         boolean NOT NULL DEFAULT false,
    PRIMARY KEY (industry_prefix, effective_from),
    CONSTRAINT high_concern_industry_dates CHECK (effective_to >= effective_from)
);
COMMENT ON TABLE creditrisk.high_concern_industry IS
    'High-social-concern industries (社会高度关注行业, art. 10 (3)): enterprises whose industry code starts with the prefix are classified at least C or D from effective_from to effective_to (inclusive, NULL = open); the bureau edits this table';
COMMENT ON COLUMN creditrisk.high_concern_industry.industry_prefix IS 'GB/T 4754-2017 code or prefix: section (C), division (C26), group (C267) or class (C2672)';
COMMENT ON COLUMN creditrisk.high_concern_industry.example IS
    'Shipped example (示例) from the reference configuration: NEVER applied; insert a row of your own (example = false) to adopt it';

INSERT INTO creditrisk.high_concern_industry (industry_prefix, effective_from, class, name, note, example) VALUES
    ('C2672', '2022-07-25', 'D', '焰火、鞭炮产品制造', 'EXAMPLE, not applied: fireworks manufacture (explosion hazard)', true),
    ('B06',   '2022-07-25', 'C', '煤炭开采和洗选业', 'EXAMPLE, not applied: coal mining (work-safety concern)', true),
    ('C27',   '2022-07-25', 'C', '医药制造业', 'EXAMPLE, not applied: pharmaceutical manufacture (public-health concern)', true),
    ('P83',   '2022-07-25', 'C', '教育', 'EXAMPLE, not applied: education and training (prepaid-fee complaints)', true);

CREATE TRIGGER high_concern_industry_example BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.high_concern_industry
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('example',
        'Examples are never applied; insert a row of your own with example = false.');

-- ---------------------------------------------------------------------------
-- Override rules (直接定性, art. 10): data, each an SQL query
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.override_rule (
    code           text PRIMARY KEY
                   CONSTRAINT override_rule_code_format CHECK (code ~ '^[a-z][a-z0-9_]{0,39}$'),
    name           text NOT NULL CONSTRAINT override_rule_name_nonempty CHECK (name <> ''),
    name_en        text NOT NULL DEFAULT '',
    basis          text NOT NULL DEFAULT '',
    rule_sql       text NOT NULL,
    effective_from date NOT NULL DEFAULT '-infinity',
    effective_to   date,
    enabled        boolean NOT NULL DEFAULT true,
    shipped        boolean NOT NULL DEFAULT false,
    CONSTRAINT override_rule_dates CHECK (effective_to >= effective_from)
);
COMMENT ON TABLE creditrisk.override_rule IS
    'Override rules (直接定性, art. 10): each an SQL query that names the enterprises it classifies directly on the classification date; overrides only raise a class, never lower it';
COMMENT ON COLUMN creditrisk.override_rule.rule_sql IS
    'A query over the classification date $1 (date) returning columns uscc and class (the class imposed, C or D usually); any further columns are recorded as the override''s detail (jsonb). Rows with a NULL class are ignored';
COMMENT ON COLUMN creditrisk.override_rule.effective_to IS 'Last day the rule applies (inclusive); NULL = open';
COMMENT ON COLUMN creditrisk.override_rule.shipped IS 'Shipped with the extension (Henan art. 10); frozen';

-- A rule must compile to (uscc, class, ...) before it enters the table.
CREATE FUNCTION creditrisk.override_rule_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    BEGIN
        EXECUTE format('SELECT q.uscc::creditrisk.uscc, q.class::creditrisk.riskclass, pg_catalog.to_jsonb(q) FROM (%s) q LIMIT 0',
                       NEW.rule_sql)
          USING current_date;
    EXCEPTION WHEN OTHERS THEN
        RAISE EXCEPTION 'SQL of override rule "%" does not compile', NEW.code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = SQLERRM,
                  HINT = 'Write a query over the classification date $1 with columns uscc and class, e.g. SELECT l.uscc, ''D'' AS class FROM creditrisk.serious_dishonesty_listing l WHERE creditrisk.is_current(l.listed_date, l.removed_date, $1).';
    END;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.override_rule_check() IS
    'Trigger: refuses an override rule (直接定性规则) whose SQL does not compile to columns uscc and class';
CREATE TRIGGER override_rule_check BEFORE INSERT OR UPDATE OF rule_sql ON creditrisk.override_rule
    FOR EACH ROW EXECUTE FUNCTION creditrisk.override_rule_check();

INSERT INTO creditrisk.override_rule (code, name, name_en, basis, rule_sql, shipped) VALUES
('serious_dishonesty', '当前被列入严重失信主体名单', 'Currently on the serious-dishonesty list',
 '豫市监办〔2022〕100号 第十条（一）: D',
 $rule$SELECT l.uscc, 'D' AS class, min(l.listed_date) AS listed_date
  FROM creditrisk.serious_dishonesty_listing l
 WHERE creditrisk.is_current(l.listed_date, l.removed_date, $1)
 GROUP BY l.uscc$rule$, true),
('judgment_debtor', '当前为失信被执行人', 'Currently a dishonest judgment debtor',
 '豫市监办〔2022〕100号 第十条（二）: D',
 $rule$SELECT l.uscc, 'D' AS class, min(l.listed_date) AS listed_date
  FROM creditrisk.judgment_debtor_listing l
 WHERE creditrisk.is_current(l.listed_date, l.removed_date, $1)
 GROUP BY l.uscc$rule$, true),
('high_concern_industry', '属于社会高度关注行业', 'In a high-social-concern industry',
 '豫市监办〔2022〕100号 第十条（三）: C or D as configured in creditrisk.high_concern_industry',
 $rule$SELECT DISTINCT ON (e.uscc) e.uscc, h.class, h.industry_prefix
  FROM creditrisk.enterprise e
  JOIN creditrisk.high_concern_industry h
    ON h.industry_prefix IN (left(e.industry_code, 1), left(e.industry_code, 3),
                             left(e.industry_code, 4), left(e.industry_code, 5))
 WHERE NOT h.example AND h.effective_from <= $1 AND (h.effective_to IS NULL OR h.effective_to >= $1)
 ORDER BY e.uscc, h.class DESC, length(h.industry_prefix) DESC$rule$, true);

CREATE TRIGGER override_rule_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.override_rule
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'The art. 10 rules are provincial; add rules of your own with shipped = false.');

-- ---------------------------------------------------------------------------
-- Fusion (通用+专业, art. 16)
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.fusion_rule (
    domain  text PRIMARY KEY CONSTRAINT fusion_rule_domain_format CHECK (domain ~ '^[a-z][a-z_]{1,39}$'),
    method  text NOT NULL DEFAULT 'riskier' CONSTRAINT fusion_rule_method_valid CHECK (method IN ('riskier', 'matrix')),
    name    text NOT NULL DEFAULT '',
    note    text NOT NULL DEFAULT ''
);
COMMENT ON TABLE creditrisk.fusion_rule IS
    'How the general class (通用) and a domain''s professional class (专业) are fused, per domain (art. 16): riskier = the riskier of the two (also the rule for any domain without a row), matrix = creditrisk.fusion_matrix';

CREATE TABLE creditrisk.fusion_matrix (
    domain             text NOT NULL REFERENCES creditrisk.fusion_rule ON DELETE CASCADE ON UPDATE CASCADE,
    general_class      creditrisk.riskclass NOT NULL,
    professional_class creditrisk.riskclass NOT NULL,
    fused_class        creditrisk.riskclass NOT NULL,
    PRIMARY KEY (domain, general_class, professional_class)
);
COMMENT ON TABLE creditrisk.fusion_matrix IS
    'Fusion matrix of a domain whose rule is matrix: the fused class for each (general, professional) pair; all 16 cells are required';

CREATE FUNCTION creditrisk.fusion_matrix_complete() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    d text := CASE WHEN TG_OP = 'DELETE' THEN OLD.domain ELSE NEW.domain END;
    missing text;
BEGIN
    IF EXISTS (SELECT 1 FROM creditrisk.fusion_rule r WHERE r.domain = d AND r.method = 'matrix') THEN
        SELECT string_agg(format('(%s, %s)', g, p), ', ' ORDER BY g, p) INTO missing
          FROM unnest('{A,B,C,D}'::creditrisk.riskclass[]) g, unnest('{A,B,C,D}'::creditrisk.riskclass[]) p
         WHERE NOT EXISTS (SELECT 1 FROM creditrisk.fusion_matrix m
                            WHERE m.domain = d AND m.general_class = g AND m.professional_class = p);
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'fusion matrix of domain "%" is incomplete', d
                USING ERRCODE = 'check_violation',
                      DETAIL = format('Missing (general, professional) cells: %s.', missing),
                      HINT = 'A matrix needs all 16 cells; insert them in the same transaction as the rule, or set the method to riskier.';
        END IF;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.fusion_matrix_complete() IS
    'Constraint trigger (deferred to commit): a domain fused by matrix (融合矩阵) has all 16 cells (when cells change or the method becomes matrix)';
-- Checked when cells change or a rule switches to matrix; not on INSERT of a
-- rule, so that pg_dump's data (rules, then cells, each loaded and committed
-- on its own) restores.  A matrix rule inserted without any cell is refused by
-- the run instead.
CREATE CONSTRAINT TRIGGER fusion_rule_matrix_complete AFTER UPDATE OF method ON creditrisk.fusion_rule
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION creditrisk.fusion_matrix_complete();
CREATE CONSTRAINT TRIGGER fusion_matrix_complete AFTER INSERT OR UPDATE OR DELETE ON creditrisk.fusion_matrix
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION creditrisk.fusion_matrix_complete();

-- ---------------------------------------------------------------------------
-- Supervision measures (差异化监管措施, art. 12-15), versioned by date
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.supervision_measure (
    division_code               creditrisk.division_code NOT NULL,
    class                       creditrisk.riskclass NOT NULL,
    effective_from              date NOT NULL,
    min_spot_check_ratio        numeric(5, 4)
                                CONSTRAINT supervision_measure_ratio_range CHECK (min_spot_check_ratio > 0 AND min_spot_check_ratio <= 1),
    proactive_onsite_inspection boolean,
    key_licensing_review        boolean,
    key_supervision_target      boolean,
    other_measures              text NOT NULL DEFAULT '',
    basis                       text NOT NULL DEFAULT '',
    shipped                     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (division_code, class, effective_from),
    CONSTRAINT supervision_measure_province_complete
        CHECK (division_code !~ '0000$' OR (min_spot_check_ratio IS NOT NULL AND proactive_onsite_inspection IS NOT NULL
                                            AND key_licensing_review IS NOT NULL AND key_supervision_target IS NOT NULL))
);
COMMENT ON TABLE creditrisk.supervision_measure IS
    'Supervision measures by class (差异化监管措施, art. 12-15), versioned by effective_from: provincial rows (xx0000) set the minimums; city and county rows (art. 5) may add measures or be stricter, never looser (NULL = as the level above)';
COMMENT ON COLUMN creditrisk.supervision_measure.min_spot_check_ratio IS 'Minimum share drawn in 双随机、一公开 random checks (抽查比例不低于)';
COMMENT ON COLUMN creditrisk.supervision_measure.proactive_onsite_inspection IS
    'Proactive on-site inspection (主动实施现场检查); false for A: only on complaints, big-data alerts, referred cases and planned random checks';
COMMENT ON COLUMN creditrisk.supervision_measure.key_licensing_review IS 'Key review in administrative licensing (行政许可重点审查)';
COMMENT ON COLUMN creditrisk.supervision_measure.key_supervision_target IS 'Key supervision target (重点监管对象)';
COMMENT ON COLUMN creditrisk.supervision_measure.other_measures IS 'Further measures in words (其它措施); local ones are added to the provincial ones';

INSERT INTO creditrisk.supervision_measure (division_code, class, effective_from, min_spot_check_ratio,
        proactive_onsite_inspection, key_licensing_review, key_supervision_target, other_measures, basis, shipped) VALUES
    ('410000', 'A', '2022-07-25', 0.01, false, false, false, '以企业自治为主；降低抽查比例和频次', '豫市监办〔2022〕100号 第十二条', true),
    ('410000', 'B', '2022-07-25', 0.03, true,  false, false, '按常规比例和频次抽查', '豫市监办〔2022〕100号 第十三条', true),
    ('410000', 'C', '2022-07-25', 0.10, true,  true,  false, '适当提高抽查比例和频次；行政许可重点审查', '豫市监办〔2022〕100号 第十四条', true),
    ('410000', 'D', '2022-07-25', 0.20, true,  false, true,  '列为重点监管对象；提高抽查比例和频次；必要时实施现场检查', '豫市监办〔2022〕100号 第十五条', true);

CREATE TRIGGER supervision_measure_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.supervision_measure
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Add a new provincial version with a later effective_from instead.');

-- Local rows looser than the level above in force on their effective date.
CREATE FUNCTION creditrisk.measure_loosenings(province text DEFAULT NULL)
RETURNS TABLE (division_code text, class creditrisk.riskclass, effective_from date, measure text,
               local_value text, above_division text, above_from date, above_value text)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    WITH m AS (
        SELECT * FROM creditrisk.supervision_measure s
         WHERE measure_loosenings.province IS NULL OR left(s.division_code, 2) = left(measure_loosenings.province, 2)
    ), pairs AS (
        SELECT l.*, a.code AS above
          FROM m l
          CROSS JOIN LATERAL (VALUES (creditrisk.division_at(l.division_code, 'province')),
                                     (CASE WHEN creditrisk.division_level(l.division_code) = 'county'
                                           THEN creditrisk.division_at(l.division_code, 'city') END)) a(code)
         WHERE creditrisk.division_level(l.division_code) <> 'province' AND a.code IS NOT NULL
    )
    SELECT p.division_code, p.class, p.effective_from, x.measure, x.local_value, u.division_code, u.effective_from, x.above_value
      FROM pairs p
      CROSS JOIN LATERAL (SELECT * FROM m u
                           WHERE u.division_code = p.above AND u.class = p.class AND u.effective_from <= p.effective_from
                           ORDER BY u.effective_from DESC LIMIT 1) u
      CROSS JOIN LATERAL (VALUES
            ('min_spot_check_ratio', p.min_spot_check_ratio::text, u.min_spot_check_ratio::text,
             p.min_spot_check_ratio < u.min_spot_check_ratio),
            ('proactive_onsite_inspection', p.proactive_onsite_inspection::text, u.proactive_onsite_inspection::text,
             NOT p.proactive_onsite_inspection AND u.proactive_onsite_inspection),
            ('key_licensing_review', p.key_licensing_review::text, u.key_licensing_review::text,
             NOT p.key_licensing_review AND u.key_licensing_review),
            ('key_supervision_target', p.key_supervision_target::text, u.key_supervision_target::text,
             NOT p.key_supervision_target AND u.key_supervision_target)) x(measure, local_value, above_value, looser)
     WHERE x.looser
     ORDER BY 1, 2, 3, 4
$$;
COMMENT ON FUNCTION creditrisk.measure_loosenings(text) IS
    'City and county measures (地方监管措施) that are looser than the level above in force on their effective date (must be empty; the deferred constraint trigger on supervision_measure enforces it)';

CREATE FUNCTION creditrisk.supervision_measure_no_loosening() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM creditrisk.measure_loosenings(CASE WHEN TG_OP = 'DELETE' THEN OLD.division_code ELSE NEW.division_code END)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'measure for class % in % from % is looser than in % (%)',
                        v.class, v.division_code, v.effective_from, v.above_division, v.measure
            USING ERRCODE = 'check_violation',
                  DETAIL = format('%s is %s in %s but %s in %s from %s.', v.measure, v.local_value, v.division_code,
                                  v.above_value, v.above_division, v.above_from),
                  HINT = 'Local bureaus may add measures or be stricter (art. 5), never looser than the provincial minimums (art. 12-15); leave a column NULL to take the value from the level above.';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.supervision_measure_no_loosening() IS
    'Constraint trigger (deferred to commit): no city or county measure (地方监管措施) is looser than the level above';
CREATE CONSTRAINT TRIGGER supervision_measure_no_loosening AFTER INSERT OR UPDATE OR DELETE ON creditrisk.supervision_measure
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION creditrisk.supervision_measure_no_loosening();

-- The measures in force for a division on a date, per class: the strictest
-- of the province, city and county versions in force.
CREATE FUNCTION creditrisk.measures_in_force(division_code creditrisk.division_code, as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (class creditrisk.riskclass, min_spot_check_ratio numeric, proactive_onsite_inspection boolean,
               key_licensing_review boolean, key_supervision_target boolean, other_measures text, sources text[])
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    WITH levels(ord, code) AS (
        VALUES (1, creditrisk.division_at(measures_in_force.division_code, 'province')),
               (2, creditrisk.division_at(measures_in_force.division_code, 'city')),
               (3, CASE WHEN creditrisk.division_level(measures_in_force.division_code) = 'county'
                        THEN measures_in_force.division_code END)
    ), v AS (
        SELECT DISTINCT ON (s.division_code, s.class) l.ord, s.*
          FROM creditrisk.supervision_measure s JOIN levels l ON l.code = s.division_code
         WHERE s.effective_from <= measures_in_force.as_of
         ORDER BY s.division_code, s.class, s.effective_from DESC
    )
    SELECT k.class, max(v.min_spot_check_ratio), bool_or(v.proactive_onsite_inspection),
           bool_or(v.key_licensing_review), bool_or(v.key_supervision_target),
           string_agg(nullif(v.other_measures, ''), '；' ORDER BY v.ord),
           array_agg(format('%s@%s', v.division_code, v.effective_from) ORDER BY v.ord) FILTER (WHERE v.ord IS NOT NULL)
      FROM unnest('{A,B,C,D}'::creditrisk.riskclass[]) k(class)
      LEFT JOIN v ON v.class = k.class
     GROUP BY k.class
     ORDER BY k.class
$$;
COMMENT ON FUNCTION creditrisk.measures_in_force(creditrisk.division_code, date) IS
    'Supervision measures in force for enterprises of a division on a date, per class: the strictest of the provincial, city and county versions (highest ratio; a measure applies if any level sets it), with the versions used';

-- ---------------------------------------------------------------------------
-- History: every run and every enterprise's result
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.classification_run (
    as_of          date PRIMARY KEY,
    model_key      text NOT NULL,
    model_revision bigint NOT NULL,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz,
    run_by         text NOT NULL,
    attempt        integer NOT NULL DEFAULT 1,
    enterprises    bigint,
    score_classes  jsonb,
    final_classes  jsonb,
    overridden     bigint,
    overrides      jsonb,
    domain_results bigint,
    stages         jsonb
);
COMMENT ON TABLE creditrisk.classification_run IS
    'Classification runs (分类批次), one per classification date: the model and its revision, who ran it, when, counts and stage timings; re-running a date replaces its run (attempt counts the runs)';
COMMENT ON COLUMN creditrisk.classification_run.model_key IS 'The model that scored (published or retired: frozen, so the scores can be reproduced)';
COMMENT ON COLUMN creditrisk.classification_run.score_classes IS 'Enterprises per score class, {"A": n, ...}';
COMMENT ON COLUMN creditrisk.classification_run.final_classes IS 'Enterprises per final class (after overrides)';
COMMENT ON COLUMN creditrisk.classification_run.overridden IS 'Enterprises whose final class is above their score class';
COMMENT ON COLUMN creditrisk.classification_run.overrides IS 'Enterprises matched per override rule, {"serious_dishonesty": n, ...}';
COMMENT ON COLUMN creditrisk.classification_run.stages IS 'Seconds per stage';

CREATE TABLE creditrisk.classification_result (
    as_of            date NOT NULL,
    uscc             creditrisk.uscc NOT NULL,
    division_code    creditrisk.division_code NOT NULL,
    score            double precision NOT NULL,
    score_class      creditrisk.riskclass NOT NULL,
    final_class      creditrisk.riskclass NOT NULL,
    overrides        text[] NOT NULL DEFAULT '{}',
    override_details jsonb,
    reasons          text[],
    PRIMARY KEY (as_of, uscc),
    CONSTRAINT classification_result_overrides_only_raise CHECK (final_class >= score_class)
);
CREATE INDEX classification_result_uscc_idx ON creditrisk.classification_result (uscc);
COMMENT ON TABLE creditrisk.classification_result IS
    'Each enterprise''s classification on each run date (分类结果历史): score, score class, final class, the overrides that applied and why, and the reason codes of the score';
COMMENT ON COLUMN creditrisk.classification_result.division_code IS 'The enterprise''s division on the run date (for division-scoped access)';
COMMENT ON COLUMN creditrisk.classification_result.score_class IS 'Class of the score (art. 9 bands)';
COMMENT ON COLUMN creditrisk.classification_result.final_class IS 'Class after overrides (art. 10): the riskiest of the score class and every override';
COMMENT ON COLUMN creditrisk.classification_result.overrides IS 'Codes of the override rules that matched (creditrisk.override_rule)';
COMMENT ON COLUMN creditrisk.classification_result.override_details IS 'Per rule: the class it imposed and its detail columns, {"serious_dishonesty": {"class": "D", "listed_date": ...}}';
COMMENT ON COLUMN creditrisk.classification_result.reasons IS 'Reason codes of the score: the indicators that added most risk (score_reasons)';

CREATE TABLE creditrisk.classification_domain_result (
    as_of              date NOT NULL,
    uscc               creditrisk.uscc NOT NULL,
    domain             text NOT NULL,
    division_code      creditrisk.division_code NOT NULL,
    general_class      creditrisk.riskclass NOT NULL,
    professional_class creditrisk.riskclass NOT NULL,
    assessed_date      date NOT NULL,
    method             text NOT NULL,
    fused_class        creditrisk.riskclass NOT NULL,
    PRIMARY KEY (as_of, uscc, domain)
);
COMMENT ON TABLE creditrisk.classification_domain_result IS
    'Fused classes (通用+专业, art. 16) on each run date: for every enterprise with a professional class in a domain, the general (final) class, the latest professional class assessed on or before the date, and the fused class';

-- The results belong to their run: deleting a run deletes them.  (No foreign
-- key from the results: a row-by-row check of a million rows per run costs
-- seconds, and only refresh_classification() writes results, after its run.)
CREATE FUNCTION creditrisk.classification_run_delete() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    DELETE FROM creditrisk.classification_result r WHERE r.as_of IN (SELECT d.as_of FROM deleted_runs d);
    DELETE FROM creditrisk.classification_domain_result r WHERE r.as_of IN (SELECT d.as_of FROM deleted_runs d);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.classification_run_delete() IS
    'Trigger: deleting classification runs (分类批次) deletes their results';
CREATE TRIGGER classification_run_delete AFTER DELETE ON creditrisk.classification_run
    REFERENCING OLD TABLE AS deleted_runs
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.classification_run_delete();

-- ---------------------------------------------------------------------------
-- The latest run, for reading during a refresh
-- ---------------------------------------------------------------------------
CREATE MATERIALIZED VIEW creditrisk.classification_current AS
SELECT r.uscc, r.division_code, r.score, r.score_class, r.final_class, r.overrides, r.override_details, r.reasons
  FROM creditrisk.classification_result r
 WHERE r.as_of = (SELECT max(run.as_of) FROM creditrisk.classification_run run);
CREATE UNIQUE INDEX classification_current_uscc ON creditrisk.classification_current (uscc);
CREATE INDEX classification_current_division ON creditrisk.classification_current (division_code);
COMMENT ON MATERIALIZED VIEW creditrisk.classification_current IS
    'The classification of the latest run (最新分类结果), one row per enterprise; refreshed CONCURRENTLY by refresh_classification(), so reads never wait; the date and model are in creditrisk.classification_run';

CREATE MATERIALIZED VIEW creditrisk.classification_domain_current AS
SELECT r.uscc, r.domain, r.division_code, r.general_class, r.professional_class, r.assessed_date, r.method, r.fused_class
  FROM creditrisk.classification_domain_result r
 WHERE r.as_of = (SELECT max(run.as_of) FROM creditrisk.classification_run run);
CREATE UNIQUE INDEX classification_domain_current_key ON creditrisk.classification_domain_current (uscc, domain);
COMMENT ON MATERIALIZED VIEW creditrisk.classification_domain_current IS
    'Each enterprise''s class in each domain it belongs to (通用+专业融合, art. 16), latest run; refreshed CONCURRENTLY with classification_current';

-- ---------------------------------------------------------------------------
-- The monthly run
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.refresh_classification(as_of date DEFAULT CURRENT_DATE, model text DEFAULT NULL)
RETURNS creditrisk.classification_run
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    t0 timestamptz := clock_timestamp();
    ts timestamptz;
    n bigint;
    m creditrisk.model;
    rule creditrisk.override_rule;
    prior_attempt integer;
    latest date;
    stages jsonb := '{}';
    matched jsonb := '{}';
    result creditrisk.classification_run;
    label text;
    label_missing text;
BEGIN
    IF as_of IS NULL THEN
        RAISE EXCEPTION 'classification date is NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'Omit it for today: SELECT creditrisk.refresh_classification();';
    END IF;
    IF as_of > current_date THEN
        RAISE EXCEPTION 'classification date % is in the future', as_of
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Records are dated; a future date would classify on records that do not exist yet.',
                  HINT = 'Classify on today or an earlier date.';
    END IF;
    IF model IS NULL THEN
        model := creditrisk.active_model(as_of);
        IF model IS NULL THEN
            RAISE EXCEPTION 'no model is active on %', as_of
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'creditrisk.model_activation has no row with effective_from on or before that date.',
                      HINT = 'Name a model, or activate one: INSERT INTO creditrisk.model_activation (effective_from, model_key) VALUES (...);';
        END IF;
    END IF;
    SELECT * INTO m FROM creditrisk.model mm WHERE mm.model_key = model;
    IF NOT FOUND THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;
    IF m.status = 'draft' THEN
        RAISE EXCEPTION 'model "%" is a draft and cannot classify', model
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Classifications must be reproducible, so only published (frozen) models classify.',
                  HINT = format('Publish it first: SELECT creditrisk.model_publish(%L);', model);
    END IF;
    label := format('refresh_classification %s (%s)', as_of, model);
    SELECT string_agg(format('%s (%s of 16 cells)', r.domain,
                             (SELECT count(*) FROM creditrisk.fusion_matrix fm WHERE fm.domain = r.domain)), ', ' ORDER BY r.domain)
      INTO label_missing
      FROM creditrisk.fusion_rule r
     WHERE r.method = 'matrix' AND (SELECT count(*) FROM creditrisk.fusion_matrix fm WHERE fm.domain = r.domain) < 16;
    IF label_missing IS NOT NULL THEN
        RAISE EXCEPTION 'fusion matrix incomplete: %', label_missing
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A domain fused by matrix needs a fused class for each of the 16 (general, professional) pairs.',
                  HINT = 'Insert the missing cells into creditrisk.fusion_matrix, or set the domain''s method to riskier.';
    END IF;

    -- One run at a time; readers of the history and the views are not blocked.
    LOCK TABLE creditrisk.classification_run IN EXCLUSIVE MODE;

    -- 1. Replace the run of this date, if any.
    ts := clock_timestamp();
    SELECT r.attempt INTO prior_attempt FROM creditrisk.classification_run r WHERE r.as_of = as_of;
    DELETE FROM creditrisk.classification_run r WHERE r.as_of = as_of;
    INSERT INTO creditrisk.classification_run (as_of, model_key, model_revision, started_at, run_by, attempt)
    VALUES (as_of, model, m.revision, t0, current_user, coalesce(prior_attempt, 0) + 1);
    IF prior_attempt IS NOT NULL THEN
        stages := stages || jsonb_build_object('replace', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
        RAISE NOTICE '%: replacing the run of attempt %', label, prior_attempt
            USING DETAIL = format('stage %s s, elapsed %s s', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                                  round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));
    END IF;

    -- 2. Indicators and scores.
    ts := clock_timestamp();
    INSERT INTO creditrisk.classification_result (as_of, uscc, division_code, score, score_class, final_class, reasons)
    SELECT as_of, i.uscc, e.division_code, s.score, creditrisk.classify(s.score), creditrisk.classify(s.score),
           creditrisk.score_reasons(model, i.indicators, 3)
      FROM creditrisk.compute_indicators(model, as_of) i
      JOIN creditrisk.enterprise e ON e.uscc = i.uscc
     CROSS JOIN LATERAL (SELECT creditrisk.score(model, i.indicators) AS score) s;
    GET DIAGNOSTICS n = ROW_COUNT;
    stages := stages || jsonb_build_object('score', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
    RAISE NOTICE '%: indicators and scores: % enterprises', label, n
        USING DETAIL = format('stage %s s, elapsed %s s', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                              round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));

    -- 3. Overrides (art. 10), one set-based statement per rule in force.
    FOR rule IN SELECT * FROM creditrisk.override_rule o
                 WHERE o.enabled AND o.effective_from <= as_of AND (o.effective_to IS NULL OR o.effective_to >= as_of)
                 ORDER BY o.code
    LOOP
        ts := clock_timestamp();
        BEGIN
            EXECUTE format($q$
                UPDATE creditrisk.classification_result r
                   SET overrides = r.overrides || %1$L::text,
                       override_details = coalesce(r.override_details, '{}') || jsonb_build_object(%1$L, q.detail),
                       final_class = greatest(r.final_class, q.class)
                  FROM (SELECT q.uscc::creditrisk.uscc AS uscc, max(q.class::creditrisk.riskclass) AS class,
                               (array_agg(jsonb_build_object('class', q.class::creditrisk.riskclass)
                                          || (pg_catalog.to_jsonb(q) - 'uscc' - 'class')
                                          ORDER BY q.class::creditrisk.riskclass DESC))[1] AS detail
                          FROM (%2$s) q
                         WHERE q.class IS NOT NULL
                         GROUP BY 1) q
                 WHERE r.as_of = $1 AND r.uscc = q.uscc$q$, rule.code, rule.rule_sql)
              USING as_of;
            GET DIAGNOSTICS n = ROW_COUNT;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'override rule "%" failed', rule.code
                USING ERRCODE = SQLSTATE, DETAIL = SQLERRM,
                      HINT = 'Correct or disable the rule (UPDATE creditrisk.override_rule SET enabled = false ...).';
        END;
        matched := matched || jsonb_build_object(rule.code, n);
        stages := stages || jsonb_build_object('override ' || rule.code, round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
        RAISE NOTICE '%: override %: % enterprises', label, rule.code, n
            USING DETAIL = format('stage %s s, elapsed %s s', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                                  round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));
    END LOOP;

    -- 4. Fusion (art. 16) with the latest professional class on or before the date.
    ts := clock_timestamp();
    INSERT INTO creditrisk.classification_domain_result
           (as_of, uscc, domain, division_code, general_class, professional_class, assessed_date, method, fused_class)
    SELECT as_of, d.uscc, d.domain, r.division_code, r.final_class, d.class, d.assessed_date,
           coalesce(f.method, 'riskier'),
           CASE WHEN f.method = 'matrix' THEN fm.fused_class ELSE greatest(r.final_class, d.class) END
      FROM (SELECT DISTINCT ON (x.uscc, x.domain) x.uscc, x.domain, x.class, x.assessed_date
              FROM creditrisk.domain_risk_class x
             WHERE x.assessed_date <= as_of
             ORDER BY x.uscc, x.domain, x.assessed_date DESC) d
      JOIN creditrisk.classification_result r ON r.as_of = as_of AND r.uscc = d.uscc
      LEFT JOIN creditrisk.fusion_rule f ON f.domain = d.domain
      LEFT JOIN creditrisk.fusion_matrix fm
             ON fm.domain = d.domain AND fm.general_class = r.final_class AND fm.professional_class = d.class;
    GET DIAGNOSTICS n = ROW_COUNT;
    stages := stages || jsonb_build_object('fusion', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
    RAISE NOTICE '%: fusion: % enterprise domains', label, n
        USING DETAIL = format('stage %s s, elapsed %s s', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                              round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));

    -- 5. The run's summary in the history.
    ts := clock_timestamp();
    UPDATE creditrisk.classification_run run
       SET enterprises = s.enterprises, score_classes = s.score_classes, final_classes = s.final_classes,
           overridden = s.overridden, overrides = matched, domain_results = n
      FROM (SELECT count(*) AS enterprises,
                   jsonb_build_object('A', count(*) FILTER (WHERE r.score_class = 'A'), 'B', count(*) FILTER (WHERE r.score_class = 'B'),
                                      'C', count(*) FILTER (WHERE r.score_class = 'C'), 'D', count(*) FILTER (WHERE r.score_class = 'D')) AS score_classes,
                   jsonb_build_object('A', count(*) FILTER (WHERE r.final_class = 'A'), 'B', count(*) FILTER (WHERE r.final_class = 'B'),
                                      'C', count(*) FILTER (WHERE r.final_class = 'C'), 'D', count(*) FILTER (WHERE r.final_class = 'D')) AS final_classes,
                   count(*) FILTER (WHERE r.final_class > r.score_class) AS overridden
              FROM creditrisk.classification_result r WHERE r.as_of = as_of) s
     WHERE run.as_of = as_of;
    stages := stages || jsonb_build_object('history', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));

    -- 6. Publish: refresh the views of the latest run, readers keep reading.
    ts := clock_timestamp();
    SELECT max(r.as_of) INTO latest FROM creditrisk.classification_run r;
    IF latest = as_of THEN
        REFRESH MATERIALIZED VIEW CONCURRENTLY creditrisk.classification_current;
        REFRESH MATERIALIZED VIEW CONCURRENTLY creditrisk.classification_domain_current;
        stages := stages || jsonb_build_object('refresh', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
        RAISE NOTICE '%: refreshed the current classification', label
            USING DETAIL = format('stage %s s, elapsed %s s', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                                  round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));
    ELSE
        RAISE NOTICE '%: kept in the history; the current classification stays that of %', label, latest;
    END IF;

    UPDATE creditrisk.classification_run run SET finished_at = clock_timestamp(), stages = stages
     WHERE run.as_of = as_of
    RETURNING * INTO result;
    RAISE NOTICE '%: done: % enterprises, % overridden, final classes %', label, result.enterprises, result.overridden, result.final_classes
        USING DETAIL = format('elapsed %s s', round(extract(epoch FROM result.finished_at - t0)::numeric, 3));
    RETURN result;
END
$$;
COMMENT ON FUNCTION creditrisk.refresh_classification(date, text) IS
    'The monthly run (月度分类): computes indicators as of the date, scores them with the model (default: the active model on that date), applies the override rules (art. 10) and fusion (art. 16), records the run in the history (replacing an earlier run of the same date) and refreshes the current views concurrently; reports progress as NOTICEs and returns the run';

-- ---------------------------------------------------------------------------
-- Monitoring and early warning (监测预警, art. 3)
-- ---------------------------------------------------------------------------

-- The two runs compared: to = the given date or the latest run; from = the
-- given date or the run before "to".
CREATE FUNCTION creditrisk.run_pair(from_run date, to_run date, OUT from_date date, OUT to_date date)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    d date;
BEGIN
    FOREACH d IN ARRAY ARRAY[from_run, to_run] LOOP
        IF d IS NOT NULL AND NOT EXISTS (SELECT 1 FROM creditrisk.classification_run r WHERE r.as_of = d) THEN
            RAISE EXCEPTION 'there is no classification run on %', d
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'SELECT as_of FROM creditrisk.classification_run ORDER BY as_of lists the runs.';
        END IF;
    END LOOP;
    to_date := coalesce(to_run, (SELECT max(r.as_of) FROM creditrisk.classification_run r));
    from_date := coalesce(from_run, (SELECT max(r.as_of) FROM creditrisk.classification_run r WHERE r.as_of < to_date));
END
$$;
COMMENT ON FUNCTION creditrisk.run_pair(date, date) IS
    'The two runs (分类批次) a comparison uses: to_run (default the latest run) and from_run (default the run before it); unknown dates are an error';

CREATE FUNCTION creditrisk.class_worsened(from_run date DEFAULT NULL, to_run date DEFAULT NULL)
RETURNS TABLE (uscc creditrisk.uscc, division_code text, from_class creditrisk.riskclass, to_class creditrisk.riskclass,
               steps integer, from_score double precision, to_score double precision, score_change double precision,
               new_overrides text[], reasons text[])
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT b.uscc, b.division_code::text, a.final_class, b.final_class,
           ascii(b.final_class::text) - ascii(a.final_class::text),
           a.score, b.score, b.score - a.score,
           ARRAY(SELECT o FROM unnest(b.overrides) o WHERE o <> ALL (a.overrides)), b.reasons
      FROM creditrisk.run_pair(class_worsened.from_run, class_worsened.to_run) p
      JOIN creditrisk.classification_result a ON a.as_of = p.from_date
      JOIN creditrisk.classification_result b ON b.as_of = p.to_date AND b.uscc = a.uscc
     WHERE b.final_class > a.final_class
     ORDER BY 5 DESC, 8 DESC, 1
$$;
COMMENT ON FUNCTION creditrisk.class_worsened(date, date) IS
    'Early-warning list (预警名单): enterprises whose final class worsened between two runs (default: the latest and the one before), by how many classes and score points, with the overrides that are new and the score''s reason codes';

CREATE FUNCTION creditrisk.class_transition(from_run date DEFAULT NULL, to_run date DEFAULT NULL)
RETURNS TABLE (from_class creditrisk.riskclass, to_a bigint, to_b bigint, to_c bigint, to_d bigint, left_population bigint, total bigint)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    WITH p AS (SELECT * FROM creditrisk.run_pair(class_transition.from_run, class_transition.to_run)),
    a AS (SELECT r.uscc, r.final_class FROM creditrisk.classification_result r, p WHERE r.as_of = p.from_date),
    b AS (SELECT r.uscc, r.final_class FROM creditrisk.classification_result r, p WHERE r.as_of = p.to_date),
    t AS (SELECT a.final_class AS f, b.final_class AS g FROM a FULL JOIN b ON a.uscc = b.uscc),
    k(f) AS (SELECT unnest('{A,B,C,D}'::creditrisk.riskclass[]) UNION ALL SELECT NULL)
    SELECT k.f, count(t.g) FILTER (WHERE t.g = 'A'), count(t.g) FILTER (WHERE t.g = 'B'),
           count(t.g) FILTER (WHERE t.g = 'C'), count(t.g) FILTER (WHERE t.g = 'D'),
           count(*) FILTER (WHERE t.f IS NOT NULL AND t.g IS NULL), count(t.*)
      FROM k LEFT JOIN t ON t.f IS NOT DISTINCT FROM k.f
     WHERE EXISTS (SELECT 1 FROM p WHERE p.from_date IS NOT NULL)
     GROUP BY k.f
     ORDER BY k.f NULLS LAST
$$;
COMMENT ON FUNCTION creditrisk.class_transition(date, date) IS
    'Class transition matrix (迁移矩阵) between two runs (default: the latest and the one before): one row per class in the first run (NULL = enterprises new in the second), counts per class in the second and of those no longer classified';

CREATE FUNCTION creditrisk.class_distribution(as_of date DEFAULT NULL)
RETURNS TABLE (level text, division_code text, enterprises bigint, a bigint, b bigint, c bigint, d bigint, share_c_d numeric)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    -- Counted per division first (a few hundred rows), then rolled up.
    WITH per_division AS (
        SELECT r.division_code::text AS code,
               count(*) FILTER (WHERE r.final_class = 'A') AS a, count(*) FILTER (WHERE r.final_class = 'B') AS b,
               count(*) FILTER (WHERE r.final_class = 'C') AS c, count(*) FILTER (WHERE r.final_class = 'D') AS d
          FROM creditrisk.classification_result r
         WHERE r.as_of = (SELECT p.to_date FROM creditrisk.run_pair(NULL, class_distribution.as_of) p)
         GROUP BY r.division_code
    ), r AS (
        SELECT creditrisk.division_at(x.code, 'province') AS prov, creditrisk.division_at(x.code, 'city') AS city,
               creditrisk.division_at(x.code, 'county') AS own, x.a, x.b, x.c, x.d
          FROM per_division x
    ), g AS (
        SELECT CASE WHEN GROUPING(prov) = 0 THEN 'province' WHEN GROUPING(city) = 0 THEN 'city' ELSE 'county' END AS level,
               coalesce(prov, city, own) AS division_code,
               sum(r.a)::bigint AS a, sum(r.b)::bigint AS b, sum(r.c)::bigint AS c, sum(r.d)::bigint AS d
          FROM r
         GROUP BY GROUPING SETS ((prov), (city), (own))
    )
    SELECT g.level, g.division_code, g.a + g.b + g.c + g.d, g.a, g.b, g.c, g.d,
           round((g.c + g.d)::numeric / (g.a + g.b + g.c + g.d), 4)
      FROM g
     WHERE g.division_code IS NOT NULL
     ORDER BY CASE g.level WHEN 'province' THEN 1 WHEN 'city' THEN 2 ELSE 3 END, g.division_code
$$;
COMMENT ON FUNCTION creditrisk.class_distribution(date) IS
    'Final-class distribution (分类分布) of a run (default: the latest) by division at province, city and county level (county: the enterprise''s own division below the province, so a city-level code counts as its own county)';

-- Population stability index.
CREATE FUNCTION creditrisk.psi(expected bigint[], actual bigint[]) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    e_total numeric; a_total numeric;
BEGIN
    IF cardinality(expected) <> cardinality(actual) OR cardinality(expected) = 0 THEN
        RAISE EXCEPTION 'PSI needs two count arrays of the same non-zero length'
            USING ERRCODE = 'array_subscript_error',
                  DETAIL = format('The arrays have %s and %s elements.', cardinality(expected), cardinality(actual));
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(expected || actual) c WHERE c IS NULL OR c < 0) THEN
        RAISE EXCEPTION 'PSI counts must be non-negative and not NULL'
            USING ERRCODE = 'invalid_parameter_value', DETAIL = format('expected %s, actual %s', expected, actual);
    END IF;
    SELECT sum(c) INTO e_total FROM unnest(expected) c;
    SELECT sum(c) INTO a_total FROM unnest(actual) c;
    IF e_total = 0 OR a_total = 0 THEN
        RETURN NULL;   -- no distribution to compare
    END IF;
    -- Shares floored at 0.0001 so that an empty bin contributes a finite amount.
    RETURN (SELECT sum((greatest(a::float8 / a_total::float8, 1e-4) - greatest(e::float8 / e_total::float8, 1e-4))
                       * ln(greatest(a::float8 / a_total::float8, 1e-4) / greatest(e::float8 / e_total::float8, 1e-4)))
              FROM unnest(expected, actual) x(e, a));
END
$$;
COMMENT ON FUNCTION creditrisk.psi(bigint[], bigint[]) IS
    'Population stability index (群体稳定性指数, PSI) Σ (a−e)·ln(a/e) over bin shares of two count arrays; shares are floored at 0.0001 so empty bins are safe; NULL when either array counts nothing';

CREATE FUNCTION creditrisk.psi_band(psi double precision) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT CASE WHEN psi < 0.1 THEN 'stable' WHEN psi <= 0.25 THEN 'minor shift' ELSE 'major shift' END $$;
COMMENT ON FUNCTION creditrisk.psi_band(double precision) IS
    'The usual PSI bands: < 0.1 stable (稳定), 0.1-0.25 minor shift (轻微偏移), > 0.25 major shift (显著偏移)';

CREATE FUNCTION creditrisk.score_psi(from_run date DEFAULT NULL, to_run date DEFAULT NULL, bin_width double precision DEFAULT 100)
RETURNS TABLE (bin integer, lower double precision, upper double precision, from_count bigint, to_count bigint,
               from_share double precision, to_share double precision, contribution double precision)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    p record;
    bins integer;
BEGIN
    IF bin_width IS NULL OR NOT (bin_width > 0 AND bin_width <= 1000) THEN
        RAISE EXCEPTION 'bin width % is not in (0, 1000]', bin_width
            USING ERRCODE = 'invalid_parameter_value', HINT = 'The default, 100, gives ten bins of 100 points.';
    END IF;
    SELECT * INTO p FROM creditrisk.run_pair(from_run, to_run);
    IF p.from_date IS NULL THEN
        RETURN;
    END IF;
    bins := ceil(1000 / bin_width)::integer;
    RETURN QUERY
    WITH c AS (
        SELECT least(floor(r.score / bin_width)::integer, bins - 1) AS k,
               count(*) FILTER (WHERE r.as_of = p.from_date) AS f, count(*) FILTER (WHERE r.as_of = p.to_date) AS t
          FROM creditrisk.classification_result r
         WHERE r.as_of IN (p.from_date, p.to_date)
         GROUP BY 1
    ), x AS (
        SELECT k.k, coalesce(c.f, 0) AS f, coalesce(c.t, 0) AS t
          FROM generate_series(0, bins - 1) k(k) LEFT JOIN c ON c.k = k.k
    ), s AS (
        SELECT x.*, greatest(x.f::float8 / nullif(sum(x.f) OVER (), 0), 1e-4) AS fs,
                    greatest(x.t::float8 / nullif(sum(x.t) OVER (), 0), 1e-4) AS tsh
          FROM x
    )
    SELECT s.k + 1, s.k * bin_width, least((s.k + 1) * bin_width, 1000), s.f, s.t, s.fs, s.tsh, (s.tsh - s.fs) * ln(s.tsh / s.fs)
      FROM s ORDER BY s.k;
END
$$;
COMMENT ON FUNCTION creditrisk.score_psi(date, date, double precision) IS
    'PSI of the score distribution between two runs (default: the latest and the one before), per score bin of bin_width points: counts, shares (floored at 0.0001) and each bin''s contribution';

CREATE FUNCTION creditrisk.score_stability(from_run date DEFAULT NULL, to_run date DEFAULT NULL, bin_width double precision DEFAULT 100)
RETURNS TABLE (from_date date, to_date date, from_enterprises bigint, to_enterprises bigint, psi double precision, band text)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT p.from_date, p.to_date, sum(s.from_count)::bigint, sum(s.to_count)::bigint,
           creditrisk.psi(array_agg(s.from_count ORDER BY s.bin), array_agg(s.to_count ORDER BY s.bin)),
           creditrisk.psi_band(creditrisk.psi(array_agg(s.from_count ORDER BY s.bin), array_agg(s.to_count ORDER BY s.bin)))
      FROM creditrisk.run_pair(score_stability.from_run, score_stability.to_run) p
      JOIN creditrisk.score_psi(p.from_date, p.to_date, score_stability.bin_width) s ON true
     GROUP BY p.from_date, p.to_date
$$;
COMMENT ON FUNCTION creditrisk.score_stability(date, date, double precision) IS
    'Score-distribution stability (分数稳定性) between two runs (default: the latest and the one before): PSI over score bins and its band (stable / minor shift / major shift)';

-- ---------------------------------------------------------------------------
-- Views for analysts (security_invoker: readers need rights on what they read)
-- ---------------------------------------------------------------------------
CREATE VIEW creditrisk.enterprise_measures WITH (security_invoker = true) AS
SELECT c.uscc, c.division_code, c.final_class AS class, m.min_spot_check_ratio, m.proactive_onsite_inspection,
       m.key_licensing_review, m.key_supervision_target, m.other_measures, m.sources
  FROM creditrisk.classification_current c
  JOIN (SELECT d.division_code, f.*
          FROM (SELECT DISTINCT x.division_code FROM creditrisk.classification_current x) d
         CROSS JOIN LATERAL creditrisk.measures_in_force(d.division_code, current_date) f) m
    ON m.division_code = c.division_code AND m.class = c.final_class;
COMMENT ON VIEW creditrisk.enterprise_measures IS
    'The supervision measures (监管措施) that apply today to each enterprise of the latest run, by its final class and division (strictest of province, city and county)';

CREATE VIEW creditrisk.classification_worsened WITH (security_invoker = true) AS
SELECT * FROM creditrisk.class_worsened();
COMMENT ON VIEW creditrisk.classification_worsened IS
    'Early-warning list (预警名单): enterprises whose class worsened from the previous run to the latest';

CREATE VIEW creditrisk.class_transition_latest WITH (security_invoker = true) AS
SELECT * FROM creditrisk.class_transition();
COMMENT ON VIEW creditrisk.class_transition_latest IS 'Class transition matrix (迁移矩阵) from the previous run to the latest';

CREATE VIEW creditrisk.class_distribution_current WITH (security_invoker = true) AS
SELECT * FROM creditrisk.class_distribution();
COMMENT ON VIEW creditrisk.class_distribution_current IS
    'Final-class distribution (分类分布) of the latest run by province, city and county';

CREATE VIEW creditrisk.score_stability_latest WITH (security_invoker = true) AS
SELECT * FROM creditrisk.score_stability();
COMMENT ON VIEW creditrisk.score_stability_latest IS 'Score PSI (分数稳定性) from the previous run to the latest, with its band';

-- ---------------------------------------------------------------------------
-- pg_dump keeps user data; shipped rows come back from CREATE EXTENSION.
-- ---------------------------------------------------------------------------
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_activation', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.high_concern_industry', 'WHERE NOT example');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.override_rule', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.fusion_rule', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.fusion_matrix', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.supervision_measure', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.classification_run', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.classification_result', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.classification_domain_result', '');

REVOKE ALL ON TABLE creditrisk.model_activation, creditrisk.high_concern_industry, creditrisk.override_rule,
                    creditrisk.fusion_rule, creditrisk.fusion_matrix, creditrisk.supervision_measure,
                    creditrisk.classification_run, creditrisk.classification_result, creditrisk.classification_domain_result,
                    creditrisk.classification_current, creditrisk.classification_domain_current,
                    creditrisk.enterprise_measures, creditrisk.classification_worsened, creditrisk.class_transition_latest,
                    creditrisk.class_distribution_current, creditrisk.score_stability_latest
    FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.division_level(text), creditrisk.division_at(text, text),
                       creditrisk.shipped_row_guard(), creditrisk.model_activation_check(), creditrisk.active_model(date),
                       creditrisk.classification_run_delete(),
                       creditrisk.override_rule_check(), creditrisk.fusion_matrix_complete(),
                       creditrisk.measure_loosenings(text), creditrisk.supervision_measure_no_loosening(),
                       creditrisk.measures_in_force(creditrisk.division_code, date), creditrisk.refresh_classification(date, text),
                       creditrisk.run_pair(date, date), creditrisk.class_worsened(date, date),
                       creditrisk.class_transition(date, date), creditrisk.class_distribution(date),
                       creditrisk.psi(bigint[], bigint[]), creditrisk.psi_band(double precision),
                       creditrisk.score_psi(date, date, double precision), creditrisk.score_stability(date, date, double precision)
    FROM PUBLIC;
