-- ===========================================================================
-- Scoring engine (since 1.1): versioned three-level indicator models (指标体系) as
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
    builtin     boolean NOT NULL DEFAULT false,
    shipped     boolean NOT NULL DEFAULT false,
    definition_sql text
                CONSTRAINT indicator_definition_sql_nonempty CHECK (definition_sql <> ''),
    owner       regrole DEFAULT pg_catalog.to_regrole(pg_catalog.quote_ident(CURRENT_USER)),
    CONSTRAINT indicator_builtin_shipped CHECK (shipped OR NOT builtin)
);
COMMENT ON TABLE creditrisk.indicator IS
    'Indicator catalogue (指标目录): code, name, unit and definition of every level-3 indicator a model can use';
COMMENT ON COLUMN creditrisk.indicator.code IS 'Stable identifier: lower-case letters, digits and _, at most 40 characters';
COMMENT ON COLUMN creditrisk.indicator.definition IS 'What fact the indicator measures and how it is computed as of a date';
COMMENT ON COLUMN creditrisk.indicator.source IS 'The credit records it is computed from';
COMMENT ON COLUMN creditrisk.indicator.builtin IS 'Computed by the C engine (compute_indicators) rather than by its SQL definition; only entries shipped with the extension can be';
COMMENT ON COLUMN creditrisk.indicator.shipped IS 'Installed with the extension (not dumped: CREATE EXTENSION recreates it); frozen';
COMMENT ON COLUMN creditrisk.indicator.definition_sql IS
    'The indicator as SQL: a scalar expression over the enterprise row e (creditrisk.enterprise) and the as-of date $1, giving a number or NULL (missing)';
COMMENT ON COLUMN creditrisk.indicator.owner IS
    'Author of definition_sql (the role that wrote it), which it runs as; NULL for shipped entries (they run as the caller) and for SQL of unknown author (not run)';

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
COMMENT ON COLUMN creditrisk.model.revision IS 'Changes whenever the content changes, always to the next value of model_revision_seq (it cannot be set by hand); used to keep per-backend caches fresh';
COMMENT ON COLUMN creditrisk.model.seal IS 'Row counts of the published content by table, and its sha256 digest (model_content_digest()); nothing can be added beyond the counts, and a model whose content is incomplete or differs from its digest cannot be scored';

CREATE TABLE creditrisk.model_dimension (
    model_key  text NOT NULL,
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
    UNIQUE (model_key, dimension_code, position)
);
COMMENT ON TABLE creditrisk.model_group IS 'Level-2 indicators (二级指标) of a model, weighted within their dimension';

CREATE TABLE creditrisk.model_indicator (
    model_key      text NOT NULL,
    group_code     text NOT NULL,
    code           text NOT NULL,
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
    UNIQUE (model_key, position)
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
                                        AND upper <> 'NaN' AND upper > '-Infinity' AND upper < 'Infinity')
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
    PRIMARY KEY (model_key, indicator_code, value)
);
COMMENT ON TABLE creditrisk.model_category IS 'Category codes of a categories indicator and their risk points; other values get the default points';

CREATE TABLE creditrisk.model_floor (
    model_key  text NOT NULL,
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
    PRIMARY KEY (model_key, floor_code, position)
);
COMMENT ON TABLE creditrisk.model_floor_condition IS
    'Conditions of a floor rule, all of which must hold; a missing indicator value makes its condition false';

