-- ===========================================================================
-- Classification pipeline (分类, since 1.2): overrides (art. 10), fusion (art. 16),
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
-- in one transaction; classification_current and classification_domain_current
-- read the latest run from that history, so readers see the previous run
-- until the new one commits, and never wait.
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

-- A division and everything below it are the codes in [d, division_upper(d)):
-- 410000 -> [410000, 420000), 411600 -> [411600, 411700), 411622 and 419001
-- -> themselves.  Equal-length digit strings sort the same in every collation,
-- so the range is served by a btree index on division_code.
CREATE FUNCTION creditrisk.division_upper(division_code text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT lpad((division_code::integer + CASE WHEN division_code ~ '0000$' THEN 10000
                                                    WHEN division_code ~ '00$' AND substr(division_code, 3, 2) <> '90' THEN 100
                                                    ELSE 1 END)::text, 6, '0') $$;
COMMENT ON FUNCTION creditrisk.division_upper(text) IS
    'The first division code after a division and everything below it (下辖区划): the division''s codes are [division_code, division_upper(division_code))';

-- "This division and everything under it" for analysts (issue 15): a
-- division is given by its code (411622, 411600, 410000) or by the prefix of
-- its level (41 the province, 4116 周口市 and its counties), and
-- in_division(code, '4116') is the range [411600, 411700) that the
-- jurisdictions' policies use (division_upper above).  in_division() has a
-- SQL-standard body, so the planner inlines it; its bounds are IMMUTABLE
-- functions of a constant, folded when the query is planned, so the range
-- is served by a btree index on division_code.  No LIKE.
CREATE FUNCTION creditrisk.division_from(division text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF division !~ '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$' THEN
        RAISE EXCEPTION 'invalid division "%"', division
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A division is its six-digit code (410000, 411600, 411622) or the prefix of its level: two digits for a province (41), four for a city (4116).',
                  HINT = 'For example creditrisk.in_division(division_code, ''4116'') keeps 周口市 and its counties.';
    END IF;
    RETURN rpad(division, 6, '0');
END
$$;
COMMENT ON FUNCTION creditrisk.division_from(text) IS
    'The first division code of a division given by its code or level prefix (41, 4116, 411622): 410000, 411600, 411622; 22023 for anything else';

CREATE FUNCTION creditrisk.division_to(division text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    first text := creditrisk.division_from(division);   -- validates
BEGIN
    IF length(division) = 6 THEN
        RETURN creditrisk.division_upper(first);
    END IF;
    RETURN rpad(lpad((division::integer + 1)::text, length(division), '0'), 6, '0');
END
$$;
COMMENT ON FUNCTION creditrisk.division_to(text) IS
    'The first division code after a division (given by its code or level prefix) and everything below it (下辖区划): 41 → 420000, 4116 → 411700, 411600 → 411700, 411622 → 411623';

CREATE FUNCTION creditrisk.in_division(division_code text, division text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT division_code OPERATOR(pg_catalog.>=) creditrisk.division_from(division)
       AND division_code OPERATOR(pg_catalog.<) creditrisk.division_to(division);
END;
COMMENT ON FUNCTION creditrisk.in_division(text, text) IS
    'Whether a division code lies in a division or anywhere under it (本级及下辖): in_division(division_code, ''4116'') for 周口市 and its counties, ''411622'' for 西华县, ''41'' for the province; inlined into the caller''s query as a range on division_code, which an index serves';

-- The jurisdiction (管辖范围) of the current role, as a range of division codes
-- [scope_from(), scope_to()): everything for superusers, roles with BYPASSRLS
-- and creditrisk_owner; the enrolled division and below for an enrolled
-- admin, analyst or auditor (creditrisk.jurisdiction, extension/security.sql);
-- nothing (NULL) for anyone else, partners included.  Policies and views call
-- each once per query, as an InitPlan: (SELECT creditrisk.scope_from()), or directly
-- (the register; cached per call site, src/scope.c).  In C
-- (src/scope.c): one index probe, no search_path to capture.
CREATE FUNCTION creditrisk.scope_from() RETURNS text
    AS 'MODULE_PATHNAME', 'scope_from' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.scope_from() IS
    'Lowest division code of the current role''s jurisdiction (管辖范围); NULL when it has none (then it sees no enterprise)';

CREATE FUNCTION creditrisk.scope_to() RETURNS text
    AS 'MODULE_PATHNAME', 'scope_to' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.scope_to() IS
    'The first division code after the current role''s jurisdiction (管辖范围); NULL when it has none';

-- The credit-repair rule sets (extension/repair.sql) are guarded here by the
-- generic guard of shipped rows (extension/creditrisk.sql).
CREATE TRIGGER repair_rule_set_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.repair_rule_set
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Rule sets are dated: add one of your own with a later effective_from (shipped = false).');

-- ---------------------------------------------------------------------------
-- The active model (启用的指标体系), by date
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.model_activation (
    effective_from date PRIMARY KEY,
    model_key      text NOT NULL,
    note           text NOT NULL DEFAULT '',
    shipped        boolean NOT NULL DEFAULT false,
    recorded_at    timestamptz NOT NULL
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

INSERT INTO creditrisk.model_activation (effective_from, model_key, note, shipped, recorded_at)
VALUES ('-infinity', 'reference-v1', 'reference configuration: the reference model until a bureau activates its own', true, '-infinity');

CREATE TRIGGER model_activation_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.model_activation
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Add a row of your own: INSERT INTO creditrisk.model_activation (effective_from, model_key) VALUES (''2026-01-01'', ''henan-2026'');');
SELECT creditrisk.keep_history('creditrisk.model_activation');

CREATE FUNCTION creditrisk.active_model(as_of date DEFAULT CURRENT_DATE, known_at timestamptz DEFAULT NULL) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp
    AS $$ SELECT a.model_key FROM creditrisk.model_activation_as_known(active_model.known_at) a
           WHERE a.effective_from <= active_model.as_of ORDER BY a.effective_from DESC LIMIT 1 $$;
COMMENT ON FUNCTION creditrisk.active_model(date, timestamptz) IS
    'The model (启用的指标体系) that classifies on a date, from creditrisk.model_activation as known at known_at (NULL = now); NULL when none is active';

-- ---------------------------------------------------------------------------
-- High-social-concern industries (社会高度关注行业, art. 10 (3))
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.high_concern_industry (
    industry_prefix creditrisk.industry_code NOT NULL,
    effective_from  date NOT NULL,
    effective_to    date,
    class           creditrisk.riskclass
                    CONSTRAINT high_concern_industry_class_c_or_d CHECK (class IN ('C', 'D')),
    name            text NOT NULL DEFAULT '',
    note            text NOT NULL DEFAULT '',
    example         boolean NOT NULL DEFAULT false,
    recorded_at     timestamptz NOT NULL,
    PRIMARY KEY (industry_prefix, effective_from),
    CONSTRAINT high_concern_industry_dates CHECK (effective_to >= effective_from)
);
COMMENT ON TABLE creditrisk.high_concern_industry IS
    'High-social-concern industries (社会高度关注行业, art. 10 (3)): enterprises whose industry code starts with the prefix are classified at least C or D from effective_from to effective_to (inclusive, NULL = open); the bureau edits this table';
COMMENT ON COLUMN creditrisk.high_concern_industry.industry_prefix IS 'GB/T 4754-2017 code or prefix: section (C), division (C26), group (C267) or class (C2672); among the prefixes in force that an enterprise''s industry starts with, the most specific (longest) applies';
COMMENT ON COLUMN creditrisk.high_concern_industry.class IS 'C or D; NULL = an exception: the industry is not of high concern, although a shorter prefix is (e.g. C27 C with C2770 NULL)';
COMMENT ON COLUMN creditrisk.high_concern_industry.example IS
    'Shipped example (示例) from the reference configuration: NEVER applied; insert a row of your own (example = false) to adopt it';

INSERT INTO creditrisk.high_concern_industry (industry_prefix, effective_from, class, name, note, example, recorded_at) VALUES
    ('C2672', '2022-07-25', 'D', '焰火、鞭炮产品制造', 'EXAMPLE, not applied: fireworks manufacture (explosion hazard)', true, '-infinity'),
    ('B06',   '2022-07-25', 'C', '煤炭开采和洗选业', 'EXAMPLE, not applied: coal mining (work-safety concern)', true, '-infinity'),
    ('C27',   '2022-07-25', 'C', '医药制造业', 'EXAMPLE, not applied: pharmaceutical manufacture (public-health concern)', true, '-infinity'),
    ('P83',   '2022-07-25', 'C', '教育', 'EXAMPLE, not applied: education and training (prepaid-fee complaints)', true, '-infinity');

CREATE TRIGGER high_concern_industry_example BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.high_concern_industry
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('example',
        'Examples are never applied; insert a row of your own with example = false.');
SELECT creditrisk.keep_history('creditrisk.high_concern_industry');

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
    owner          regrole DEFAULT pg_catalog.to_regrole(pg_catalog.quote_ident(CURRENT_USER)),
    recorded_at    timestamptz NOT NULL,
    CONSTRAINT override_rule_dates CHECK (effective_to >= effective_from)
);
COMMENT ON TABLE creditrisk.override_rule IS
    'Override rules (直接定性, art. 10): each an SQL query that names the enterprises it classifies directly on the classification date; overrides only raise a class, never lower it';
COMMENT ON COLUMN creditrisk.override_rule.rule_sql IS
    'A query over the classification date $1 (date) and the knowledge time $2 (timestamptz) returning columns uscc and class (the class imposed, C or D usually); any further columns are recorded as the override''s detail (jsonb). Rows with a NULL class are ignored. Read records and the register as known at $2 (creditrisk.<table>_as_known($2), creditrisk.register_at($1, $2)) so that a re-run reproduces the run';
COMMENT ON COLUMN creditrisk.override_rule.effective_to IS 'Last day the rule applies (inclusive); NULL = open';
COMMENT ON COLUMN creditrisk.override_rule.shipped IS 'Shipped with the extension (Henan art. 10); frozen';
COMMENT ON COLUMN creditrisk.override_rule.owner IS
    'Author of rule_sql (the role that wrote it), which it runs as; NULL for shipped rules (they run as the caller) and for SQL of unknown author (not run)';

-- A rule must be one SELECT query compiling to (uscc, class, ...) before it
-- enters the table: parsed and analysed as its author, never executed.
CREATE FUNCTION creditrisk.override_rule_check() RETURNS trigger
    AS 'MODULE_PATHNAME', 'stored_sql_trigger' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.override_rule_check() IS
    'Trigger: records the author of an override rule (直接定性规则) and refuses SQL that is not one SELECT query compiling to columns uscc and class (parsed and analysed, never executed)';
CREATE TRIGGER override_rule_check BEFORE INSERT OR UPDATE ON creditrisk.override_rule
    FOR EACH ROW EXECUTE FUNCTION creditrisk.override_rule_check('rule', 'rule_sql');

-- The enterprises a rule names on a date, the rule (as entered by the
-- knowledge time, if one is given) run as its author.
CREATE FUNCTION creditrisk.override_rule_matches(code text, as_of date, known_at timestamptz DEFAULT NULL)
RETURNS TABLE (uscc creditrisk.uscc, class creditrisk.riskclass, detail jsonb)
    AS 'MODULE_PATHNAME', 'override_rule_matches'
    LANGUAGE C VOLATILE PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp
    COST 1000 ROWS 1000;
COMMENT ON FUNCTION creditrisk.override_rule_matches(text, date, timestamptz) IS
    'The enterprises an override rule (直接定性规则) names on a date ($1) with what is known at known_at ($2; NULL: now, the rule as it is now), with the class it imposes and the rule''s further columns as detail; the rule runs as its author (a shipped rule as the caller), who must be the caller or a role whose privileges the caller has';
CREATE FUNCTION creditrisk.override_rule_run_as(code text, known_at timestamptz DEFAULT NULL) RETURNS regrole
    AS 'MODULE_PATHNAME', 'override_rule_run_as'
    LANGUAGE C STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp;
COMMENT ON FUNCTION creditrisk.override_rule_run_as(text, timestamptz) IS
    'The role an override rule (as entered by known_at; NULL: now) runs as for the current role: its author, or the current role for a shipped rule; an error (42501) if the current role may not trust the author';

INSERT INTO creditrisk.override_rule (code, name, name_en, basis, rule_sql, shipped, recorded_at) VALUES
('serious_dishonesty', '当前被列入严重失信主体名单', 'Currently on the serious-dishonesty list',
 '豫市监办〔2022〕100号 第十条（一）: D',
 $rule$SELECT l.uscc, 'D' AS class, min(l.listed_date) AS listed_date
  FROM creditrisk.serious_dishonesty_listing_as_known($2) l
 WHERE creditrisk.is_current(l.listed_date,
           creditrisk.record_end('serious_dishonesty_listing', l.id, l.listed_date, l.removed_date, $2), $1)
 GROUP BY l.uscc$rule$, true, '-infinity'),
('judgment_debtor', '当前为失信被执行人', 'Currently a dishonest judgment debtor',
 '豫市监办〔2022〕100号 第十条（二）: D',
 $rule$SELECT l.uscc, 'D' AS class, min(l.listed_date) AS listed_date
  FROM creditrisk.judgment_debtor_listing_as_known($2) l
 WHERE creditrisk.is_current(l.listed_date, l.removed_date, $1)
 GROUP BY l.uscc$rule$, true, '-infinity'),
('high_concern_industry', '属于社会高度关注行业', 'In a high-social-concern industry',
 '豫市监办〔2022〕100号 第十条（三）: C or D as configured in creditrisk.high_concern_industry; the most specific prefix applies (a NULL class there is an exception)',
 $rule$SELECT DISTINCT ON (e.uscc) e.uscc, h.class, h.industry_prefix
  FROM creditrisk.register_at($1, $2) e
  JOIN creditrisk.high_concern_industry_as_known($2) h
    ON h.industry_prefix IN (left(e.industry_code, 1), left(e.industry_code, 3),
                             left(e.industry_code, 4), left(e.industry_code, 5))
 WHERE NOT h.example AND h.effective_from <= $1 AND (h.effective_to IS NULL OR h.effective_to >= $1)
 ORDER BY e.uscc, length(h.industry_prefix) DESC, h.effective_from DESC$rule$, true, '-infinity');

-- The reference catalogue entries, with their SQL definitions (installed
-- before this point), are frozen like the other shipped rows.
CREATE TRIGGER indicator_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.indicator
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Add a catalogue entry of your own with another code.');

CREATE TRIGGER override_rule_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.override_rule
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'The art. 10 rules are provincial; add rules of your own with shipped = false.');
SELECT creditrisk.keep_history('creditrisk.override_rule');

-- ---------------------------------------------------------------------------
-- Fusion (通用+专业, art. 16)
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.fusion_rule (
    domain  text NOT NULL CONSTRAINT fusion_rule_domain_format CHECK (domain ~ '^[a-z][a-z_]{1,39}$'),
    method  text NOT NULL DEFAULT 'riskier' CONSTRAINT fusion_rule_method_valid CHECK (method IN ('riskier', 'matrix')),
    name    text NOT NULL DEFAULT '',
    note    text NOT NULL DEFAULT '',
    recorded_at timestamptz NOT NULL,
    effective_from date NOT NULL DEFAULT '-infinity',
    PRIMARY KEY (domain, effective_from)
);
COMMENT ON TABLE creditrisk.fusion_rule IS
    'How the general class (通用) and a domain''s professional class (专业) are fused, per domain and from a date (art. 16): on a classification date the version with the latest effective_from on or before it applies; riskier = the riskier of the two (also the rule for any domain without a version in force), matrix = creditrisk.fusion_matrix of that version';
COMMENT ON COLUMN creditrisk.fusion_rule.effective_from IS 'First classification date this version applies to (-infinity = always)';

CREATE TABLE creditrisk.fusion_matrix (
    domain             text NOT NULL,
    general_class      creditrisk.riskclass NOT NULL,
    professional_class creditrisk.riskclass NOT NULL,
    fused_class        creditrisk.riskclass NOT NULL,
    recorded_at        timestamptz NOT NULL,
    effective_from     date NOT NULL DEFAULT '-infinity',
    PRIMARY KEY (domain, effective_from, general_class, professional_class)
);
-- The matrix belongs to its rule's version, and follows it (cascade); a
-- reference pg_restore -j can load in any order (extension/references.sql).
SELECT creditrisk.add_reference('fusion_matrix_domain_effective_from_fkey', 'creditrisk.fusion_matrix', 'domain,effective_from',
                                'creditrisk.fusion_rule', 'domain,effective_from', 'cascade');
COMMENT ON TABLE creditrisk.fusion_matrix IS
    'Fusion matrix of a version of a domain''s rule (domain, effective_from) whose method is matrix: the fused class for each (general, professional) pair; all 16 cells are required';
COMMENT ON COLUMN creditrisk.fusion_matrix.effective_from IS 'The version of the domain''s rule (creditrisk.fusion_rule) the cell belongs to';

CREATE FUNCTION creditrisk.fusion_matrix_complete() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    d text := CASE WHEN TG_OP = 'DELETE' THEN OLD.domain ELSE NEW.domain END;
    f date := CASE WHEN TG_OP = 'DELETE' THEN OLD.effective_from ELSE NEW.effective_from END;
    missing text;
BEGIN
    IF EXISTS (SELECT 1 FROM creditrisk.fusion_rule r WHERE r.domain = d AND r.effective_from = f AND r.method = 'matrix') THEN
        SELECT string_agg(format('(%s, %s)', g, p), ', ' ORDER BY g, p) INTO missing
          FROM unnest('{A,B,C,D}'::creditrisk.riskclass[]) g, unnest('{A,B,C,D}'::creditrisk.riskclass[]) p
         WHERE NOT EXISTS (SELECT 1 FROM creditrisk.fusion_matrix m
                            WHERE m.domain = d AND m.effective_from = f AND m.general_class = g AND m.professional_class = p);
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'fusion matrix of domain "%" is incomplete', d || CASE WHEN f > '-infinity' THEN format(' from %s', f) ELSE '' END
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
SELECT creditrisk.keep_history('creditrisk.fusion_rule');
SELECT creditrisk.keep_history('creditrisk.fusion_matrix');

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
    recorded_at                 timestamptz NOT NULL,
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
        proactive_onsite_inspection, key_licensing_review, key_supervision_target, other_measures, basis, shipped, recorded_at) VALUES
    ('410000', 'A', '2022-07-25', 0.01, false, false, false, '以企业自治为主；降低抽查比例和频次', '豫市监办〔2022〕100号 第十二条', true, '-infinity'),
    ('410000', 'B', '2022-07-25', 0.03, true,  false, false, '按常规比例和频次抽查', '豫市监办〔2022〕100号 第十三条', true, '-infinity'),
    ('410000', 'C', '2022-07-25', 0.10, true,  true,  false, '适当提高抽查比例和频次；行政许可重点审查', '豫市监办〔2022〕100号 第十四条', true, '-infinity'),
    ('410000', 'D', '2022-07-25', 0.20, true,  false, true,  '列为重点监管对象；提高抽查比例和频次；必要时实施现场检查', '豫市监办〔2022〕100号 第十五条', true, '-infinity');

CREATE TRIGGER supervision_measure_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.supervision_measure
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Add a new provincial version with a later effective_from instead.');
SELECT creditrisk.keep_history('creditrisk.supervision_measure');

-- Rows that loosen the measures:
--  - any row, provincial ones included, looser than the province's minimums
--    of art. 12-15, which are the shipped (frozen) provincial rows: ratios
--    1/3/10/20 %, key licensing review for C, key supervision for D,
--    proactive inspection for B-D;
--  - a city or county row looser than the level above in force on its date;
--  - ratios in force out of class order (A <= B <= C <= D) in any division
--    of the table on any date a version starts.
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
    ), compared AS (
        -- each local row against the level above in force on its date
        SELECT p.*, u.division_code AS u_division, u.effective_from AS u_from, u.min_spot_check_ratio AS u_ratio,
               u.proactive_onsite_inspection AS u_proactive, u.key_licensing_review AS u_review,
               u.key_supervision_target AS u_target
          FROM pairs p
          CROSS JOIN LATERAL (SELECT * FROM m u
                               WHERE u.division_code = p.above AND u.class = p.class AND u.effective_from <= p.effective_from
                               ORDER BY u.effective_from DESC LIMIT 1) u
        UNION ALL
        -- every row, the province's own included, against the minimums of art. 12-15
        SELECT l.*, NULL, f.division_code, f.effective_from, f.min_spot_check_ratio,
               f.proactive_onsite_inspection, f.key_licensing_review, f.key_supervision_target
          FROM m l
          JOIN creditrisk.supervision_measure f
            ON f.shipped AND f.class = l.class AND left(f.division_code, 2) = left(l.division_code, 2)
         WHERE NOT l.shipped
    ), order_points AS (
        SELECT DISTINCT d.division_code, t.effective_from
          FROM (SELECT DISTINCT m.division_code FROM m) d
         CROSS JOIN (SELECT DISTINCT m.effective_from FROM m) t
    ), in_force AS (
        SELECT o.division_code, o.effective_from, f.class, f.min_spot_check_ratio,
               lead(f.class) OVER w AS next_class, lead(f.min_spot_check_ratio) OVER w AS next_ratio
          FROM order_points o
         CROSS JOIN LATERAL creditrisk.measures_in_force(o.division_code::creditrisk.division_code, o.effective_from) f
        WINDOW w AS (PARTITION BY o.division_code, o.effective_from ORDER BY f.class)
    )
    SELECT * FROM (
        SELECT DISTINCT c.division_code::text, c.class, c.effective_from, x.measure, x.local_value, c.u_division::text,
               c.u_from, x.above_value
          FROM compared c
          CROSS JOIN LATERAL (VALUES
                ('min_spot_check_ratio', c.min_spot_check_ratio::text, c.u_ratio::text,
                 c.min_spot_check_ratio < c.u_ratio),
                ('proactive_onsite_inspection', c.proactive_onsite_inspection::text, c.u_proactive::text,
                 NOT c.proactive_onsite_inspection AND c.u_proactive),
                ('key_licensing_review', c.key_licensing_review::text, c.u_review::text,
                 NOT c.key_licensing_review AND c.u_review),
                ('key_supervision_target', c.key_supervision_target::text, c.u_target::text,
                 NOT c.key_supervision_target AND c.u_target)) x(measure, local_value, above_value, looser)
         WHERE x.looser
        UNION ALL
        SELECT i.division_code, i.class, i.effective_from,
               format('min_spot_check_ratio above class %s''s', i.next_class), i.min_spot_check_ratio::text,
               i.division_code, i.effective_from, i.next_ratio::text
          FROM in_force i
         WHERE i.min_spot_check_ratio > i.next_ratio
    ) r
     ORDER BY 1, 2, 3, 4, 6
$$;
COMMENT ON FUNCTION creditrisk.measure_loosenings(text) IS
    'Supervision measures (监管措施) that loosen the rules: any row looser than the province''s art. 12-15 minimums (the shipped provincial rows), city and county rows looser than the level above in force on their date, and ratios in force out of class order A <= B <= C <= D (must be empty; the deferred constraint trigger on supervision_measure enforces it)';

CREATE FUNCTION creditrisk.supervision_measure_no_loosening() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM creditrisk.measure_loosenings(CASE WHEN TG_OP = 'DELETE' THEN OLD.division_code ELSE NEW.division_code END)
     LIMIT 1;
    IF FOUND AND v.measure LIKE 'min_spot_check_ratio above class %' THEN
        RAISE EXCEPTION 'spot-check ratios in force in % from % are out of class order', v.division_code, v.effective_from
            USING ERRCODE = 'check_violation',
                  DETAIL = format('Class %s has %s, %s.', v.class, v.local_value,
                                  replace(v.measure, 'min_spot_check_ratio', 'above') || ' ' || v.above_value),
                  HINT = 'Ratios in force must keep the order A <= B <= C <= D (art. 12-15); raise the riskier classes in the same transaction.';
    ELSIF FOUND THEN
        RAISE EXCEPTION 'measure for class % in % from % is looser than in % (%)',
                        v.class, v.division_code, v.effective_from, v.above_division, v.measure
            USING ERRCODE = 'check_violation',
                  DETAIL = format('%s is %s in %s but %s in %s from %s.', v.measure, v.local_value, v.division_code,
                                  v.above_value, v.above_division, v.above_from),
                  HINT = 'No row, provincial ones included, may go below the minimums of art. 12-15 (1/3/10/20 %, key licensing review for C, key supervision for D), and ratios in force keep the order A <= B <= C <= D; local bureaus may add measures or be stricter (art. 5); leave a column NULL to take the value from the level above.';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.supervision_measure_no_loosening() IS
    'Constraint trigger (deferred to commit): no city or county measure (地方监管措施) is looser than the level above';
CREATE CONSTRAINT TRIGGER supervision_measure_no_loosening AFTER INSERT OR UPDATE OR DELETE ON creditrisk.supervision_measure
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION creditrisk.supervision_measure_no_loosening();

-- The measures in force for a division on a date, per class: the strictest
-- of the province, city and county versions in force, as known at a moment
-- (knowledge time, like the run's other configuration readers: a backdated
-- change entered after known_at does not change what it returns; NULL = as
-- known now).
CREATE FUNCTION creditrisk.measures_in_force(division_code creditrisk.division_code, as_of date, known_at timestamptz)
RETURNS TABLE (class creditrisk.riskclass, min_spot_check_ratio numeric, proactive_onsite_inspection boolean,
               key_licensing_review boolean, key_supervision_target boolean, other_measures text, sources text[])
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    WITH levels(ord, code) AS (
        VALUES (1, creditrisk.division_at(measures_in_force.division_code, 'province')),
               (2, creditrisk.division_at(measures_in_force.division_code, 'city')),
               (3, CASE WHEN creditrisk.division_level(measures_in_force.division_code) = 'county'
                        THEN measures_in_force.division_code END)
    ), v AS (
        SELECT DISTINCT ON (s.division_code, s.class) l.ord, s.*
          FROM creditrisk.supervision_measure_as_known(measures_in_force.known_at) s JOIN levels l ON l.code = s.division_code
         WHERE s.effective_from <= measures_in_force.as_of
         ORDER BY s.division_code, s.class, s.effective_from DESC
    )
    SELECT k.class, max(v.min_spot_check_ratio), bool_or(v.proactive_onsite_inspection),
           bool_or(v.key_licensing_review), bool_or(v.key_supervision_target),
           string_agg(nullif(v.other_measures, ''), '；' ORDER BY v.ord),
           array_agg(format('%s@%s', v.division_code, v.effective_from) ORDER BY v.ord) FILTER (WHERE v.ord IS NOT NULL)
      FROM unnest('{A,B,C,D}'::creditrisk.riskclass[]) k(class)
      LEFT JOIN v ON v.class = k.class
     WHERE measures_in_force.division_code IS NOT NULL AND measures_in_force.as_of IS NOT NULL
     GROUP BY k.class
     ORDER BY k.class
$$;
COMMENT ON FUNCTION creditrisk.measures_in_force(creditrisk.division_code, date, timestamptz) IS
    'Supervision measures in force (监管措施) for enterprises of a division on a date, per class, as known at known_at (NULL = now): the strictest of the provincial, city and county versions (highest ratio; a measure applies if any level sets it), with the versions used';

CREATE FUNCTION creditrisk.measures_in_force(division_code creditrisk.division_code, as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (class creditrisk.riskclass, min_spot_check_ratio numeric, proactive_onsite_inspection boolean,
               key_licensing_review boolean, key_supervision_target boolean, other_measures text, sources text[])
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT * FROM creditrisk.measures_in_force(measures_in_force.division_code, measures_in_force.as_of, NULL::timestamptz)
$$;
COMMENT ON FUNCTION creditrisk.measures_in_force(creditrisk.division_code, date) IS
    'Supervision measures in force (监管措施) for enterprises of a division on a date (default today), per class, as known now: measures_in_force(division_code, as_of, NULL)';

-- The minimum spot-check ratio of a class: the measures in force, not a copy.
CREATE FUNCTION creditrisk.min_spot_check_ratio(class creditrisk.riskclass,
                                                division_code creditrisk.division_code DEFAULT '410000',
                                                as_of date DEFAULT CURRENT_DATE) RETURNS numeric
    LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp
    AS $$ SELECT f.min_spot_check_ratio FROM creditrisk.measures_in_force(division_code, as_of) f WHERE f.class = min_spot_check_ratio.class $$;
COMMENT ON FUNCTION creditrisk.min_spot_check_ratio(creditrisk.riskclass, creditrisk.division_code, date) IS
    'Minimum random spot-check ratio (双随机抽查比例) of a class in force for a division (default the province, 410000) on a date (default today), from creditrisk.supervision_measure (art. 12-15: at least A 0.01, B 0.03, C 0.10, D 0.20)';

CREATE FUNCTION creditrisk.min_spot_check_ratio(class creditrisk.riskclass, division_code creditrisk.division_code,
                                                as_of date, known_at timestamptz) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp
    AS $$ SELECT f.min_spot_check_ratio FROM creditrisk.measures_in_force(division_code, as_of, known_at) f WHERE f.class = min_spot_check_ratio.class $$;
COMMENT ON FUNCTION creditrisk.min_spot_check_ratio(creditrisk.riskclass, creditrisk.division_code, date, timestamptz) IS
    'Minimum random spot-check ratio (双随机抽查比例) of a class for a division on a date, as known at known_at (NULL = now; a backdated measure entered later does not count)';

-- ---------------------------------------------------------------------------
-- Names of the reason codes an analyst sees (issue 15): the score's reason
-- codes are indicator codes (creditrisk.indicator) or, first, the code of the
-- floor (定性判定) that raised the score (creditrisk.model_floor); the
-- overrides are override-rule codes (creditrisk.override_rule).  Read with the
-- caller's rights: an analyst reads all three tables.
-- ---------------------------------------------------------------------------
CREATE VIEW creditrisk.reason_code WITH (security_invoker = true) AS
SELECT 'indicator'::text AS kind, NULL::text AS model_key, i.code, i.name, i.name_en FROM creditrisk.indicator i
UNION ALL
SELECT 'floor', f.model_key, f.code, f.name, f.name_en FROM creditrisk.model_floor f
UNION ALL
SELECT 'override', NULL, o.code, o.name, o.name_en FROM creditrisk.override_rule o;
COMMENT ON VIEW creditrisk.reason_code IS
    'Every reason code an analyst sees, with its Chinese and English names (原因代码): indicator codes (指标), floor codes of each model (定性判定) and override rules (直接定性)';

CREATE FUNCTION creditrisk.reason_names(codes text[], model text DEFAULT NULL) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT coalesce(array_agg(coalesce((SELECT i.name FROM creditrisk.indicator i WHERE i.code = u.c),
                              (SELECT f.name FROM creditrisk.model_floor f
                                WHERE f.code = u.c AND (reason_names.model IS NULL OR f.model_key = reason_names.model)
                                ORDER BY f.model_key LIMIT 1),
                              (SELECT o.name FROM creditrisk.override_rule o WHERE o.code = u.c),
                              u.c) ORDER BY u.n), '{}')
      FROM unnest(reason_names.codes) WITH ORDINALITY AS u(c, n)
     WHERE reason_names.codes IS NOT NULL
    HAVING reason_names.codes IS NOT NULL
$$;
COMMENT ON FUNCTION creditrisk.reason_names(text[], text) IS
    'The Chinese names (名称) of reason codes, in their order: indicator codes, floor codes (of the model given, or of any model) and override-rule codes; an unknown code stays as it is; an empty array for an empty array, NULL for NULL';

-- ---------------------------------------------------------------------------
-- History: every run and every enterprise's result
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.classification_run (
    as_of          date NOT NULL,
    model_key      text NOT NULL,
    model_revision bigint NOT NULL,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz,
    run_by         text NOT NULL,
    version        integer NOT NULL CONSTRAINT classification_run_version_positive CHECK (version > 0),
    enterprises    bigint,
    score_classes  jsonb,
    final_classes  jsonb,
    overridden     bigint,
    overrides      jsonb,
    domain_results bigint,
    stages         jsonb,
    known_at       timestamptz NOT NULL,
    PRIMARY KEY (as_of, version)
);
COMMENT ON TABLE creditrisk.classification_run IS
    'Classification runs (分类批次): each version of each classification date, with its knowledge time, the model and its revision, who ran it, when, counts and stage timings; a re-run adds a version, earlier ones stay';
COMMENT ON COLUMN creditrisk.classification_run.version IS 'Version of the classification date: 1 for its first run, then 2, 3, ... (the current views show the latest)';
COMMENT ON COLUMN creditrisk.classification_run.known_at IS
    'Knowledge time T (已知时点) of the run: it used what was valid on as_of and known (recorded_at) by T; refresh_classification(as_of, model_key, known_at) reproduces it row for row';
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
    version          integer NOT NULL,
    -- (1.12: the key leads with the run, so that each monthly run appends
    -- its rows at the key's right end, in USCC order.  1.10 and 1.11 led
    -- with uscc: every run then wrote into every leaf page of the key, split
    -- them and logged each whole page again after a checkpoint, a cost that
    -- grew with the history.  At 1M with five runs in the history, the run
    -- took 22.5-23.1 s and wrote 695-706 MB of WAL; with this key 19.3-20.7 s
    -- and 473-480 MB.  One enterprise's history is a probe of the key per
    -- run: classification_history(uscc).  Until 1.9 an index on uscc alone
    -- did that, at the same cost for every run as a key that leads with it.)
    PRIMARY KEY (as_of, version, uscc),
    CONSTRAINT classification_result_overrides_only_raise CHECK (final_class >= score_class)
);
-- (division-scoped reads: row-level security is a range on division_code)
CREATE INDEX classification_result_division_idx ON creditrisk.classification_result (division_code, as_of);
COMMENT ON TABLE creditrisk.classification_result IS
    'Each enterprise''s classification on each run date (分类结果历史): score, score class, final class, the overrides that applied and why, and the reason codes of the score';
COMMENT ON COLUMN creditrisk.classification_result.division_code IS 'The enterprise''s division on the run date, from the register version valid then (for division-scoped access)';
COMMENT ON COLUMN creditrisk.classification_result.version IS 'The version of the run (creditrisk.classification_run) the row belongs to';
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
    version            integer NOT NULL,
    PRIMARY KEY (as_of, version, uscc, domain)
);
COMMENT ON COLUMN creditrisk.classification_domain_result.version IS 'The version of the run (creditrisk.classification_run) the row belongs to';
COMMENT ON TABLE creditrisk.classification_domain_result IS
    'Fused classes (通用+专业, art. 16) on each run date: for every enterprise with a professional class in a domain, the general (final) class, the latest professional class assessed on or before the date, and the fused class';

