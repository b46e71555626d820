-- creditrisk upgrade script (assembled at build time; see Makefile)
\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.1'" to load this file. \quit
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