-- ---------------------------------------------------------------------------
-- References within a model's content (1.4).  They are triggers, not
-- foreign keys: pg_restore -j loads the tables' data in parallel, in no
-- order, and an extension's foreign keys exist while it does (pg_dump
-- records no order between the data of extension tables).  A reference is
-- checked when the level it points to has rows for the model (the parent
-- table's data is then all there, restored or not); otherwise
-- model_validate() reports the dangling row, and a published model's seal
-- (row counts and content digest) refuses anything that differs from what
-- was published.  Deleting a row deletes the rows that refer to it, as ON
-- DELETE CASCADE did; a catalogue entry in use cannot be deleted.
-- ---------------------------------------------------------------------------

-- On the referring table.  TG_ARGV: 0 the table referred to, 1 this
-- table's columns, 2 its columns (comma-separated, text), 3 the condition
-- (over t, $1 = this row's values) under which that table is "loaded".
CREATE FUNCTION creditrisk.model_content_reference_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    mine text[] := string_to_array(TG_ARGV[1], ',');
    theirs text[] := string_to_array(TG_ARGV[2], ',');
    vals text[];
    cond text;
    found_it boolean;
    loaded boolean;
BEGIN
    SELECT array_agg(to_jsonb(NEW) ->> c ORDER BY n) INTO vals FROM unnest(mine) WITH ORDINALITY u(c, n);
    IF TG_OP = 'UPDATE' THEN
        IF vals IS NOT DISTINCT FROM (SELECT array_agg(to_jsonb(OLD) ->> c ORDER BY n) FROM unnest(mine) WITH ORDINALITY u(c, n)) THEN
            RETURN NEW;
        END IF;
    END IF;
    SELECT string_agg(format('t.%I = $1[%s]', c, n), ' AND ') INTO cond FROM unnest(theirs) WITH ORDINALITY u(c, n);
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM creditrisk.%I t WHERE %s), EXISTS (SELECT 1 FROM creditrisk.%I t WHERE %s)',
                   TG_ARGV[0], cond, TG_ARGV[0], TG_ARGV[3])
       INTO found_it, loaded USING vals;
    IF NOT found_it AND loaded THEN
        RAISE EXCEPTION 'insert or update on table "%" refers to a row of "%" that does not exist', TG_TABLE_NAME, TG_ARGV[0]
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Key (%s)=(%s) is not present in table "%s".', replace(TG_ARGV[1], ',', ', '), array_to_string(vals, ', '), TG_ARGV[0]),
                  HINT = 'Add the row it refers to first.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.model_content_reference_check() IS
    'Trigger: a row of a model''s content must refer to an existing row of the level above (checked once that level has rows for the model; dangling rows are problems for model_validate())';

-- On the table referred to.  TG_ARGV: 0 the referring table, 1 its
-- columns, 2 this table's columns, 3 cascade (delete the referring rows)
-- or restrict (refuse while they exist).  A key that changes is refused
-- while rows refer to it.
CREATE FUNCTION creditrisk.model_content_reference_cascade() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    theirs text[] := string_to_array(TG_ARGV[1], ',');
    mine text[] := string_to_array(TG_ARGV[2], ',');
    vals text[];
    cond text;
    referred boolean;
BEGIN
    SELECT array_agg(to_jsonb(OLD) ->> c ORDER BY n) INTO vals FROM unnest(mine) WITH ORDINALITY u(c, n);
    IF TG_OP = 'UPDATE' THEN
        IF vals IS NOT DISTINCT FROM (SELECT array_agg(to_jsonb(NEW) ->> c ORDER BY n) FROM unnest(mine) WITH ORDINALITY u(c, n)) THEN
            RETURN NULL;
        END IF;
    END IF;
    SELECT string_agg(format('r.%I = $1[%s]', c, n), ' AND ') INTO cond FROM unnest(theirs) WITH ORDINALITY u(c, n);
    IF TG_OP = 'DELETE' AND TG_ARGV[3] = 'cascade' THEN
        EXECUTE format('DELETE FROM creditrisk.%I r WHERE %s', TG_ARGV[0], cond) USING vals;
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM creditrisk.%I r WHERE %s)', TG_ARGV[0], cond) INTO referred USING vals;
    IF referred THEN
        RAISE EXCEPTION 'update or delete on table "%" would leave rows of "%" referring to nothing', TG_TABLE_NAME, TG_ARGV[0]
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Key (%s)=(%s) is still referenced from table "%s".', replace(TG_ARGV[2], ',', ', '), array_to_string(vals, ', '), TG_ARGV[0]),
                  HINT = 'Delete or change the rows that refer to it first.';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.model_content_reference_cascade() IS
    'Trigger: deleting a row of a model''s content deletes the rows that refer to it; a catalogue entry or key still referred to cannot be deleted or changed';