-- The results belong to their run: deleting a run deletes them.  (No foreign
-- key from the results: a row-by-row check of a million rows per run costs
-- seconds, and only refresh_classification() writes results, after its run.)
CREATE FUNCTION creditrisk.classification_run_delete() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    DELETE FROM creditrisk.classification_result r USING deleted_runs d WHERE r.as_of = d.as_of AND r.version = d.version;
    DELETE FROM creditrisk.classification_domain_result r USING deleted_runs d WHERE r.as_of = d.as_of AND r.version = d.version;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.classification_run_delete() IS
    'Trigger: deleting classification runs (分类批次) deletes their results';
CREATE TRIGGER classification_run_delete AFTER DELETE ON creditrisk.classification_run
    REFERENCING OLD TABLE AS deleted_runs
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.classification_run_delete();

-- ---------------------------------------------------------------------------
-- The current classification (最新分类结果): the rows of the latest run (the
-- latest version of the latest date) read straight from the history, under
-- its FORCEd row-level security.  No copy: a run's rows become current when
-- the run's transaction commits, and until then every reader sees the
-- previous run (MVCC); nothing is refreshed, nothing waits.  The index on
-- (as_of, version, division_code) serves both "the latest run" and the
-- division range of the reader's jurisdiction (the policy), so a county
-- analyst's count is an index range scan of its own rows.
-- ---------------------------------------------------------------------------
CREATE INDEX classification_result_run_division_idx ON creditrisk.classification_result (as_of, version, division_code);
CREATE INDEX classification_domain_result_run_division_idx ON creditrisk.classification_domain_result (as_of, version, division_code);