DO $references$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES
        ('model_dimension', 'model_dimension_model_key_ref', 'model', 'model_key', 'model_key', 'cascade',
         $c$t.model_key NOT IN ('reference-v1', 'reference-v2')$c$),
        ('model_group', 'model_group_dimension_ref', 'model_dimension', 'model_key,dimension_code', 'model_key,code', 'cascade',
         $c$t.model_key = $1[1]$c$),
        ('model_indicator', 'model_indicator_code_ref', 'indicator', 'code', 'code', 'restrict', $c$NOT t.shipped$c$),
        ('model_indicator', 'model_indicator_group_ref', 'model_group', 'model_key,group_code', 'model_key,code', 'cascade',
         $c$t.model_key = $1[1]$c$),
        ('model_bin', 'model_bin_indicator_ref', 'model_indicator', 'model_key,indicator_code', 'model_key,code', 'cascade',
         $c$t.model_key = $1[1]$c$),
        ('model_category', 'model_category_indicator_ref', 'model_indicator', 'model_key,indicator_code', 'model_key,code', 'cascade',
         $c$t.model_key = $1[1]$c$),
        ('model_floor', 'model_floor_model_key_ref', 'model', 'model_key', 'model_key', 'cascade',
         $c$t.model_key NOT IN ('reference-v1', 'reference-v2')$c$),
        ('model_floor_condition', 'model_floor_condition_floor_ref', 'model_floor', 'model_key,floor_code', 'model_key,code', 'cascade',
         $c$t.model_key = $1[1]$c$),
        ('model_floor_condition', 'model_floor_condition_indicator_ref', 'model_indicator', 'model_key,indicator_code', 'model_key,code', 'cascade',
         $c$t.model_key = $1[1]$c$))
        v(child, name, parent, child_cols, parent_cols, on_delete, loaded)
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON creditrisk.%I FOR EACH ROW
                        EXECUTE FUNCTION creditrisk.model_content_reference_check(%L, %L, %L, %L)',
                       r.name, r.child, r.parent, r.child_cols, r.parent_cols, r.loaded);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OR DELETE ON creditrisk.%I FOR EACH ROW
                        EXECUTE FUNCTION creditrisk.model_content_reference_cascade(%L, %L, %L, %L)',
                       r.name, r.parent, r.child, r.child_cols, r.parent_cols, r.on_delete);
    END LOOP;
END
$references$;

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
-- (The row guard gives every updated model row the next revision.)  Only
-- drafts change: rows of a published model arrive only while a restore
-- completes it, and no backend has compiled it before (an incomplete model
-- does not compile).  The model rows are locked in key order, so that
-- restores loading several content tables at once (pg_restore -j) wait for
-- each other instead of deadlocking.
CREATE FUNCTION creditrisk.model_content_touch() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    key text;
BEGIN
    FOR key IN SELECT DISTINCT t.model_key FROM changed_rows t ORDER BY 1 LOOP
        UPDATE creditrisk.model m SET revision = m.revision WHERE m.model_key = key AND m.status = 'draft';
    END LOOP;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.model_content_touch() IS 'Trigger: gives a model a new revision when its content changes';

-- The catalogue entries a frozen model uses are frozen with it.  An SQL
-- definition may be filled in where there was none, but never changed once
-- a published model uses the entry.
CREATE FUNCTION creditrisk.indicator_guard() RETURNS trigger
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
        -- the range, exactly (numeric): the highest contribution of every
        -- indicator together must not exceed 1000 (the lowest is never below
        -- 0: weights are positive and points lie in [0, 100])
        UNION ALL
        SELECT 'model ' || model,
               format('the highest possible score is %s, above 1000 (the weights multiply out to more than 1)', trim_scale(sum(x.top))), 8
          FROM (SELECT round(d.weight::numeric * g.weight::numeric * i.weight::numeric * 10
                             * GREATEST(i.missing_points, i.default_points, i.true_points, i.false_points,
                                        (SELECT max(b.points) FROM bins b WHERE b.indicator_code = i.code),
                                        (SELECT max(c.points) FROM cats c WHERE c.indicator_code = i.code))::numeric,
                             12) AS top
                  FROM inds i
                  JOIN grps g ON g.code = i.group_code
                  JOIN dims d ON d.code = g.dimension_code) x
        HAVING sum(x.top) > 1000
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
        -- dangling references (rows written while the level above had none)
        UNION ALL
        SELECT 'group ' || g.code, format('belongs to dimension %s, which does not exist', g.dimension_code), 21
          FROM grps g WHERE NOT EXISTS (SELECT 1 FROM dims d WHERE d.code = g.dimension_code)
        UNION ALL
        SELECT 'indicator ' || i.code, format('belongs to group %s, which does not exist', i.group_code), 22
          FROM inds i WHERE NOT EXISTS (SELECT 1 FROM grps g WHERE g.code = i.group_code)
        UNION ALL
        SELECT 'indicator ' || i.code, 'is not in the indicator catalogue (creditrisk.indicator)', 23
          FROM inds i WHERE NOT EXISTS (SELECT 1 FROM creditrisk.indicator c WHERE c.code = i.code)
        UNION ALL
        SELECT 'indicator ' || x.indicator_code, 'has bins or categories but is not an indicator of the model', 24
          FROM (SELECT b.indicator_code FROM bins b UNION SELECT c.indicator_code FROM cats c) x
         WHERE NOT EXISTS (SELECT 1 FROM inds i WHERE i.code = x.indicator_code)
        UNION ALL
        SELECT 'floor ' || c.floor_code, format('has a condition on %s, which is not an indicator of the model', c.indicator_code), 25
          FROM creditrisk.model_floor_condition c
         WHERE c.model_key = model AND NOT EXISTS (SELECT 1 FROM inds i WHERE i.code = c.indicator_code)
        UNION ALL
        SELECT 'floor ' || c.floor_code, 'has conditions but does not exist', 26
          FROM (SELECT DISTINCT c.floor_code FROM creditrisk.model_floor_condition c WHERE c.model_key = model) c
         WHERE NOT EXISTS (SELECT 1 FROM creditrisk.model_floor f WHERE f.model_key = model AND f.code = c.floor_code)
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

-- The digest of a model's content: sha256 over every row of its content
-- tables (each as JSON without the model key, floats in shortest exact
-- form, sorted bytewise), table by table.  Everything that affects a score
-- or its explanation is in it.
CREATE FUNCTION creditrisk.model_content_digest(model text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, creditrisk, pg_temp SET extra_float_digits = 3 AS $$
    SELECT encode(sha256(convert_to(concat_ws(E'\n',
        'model_dimension', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_dimension t WHERE t.model_key = model) x),
        'model_group', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_group t WHERE t.model_key = model) x),
        'model_indicator', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_indicator t WHERE t.model_key = model) x),
        'model_bin', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_bin t WHERE t.model_key = model) x),
        'model_category', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_category t WHERE t.model_key = model) x),
        'model_floor', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_floor t WHERE t.model_key = model) x),
        'model_floor_condition', (SELECT string_agg(r, E'\n' ORDER BY r COLLATE "C") FROM (SELECT (to_jsonb(t) - 'model_key')::text AS r FROM creditrisk.model_floor_condition t WHERE t.model_key = model) x)
    ), 'UTF8')), 'hex')
$$;
COMMENT ON FUNCTION creditrisk.model_content_digest(text) IS
    'sha256 (hex) of a model''s content: every row of its dimensions, groups, indicators, bins, categories, floors and floor conditions; sealed on publication and checked before a published model is scored';

-- The seal of a published model: row counts by table and the digest.
CREATE FUNCTION creditrisk.model_content_seal(model text) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT creditrisk.model_content_counts(model) || jsonb_build_object('sha256', creditrisk.model_content_digest(model))
$$;
COMMENT ON FUNCTION creditrisk.model_content_seal(text) IS
    'The seal of a model''s content: row counts by table (model_content_counts()) and sha256 (model_content_digest())';