-- The views read the history as their reader (security_invoker, 1.7): the
-- history's FORCEd policy is the one and only scope, evaluated for the
-- reader (its jurisdiction: scope_from() and scope_to() answer for the
-- current user), one index range on (as_of, version, division_code).  Row-
-- level security evaluates the policy before any condition of the caller
-- that is not leakproof (security quals), so no security barrier is needed:
-- the view's own condition (the latest run) hides nothing the reader could
-- not read in the history, and without a barrier the view is planned as
-- part of the caller's query, not as a subquery of its own (which cost a
-- fixed 0.2-0.6 ms per statement, bench/rls).  After a restore, until
-- create_roles() re-creates the policies, the history has none and its
-- FORCEd row-level security shows a reader nothing: the views fail closed
-- like every table (test/shell/roles_dump.sh); in 1.6 they applied their
-- own copy of the range, because they were read with their owner's rights.
-- The latest run is one InitPlan over the runs, evaluated once per query in
-- the query's snapshot.  The names are scalar subqueries (the register and the
-- divisions are unique by key), so that a query that does not ask for them
-- reads only the index: a count is an index-only range scan.
CREATE VIEW creditrisk.classification_current WITH (security_invoker = true) AS
SELECT c.uscc, c.division_code, c.score, c.score_class, c.final_class, c.overrides, c.override_details, c.reasons,
       (SELECT d.name FROM creditrisk.division d WHERE d.code = c.division_code) AS division_name,
       (SELECT e.name FROM creditrisk.enterprise e WHERE e.uscc = c.uscc) AS enterprise_name,
       creditrisk.reason_names(c.overrides) AS override_names, creditrisk.reason_names(c.reasons) AS reason_names
  FROM creditrisk.classification_result c
 WHERE (c.as_of, c.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                           ORDER BY r.as_of DESC, r.version DESC LIMIT 1);