-- Status transitions, freezing and revisions of the model row itself.
-- Only model_publish() (or the equivalent UPDATE of status, validated and
-- sealed here) publishes; a superuser's restore is the one writer of rows
-- that are published already.  Revisions come from the sequence only.
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
        -- A superuser's restore brings published models with their seal;
        -- anything else starts as a draft, at the next revision.
        IF NEW.status <> 'draft'
           AND (NEW.seal IS NULL
                OR NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)) THEN
            RAISE EXCEPTION 'a new model must start as a draft'
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'Only creditrisk.model_publish() publishes (validating and sealing the model); rows that are published already come only from a superuser''s restore of a dump.',
                      HINT = 'Insert it as a draft, fill it in, then publish it with creditrisk.model_publish().';
        END IF;
        IF NEW.status = 'draft' OR NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
            NEW.revision := nextval('creditrisk.model_revision_seq');
        END IF;
        RETURN NEW;
    END IF;

    -- UPDATE
    IF NEW.revision IS DISTINCT FROM OLD.revision THEN
        RAISE EXCEPTION 'the revision of model "%" cannot be set', OLD.model_key
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Revisions come from creditrisk.model_revision_seq: every change of a model takes the next one, so that no cached compiled model is ever taken for another.',
                  HINT = 'Change the model''s content instead; its revision follows.';
    END IF;
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
        NEW.published_at := now();
        NEW.seal := creditrisk.model_content_seal(OLD.model_key);
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
-- Documents carry the catalogue's SQL definitions, so that a model moved to
-- another database computes there too: model_export() adds each entry's
-- definition_sql, model_import() fills it in (or refuses a different one).
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
           || CASE WHEN c.definition_sql IS NULL THEN '{}'::jsonb
                   ELSE jsonb_build_object('definition_sql', c.definition_sql) END
      FROM creditrisk.indicator c WHERE c.code = i.code
$$;
COMMENT ON FUNCTION creditrisk.model_export_indicator(creditrisk.model_indicator) IS
    'One indicator of model_export(), with the SQL definition of its catalogue entry';

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
                -- catalogue entry: reuse an identical one, create a missing one;
                -- an SQL definition is filled in where the entry has none
                SELECT * INTO cat FROM creditrisk.indicator WHERE code = i ->> 'code';
                IF NOT FOUND THEN
                    INSERT INTO creditrisk.indicator (code, name, name_en, unit, definition, source, definition_sql)
                    VALUES (i ->> 'code', i ->> 'name', coalesce(i ->> 'name_en', ''), coalesce(i ->> 'unit', ''),
                            coalesce(i ->> 'definition', ''), coalesce(i ->> 'source', ''), i ->> 'definition_sql');
                ELSIF ROW(cat.name, cat.name_en, cat.unit, cat.definition, cat.source)
                      IS DISTINCT FROM ROW(i ->> 'name', coalesce(i ->> 'name_en', ''), coalesce(i ->> 'unit', ''),
                                           coalesce(i ->> 'definition', ''), coalesce(i ->> 'source', '')) THEN
                    RAISE EXCEPTION 'indicator "%" differs from the catalogue entry of the same code', cat.code
                        USING ERRCODE = 'invalid_parameter_value',
                              DETAIL = 'A catalogue code always means the same fact; the document gives another name, unit, definition or source.',
                              HINT = 'Give the indicator a new code in the document, or change the catalogue entry first.';
                ELSIF i ? 'definition_sql' AND cat.definition_sql IS DISTINCT FROM i ->> 'definition_sql' THEN
                    IF cat.definition_sql IS NOT NULL THEN
                        RAISE EXCEPTION 'indicator "%" differs from the catalogue entry of the same code', cat.code
                            USING ERRCODE = 'invalid_parameter_value',
                                  DETAIL = 'A catalogue code always means the same fact; the document gives another SQL definition.',
                                  HINT = 'Give the indicator a new code in the document.';
                    END IF;
                    UPDATE creditrisk.indicator SET definition_sql = i ->> 'definition_sql' WHERE code = cat.code;
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
    'Creates a model from a model_export() document (under new_key if given), with its status and the SQL definitions of its catalogue entries: a published document is validated and published';

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

    -- Each indicator's contribution is an exact numeric literal: coef * points
    -- (coef = 10 * w1 * w2 * w3 in numeric, from the weights' decimal values)
    -- rounded half-up to 12 decimal places; the sum is exact and rounded
    -- half-up to 2 places, as the C scorer does in fixed point (src/model.h).
    SELECT string_agg(format(E'\n  + CASE WHEN %1$s IS NULL THEN %2$s %3$s END',
                             format('%s[%s]', indicators, i.position),
                             trim_scale(round(t.coef * (i.missing_points)::numeric, 12)),
                             t.points_expr),
                      '' ORDER BY i.position)
      INTO sum_expr
      FROM creditrisk.model_indicator i
      JOIN creditrisk.model_group g ON g.model_key = i.model_key AND g.code = i.group_code
      JOIN creditrisk.model_dimension d ON d.model_key = g.model_key AND d.code = g.dimension_code
      CROSS JOIN LATERAL (SELECT d.weight::numeric * g.weight::numeric * i.weight::numeric * 10 AS coef) c
      CROSS JOIN LATERAL (
          SELECT c.coef,
                        CASE i.rule
                        WHEN 'bins' THEN
                            (SELECT string_agg(CASE WHEN b.upper IS NULL
                                                    THEN format('ELSE %s', trim_scale(round(c.coef * (b.points)::numeric, 12)))
                                                    ELSE format('WHEN %s < ' || lit || ' THEN %s',
                                                                format('%s[%s]', indicators, i.position), b.upper,
                                                                trim_scale(round(c.coef * (b.points)::numeric, 12)))
                                               END, ' ' ORDER BY b.lower NULLS FIRST)
                               FROM creditrisk.model_bin b
                              WHERE b.model_key = i.model_key AND b.indicator_code = i.code)
                        WHEN 'categories' THEN
                            coalesce((SELECT string_agg(format('WHEN %s = ' || lit || ' THEN %s',
                                                               format('%s[%s]', indicators, i.position), k.value,
                                                               trim_scale(round(c.coef * (k.points)::numeric, 12))),
                                                        ' ' ORDER BY k.value)
                                        FROM creditrisk.model_category k
                                       WHERE k.model_key = i.model_key AND k.indicator_code = i.code), '')
                            || format(' ELSE %s', trim_scale(round(c.coef * (i.default_points)::numeric, 12)))
                        ELSE
                            format('WHEN %s <> 0 THEN %s ELSE %s',
                                   format('%s[%s]', indicators, i.position),
                                   trim_scale(round(c.coef * (i.true_points)::numeric, 12)),
                                   trim_scale(round(c.coef * (i.false_points)::numeric, 12)))
                        END AS points_expr) t
     WHERE i.model_key = model;

    SELECT string_agg(format(E',\n  CASE WHEN %s THEN %s END',
                             (SELECT string_agg(format('%s[%s] %s ' || lit, indicators, mi.position, c.op, c.value),
                                                ' AND ' ORDER BY c.position)
                                FROM creditrisk.model_floor_condition c
                                JOIN creditrisk.model_indicator mi
                                  ON mi.model_key = c.model_key AND mi.code = c.indicator_code
                               WHERE c.model_key = f.model_key AND c.floor_code = f.code),
                             trim_scale(round(f.floor::numeric, 12))), '' ORDER BY f.code)
      INTO floor_expr
      FROM creditrisk.model_floor f WHERE f.model_key = model;

    RETURN format(E'/* creditrisk model %s: score 0-1000 from %s (double precision[]), exact to 2 decimal places */\nround(GREATEST(\n  (0%s)%s), 2)::float8',
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
SELECT pg_catalog.pg_extension_config_dump('creditrisk.indicator', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_dimension', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_group', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_indicator', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_bin', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_category', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_floor', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_floor_condition', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_revision_seq', '');

-- Privileges: PUBLIC gets nothing (see the end of the foundation script).
REVOKE ALL ON ALL TABLES IN SCHEMA creditrisk FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA creditrisk FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA creditrisk FROM PUBLIC;