COMMENT ON VIEW creditrisk.classification_current IS
    'The classification of the latest run (最新分类结果), one row per enterprise of the reader''s jurisdiction (管辖范围), with the names of its division and of the enterprise and the Chinese names of its override and reason codes; read from the history (classification_result) with the reader''s rights (security_invoker) under its row-level security, always the latest committed run; the date, version and model are in creditrisk.classification_run';

CREATE VIEW creditrisk.classification_domain_current WITH (security_invoker = true) AS
SELECT c.uscc, c.domain, c.division_code, c.general_class, c.professional_class, c.assessed_date, c.method, c.fused_class,
       d.name AS division_name
  FROM creditrisk.classification_domain_result c
  LEFT JOIN creditrisk.division d ON d.code = c.division_code
 WHERE (c.as_of, c.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                           ORDER BY r.as_of DESC, r.version DESC LIMIT 1);
COMMENT ON VIEW creditrisk.classification_domain_current IS
    'Each enterprise''s class in each domain it belongs to (通用+专业融合, art. 16), latest run, enterprises of the reader''s jurisdiction; read from the history (classification_domain_result) with the reader''s rights (security_invoker) under its row-level security';

-- One enterprise's classifications across runs: the key (as_of, version,
-- uscc) probed once per run (1.12), with the reader's rights and policies.
CREATE FUNCTION creditrisk.classification_history(uscc creditrisk.uscc)
RETURNS SETOF creditrisk.classification_result
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT r.*
      FROM creditrisk.classification_run run
      JOIN creditrisk.classification_result r
        ON r.as_of = run.as_of AND r.version = run.version AND r.uscc = classification_history.uscc
     ORDER BY run.as_of, run.version
$$;
COMMENT ON FUNCTION creditrisk.classification_history(creditrisk.uscc) IS
    'One enterprise''s classifications in every run of the history (分类结果历史), oldest first, with the reader''s rights under row-level security: one probe of the history''s key (as_of, version, uscc) per run, where a query on uscc alone reads the whole history';

-- Kept for compatibility (1.2-1.5 refreshed materialized views with it; cron
-- jobs and restore scripts call it): the current views read the history, so
-- there is nothing to refresh.
CREATE FUNCTION creditrisk.refresh_current_views() RETURNS void
LANGUAGE sql VOLATILE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT
$$;
COMMENT ON FUNCTION creditrisk.refresh_current_views() IS
    'Does nothing, kept for compatibility (刷新最新分类: 不再需要): since 1.6 classification_current and classification_domain_current read the latest run from the history, always up to date; until 1.5 this refreshed their materialized views';

-- Whether the current views show the latest run (issue 15).  Since 1.6 they
-- read the latest run from the history, so they always do, after a restore
-- too; the function stays, so that a DBA's check (and the pg_cron recipe's)
-- keeps an answer: the latest run and its rows within the caller's
-- jurisdiction, and up_to_date false only if the history holds no run.
CREATE FUNCTION creditrisk.classification_current_status()
RETURNS TABLE (latest_run date, latest_version integer, run_rows bigint, current_rows bigint, up_to_date boolean, hint text)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    WITH r AS (SELECT x.as_of, x.version FROM creditrisk.classification_run x ORDER BY x.as_of DESC, x.version DESC LIMIT 1),
    s AS (
        SELECT (SELECT r.as_of FROM r) AS as_of, (SELECT r.version FROM r) AS version,
               (SELECT count(*) FROM creditrisk.classification_result c, r WHERE c.as_of = r.as_of AND c.version = r.version) AS run_rows,
               (SELECT count(*) FROM creditrisk.classification_current) AS current_rows
    )
    SELECT s.as_of, s.version, s.run_rows, s.current_rows, s.as_of IS NOT NULL AND s.run_rows = s.current_rows,
           CASE WHEN s.as_of IS NULL THEN 'The history holds no run yet: an administrator runs SELECT creditrisk.refresh_classification();'
                WHEN s.run_rows <> s.current_rows THEN 'The current views do not show every row of the latest run you may read: report this as a bug.' END
      FROM s
$$;
COMMENT ON FUNCTION creditrisk.classification_current_status() IS
    'Whether the current views (classification_current and those built on it) show the latest run (最新分类是否已发布), within the caller''s jurisdiction: the latest run, its rows and the rows shown. Since 1.6 the views read the history, so they are always up to date (after a restore too); up_to_date is false only before the first run';

-- ---------------------------------------------------------------------------
-- The population classified (art. 3): enterprises and their branches
-- (USCC 91..., registered by market regulation as enterprises) registered in
-- Henan (register division 41....).  Individual businesses (个体工商户, USCC
-- 92...), farmers' specialised cooperatives (农民专业合作社, USCC 93...), units
-- registered elsewhere and units of other registration authorities are
-- outside it unless a bureau opts them in: a kind (92, 93) within its
-- jurisdiction, or one unit by USCC.
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.population_opt_in (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    division_code  creditrisk.division_code NOT NULL,
    kind           text CONSTRAINT population_opt_in_kind_valid CHECK (kind IN ('individual_business', 'farmers_cooperative')),
    uscc           creditrisk.uscc,
    effective_from date NOT NULL CONSTRAINT population_opt_in_effective_from_finite CHECK (pg_catalog.isfinite(effective_from)),
    effective_to   date CONSTRAINT population_opt_in_effective_to_finite CHECK (pg_catalog.isfinite(effective_to)),
    note           text NOT NULL DEFAULT '',
    recorded_at    timestamptz NOT NULL,
    CONSTRAINT population_opt_in_kind_or_unit CHECK ((kind IS NULL) <> (uscc IS NULL)),
    CONSTRAINT population_opt_in_dates CHECK (effective_to >= effective_from)
);
COMMENT ON TABLE creditrisk.population_opt_in IS
    'Units a bureau brings into the classified population (art. 3), which is otherwise the enterprises and branches registered in Henan: a kind (individual businesses 个体工商户, farmers'' cooperatives 农民专业合作社) within the bureau''s jurisdiction, or one unit by USCC (also one registered elsewhere), from effective_from to effective_to (inclusive, NULL = open)';
COMMENT ON COLUMN creditrisk.population_opt_in.division_code IS 'The bureau''s jurisdiction (province, city or county code); a kind applies to units registered within it';
COMMENT ON COLUMN creditrisk.population_opt_in.kind IS 'individual_business (USCC 92...) or farmers_cooperative (USCC 93...); NULL when the row names one unit';
COMMENT ON COLUMN creditrisk.population_opt_in.uscc IS 'One unit opted in, wherever registered; NULL when the row names a kind';
SELECT creditrisk.keep_history('creditrisk.population_opt_in');

-- Opted in on a date, as known at a moment (only asked for units outside the
-- default population).
CREATE FUNCTION creditrisk.opted_in(uscc creditrisk.uscc, division_code text, as_of date, known_at timestamptz DEFAULT NULL)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM creditrisk.population_opt_in_as_known(opted_in.known_at) o
         WHERE o.effective_from <= opted_in.as_of AND (o.effective_to IS NULL OR o.effective_to >= opted_in.as_of)
           AND (o.uscc = opted_in.uscc
                OR (o.kind = CASE creditrisk.uscc_entity_type(opted_in.uscc)
                                  WHEN '92' THEN 'individual_business' WHEN '93' THEN 'farmers_cooperative' END
                    AND creditrisk.division_at(opted_in.division_code, creditrisk.division_level(o.division_code))
                        = o.division_code)))
$$;
COMMENT ON FUNCTION creditrisk.opted_in(creditrisk.uscc, text, date, timestamptz) IS
    'Whether a bureau has opted a unit into the classified population on a date (creditrisk.population_opt_in as known at known_at, NULL = now), by its kind and register division or by its USCC';

-- In the population of art. 3 on a date.  A SQL-standard body, so that the
-- planner inlines the common test; opted_in() runs only for the others.
CREATE FUNCTION creditrisk.in_scope(uscc creditrisk.uscc, division_code text, as_of date, known_at timestamptz DEFAULT NULL)
    RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT (pg_catalog.left(division_code, 2) OPERATOR(pg_catalog.=) '41'
            AND creditrisk.uscc_entity_type(uscc) OPERATOR(pg_catalog.=) '91')
        OR creditrisk.opted_in(uscc, division_code, as_of, known_at);
END;
COMMENT ON FUNCTION creditrisk.in_scope(creditrisk.uscc, text, date, timestamptz) IS
    'Whether a unit belongs to the population classified on a date (art. 3): an enterprise or branch (USCC 91...) registered in Henan (division 41....), or opted in by a bureau (population_opt_in as known at known_at, NULL = now): individual businesses (92...), farmers'' cooperatives (93...), units registered elsewhere or by other authorities';

-- ---------------------------------------------------------------------------
-- The monthly run
-- ---------------------------------------------------------------------------
-- (jit = off, 1.10: the run's statements handle a million rows in plans of
-- modest cost per row, which JIT compiles without gain; as a province
-- admin under row-level security, the planner's estimates passed the
-- inlining and optimisation thresholds, and compiling the first stage took
-- 3.9 s of a 1M run.  It holds for everything the run calls: the override
-- rules, the seal.)
CREATE FUNCTION creditrisk.refresh_classification(as_of date DEFAULT CURRENT_DATE, model text DEFAULT NULL,
                                                   known_at timestamptz DEFAULT NULL)
RETURNS creditrisk.classification_run
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp SET jit = off AS $$
#variable_conflict use_variable
DECLARE
    t0 timestamptz := clock_timestamp();
    ts timestamptz;
    fence timestamptz;
    n bigint;
    m creditrisk.model;
    rule creditrisk.override_rule;
    v integer;
    latest record;
    stages jsonb := '{}';
    matched jsonb := '{}';
    result creditrisk.classification_run;
    label text;
    label_missing text;
    opt_ins boolean;
    hits jsonb := '{}';
    rule_hits jsonb;
    rule_stages jsonb := '{}';
    n_score_classes jsonb;
    n_final_classes jsonb;
    n_overridden bigint;
    domain_rows bigint;
    merge_joins text := pg_catalog.current_setting('enable_mergejoin');
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
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'refresh_classification runs in READ COMMITTED, not %', upper(current_setting('transaction_isolation'))
            USING ERRCODE = 'invalid_transaction_state',
                  DETAIL = 'A run fixes its knowledge time after waiting for the writers in progress; a REPEATABLE READ or SERIALIZABLE snapshot is taken before that, at the transaction''s first statement, and could miss rows recorded before the knowledge time.',
                  HINT = 'Call it outside an explicit transaction block or in BEGIN ISOLATION LEVEL READ COMMITTED: the run reads one consistent state, as known at its knowledge time, by itself.';
    END IF;

    -- The fence: one run at a time, writers of the register, the records and
    -- the configuration wait until the run ends; everything recorded up to
    -- the knowledge time is committed and visible from here on.
    fence := creditrisk.knowledge_fence();
    IF known_at IS NULL THEN
        known_at := fence;
    ELSIF known_at > fence THEN
        RAISE EXCEPTION 'knowledge time is in the future'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('It is %s; a run can only use what is known by now.', known_at),
                  HINT = 'Omit it to classify with what is known now, or give the known_at of an earlier run to reproduce it.';
    ELSIF NOT isfinite(known_at) THEN
        RAISE EXCEPTION 'knowledge time must be a finite moment'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'For example the known_at of an earlier run.';
    END IF;

    IF model IS NULL THEN
        model := creditrisk.active_model(as_of, known_at);
        IF model IS NULL THEN
            RAISE EXCEPTION 'no model is active on %', as_of
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'creditrisk.model_activation has no row with effective_from on or before that date, as known at the knowledge time.',
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
                             (SELECT count(*) FROM creditrisk.fusion_matrix_as_known(known_at) fm
                               WHERE fm.domain = r.domain AND fm.effective_from = r.effective_from)),
                      ', ' ORDER BY r.domain)
      INTO label_missing
      FROM (SELECT DISTINCT ON (x.domain) x.* FROM creditrisk.fusion_rule_as_known(known_at) x
             WHERE x.effective_from <= as_of ORDER BY x.domain, x.effective_from DESC) r
     WHERE r.method = 'matrix'
       AND (SELECT count(*) FROM creditrisk.fusion_matrix_as_known(known_at) fm
             WHERE fm.domain = r.domain AND fm.effective_from = r.effective_from) < 16;
    IF label_missing IS NOT NULL THEN
        RAISE EXCEPTION 'fusion matrix incomplete: %', label_missing
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A domain fused by matrix needs a fused class for each of the 16 (general, professional) pairs.',
                  HINT = 'Insert the missing cells into creditrisk.fusion_matrix, or set the domain''s method to riskier.';
    END IF;

    -- Stored SQL the runner does not trust is refused before anything runs
    -- (the definitions are checked by compute_indicators before it reads).
    PERFORM creditrisk.override_rule_run_as(o.code, known_at)
       FROM creditrisk.override_rule_as_known(known_at) o
      WHERE o.enabled AND o.effective_from <= as_of AND (o.effective_to IS NULL OR o.effective_to >= as_of);

    -- 1. A new version of the date; earlier versions stay.
    SELECT coalesce(max(r.version), 0) + 1 INTO v FROM creditrisk.classification_run r WHERE r.as_of = as_of;
    INSERT INTO creditrisk.classification_run (as_of, version, known_at, model_key, model_revision, started_at, run_by)
    VALUES (as_of, v, known_at, model, m.revision, t0, current_user);
    IF v > 1 THEN
        RAISE NOTICE '%: version % (earlier versions stay in the history)', label, v;
    END IF;

    -- 2. Overrides (art. 10) first: each rule in force, as entered by the
    --    knowledge time, reads ($1 date, $2 knowledge time) once, set-based;
    --    its matches are kept per enterprise, {code: {uscc: detail}}, so that
    --    the run's rows are written once, with their overrides applied
    --    (until 1.7 an UPDATE per rule rewrote the rows just inserted: new
    --    row versions, new index entries).
    FOR rule IN SELECT * FROM creditrisk.override_rule_as_known(known_at) o
                 WHERE o.enabled AND o.effective_from <= as_of AND (o.effective_to IS NULL OR o.effective_to >= as_of)
                 ORDER BY o.code
    LOOP
        ts := clock_timestamp();
        BEGIN
            SELECT coalesce(jsonb_object_agg(q.uscc, q.detail), '{}') INTO rule_hits
              FROM (SELECT x.uscc::text AS uscc,
                           (array_agg(jsonb_build_object('class', x.class) || x.detail ORDER BY x.class DESC))[1] AS detail
                      FROM creditrisk.override_rule_matches(rule.code, as_of, known_at) x
                     GROUP BY x.uscc) q;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'override rule "%" failed', rule.code
                USING ERRCODE = SQLSTATE, DETAIL = SQLERRM,
                      HINT = 'Correct or disable the rule (UPDATE creditrisk.override_rule SET enabled = false ...).';
        END;
        hits := hits || jsonb_build_object(rule.code, rule_hits);
        rule_stages := rule_stages || jsonb_build_object(rule.code, round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
    END LOOP;

    -- 3. Indicators and scores, on the register version valid on the date, of
    --    the population of art. 3: one pass of the C engine (score_population:
    --    indicators, score, class and reasons, the division of the version),
    --    joined with the overrides' matches: final class, override codes (in
    --    the rules' order) and details.  The engine's rows stream into the
    --    insert (score_population_stream() in a SELECT list, which PostgreSQL
    --    calls once per row; in FROM it would first collect them all): with
    --    creditrisk.run_workers (default 2, never more than the engine's
    --    chunks) parallel workers compute them while this backend writes the
    --    previous ones, both cores at once
    --    (issue 16).  Nothing between them holds the rows (the overrides'
    --    matches are hashed first).  The population of art. 3 is
    --    in_scope(); its opted_in() part runs a query per unit outside the
    --    default population (about 60 us each), so it is asked only when an
    --    opt-in is in force on the date as known then (the same filter as
    --    opted_in()'s): without one, in_scope() is its first part, for every
    --    unit.  (The join is below the population's filter, behind OFFSET 0,
    --    and the filter is a column computed there: the planner takes half
    --    the engine's rows for the population.  Until 1.11 it filtered on the
    --    two comparisons themselves, which the planner took for two rows in
    --    all; the join above them would have looped over the matches for
    --    each enterprise, and the fusion (4.) was planned for two rows: a
    --    merge join that sorted the run's rows.  JIT plays no part any more:
    --    the function runs with jit = off since 1.10.)
    ts := clock_timestamp();
    opt_ins := EXISTS (SELECT 1 FROM creditrisk.population_opt_in_as_known(known_at) o
                        WHERE o.effective_from <= as_of AND (o.effective_to IS NULL OR o.effective_to >= as_of));
    -- The rows are written in USCC order: the primary key (uscc, as_of,
    -- version) and the index on the division (a USCC's characters 3-8 are
    -- its registration division) are then walked in order, each leaf once,
    -- and (as_of, version, division_code) grows at its right end.  In the register's physical
    -- order, which need not be the USCC's, the same insert cost 2.5x as much
    -- CPU (88,573 rows in random order, issue 16).  No sort is needed for it
    -- (1.10): the engine returns its rows (score_population_stream() as
    -- score_population()) in USCC order whatever the register's physical
    -- order (the engine sorts its slots), and the hash
    -- join with the overrides' matches (hashed: the few rows) and the filter
    -- keep the order of their outer side, so the rows reach the insert as the
    -- engine gives them (sql/engine_order.sql shows the plan has no Sort there
    -- and the rows land in USCC order).  Were the matches too many for one
    -- batch of the hash join, the order would only be looser, not the result.
    --
    -- One statement writes the run's results and, from the rows it returns
    -- (no second reading of the history through its index), the fused
    -- classes (4.) and the run's summary (5.): the count, the enterprises per
    -- score and final class, per rule the enterprises of the run it matched
    -- (from the rows that have overrides only), and the fused rows.
    --
    -- 4. Fusion (art. 16) with the latest professional class on or before the
    --    date.  A matrix fuses the general and professional classes, but never
    --    below the class an override imposed (art. 10: a serious-dishonesty D
    --    stays D in every domain); the fused class is the one the domain's
    --    measures use.  The latest assessments are hashed and the run's
    --    rows, as they come, look theirs up: no sort of the run's rows
    --    (1.12; a merge join sorted them, since the planner cannot know they
    --    come in USCC order: at 1M the stage took 0.6 s longer).  The
    --    planner would still pick the merge join, the latest assessments
    --    coming out of their DISTINCT ON in USCC order, so merge joins are
    --    off for this statement; with the population's estimate above no
    --    nested loop is cheaper either (1.11 tried the latest assessments by
    --    a hash aggregate: under the estimate of two rows a province-wide
    --    creditrisk_admin's plan rescanned the run's rows for each of them
    --    and the run did not finish in 7 minutes).
    PERFORM pg_catalog.set_config('enable_mergejoin', 'off', true);
    EXECUTE $run$
WITH ins AS (
    INSERT INTO creditrisk.classification_result (as_of, version, uscc, division_code, score, score_class, final_class,
                                                  overrides, override_details, reasons)
    SELECT $1, $2, x.uscc, x.division_code, x.score, x.score_class,
           CASE WHEN x.class > x.score_class THEN x.class ELSE x.score_class END,
           coalesce(x.codes, '{}'), x.details, x.reasons
      FROM (SELECT (s.r).uscc, (s.r).division_code, (s.r).score, (s.r).score_class, (s.r).reasons,
                   o.class, o.codes, o.details,
                   CASE WHEN $5 THEN creditrisk.in_scope((s.r).uscc, (s.r).division_code, $1, $4)   -- art. 3
                        ELSE pg_catalog.left((s.r).division_code, 2) = '41'
                             AND creditrisk.uscc_entity_type((s.r).uscc) = '91' END AS in_scope
              FROM (SELECT creditrisk.score_population_stream($3, $1, $4, 3) AS r OFFSET 0) s
              LEFT JOIN (SELECT h.key AS uscc, array_agg(r.key ORDER BY r.key) AS codes,
                                jsonb_object_agg(r.key, h.value) AS details,
                                max((h.value OPERATOR(pg_catalog.->>) 'class')::creditrisk.riskclass) AS class
                           FROM jsonb_each($6) r, jsonb_each(r.value) h GROUP BY h.key) o
                     ON o.uscc = (s.r).uscc::text
            OFFSET 0) x
     WHERE x.in_scope
    RETURNING uscc, division_code, score_class, final_class, overrides, override_details
), dom AS (
    INSERT INTO creditrisk.classification_domain_result
           (as_of, version, uscc, domain, division_code, general_class, professional_class, assessed_date, method, fused_class)
    SELECT $1, $2, d.uscc, d.domain, r.division_code, r.final_class, d.class, d.assessed_date,
           coalesce(f.method, 'riskier'),
           -- never below the art. 10 override class, whatever the matrix says
           CASE WHEN f.method = 'matrix'
                THEN greatest(fm.fused_class, (SELECT max((o.value OPERATOR(pg_catalog.->>) 'class')::creditrisk.riskclass)
                                                 FROM pg_catalog.jsonb_each(r.override_details) o))
                ELSE greatest(r.final_class, d.class) END
      FROM (SELECT DISTINCT ON (x.uscc, x.domain) x.uscc, x.domain, x.class, x.assessed_date
              FROM creditrisk.domain_risk_class_as_known($4) x
             WHERE x.assessed_date <= $1
             ORDER BY x.uscc, x.domain, x.assessed_date DESC) d
      JOIN ins r ON r.uscc = d.uscc
      LEFT JOIN (SELECT DISTINCT ON (x.domain) x.* FROM creditrisk.fusion_rule_as_known($4) x
                  WHERE x.effective_from <= $1 ORDER BY x.domain, x.effective_from DESC) f ON f.domain = d.domain
      LEFT JOIN creditrisk.fusion_matrix_as_known($4) fm
             ON fm.domain = d.domain AND fm.effective_from = f.effective_from
            AND fm.general_class = r.final_class AND fm.professional_class = d.class
    RETURNING 1
)
SELECT count(*),
       jsonb_build_object('A', count(*) FILTER (WHERE i.score_class = 'A'), 'B', count(*) FILTER (WHERE i.score_class = 'B'),
                          'C', count(*) FILTER (WHERE i.score_class = 'C'), 'D', count(*) FILTER (WHERE i.score_class = 'D')),
       jsonb_build_object('A', count(*) FILTER (WHERE i.final_class = 'A'), 'B', count(*) FILTER (WHERE i.final_class = 'B'),
                          'C', count(*) FILTER (WHERE i.final_class = 'C'), 'D', count(*) FILTER (WHERE i.final_class = 'D')),
       count(*) FILTER (WHERE i.final_class > i.score_class),
       (SELECT coalesce(jsonb_object_agg(c.code, c.n), '{}')
          FROM (SELECT u.code, count(*) AS n
                  FROM (SELECT y.overrides FROM ins y WHERE pg_catalog.cardinality(y.overrides) > 0) y,
                       unnest(y.overrides) u(code)
                 GROUP BY u.code) c),
       (SELECT count(*) FROM dom)
  FROM ins i
$run$
        INTO n, n_score_classes, n_final_classes, n_overridden, matched, domain_rows
        USING as_of, v, model, known_at, opt_ins, hits;
    PERFORM pg_catalog.set_config('enable_mergejoin', merge_joins, true);
    stages := stages || jsonb_build_object('score', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
    RAISE NOTICE '%: indicators and scores: % enterprises', label, n
        USING DETAIL = format('stage %s s (with the fused classes and the counts), elapsed %s s',
                              round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                              round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));

    -- The overrides' counts (a rule that matched no enterprise of the run: 0).
    FOR rule IN SELECT * FROM creditrisk.override_rule_as_known(known_at) o
                 WHERE o.enabled AND o.effective_from <= as_of AND (o.effective_to IS NULL OR o.effective_to >= as_of)
                 ORDER BY o.code
    LOOP
        matched := jsonb_build_object(rule.code, 0) || matched;
        stages := stages || jsonb_build_object('override ' || rule.code, rule_stages -> rule.code);
        RAISE NOTICE '%: override %: % enterprises', label, rule.code, matched -> rule.code
            USING DETAIL = format('stage %s s (matching, before the insert)', rule_stages -> rule.code);
    END LOOP;
    RAISE NOTICE '%: fusion: % enterprise domains', label, domain_rows
        USING DETAIL = 'written with the results (stage score)';

    -- 5. The run's summary in the history (counted from the rows written).
    ts := clock_timestamp();
    UPDATE creditrisk.classification_run run
       SET enterprises = n, score_classes = n_score_classes, final_classes = n_final_classes,
           overridden = n_overridden, overrides = matched, domain_results = domain_rows
     WHERE run.as_of = as_of AND run.version = v;
    stages := stages || jsonb_build_object('history', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));

    -- 6. Publish: nothing to copy.  The current views read the latest run
    -- from the history; this run's rows become current when its transaction
    -- commits, and until then readers see the previous run.
    SELECT r.as_of, r.version INTO latest FROM creditrisk.classification_run r ORDER BY r.as_of DESC, r.version DESC LIMIT 1;
    IF latest.as_of = as_of THEN
        RAISE NOTICE '%: becomes the current classification when committed', label;
    ELSE
        RAISE NOTICE '%: kept in the history; the current classification stays that of %', label, latest.as_of;
    END IF;

    UPDATE creditrisk.classification_run run SET finished_at = clock_timestamp(), stages = stages
     WHERE run.as_of = as_of AND run.version = v
    RETURNING * INTO result;
    RAISE NOTICE '%: done: % enterprises, % overridden, final classes %', label, result.enterprises, result.overridden, result.final_classes
        USING DETAIL = format('elapsed %s s', round(extract(epoch FROM result.finished_at - t0)::numeric, 3));
    RETURN result;
END
$$;
COMMENT ON FUNCTION creditrisk.refresh_classification(date, text, timestamptz) IS
    'The monthly run (月度分类): classifies every enterprise on as_of with what was valid on that date and known at the knowledge time known_at (default: now, after waiting for writers in progress; READ COMMITTED only): indicators from the register version of that date, scores with the model (default: the one active on that date), override rules (art. 10) and fusion (art. 16) as entered by then; adds a new version of the date to the history (earlier versions stay), which the current views show once it commits (readers see the previous run until then and never wait); reports progress as NOTICEs and returns the run. Giving an earlier run''s known_at reproduces it row for row';

-- ---------------------------------------------------------------------------
-- Monitoring and early warning (监测预警, art. 3)
-- ---------------------------------------------------------------------------

-- The two runs compared: to = the given date or the latest run; from = the
-- given date or the run before "to".
CREATE FUNCTION creditrisk.run_pair(from_run date, to_run date, OUT from_date date, OUT to_date date,
                                    OUT from_version integer, OUT to_version integer)
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
    from_version := (SELECT max(r.version) FROM creditrisk.classification_run r WHERE r.as_of = from_date);
    to_version := (SELECT max(r.version) FROM creditrisk.classification_run r WHERE r.as_of = to_date);
END
$$;
COMMENT ON FUNCTION creditrisk.run_pair(date, date) IS
    'The two runs (分类批次) a comparison uses: to_run (default the latest run) and from_run (default the run before it), each in its latest version; unknown dates are an error';

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
      JOIN creditrisk.classification_result a ON a.as_of = p.from_date AND a.version = p.from_version
      JOIN creditrisk.classification_result b ON b.as_of = p.to_date AND b.version = p.to_version AND b.uscc = a.uscc
     WHERE b.final_class > a.final_class
     ORDER BY 5 DESC, 8 DESC, 1
$$;
COMMENT ON FUNCTION creditrisk.class_worsened(date, date) IS
    'Early-warning list (预警名单): enterprises whose final class worsened between two runs (default: the latest and the one before), by how many classes and score points, with the overrides that are new and the score''s reason codes';

CREATE FUNCTION creditrisk.class_transition(from_run date DEFAULT NULL, to_run date DEFAULT NULL)
RETURNS TABLE (from_class creditrisk.riskclass, to_a bigint, to_b bigint, to_c bigint, to_d bigint, left_population bigint, total bigint)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    WITH p AS (SELECT * FROM creditrisk.run_pair(class_transition.from_run, class_transition.to_run)),
    a AS (SELECT r.uscc, r.final_class FROM creditrisk.classification_result r, p WHERE r.as_of = p.from_date AND r.version = p.from_version),
    b AS (SELECT r.uscc, r.final_class FROM creditrisk.classification_result r, p WHERE r.as_of = p.to_date AND r.version = p.to_version),
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
         WHERE (r.as_of, r.version) = (SELECT p.to_date, p.to_version FROM creditrisk.run_pair(NULL, class_distribution.as_of) p)
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
               count(*) FILTER (WHERE r.as_of = p.from_date AND r.version = p.from_version) AS f,
               count(*) FILTER (WHERE r.as_of = p.to_date AND r.version = p.to_version) AS t
          FROM creditrisk.classification_result r
         WHERE (r.as_of, r.version) IN ((p.from_date, p.from_version), (p.to_date, p.to_version))
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
       m.key_licensing_review, m.key_supervision_target, m.other_measures, m.sources,
       c.division_name, c.enterprise_name, c.override_names, c.reason_names
  FROM creditrisk.classification_current c
  JOIN (SELECT d.division_code, f.*
          FROM (SELECT DISTINCT x.division_code FROM creditrisk.classification_current x) d
         CROSS JOIN LATERAL creditrisk.measures_in_force(d.division_code, current_date) f) m
    ON m.division_code = c.division_code AND m.class = c.final_class;
COMMENT ON VIEW creditrisk.enterprise_measures IS
    'The supervision measures (监管措施) that apply today to each enterprise of the latest run, by its final class and division (strictest of province, city and county), with the names of the division and the enterprise and why (the Chinese names of its overrides and reason codes)';

CREATE VIEW creditrisk.enterprise_domain_measures WITH (security_invoker = true) AS
SELECT c.uscc, c.domain, c.division_code, c.fused_class AS class, m.min_spot_check_ratio, m.proactive_onsite_inspection,
       m.key_licensing_review, m.key_supervision_target, m.other_measures, m.sources, c.division_name
  FROM creditrisk.classification_domain_current c
  JOIN (SELECT d.division_code, f.*
          FROM (SELECT DISTINCT x.division_code FROM creditrisk.classification_domain_current x) d
         CROSS JOIN LATERAL creditrisk.measures_in_force(d.division_code, current_date) f) m
    ON m.division_code = c.division_code AND m.class = c.fused_class;
COMMENT ON VIEW creditrisk.enterprise_domain_measures IS
    'The supervision measures (监管措施) that apply today in each domain (food, drugs, special equipment, …) to each enterprise of the latest run: by its fused class (通用+专业, art. 16, never below an art. 10 override) and division';

CREATE VIEW creditrisk.classification_worsened WITH (security_invoker = true) AS
SELECT w.uscc, w.division_code, w.from_class, w.to_class, w.steps, w.from_score, w.to_score, w.score_change,
       w.new_overrides, w.reasons, d.name AS division_name, e.name AS enterprise_name,
       creditrisk.reason_names(w.new_overrides) AS new_override_names, creditrisk.reason_names(w.reasons) AS reason_names
  FROM creditrisk.class_worsened() w
  LEFT JOIN creditrisk.division d ON d.code = w.division_code
  LEFT JOIN creditrisk.enterprise e ON e.uscc = w.uscc
 ORDER BY w.steps DESC, w.score_change DESC, w.uscc;
COMMENT ON VIEW creditrisk.classification_worsened IS
    'Early-warning list (预警名单): enterprises whose class worsened from the previous run to the latest, with the names of the division and the enterprise and the Chinese names of the new overrides and of the reason codes';

CREATE VIEW creditrisk.class_transition_latest WITH (security_invoker = true) AS
SELECT * FROM creditrisk.class_transition();
COMMENT ON VIEW creditrisk.class_transition_latest IS 'Class transition matrix (迁移矩阵) from the previous run to the latest';

CREATE VIEW creditrisk.class_distribution_current WITH (security_invoker = true) AS
SELECT x.level, x.division_code, x.enterprises, x.a, x.b, x.c, x.d, x.share_c_d, dv.name AS division_name
  FROM creditrisk.class_distribution() WITH ORDINALITY x
  LEFT JOIN creditrisk.division dv ON dv.code = x.division_code
 ORDER BY x.ordinality;
COMMENT ON VIEW creditrisk.class_distribution_current IS
    'Final-class distribution (分类分布) of the latest run by province, city and county, with the division''s name';

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
SELECT pg_catalog.pg_extension_config_dump('creditrisk.population_opt_in', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.population_opt_in_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.classification_run', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.classification_result', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.classification_domain_result', '');

REVOKE ALL ON TABLE creditrisk.model_activation, creditrisk.high_concern_industry, creditrisk.override_rule,
                    creditrisk.fusion_rule, creditrisk.fusion_matrix, creditrisk.supervision_measure,
                    creditrisk.population_opt_in, creditrisk.classification_run, creditrisk.classification_result, creditrisk.classification_domain_result,
                    creditrisk.classification_current, creditrisk.classification_domain_current,
                    creditrisk.enterprise_measures, creditrisk.enterprise_domain_measures, creditrisk.classification_worsened, creditrisk.class_transition_latest,
                    creditrisk.class_distribution_current, creditrisk.score_stability_latest, creditrisk.reason_code
    FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.division_level(text), creditrisk.division_at(text, text),
                       creditrisk.division_upper(text), creditrisk.division_from(text), creditrisk.division_to(text),
                       creditrisk.in_division(text, text), creditrisk.reason_names(text[], text),
                       creditrisk.classification_current_status(), creditrisk.scope_from(), creditrisk.scope_to(), creditrisk.refresh_current_views(),
                       creditrisk.shipped_row_guard(), creditrisk.model_activation_check(), creditrisk.active_model(date, timestamptz),
                       creditrisk.classification_run_delete(),
                       creditrisk.override_rule_check(), creditrisk.override_rule_matches(text, date, timestamptz),
                       creditrisk.override_rule_run_as(text, timestamptz), creditrisk.fusion_matrix_complete(),
                       creditrisk.measure_loosenings(text), creditrisk.supervision_measure_no_loosening(),
                       creditrisk.measures_in_force(creditrisk.division_code, date), creditrisk.measures_in_force(creditrisk.division_code, date, timestamptz),
                       creditrisk.min_spot_check_ratio(creditrisk.riskclass, creditrisk.division_code, date, timestamptz),
                       creditrisk.refresh_classification(date, text, timestamptz),
                       creditrisk.min_spot_check_ratio(creditrisk.riskclass, creditrisk.division_code, date),
                       creditrisk.opted_in(creditrisk.uscc, text, date, timestamptz),
                       creditrisk.in_scope(creditrisk.uscc, text, date, timestamptz),
                       creditrisk.run_pair(date, date), creditrisk.class_worsened(date, date),
                       creditrisk.classification_history(creditrisk.uscc),
                       creditrisk.class_transition(date, date), creditrisk.class_distribution(date),
                       creditrisk.psi(bigint[], bigint[]), creditrisk.psi_band(double precision),
                       creditrisk.score_psi(date, date, double precision), creditrisk.score_stability(date, date, double precision)
    FROM PUBLIC;
