-- ===========================================================================
-- 1.4 Applying the classes (issue 13): 双随机、一公开 spot-check tasks with
-- verifiable draws, the inspectors' library, outcomes, licensing review and
-- coverage (Henan measures art. 12-15; Zhoukou notice).
--
--   spot_check_task           抽查任务: organising division, scope, period,
--                             commitment to a seed (SHA-256), then the seed
--   spot_check_task_class     per class: ratio (never below the measures in
--                             force), population, quota = ceil(ratio × N), drawn
--   spot_check_population     the population snapshot the draw is a function of
--   spot_check_draw           the drawn enterprises (at most once per task),
--                             their outcome and publication deadline
--   inspector, inspector_conflict   执法检查人员名录库 and declared conflicts
--   spot_check_task_inspector / _task_conflict   snapshots taken at the draw
--   spot_check_assignment     ≥ 2 inspectors per drawn enterprise
-- The population, the sampler and the assignment run in C (src/sampling.c);
-- verify_draw() re-derives the sample from the stored snapshot with the same
-- single pass; doc/spotcheck.md has the algorithm and its plain-SQL form.
-- Every table carries a division_code (the task's organising division or the
-- enterprise's / inspector's division) for division-scoped access.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.jurisdiction_prefix(division_code text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN division_code ~ '0000$' THEN left(division_code, 2)
                WHEN substr(division_code, 3, 2) = '90' THEN division_code
                WHEN division_code ~ '00$' THEN left(division_code, 4)
                ELSE division_code END
$$;
COMMENT ON FUNCTION creditrisk.jurisdiction_prefix(text) IS
    'The code prefix that every division within a jurisdiction (辖区) starts with: 410000 → 41, 411600 → 4116, 411622 → 411622, 419001 → 419001';

CREATE FUNCTION creditrisk.current_classification(OUT as_of date, OUT version integer)
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT r.as_of, r.version FROM creditrisk.classification_run r ORDER BY r.as_of DESC, r.version DESC LIMIT 1
$$;
COMMENT ON FUNCTION creditrisk.current_classification() IS
    'The run classification_current and classification_domain_current hold (最新分类): the latest version of the latest date';

CREATE FUNCTION creditrisk.seed_commitment(seed text) RETURNS bytea
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.sha256(pg_catalog.convert_to(seed, 'UTF8'))
$$;
COMMENT ON FUNCTION creditrisk.seed_commitment(text) IS
    'The commitment to a draw''s seed (随机种子承诺值): SHA-256 of its UTF-8 bytes; record it in the task before the draw, reveal the seed at the draw';

CREATE FUNCTION creditrisk.spot_key(seed text, uscc creditrisk.uscc) RETURNS bytea
    AS 'MODULE_PATHNAME', 'spot_key' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 10;
COMMENT ON FUNCTION creditrisk.spot_key(text, creditrisk.uscc) IS
    'An enterprise''s draw key (抽取键值) for a seed: sha256(convert_to(seed, ''UTF8'') || ''\x00'' || convert_to(uscc::text, ''UTF8'')); per class the k smallest keys are drawn';

CREATE FUNCTION creditrisk.spot_sample_trans(internal, text, creditrisk.uscc, bigint) RETURNS internal
    AS 'MODULE_PATHNAME', 'spot_sample_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.spot_sample_trans(internal, text, creditrisk.uscc, bigint) IS
    'Transition function of spot_sample (bounded heap of the k smallest draw keys)';
CREATE FUNCTION creditrisk.spot_sample_final(internal) RETURNS creditrisk.uscc[]
    AS 'MODULE_PATHNAME', 'spot_sample_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.spot_sample_final(internal) IS
    'Final function of spot_sample: the kept enterprises in key order';
CREATE FUNCTION creditrisk.spot_sample_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'spot_sample_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.spot_sample_combine(internal, internal) IS
    'Combine function of spot_sample (parallel aggregation: the k smallest keys of two partial heaps)';
CREATE FUNCTION creditrisk.spot_sample_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'spot_sample_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.spot_sample_serialize(internal) IS 'Serialization function of spot_sample';
CREATE FUNCTION creditrisk.spot_sample_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'spot_sample_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.spot_sample_deserialize(bytea, internal) IS 'Deserialization function of spot_sample';
CREATE AGGREGATE creditrisk.spot_sample(seed text, uscc creditrisk.uscc, k bigint) (
    SFUNC = creditrisk.spot_sample_trans,
    STYPE = internal,
    FINALFUNC = creditrisk.spot_sample_final,
    COMBINEFUNC = creditrisk.spot_sample_combine,
    SERIALFUNC = creditrisk.spot_sample_serialize,
    DESERIALFUNC = creditrisk.spot_sample_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE creditrisk.spot_sample(text, creditrisk.uscc, bigint) IS
    'Verifiable sample (可验证抽样): the k enterprises of the group with the smallest spot_key(seed, uscc), in key order (rank = position); O(N log k)';

CREATE FUNCTION creditrisk.spot_assign(seed text, drawn creditrisk.uscc[], inspectors text[],
                                       conflict_uscc creditrisk.uscc[], conflict_inspector text[], per_check integer)
RETURNS TABLE (uscc creditrisk.uscc, certificate_no text, seq integer)
    AS 'MODULE_PATHNAME', 'spot_assign' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 1000 ROWS 1000;
COMMENT ON FUNCTION creditrisk.spot_assign(text, creditrisk.uscc[], text[], creditrisk.uscc[], text[], integer) IS
    'Inspector assignment (随机选派执法检查人员): drawn enterprises in key order each get per_check inspectors, each time the least-loaded one not conflicted with it (ties: smallest sha256(seed || ''\x01'' || certificate_no)); an enterprise with fewer eligible inspectors gets none';

-- The draw leaves out cancelled and revoked enterprises: they are few, so an
-- index of them spares the draw a scan of the whole register.
CREATE INDEX enterprise_closed_idx ON creditrisk.enterprise (uscc) WHERE status <> 'in_business';

-- ---------------------------------------------------------------------------
-- Inspectors (执法检查人员名录库)
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.inspector (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certificate_no text NOT NULL UNIQUE
                   CONSTRAINT inspector_certificate_format CHECK (certificate_no ~ '^[0-9A-Za-z][0-9A-Za-z-]{3,39}$'),
    name           text NOT NULL CONSTRAINT inspector_name_nonempty CHECK (name <> ''),
    unit           text NOT NULL CONSTRAINT inspector_unit_nonempty CHECK (unit <> ''),
    division_code  creditrisk.division_code NOT NULL,
    competence     text[] NOT NULL DEFAULT '{general}'
                   CONSTRAINT inspector_competence_format
                   CHECK (array_to_string(competence, ',', '?') ~ '^[a-z][a-z_]{1,39}(,[a-z][a-z_]{1,39})*$'),
    active_from    date NOT NULL,
    active_to      date,
    CONSTRAINT inspector_active_period CHECK (active_to >= active_from)
);
CREATE INDEX inspector_division_idx ON creditrisk.inspector (division_code);
COMMENT ON TABLE creditrisk.inspector IS
    'Library of enforcement inspectors (执法检查人员名录库): who may be drawn to inspect, where, in which fields, when';
COMMENT ON COLUMN creditrisk.inspector.certificate_no IS 'Enforcement certificate number (执法证号); its key orders ties in the assignment';
COMMENT ON COLUMN creditrisk.inspector.unit IS 'The inspector''s unit (所属单位)';
COMMENT ON COLUMN creditrisk.inspector.division_code IS 'Division of the unit; the inspector serves tasks organised by it or a level above';
COMMENT ON COLUMN creditrisk.inspector.competence IS 'Fields of competence (执法领域): general (通用), and domains such as food, drugs, special_equipment';
COMMENT ON COLUMN creditrisk.inspector.active_from IS 'First day the inspector may be drawn (在岗起始)';
COMMENT ON COLUMN creditrisk.inspector.active_to IS 'Last day the inspector may be drawn; NULL = open';

CREATE TABLE creditrisk.inspector_conflict (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inspector_id    bigint NOT NULL,
    uscc            creditrisk.uscc NOT NULL,
    include_related boolean NOT NULL DEFAULT true,
    reason          text NOT NULL CONSTRAINT inspector_conflict_reason_nonempty CHECK (reason <> ''),
    declared_on     date NOT NULL,
    ended_on        date,
    division_code   creditrisk.division_code NOT NULL,
    CONSTRAINT inspector_conflict_period CHECK (ended_on >= declared_on),
    CONSTRAINT inspector_conflict_once UNIQUE (inspector_id, uscc, declared_on)
);
CREATE INDEX inspector_conflict_uscc_idx ON creditrisk.inspector_conflict (uscc);
COMMENT ON TABLE creditrisk.inspector_conflict IS
    'Declared conflicts of interest (利害关系回避, 行政处罚法 art. 43): the inspector is never drawn for the enterprise, nor, with include_related, for its related parties (关联方, related_party_link valid at the task''s start)';
COMMENT ON COLUMN creditrisk.inspector_conflict.include_related IS 'Also withdraw from the enterprise''s related parties (shareholders, branches, common legal representative)';
COMMENT ON COLUMN creditrisk.inspector_conflict.ended_on IS 'Last day the conflict applies; NULL = open';
COMMENT ON COLUMN creditrisk.inspector_conflict.division_code IS 'The inspector''s division (filled in), for division-scoped access';

CREATE FUNCTION creditrisk.inspector_conflict_division() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    d text;
BEGIN
    SELECT i.division_code INTO d FROM creditrisk.inspector i WHERE i.id = NEW.inspector_id;
    IF FOUND THEN
        NEW.division_code := d;
    ELSIF NEW.division_code IS NULL THEN
        RAISE EXCEPTION 'inspector % is not in the library', NEW.inspector_id
            USING ERRCODE = 'foreign_key_violation', HINT = 'Declare conflicts of inspectors listed in creditrisk.inspector.';
    END IF;                  -- else: restored from a dump before its inspector, as it was
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.inspector_conflict_division() IS
    'Trigger: a conflict of interest (利害关系) names an inspector of the library and carries its division';
CREATE TRIGGER inspector_conflict_division BEFORE INSERT OR UPDATE OF inspector_id ON creditrisk.inspector_conflict
    FOR EACH ROW EXECUTE FUNCTION creditrisk.inspector_conflict_division();

-- ---------------------------------------------------------------------------
-- Tasks (抽查任务)
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.spot_check_task (
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                     text NOT NULL CONSTRAINT spot_check_task_name_nonempty CHECK (name <> ''),
    division_code            creditrisk.division_code NOT NULL,
    scope_divisions          creditrisk.division_code[] NOT NULL,
    industries               text[] NOT NULL DEFAULT '{}',
    domain                   text CONSTRAINT spot_check_task_domain_format CHECK (domain ~ '^[a-z][a-z_]{1,39}$'),
    check_items              text[] NOT NULL DEFAULT '{}',
    period_start             date NOT NULL,
    period_end               date NOT NULL,
    exclude_inspected_within interval DEFAULT '1 year'
                             CONSTRAINT spot_check_task_exclusion_nonnegative CHECK (exclude_inspected_within >= '0'),
    inspectors_per_check     integer NOT NULL DEFAULT 2
                             CONSTRAINT spot_check_task_two_inspectors CHECK (inspectors_per_check BETWEEN 2 AND 10),
    publication_working_days integer NOT NULL DEFAULT 20
                             CONSTRAINT spot_check_task_publication_days CHECK (publication_working_days BETWEEN 1 AND 250),
    seed_commitment          bytea NOT NULL CONSTRAINT spot_check_task_commitment_sha256 CHECK (length(seed_commitment) = 32),
    seed                     text,
    status                   text NOT NULL DEFAULT 'planned' CONSTRAINT spot_check_task_status_valid CHECK (status IN ('planned', 'drawn')),
    classification_as_of     date,
    classification_version   integer,
    drawn_at                 timestamptz,
    drawn_by                 text,
    created_by               text NOT NULL DEFAULT current_user,
    created_at               timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT spot_check_task_period CHECK (period_end >= period_start),
    CONSTRAINT spot_check_task_scope_nonempty CHECK (cardinality(scope_divisions) > 0),
    CONSTRAINT spot_check_task_industries_format
        CHECK (array_to_string(industries, ',', '?') ~ '^([A-T]([0-9]{2}([0-9]{1,2})?)?(,[A-T]([0-9]{2}([0-9]{1,2})?)?)*)?$'),
    CONSTRAINT spot_check_task_drawn
        CHECK ((status = 'drawn') = (seed IS NOT NULL AND classification_as_of IS NOT NULL
                                     AND classification_version IS NOT NULL AND drawn_at IS NOT NULL)),
    CONSTRAINT spot_check_task_seed_matches
        CHECK (seed IS NULL OR pg_catalog.sha256(pg_catalog.convert_to(seed, 'UTF8')) = seed_commitment)
);
CREATE INDEX spot_check_task_division_idx ON creditrisk.spot_check_task (division_code);
COMMENT ON TABLE creditrisk.spot_check_task IS
    'Spot-check tasks (双随机抽查任务): who organises, whom (scope), when, with which ratios; the draw is committed to a seed before it is made';
COMMENT ON COLUMN creditrisk.spot_check_task.division_code IS 'Organising bureau''s division (组织实施机关); ratios may not be below the measures in force for it at period_start';
COMMENT ON COLUMN creditrisk.spot_check_task.scope_divisions IS 'Divisions in scope (抽查范围), each within the organising division; an enterprise is in scope when its division lies within one of them';
COMMENT ON COLUMN creditrisk.spot_check_task.industries IS 'Industry code prefixes in scope (GB/T 4754, e.g. C27, H62); empty = all industries';
COMMENT ON COLUMN creditrisk.spot_check_task.domain IS 'NULL: general task by the final class; food, drugs, special_equipment…: domain task by the fused class (通用+专业, art. 16) and inspectors competent in it';
COMMENT ON COLUMN creditrisk.spot_check_task.check_items IS 'Check items (抽查事项清单, “一单”) of the task, as listed';
COMMENT ON COLUMN creditrisk.spot_check_task.exclude_inspected_within IS 'Enterprises with a spot check dated after period_start minus this are left out of the population; NULL = none left out';
COMMENT ON COLUMN creditrisk.spot_check_task.inspectors_per_check IS 'Inspectors drawn per enterprise (at least two, 行政处罚法 art. 42)';
COMMENT ON COLUMN creditrisk.spot_check_task.publication_working_days IS 'Results are published within this many working days after the check ends (公示时限)';
COMMENT ON COLUMN creditrisk.spot_check_task.seed_commitment IS 'SHA-256 of the seed, recorded before the draw (seed_commitment(seed))';
COMMENT ON COLUMN creditrisk.spot_check_task.seed IS 'The seed revealed at the draw (随机种子): a secret, or a named public value such as a lottery result';
COMMENT ON COLUMN creditrisk.spot_check_task.classification_as_of IS 'Date of the classification run the population was taken from';
COMMENT ON COLUMN creditrisk.spot_check_task.classification_version IS 'Version of that run (a re-run of a date adds a version)';

CREATE TABLE creditrisk.spot_check_task_class (
    task_id            bigint NOT NULL,
    class              creditrisk.riskclass NOT NULL,
    division_code      creditrisk.division_code NOT NULL,
    ratio              numeric(5, 4) NOT NULL CONSTRAINT spot_check_task_class_ratio_range CHECK (ratio > 0 AND ratio <= 1),
    min_ratio          numeric(5, 4),
    min_sources        text[],
    population         bigint,
    excluded_closed    bigint,
    excluded_inspected bigint,
    quota              bigint,
    drawn              bigint,
    PRIMARY KEY (task_id, class),
    CONSTRAINT spot_check_task_class_not_below_minimum CHECK (ratio >= min_ratio),
    CONSTRAINT spot_check_task_class_quota CHECK (quota = ceil(ratio * population))
);
COMMENT ON TABLE creditrisk.spot_check_task_class IS
    'A task''s ratio per class (抽查比例) and, after the draw, its population, exclusions, quota = ceil(ratio × population) and number drawn';
COMMENT ON COLUMN creditrisk.spot_check_task_class.division_code IS 'The task''s organising division';
COMMENT ON COLUMN creditrisk.spot_check_task_class.min_ratio IS 'Minimum in force for the organising division at period_start (measures_in_force, art. 12-15)';
COMMENT ON COLUMN creditrisk.spot_check_task_class.min_sources IS 'The measure versions the minimum comes from (division@effective_from)';
COMMENT ON COLUMN creditrisk.spot_check_task_class.excluded_closed IS 'Classified enterprises in scope left out because cancelled (注销) or revoked (吊销)';
COMMENT ON COLUMN creditrisk.spot_check_task_class.excluded_inspected IS 'Left out because inspected within exclude_inspected_within';
COMMENT ON COLUMN creditrisk.spot_check_task_class.quota IS 'Enterprises to draw: ceil(ratio × population), rounded up per class over the whole scope';

CREATE TABLE creditrisk.spot_check_population (
    task_id       bigint NOT NULL,
    division_code creditrisk.division_code NOT NULL,
    class         creditrisk.riskclass NOT NULL,
    enterprises   bigint NOT NULL,
    usccs         creditrisk.uscc[] NOT NULL,
    PRIMARY KEY (task_id, division_code, class),
    CONSTRAINT spot_check_population_count CHECK (enterprises = cardinality(usccs))
);
-- The arrays of USCCs are stored out of line uncompressed: pglz shrinks
-- them only to about 60% (codes of one division share their first eight
-- characters) and compressing a province-wide snapshot was the largest single
-- cost of writing it.  (PostgreSQL 15 has no STORAGE clause in CREATE TABLE.)
ALTER TABLE creditrisk.spot_check_population ALTER COLUMN usccs SET STORAGE EXTERNAL;
COMMENT ON TABLE creditrisk.spot_check_population IS
    'Population snapshot of a draw (抽查对象名录库快照), per division and class: the enterprises the sample was drawn from (in no particular order)';

CREATE TABLE creditrisk.spot_check_draw (
    task_id              bigint NOT NULL,
    uscc                 creditrisk.uscc NOT NULL,
    division_code        creditrisk.division_code NOT NULL,
    class                creditrisk.riskclass NOT NULL,
    rank                 integer NOT NULL CONSTRAINT spot_check_draw_rank_positive CHECK (rank > 0),
    check_end            date,
    outcome              text,
    refused              boolean,
    spot_check_id        bigint UNIQUE,
    publication_deadline date,
    publication_deadline_provisional boolean,
    PRIMARY KEY (task_id, uscc),
    CONSTRAINT spot_check_draw_rank_unique UNIQUE (task_id, class, rank),
    CONSTRAINT spot_check_draw_outcome_complete
        CHECK ((spot_check_id IS NULL) = (check_end IS NULL) AND (check_end IS NULL) = (outcome IS NULL)
               AND (outcome IS NULL) = (refused IS NULL))
);
CREATE INDEX spot_check_draw_division_idx ON creditrisk.spot_check_draw (division_code);
COMMENT ON TABLE creditrisk.spot_check_draw IS
    'Enterprises drawn in a task (抽取结果), at most once per task, with their rank within the class and, once inspected, the outcome';
COMMENT ON COLUMN creditrisk.spot_check_draw.division_code IS 'The enterprise''s division in the classification drawn from';
COMMENT ON COLUMN creditrisk.spot_check_draw.class IS 'The stratum it was drawn in: final class, or fused class for a domain task';
COMMENT ON COLUMN creditrisk.spot_check_draw.rank IS 'Position in its class by draw key (1 = smallest spot_key)';
COMMENT ON COLUMN creditrisk.spot_check_draw.spot_check_id IS 'The spot_check record created by record_spot_check_outcome() (the one the indicators read)';
COMMENT ON COLUMN creditrisk.spot_check_draw.publication_deadline IS 'Publish the result by this day: publication_working_days after check_end (公示时限)';
COMMENT ON COLUMN creditrisk.spot_check_draw.publication_deadline_provisional IS 'true: the deadline falls in a year whose holiday schedule (工作日历) is not loaded yet (is_provisional)';

CREATE TABLE creditrisk.spot_check_task_inspector (
    task_id        bigint NOT NULL,
    inspector_id   bigint NOT NULL,
    certificate_no text NOT NULL,
    division_code  creditrisk.division_code NOT NULL,
    PRIMARY KEY (task_id, inspector_id),
    CONSTRAINT spot_check_task_inspector_certificate UNIQUE (task_id, certificate_no)
);
COMMENT ON TABLE creditrisk.spot_check_task_inspector IS
    'The pool of a draw (检查人员库快照): inspectors active over the whole period, of the organising division, competent in the task''s field';
COMMENT ON COLUMN creditrisk.spot_check_task_inspector.division_code IS 'The inspector''s division';

CREATE TABLE creditrisk.spot_check_task_conflict (
    task_id       bigint NOT NULL,
    uscc          creditrisk.uscc NOT NULL,
    inspector_id  bigint NOT NULL,
    declared_uscc creditrisk.uscc NOT NULL,
    division_code creditrisk.division_code NOT NULL,
    PRIMARY KEY (task_id, uscc, inspector_id)
);
COMMENT ON TABLE creditrisk.spot_check_task_conflict IS
    'Conflicts of interest that applied at the draw (回避), per drawn enterprise and pool inspector; declared_uscc is the enterprise named in the declaration (another one: a related party)';
COMMENT ON COLUMN creditrisk.spot_check_task_conflict.division_code IS 'The drawn enterprise''s division';

CREATE TABLE creditrisk.spot_check_assignment (
    task_id       bigint NOT NULL,
    uscc          creditrisk.uscc NOT NULL,
    inspector_id  bigint NOT NULL,
    seq           integer NOT NULL CONSTRAINT spot_check_assignment_seq_positive CHECK (seq > 0),
    division_code creditrisk.division_code NOT NULL,
    PRIMARY KEY (task_id, uscc, inspector_id),
    CONSTRAINT spot_check_assignment_seq_unique UNIQUE (task_id, uscc, seq)
);
CREATE INDEX spot_check_assignment_inspector_idx ON creditrisk.spot_check_assignment (task_id, inspector_id);
COMMENT ON TABLE creditrisk.spot_check_assignment IS
    'Inspectors drawn for each drawn enterprise (随机选派的执法检查人员), at least inspectors_per_check each';
COMMENT ON COLUMN creditrisk.spot_check_assignment.division_code IS 'The drawn enterprise''s division';

-- The sample of a whole task in one pass over its stored snapshot (C, with
-- the caller's rights: it reads spot_check_population and
-- spot_check_task_class under their policies).
CREATE FUNCTION creditrisk.spot_sample_task(seed text, task bigint)
RETURNS TABLE (uscc creditrisk.uscc, division_code text, class creditrisk.riskclass, rank integer)
    AS 'MODULE_PATHNAME', 'spot_sample_task' LANGUAGE C STABLE PARALLEL RESTRICTED COST 10000 ROWS 1000;
COMMENT ON FUNCTION creditrisk.spot_sample_task(text, bigint) IS
    'The sample of a task (抽取样本): per class the quota enterprises of the stored population snapshot with the smallest spot_key(seed, uscc), in key order, with their division and rank; the same as spot_sample() per class over the unnested snapshot, in one pass (one bounded heap per class)';

-- The draw's population and sample in one read of the classification (C,
-- with the caller's rights: it reads the classification, the register and
-- the spot checks, and writes spot_check_population and the counts of
-- spot_check_task_class, under their policies).  Called by draw_spot_check().
-- Its division_code is the domain itself (the codes come from the
-- classification, already checked), so that storing the sample does not
-- re-check each code against the domain's pattern.
CREATE FUNCTION creditrisk.spot_draw_population(seed text, task bigint)
RETURNS TABLE (uscc creditrisk.uscc, division_code creditrisk.division_code, class creditrisk.riskclass, rank integer)
    AS 'MODULE_PATHNAME', 'spot_draw_population' LANGUAGE C VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, creditrisk, pg_temp COST 100000 ROWS 1000;
COMMENT ON FUNCTION creditrisk.spot_draw_population(text, bigint) IS
    'The population and sample of a draw (抽查对象名录与抽取样本) in one read of the current classification: the task''s scope (each division tested once against its prefixes) minus enterprises cancelled or revoked and those inspected within exclude_inspected_within (read once through their indexes into one set, probed once per enterprise), stored as the snapshot with the counts and quotas; returns per class the quota enterprises with the smallest spot_key(seed, uscc), in key order: what spot_sample_task(seed, task) re-derives from the stored snapshot';

-- ---------------------------------------------------------------------------
-- Integrity: scope within the organising division; ratios never below the
-- minimum in force; nothing of a drawn task changes (verify_draw() catches
-- what a trigger cannot, e.g. a superuser with triggers off).
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.spot_check_task_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    outside text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'drawn' THEN
        RAISE EXCEPTION 'spot-check task % has been drawn and cannot change', OLD.id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A drawn task is a record of what was drawn and why; verify_draw() re-derives it.',
                  HINT = 'Plan a new task instead.';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF NEW.status = 'drawn' AND TG_OP = 'INSERT' THEN
        RETURN NEW;          -- restored from a dump as it was
    END IF;
    SELECT string_agg(s, ', ') INTO outside
      FROM unnest(NEW.scope_divisions) s
     WHERE NOT starts_with(s, creditrisk.jurisdiction_prefix(NEW.division_code));
    IF outside IS NOT NULL THEN
        RAISE EXCEPTION 'scope divisions % lie outside the organising division %', outside, NEW.division_code
            USING ERRCODE = 'check_violation',
                  HINT = 'A bureau plans checks within its own jurisdiction; the province or city organises wider tasks.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.spot_check_task_check() IS
    'Trigger: a task''s scope lies within its organising division (辖区); a drawn task (已抽取) never changes';
CREATE TRIGGER spot_check_task_check BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.spot_check_task
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_task_check();

-- No foreign keys among these tables (nor to the register and the records):
-- pg_restore -j loads extension tables in parallel, in any order.  Only
-- draw_spot_check() writes a draw; the triggers below freeze it; deleting a
-- planned task or an inspector removes what belongs to it.
CREATE FUNCTION creditrisk.spot_check_deleted() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    IF TG_TABLE_NAME = 'spot_check_task' THEN
        DELETE FROM creditrisk.spot_check_task_class q WHERE q.task_id IN (SELECT o.id FROM gone o);
    ELSE
        DELETE FROM creditrisk.inspector_conflict c WHERE c.inspector_id IN (SELECT o.id FROM gone o);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION creditrisk.spot_check_deleted() IS
    'Trigger: deleting a planned spot-check task (抽查任务) deletes its ratios; deleting an inspector deletes the conflicts declared';
CREATE TRIGGER spot_check_task_deleted AFTER DELETE ON creditrisk.spot_check_task
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.spot_check_deleted();
CREATE TRIGGER inspector_deleted AFTER DELETE ON creditrisk.inspector
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.spot_check_deleted();

CREATE FUNCTION creditrisk.spot_check_task_class_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    t creditrisk.spot_check_task;
    m record;
BEGIN
    SELECT * INTO t FROM creditrisk.spot_check_task WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.task_id ELSE NEW.task_id END;
    IF t.status = 'drawn' THEN
        IF TG_OP = 'INSERT' THEN
            RETURN NEW;      -- restored from a dump as it was
        END IF;
        RAISE EXCEPTION 'spot-check task % has been drawn and cannot change', t.id
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Plan a new task instead.';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' AND NEW.min_sources IS NOT NULL THEN
        RETURN NEW;          -- restored from a dump, as it was (the draw checks the ratios again)
    END IF;
    IF t.id IS NULL THEN
        RAISE EXCEPTION 'spot-check task % does not exist', NEW.task_id
            USING ERRCODE = 'foreign_key_violation', HINT = 'Plan the task with creditrisk.create_spot_check_task().';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.ratio = OLD.ratio THEN
        RETURN NEW;          -- counts after the draw, or the minimum refreshed by the draw
    END IF;
    SELECT f.min_spot_check_ratio, f.sources INTO m
      FROM creditrisk.measures_in_force(t.division_code, t.period_start) f WHERE f.class = NEW.class;
    NEW.division_code := t.division_code;
    NEW.min_ratio := m.min_spot_check_ratio;
    NEW.min_sources := m.sources;
    IF NEW.ratio < m.min_spot_check_ratio THEN
        RAISE EXCEPTION 'ratio % for class % is below the minimum % in force', NEW.ratio, NEW.class, m.min_spot_check_ratio
            USING ERRCODE = 'check_violation',
                  DETAIL = format('The measures in force for %s on %s (%s) require at least %s of class %s.',
                                  t.division_code, t.period_start, array_to_string(m.sources, ', '),
                                  m.min_spot_check_ratio, NEW.class),
                  HINT = 'A plan may draw more than the minimum, never less (art. 12-15); omit the class to use the minimum.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.spot_check_task_class_check() IS
    'Trigger: a task''s ratio per class (抽查比例) is never below the minimum in force for its division at period_start; fills min_ratio and min_sources';
CREATE TRIGGER spot_check_task_class_check BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.spot_check_task_class
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_task_class_check();

CREATE FUNCTION creditrisk.spot_check_frozen() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    IF TG_TABLE_NAME = 'spot_check_draw' AND TG_OP = 'UPDATE' THEN
        IF (NEW.task_id, NEW.uscc, NEW.division_code, NEW.class, NEW.rank)
           IS NOT DISTINCT FROM (OLD.task_id, OLD.uscc, OLD.division_code, OLD.class, OLD.rank) THEN
            RETURN NEW;      -- recording an outcome
        END IF;
    END IF;
    IF EXISTS (SELECT 1 FROM creditrisk.spot_check_task t WHERE t.id = OLD.task_id AND t.status = 'drawn') THEN
        RAISE EXCEPTION 'the draw of spot-check task % cannot change', OLD.task_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('%s of %s is part of the record of the draw.', TG_OP, TG_TABLE_NAME),
                  HINT = 'Outcomes are recorded with creditrisk.record_spot_check_outcome().';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION creditrisk.spot_check_frozen() IS
    'Trigger: the record of a draw (population, sample, pool, conflicts, assignment) never changes once drawn; only outcomes are added';
CREATE TRIGGER spot_check_population_frozen BEFORE UPDATE OR DELETE ON creditrisk.spot_check_population
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_frozen();
CREATE TRIGGER spot_check_draw_frozen BEFORE UPDATE OR DELETE ON creditrisk.spot_check_draw
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_frozen();
CREATE TRIGGER spot_check_task_inspector_frozen BEFORE UPDATE OR DELETE ON creditrisk.spot_check_task_inspector
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_frozen();
CREATE TRIGGER spot_check_task_conflict_frozen BEFORE UPDATE OR DELETE ON creditrisk.spot_check_task_conflict
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_frozen();
CREATE TRIGGER spot_check_assignment_frozen BEFORE UPDATE OR DELETE ON creditrisk.spot_check_assignment
    FOR EACH ROW EXECUTE FUNCTION creditrisk.spot_check_frozen();

-- ---------------------------------------------------------------------------
-- Planning a task
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.create_spot_check_task(
    name text, division_code text, period_start date, period_end date, seed_commitment bytea,
    scope_divisions text[] DEFAULT NULL, industries text[] DEFAULT '{}', domain text DEFAULT NULL,
    ratios jsonb DEFAULT NULL, exclude_inspected_within interval DEFAULT '1 year',
    check_items text[] DEFAULT '{}', inspectors_per_check integer DEFAULT 2, publication_working_days integer DEFAULT 20)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    task bigint;
    bad text;
    r numeric;
BEGIN
    IF name IS NULL OR division_code IS NULL OR period_start IS NULL OR period_end IS NULL OR seed_commitment IS NULL THEN
        RAISE EXCEPTION 'name, division_code, period_start, period_end and seed_commitment are required'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Commit to the seed first: creditrisk.seed_commitment(''<secret seed>'').';
    END IF;
    IF period_end < period_start THEN
        RAISE EXCEPTION 'the period ends (%) before it starts (%)', period_end, period_start
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF length(seed_commitment) <> 32 THEN
        RAISE EXCEPTION 'the seed commitment must be a SHA-256 digest (32 bytes), not % bytes', length(seed_commitment)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use creditrisk.seed_commitment(''<seed>''), i.e. sha256(convert_to(''<seed>'', ''UTF8'')).';
    END IF;
    IF inspectors_per_check NOT BETWEEN 2 AND 10 THEN
        RAISE EXCEPTION '% inspectors per check is out of range', inspectors_per_check
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'At least two inspectors take part in each inspection (行政处罚法 art. 42); at most 10.';
    END IF;
    IF ratios IS NOT NULL THEN
        IF jsonb_typeof(ratios) <> 'object' THEN
            RAISE EXCEPTION 'ratios must be a JSON object such as {"A": 0.02, "C": 0.15}'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT string_agg(k, ', ') INTO bad FROM jsonb_object_keys(ratios) k WHERE k NOT IN ('A', 'B', 'C', 'D');
        IF bad IS NOT NULL THEN
            RAISE EXCEPTION 'unknown class in ratios: %', bad
                USING ERRCODE = 'invalid_parameter_value', HINT = 'The classes are A, B, C and D.';
        END IF;
        SELECT string_agg(format('%s: %s', e.key, e.value), ', ') INTO bad FROM jsonb_each(ratios) e
         WHERE jsonb_typeof(e.value) <> 'number' OR (e.value)::numeric <= 0 OR (e.value)::numeric > 1;
        IF bad IS NOT NULL THEN
            RAISE EXCEPTION 'ratios must be numbers in (0, 1]: %', bad
                USING ERRCODE = 'invalid_parameter_value', HINT = 'For example {"A": 0.02} draws 2% of class A.';
        END IF;
    END IF;
    INSERT INTO creditrisk.spot_check_task AS t (name, division_code, scope_divisions, industries, domain, check_items,
            period_start, period_end, exclude_inspected_within, inspectors_per_check, publication_working_days, seed_commitment)
    VALUES (name, division_code, coalesce(scope_divisions, ARRAY[division_code])::creditrisk.division_code[],
            coalesce(industries, '{}'), domain, coalesce(check_items, '{}'), period_start, period_end,
            exclude_inspected_within, coalesce(inspectors_per_check, 2), coalesce(publication_working_days, 20),
            seed_commitment)
    RETURNING t.id INTO task;
    INSERT INTO creditrisk.spot_check_task_class (task_id, class, division_code, ratio)
    SELECT task, f.class, division_code, coalesce((ratios ->> f.class::text)::numeric, f.min_spot_check_ratio)
      FROM creditrisk.measures_in_force(division_code, period_start) f
     WHERE coalesce((ratios ->> f.class::text)::numeric, f.min_spot_check_ratio) IS NOT NULL;
    IF (SELECT count(*) FROM creditrisk.spot_check_task_class q WHERE q.task_id = task) < 4 THEN
        RAISE EXCEPTION 'no spot-check ratio for every class of task "%"', name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('No supervision measures are in force for %s on %s.', division_code, period_start),
                  HINT = 'Give every class a ratio, e.g. ratios => ''{"A": 0.01, "B": 0.03, "C": 0.1, "D": 0.2}''.';
    END IF;
    RETURN task;
END
$$;
COMMENT ON FUNCTION creditrisk.create_spot_check_task(text, text, date, date, bytea, text[], text[], text, jsonb, interval, text[], integer, integer) IS
    'Plans a spot-check task (制定抽查计划): ratios default to the minimums in force for the division at period_start; a ratio below them is refused (23514); returns the task id';

-- ---------------------------------------------------------------------------
-- The draw
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.draw_spot_check(task bigint, seed text)
RETURNS SETOF creditrisk.spot_check_task_class
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    t creditrisk.spot_check_task;
    cls date;
    cls_version integer;
    below record;
    unassignable bigint;
    example text;
    outside text;
    ndrawn bigint;
    nassigned bigint;
BEGIN
    IF task IS NULL OR seed IS NULL THEN
        RAISE EXCEPTION 'task and seed are required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- a task the caller cannot see does not exist for it; one it sees (a
    -- wider task covering its jurisdiction) but does not organise is refused
    SELECT * INTO t FROM creditrisk.spot_check_task x WHERE x.id = task;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'spot-check task % does not exist', task USING ERRCODE = 'undefined_object';
    END IF;
    SELECT string_agg(d, ', ' ORDER BY d) INTO outside
      FROM unnest(t.division_code || t.scope_divisions::text[]) d
     WHERE NOT coalesce(d >= creditrisk.scope_from() AND d < creditrisk.scope_to(), false);
    IF outside IS NOT NULL THEN
        RAISE EXCEPTION 'spot-check task % lies outside your jurisdiction', task
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('It is organised by %s with scope %s; outside the jurisdiction of role %s: %s.',
                                  t.division_code, array_to_string(t.scope_divisions, ', '), current_user, outside),
                  HINT = 'A bureau draws the tasks it organises for its own jurisdiction (creditrisk.enrol); the province or city draws wider tasks.';
    END IF;
    SELECT * INTO t FROM creditrisk.spot_check_task x WHERE x.id = task FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'spot-check task % does not exist', task USING ERRCODE = 'undefined_object';
    END IF;
    IF t.status <> 'planned' THEN
        RAISE EXCEPTION 'spot-check task % has already been drawn', task
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('It was drawn from the classification of %s.', t.classification_as_of),
                  HINT = 'A task is drawn once; creditrisk.verify_draw(task) re-derives its draw.';
    END IF;
    IF EXISTS (SELECT 1 FROM creditrisk.spot_check_population x WHERE x.task_id = task)
       OR EXISTS (SELECT 1 FROM creditrisk.spot_check_draw x WHERE x.task_id = task)
       OR EXISTS (SELECT 1 FROM creditrisk.spot_check_task_inspector x WHERE x.task_id = task)
       OR EXISTS (SELECT 1 FROM creditrisk.spot_check_task_conflict x WHERE x.task_id = task)
       OR EXISTS (SELECT 1 FROM creditrisk.spot_check_assignment x WHERE x.task_id = task) THEN
        RAISE EXCEPTION 'spot-check task % already has rows in its draw tables', task
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Population, sample, pool, conflicts and assignment are written by draw_spot_check() only.',
                  HINT = 'Plan a new task; delete the rows written by hand as a superuser.';
    END IF;
    IF creditrisk.seed_commitment(seed) <> t.seed_commitment THEN
        RAISE EXCEPTION 'the seed does not match the commitment of task %', task
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('SHA-256 of the seed is %s; the task committed to %s.',
                                  encode(creditrisk.seed_commitment(seed), 'hex'), encode(t.seed_commitment, 'hex')),
                  HINT = 'Reveal exactly the seed committed to (its UTF-8 bytes, no added spaces or newline).';
    END IF;
    SELECT c.as_of, c.version INTO cls, cls_version FROM creditrisk.current_classification() c;
    IF cls IS NULL THEN
        RAISE EXCEPTION 'there is no classification to draw from'
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Run creditrisk.refresh_classification() first.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM creditrisk.classification_current) AND
       EXISTS (SELECT 1 FROM creditrisk.classification_result r WHERE r.as_of = cls AND r.version = cls_version) THEN
        RAISE EXCEPTION 'the current classification is not populated'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'After a restore: SELECT creditrisk.refresh_current_views();';
    END IF;
    -- the ratios against the measures in force (the trigger refuses a ratio
    -- below the minimum), and missing classes at the minimum
    SELECT q.class, q.ratio, m.min_spot_check_ratio AS min_ratio, m.sources INTO below
      FROM creditrisk.spot_check_task_class q
      JOIN creditrisk.measures_in_force(t.division_code, t.period_start) m ON m.class = q.class
     WHERE q.task_id = t.id AND q.ratio < m.min_spot_check_ratio
     ORDER BY q.class LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ratio % for class % is below the minimum % in force', below.ratio, below.class, below.min_ratio
            USING ERRCODE = 'check_violation',
                  DETAIL = format('The measures in force for %s on %s (%s) require at least %s of class %s.',
                                  t.division_code, t.period_start, array_to_string(below.sources, ', '),
                                  below.min_ratio, below.class),
                  HINT = 'Raise the ratio in creditrisk.spot_check_task_class before the draw (art. 12-15).';
    END IF;
    WITH m AS (SELECT * FROM creditrisk.measures_in_force(t.division_code, t.period_start)),
    refreshed AS (
        UPDATE creditrisk.spot_check_task_class q SET min_ratio = m.min_spot_check_ratio, min_sources = m.sources
          FROM m
         WHERE q.task_id = t.id AND m.class = q.class
           AND (q.min_ratio, q.min_sources) IS DISTINCT FROM (m.min_spot_check_ratio, m.sources)
        RETURNING 1)
    INSERT INTO creditrisk.spot_check_task_class (task_id, class, division_code, ratio, min_ratio, min_sources)
    SELECT t.id, m.class, t.division_code, m.min_spot_check_ratio, m.min_spot_check_ratio, m.sources
      FROM m
     WHERE m.min_spot_check_ratio IS NOT NULL
    ON CONFLICT DO NOTHING;
    IF (SELECT count(*) FROM creditrisk.spot_check_task_class q WHERE q.task_id = t.id) < 4 THEN
        RAISE EXCEPTION 'task % has no ratio for every class', task
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Insert the missing classes into creditrisk.spot_check_task_class.';
    END IF;

    -- 1. and 2. the population snapshot, the counts and quotas per class, and
    -- the sample, in one read of the classification (spot_draw_population, C):
    -- the exclusions are read once through their indexes into hash sets, each
    -- row of the scope is probed and kept in its (division, class) list, the
    -- lists are stored as the snapshot, and per class the quota enterprises
    -- with the smallest keys are drawn from the lists in memory
    INSERT INTO creditrisk.spot_check_draw (task_id, uscc, division_code, class, rank)
    SELECT t.id, s.uscc, s.division_code, s.class, s.rank FROM creditrisk.spot_draw_population(seed, t.id) s;
    GET DIAGNOSTICS ndrawn = ROW_COUNT;
    UPDATE creditrisk.spot_check_task_class q
       SET drawn = (SELECT count(*) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id AND d.class = q.class)
     WHERE q.task_id = t.id;

    -- 3. the pool of inspectors and the conflicts that apply
    INSERT INTO creditrisk.spot_check_task_inspector (task_id, inspector_id, certificate_no, division_code)
    SELECT t.id, i.id, i.certificate_no, i.division_code
      FROM creditrisk.inspector i
     WHERE starts_with(i.division_code, creditrisk.jurisdiction_prefix(t.division_code))
       AND i.active_from <= t.period_start AND (i.active_to IS NULL OR i.active_to >= t.period_end)
       AND coalesce(t.domain, 'general') = ANY (i.competence);
    INSERT INTO creditrisk.spot_check_task_conflict (task_id, uscc, inspector_id, declared_uscc, division_code)
    SELECT DISTINCT ON (d.uscc, x.inspector_id) t.id, d.uscc, x.inspector_id, x.declared, d.division_code
      FROM creditrisk.spot_check_draw d
      JOIN (SELECT c.inspector_id, c.uscc AS declared, c.uscc AS target
              FROM creditrisk.inspector_conflict c
             WHERE c.declared_on <= t.period_end AND (c.ended_on IS NULL OR c.ended_on >= t.period_start)
            UNION ALL
            SELECT c.inspector_id, c.uscc, l.other
              FROM creditrisk.inspector_conflict c
              JOIN (SELECT k.from_uscc AS declared, k.to_uscc AS other, k.valid_from, k.valid_to FROM creditrisk.related_party_link k
                    UNION ALL
                    SELECT k.to_uscc, k.from_uscc, k.valid_from, k.valid_to FROM creditrisk.related_party_link k) l
                ON l.declared = c.uscc
             WHERE c.include_related AND c.declared_on <= t.period_end AND (c.ended_on IS NULL OR c.ended_on >= t.period_start)
               AND (l.valid_from IS NULL OR l.valid_from <= t.period_start)
               AND (l.valid_to IS NULL OR l.valid_to >= t.period_start)) x ON x.target = d.uscc
      JOIN creditrisk.spot_check_task_inspector p ON p.task_id = t.id AND p.inspector_id = x.inspector_id
     WHERE d.task_id = t.id
     ORDER BY d.uscc, x.inspector_id, x.declared = d.uscc DESC, x.declared;

    -- 4. the inspectors of each drawn enterprise
    INSERT INTO creditrisk.spot_check_assignment (task_id, uscc, inspector_id, seq, division_code)
    SELECT t.id, a.uscc, p.inspector_id, a.seq, d.division_code
      FROM creditrisk.spot_assign(seed,
               coalesce((SELECT array_agg(d.uscc) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id), '{}'),
               coalesce((SELECT array_agg(p.certificate_no) FROM creditrisk.spot_check_task_inspector p WHERE p.task_id = t.id), '{}'),
               coalesce((SELECT array_agg(c.uscc ORDER BY c.uscc, c.inspector_id) FROM creditrisk.spot_check_task_conflict c WHERE c.task_id = t.id), '{}'),
               coalesce((SELECT array_agg(p.certificate_no ORDER BY c.uscc, c.inspector_id)
                           FROM creditrisk.spot_check_task_conflict c
                           JOIN creditrisk.spot_check_task_inspector p ON p.task_id = c.task_id AND p.inspector_id = c.inspector_id
                          WHERE c.task_id = t.id), '{}'),
               t.inspectors_per_check) a
      JOIN creditrisk.spot_check_task_inspector p ON p.task_id = t.id AND p.certificate_no = a.certificate_no
      JOIN creditrisk.spot_check_draw d ON d.task_id = t.id AND d.uscc = a.uscc
     ORDER BY a.uscc, a.seq;   -- in the order of two of its indexes: appended at their right edge
    GET DIAGNOSTICS nassigned = ROW_COUNT;

    UPDATE creditrisk.spot_check_task x
       SET seed = draw_spot_check.seed, status = 'drawn', classification_as_of = cls, classification_version = cls_version,
           drawn_at = pg_catalog.now(), drawn_by = current_user
     WHERE x.id = t.id;

    -- spot_assign gives each drawn enterprise inspectors_per_check inspectors
    -- or none, so the counts tell whether any is unassignable; only then are
    -- they looked up, for the warning
    unassignable := 0;
    IF nassigned <> ndrawn * t.inspectors_per_check THEN
        SELECT count(*), string_agg(u.code, ', ' ORDER BY u.code) FILTER (WHERE u.n <= 5)
          INTO unassignable, example
          FROM (SELECT v.uscc::text COLLATE "C" AS code, row_number() OVER (ORDER BY v.uscc::text COLLATE "C") AS n
                  FROM (SELECT d.uscc FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id
                        EXCEPT
                        SELECT a.uscc FROM creditrisk.spot_check_assignment a WHERE a.task_id = t.id) v) u;
    END IF;
    IF unassignable > 0 THEN
        RAISE WARNING 'spot-check task %: % drawn enterprises have no eligible pair of inspectors', task, unassignable
            USING DETAIL = format('For example %s.', example),
                  HINT = format('See SELECT * FROM creditrisk.spot_check_unassignable WHERE task_id = %s; add competent inspectors without conflicts to the library for the next task.', task);
    END IF;
    RETURN QUERY SELECT * FROM creditrisk.spot_check_task_class q WHERE q.task_id = t.id ORDER BY q.class;
END
$$;
COMMENT ON FUNCTION creditrisk.draw_spot_check(bigint, text) IS
    'The draw (随机抽取): checks the revealed seed against the commitment, snapshots the population of the latest classification, draws per class the quota enterprises with the smallest spot_key, draws their inspectors; returns the task''s classes';

-- ---------------------------------------------------------------------------
-- Verification: re-derive the draw from its stored inputs
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.verify_draw(task bigint)
RETURNS TABLE (check_name text, ok boolean, detail text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    t creditrisk.spot_check_task;
    n1 bigint; n2 bigint; n3 bigint;
    mean numeric;
    lo bigint; hi bigint;
BEGIN
    SELECT * INTO t FROM creditrisk.spot_check_task x WHERE x.id = task;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'spot-check task % does not exist', task USING ERRCODE = 'undefined_object';
    END IF;
    IF t.status <> 'drawn' THEN
        RAISE EXCEPTION 'spot-check task % has not been drawn', task USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- the check needs every row of the draw: a jurisdiction covering its scope
    IF EXISTS (SELECT 1 FROM unnest(t.scope_divisions::text[]) d
                WHERE NOT coalesce(d >= creditrisk.scope_from() AND d < creditrisk.scope_to(), false)) THEN
        RAISE EXCEPTION 'spot-check task % reaches outside your jurisdiction', task
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('Its scope is %s; verifying it needs the rows of all of it, and role %s sees only its own jurisdiction.',
                                  array_to_string(t.scope_divisions, ', '), current_user),
                  HINT = 'A role whose jurisdiction covers the scope (the organising bureau, a level above, an auditor of it) verifies the draw.';
    END IF;

    check_name := 'commitment';
    ok := sha256(convert_to(t.seed, 'UTF8')) = t.seed_commitment;
    detail := format('sha256(seed) = %s', encode(sha256(convert_to(t.seed, 'UTF8')), 'hex'));
    RETURN NEXT;

    -- the population: counts agree, nobody twice
    SELECT count(*), count(DISTINCT u.uscc) INTO n1, n2
      FROM creditrisk.spot_check_population p, unnest(p.usccs) u(uscc) WHERE p.task_id = t.id;
    SELECT coalesce(sum(q.population), 0) INTO n3 FROM creditrisk.spot_check_task_class q WHERE q.task_id = t.id;
    check_name := 'population';
    ok := n1 = n2 AND n1 = n3;
    detail := format('%s enterprises in the snapshot, %s distinct, %s counted in the classes', n1, n2, n3);
    RETURN NEXT;

    SELECT count(*) FILTER (WHERE q.quota IS DISTINCT FROM ceil(q.ratio * q.population) OR q.ratio < q.min_ratio
                                  OR q.drawn IS DISTINCT FROM q.quota
                                  OR (SELECT count(*) FROM creditrisk.spot_check_draw d
                                       WHERE d.task_id = t.id AND d.class = q.class) IS DISTINCT FROM q.quota), sum(q.quota)
      INTO n1, n2 FROM creditrisk.spot_check_task_class q WHERE q.task_id = t.id;
    check_name := 'quotas';
    ok := n1 = 0;
    detail := format('%s enterprises to draw; %s classes with a quota other than ceil(ratio × population), a ratio below the minimum or another number drawn', n2, n1);
    RETURN NEXT;

    -- the sample, re-derived from the stored snapshot and quotas by the same
    -- single C pass as the draw (spot_sample_task: one bounded heap per class);
    -- doc/spotcheck.md gives the same derivation in plain SQL (sha256 +
    -- row_number), which the tests and bench/spotcheck show to be equal
    WITH expected AS (
        SELECT x.uscc, x.division_code, x.class, x.rank FROM creditrisk.spot_sample_task(t.seed, t.id) x
    ), stored AS (
        SELECT d.uscc, d.division_code, d.class, d.rank FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id
    )
    SELECT count(*) FILTER (WHERE s.uscc IS NULL), count(*) FILTER (WHERE e.uscc IS NULL),
           count(*) FILTER (WHERE e.uscc IS NOT NULL AND s.uscc IS NOT NULL
                              AND (e.division_code, e.class, e.rank) IS DISTINCT FROM (s.division_code::text, s.class, s.rank))
      INTO n1, n2, n3
      FROM expected e FULL JOIN stored s ON s.uscc = e.uscc;
    check_name := 'sample';
    ok := n1 + n2 + n3 = 0;
    detail := format('%s re-derived enterprises missing from the draw, %s drawn enterprises not re-derived, %s with another division, class or rank', n1, n2, n3);
    RETURN NEXT;

    -- the assignment, re-run from the stored pool and conflicts
    WITH again AS (
        SELECT a.uscc, p.inspector_id, a.seq
          FROM creditrisk.spot_assign(t.seed,
                   coalesce((SELECT array_agg(d.uscc) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id), '{}'),
                   coalesce((SELECT array_agg(p.certificate_no) FROM creditrisk.spot_check_task_inspector p WHERE p.task_id = t.id), '{}'),
                   coalesce((SELECT array_agg(c.uscc) FROM creditrisk.spot_check_task_conflict c WHERE c.task_id = t.id), '{}'),
                   coalesce((SELECT array_agg(p.certificate_no)
                               FROM creditrisk.spot_check_task_conflict c
                               JOIN creditrisk.spot_check_task_inspector p ON p.task_id = c.task_id AND p.inspector_id = c.inspector_id
                              WHERE c.task_id = t.id), '{}'),
                   t.inspectors_per_check) a
          JOIN creditrisk.spot_check_task_inspector p ON p.task_id = t.id AND p.certificate_no = a.certificate_no
    ), stored AS (
        SELECT s.uscc, s.inspector_id, s.seq FROM creditrisk.spot_check_assignment s WHERE s.task_id = t.id
    )
    SELECT count(*) FILTER (WHERE s.uscc IS NULL OR a.uscc IS NULL) INTO n1
      FROM again a FULL JOIN stored s ON s.uscc = a.uscc AND s.inspector_id = a.inspector_id AND s.seq = a.seq;
    check_name := 'assignment';
    ok := n1 = 0;
    detail := format('%s assignments differ from a re-run of spot_assign on the stored pool and conflicts', n1);
    RETURN NEXT;

    -- every assigned enterprise has enough inspectors, none conflicted
    SELECT count(*) FILTER (WHERE x.n BETWEEN 1 AND t.inspectors_per_check - 1), count(*) FILTER (WHERE x.n = 0)
      INTO n1, n2
      FROM (SELECT d.uscc, count(a.uscc) AS n
              FROM creditrisk.spot_check_draw d
              LEFT JOIN creditrisk.spot_check_assignment a ON a.task_id = d.task_id AND a.uscc = d.uscc
             WHERE d.task_id = t.id GROUP BY d.uscc) x;
    SELECT count(*) INTO n3
      FROM creditrisk.spot_check_assignment a
      JOIN creditrisk.spot_check_task_conflict c ON (c.task_id, c.uscc, c.inspector_id) = (a.task_id, a.uscc, a.inspector_id)
     WHERE a.task_id = t.id;
    check_name := 'inspectors';
    ok := n1 = 0 AND n3 = 0;
    detail := format('%s enterprises with fewer than %s inspectors, %s conflicted assignments; %s reported unassignable',
                     n1, t.inspectors_per_check, n3, n2);
    RETURN NEXT;

    SELECT count(*) INTO n1 FROM creditrisk.spot_check_task_inspector p WHERE p.task_id = t.id;
    SELECT count(*) INTO n2 FROM creditrisk.spot_check_assignment a WHERE a.task_id = t.id;
    SELECT min(l.n), max(l.n) INTO lo, hi
      FROM (SELECT p.inspector_id, count(a.uscc) AS n
              FROM creditrisk.spot_check_task_inspector p
              LEFT JOIN creditrisk.spot_check_assignment a ON a.task_id = p.task_id AND a.inspector_id = p.inspector_id
             WHERE p.task_id = t.id GROUP BY p.inspector_id) l;
    mean := CASE WHEN n1 > 0 THEN round(n2::numeric / n1, 2) END;
    check_name := 'load';
    ok := n1 = 0 OR (lo >= n2::numeric / n1 - 1 AND hi <= n2::numeric / n1 + 1);
    detail := format('%s inspectors, %s assignments, mean %s, least %s, most %s', n1, n2, mean, lo, hi);
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION creditrisk.verify_draw(bigint) IS
    'Verifies a draw (抽取结果验证): the seed matches its commitment, the population snapshot is consistent, quotas are ceil(ratio × population), the sample re-derived from the stored snapshot (spot_sample_task, the same single C pass as the draw; doc/spotcheck.md gives it in plain SQL) equals the stored one, the assignment re-runs identically, no conflicted or short assignment, loads within one of the mean';

-- ---------------------------------------------------------------------------
-- Outcomes (检查结果)
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.record_spot_check_outcome(task bigint, uscc creditrisk.uscc, check_end date, outcome text,
                                                     refused boolean DEFAULT false, reported_by text DEFAULT NULL)
RETURNS creditrisk.spot_check_draw
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    t creditrisk.spot_check_task;
    d creditrisk.spot_check_draw;
    sc bigint;
    n bigint;
BEGIN
    IF task IS NULL OR uscc IS NULL OR check_end IS NULL OR outcome IS NULL OR refused IS NULL THEN
        RAISE EXCEPTION 'task, uscc, check_end, outcome and refused are required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO t FROM creditrisk.spot_check_task x WHERE x.id = task;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'spot-check task % does not exist', task USING ERRCODE = 'undefined_object';
    END IF;
    SELECT * INTO d FROM creditrisk.spot_check_draw x WHERE x.task_id = task AND x.uscc = uscc FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enterprise % was not drawn in spot-check task %', uscc, task
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Record checks outside a draw (complaints, referrals) in creditrisk.spot_check directly.';
    END IF;
    IF d.spot_check_id IS NOT NULL THEN
        RAISE EXCEPTION 'the outcome of % in task % is already recorded', uscc, task
            USING ERRCODE = 'unique_violation', DETAIL = format('spot_check id %s, check ended %s.', d.spot_check_id, d.check_end);
    END IF;
    IF check_end < t.period_start THEN
        RAISE EXCEPTION 'check end % is before the task''s period (from %)', check_end, t.period_start
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- the reporting unit: the one given, else the organising division's
    -- market-regulation unit active on the day (when there is exactly one)
    IF reported_by IS NULL THEN
        SELECT min(u.code), count(*) INTO reported_by, n
          FROM creditrisk.reporting_unit u
         WHERE u.division_code = t.division_code AND u.kind = 'market_regulation'
           AND u.active_from <= check_end AND (u.active_to IS NULL OR u.active_to > check_end);
        IF n <> 1 THEN
            RAISE EXCEPTION 'no single reporting unit for the outcomes of spot-check task %', task
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('%s market-regulation units of division %s are active on %s.', n, t.division_code, check_end),
                      HINT = 'Give the unit that reports the outcome: record_spot_check_outcome(..., reported_by => ''<unit code>'').';
        END IF;
    END IF;
    INSERT INTO creditrisk.spot_check (uscc, check_date, outcome, refused, reported_by)
    VALUES (uscc, check_end, outcome, refused, reported_by)
    RETURNING id INTO sc;
    UPDATE creditrisk.spot_check_draw x
       SET check_end = record_spot_check_outcome.check_end, outcome = record_spot_check_outcome.outcome,
           refused = record_spot_check_outcome.refused, spot_check_id = sc,
           publication_deadline = creditrisk.add_working_days(check_end, t.publication_working_days),
           publication_deadline_provisional =
               creditrisk.is_provisional(check_end, creditrisk.add_working_days(check_end, t.publication_working_days))
     WHERE x.task_id = task AND x.uscc = uscc
    RETURNING * INTO d;
    RETURN d;
END
$$;
COMMENT ON FUNCTION creditrisk.record_spot_check_outcome(bigint, creditrisk.uscc, date, text, boolean, text) IS
    'Records a drawn enterprise''s inspection outcome (录入检查结果): creates the spot_check record the indicators read (reported by reported_by, by default the organising division''s one market-regulation reporting unit) and sets the publication deadline, publication_working_days working days after the check (add_working_days; provisional for a year whose schedule is not loaded)';

-- ---------------------------------------------------------------------------
-- Reports
-- ---------------------------------------------------------------------------
CREATE VIEW creditrisk.spot_check_task_summary WITH (security_invoker = true) AS
SELECT t.id AS task_id, t.name, t.division_code, t.domain, t.period_start, t.period_end, t.status, t.classification_as_of,
       q.class, q.ratio, q.min_ratio, 'ceil(ratio × population)'::text AS rounding,
       q.population, q.excluded_closed, q.excluded_inspected, q.quota, q.drawn,
       (SELECT count(*) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id AND d.class = q.class
           AND EXISTS (SELECT 1 FROM creditrisk.spot_check_assignment a WHERE a.task_id = d.task_id AND a.uscc = d.uscc)) AS assigned,
       (SELECT count(*) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id AND d.class = q.class
           AND NOT EXISTS (SELECT 1 FROM creditrisk.spot_check_assignment a WHERE a.task_id = d.task_id AND a.uscc = d.uscc)) AS unassignable,
       (SELECT count(*) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id AND d.class = q.class AND d.outcome IS NOT NULL) AS inspected,
       (SELECT count(*) FROM creditrisk.spot_check_draw d WHERE d.task_id = t.id AND d.class = q.class
           AND (d.outcome <> 'pass' OR d.refused)) AS non_compliant
  FROM creditrisk.spot_check_task t JOIN creditrisk.spot_check_task_class q ON q.task_id = t.id;
COMMENT ON VIEW creditrisk.spot_check_task_summary IS
    'Each task per class (抽查任务汇总): ratio and minimum, the rounding rule, population, exclusions, quota, drawn, assigned, unassignable, inspected, non-compliant';

CREATE VIEW creditrisk.spot_check_unassignable WITH (security_invoker = true) AS
SELECT d.task_id, d.uscc, d.division_code, d.class, d.rank,
       (SELECT count(*) FROM creditrisk.spot_check_task_inspector p WHERE p.task_id = d.task_id) AS pool,
       (SELECT count(*) FROM creditrisk.spot_check_task_conflict c WHERE c.task_id = d.task_id AND c.uscc = d.uscc) AS conflicted,
       t.inspectors_per_check AS needed
  FROM creditrisk.spot_check_draw d JOIN creditrisk.spot_check_task t ON t.id = d.task_id
 WHERE NOT EXISTS (SELECT 1 FROM creditrisk.spot_check_assignment a WHERE a.task_id = d.task_id AND a.uscc = d.uscc);
COMMENT ON VIEW creditrisk.spot_check_unassignable IS
    'Drawn enterprises without an eligible set of inspectors (无法选派): pool size, conflicted pool inspectors, inspectors needed; never skipped silently';

CREATE VIEW creditrisk.spot_check_inspector_load WITH (security_invoker = true) AS
SELECT p.task_id, p.inspector_id, p.certificate_no, p.division_code, count(a.uscc) AS assigned
  FROM creditrisk.spot_check_task_inspector p
  LEFT JOIN creditrisk.spot_check_assignment a ON a.task_id = p.task_id AND a.inspector_id = p.inspector_id
 GROUP BY p.task_id, p.inspector_id, p.certificate_no, p.division_code;
COMMENT ON VIEW creditrisk.spot_check_inspector_load IS
    'Inspections per pool inspector and task (检查任务量): within one of the mean when conflicts allow';

CREATE FUNCTION creditrisk.licensing_review(enterprise_uscc creditrisk.uscc, as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (uscc creditrisk.uscc, division_code text, classified_on date, class creditrisk.riskclass,
               domain_classes jsonb, key_review boolean, key_supervision boolean, reasons text[])
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    r creditrisk.classification_result;
    run date;
    run_version integer;
    m record;
    dm record;
    why text[] := '{}';
    domains jsonb;
BEGIN
    IF enterprise_uscc IS NULL OR as_of IS NULL THEN
        RAISE EXCEPTION 'uscc and as_of are required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT x.as_of, x.version INTO run, run_version FROM creditrisk.classification_run x
     WHERE x.as_of <= licensing_review.as_of ORDER BY x.as_of DESC, x.version DESC LIMIT 1;
    SELECT * INTO r FROM creditrisk.classification_result x
     WHERE x.as_of = run AND x.version = run_version AND x.uscc = enterprise_uscc;
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc = enterprise_uscc)
           AND NOT EXISTS (SELECT 1 FROM creditrisk.classification_result x WHERE x.uscc = enterprise_uscc) THEN
            RAISE EXCEPTION 'enterprise % is neither registered nor classified', enterprise_uscc
                USING ERRCODE = 'no_data_found', HINT = 'Check the code; creditrisk.uscc_is_valid() only checks its form.';
        END IF;
        licensing_review.uscc := enterprise_uscc;
        classified_on := run;
        key_review := NULL;
        key_supervision := NULL;
        reasons := ARRAY[format('not classified on or before %s (%s)', as_of,
                                CASE WHEN run IS NULL THEN 'no classification run' ELSE 'not in the run of ' || run END)];
        RETURN NEXT;
        RETURN;
    END IF;
    SELECT * INTO m FROM creditrisk.measures_in_force(r.division_code, as_of) f WHERE f.class = r.final_class;
    IF m.key_licensing_review THEN
        why := why || format('class %s: key review in licensing (行政许可重点审查) by %s', r.final_class, array_to_string(m.sources, ', '));
    END IF;
    IF m.key_supervision_target THEN
        why := why || format('class %s: key supervision target (重点监管对象) by %s', r.final_class, array_to_string(m.sources, ', '));
    END IF;
    IF cardinality(r.overrides) > 0 THEN
        why := why || format('classified directly (直接定性, art. 10): %s', array_to_string(r.overrides, ', '));
    END IF;
    domains := '{}';
    key_review := coalesce(m.key_licensing_review, false);
    key_supervision := coalesce(m.key_supervision_target, false);
    FOR dm IN
        SELECT x.domain, x.fused_class, f.key_licensing_review, f.key_supervision_target, f.sources
          FROM creditrisk.classification_domain_result x
          JOIN creditrisk.measures_in_force(r.division_code, as_of) f ON f.class = x.fused_class
         WHERE x.as_of = run AND x.version = run_version AND x.uscc = enterprise_uscc
         ORDER BY x.domain
    LOOP
        domains := domains || jsonb_build_object(dm.domain, dm.fused_class::text);
        IF dm.key_licensing_review THEN
            key_review := true;
            why := why || format('%s class %s (通用+专业): key review in licensing by %s', dm.domain, dm.fused_class,
                                 array_to_string(dm.sources, ', '));
        END IF;
        key_supervision := key_supervision OR coalesce(dm.key_supervision_target, false);
    END LOOP;
    IF cardinality(r.reasons) > 0 THEN
        why := why || format('score %s; riskiest indicators: %s', round(r.score::numeric, 1), array_to_string(r.reasons, ', '));
    END IF;
    licensing_review.uscc := r.uscc;
    division_code := r.division_code;
    classified_on := run;
    class := r.final_class;
    domain_classes := domains;
    reasons := why;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION creditrisk.licensing_review(creditrisk.uscc, date) IS
    'Licensing-window check (行政许可重点审查, art. 14): the enterprise''s class in the latest run on or before as_of, its fused domain classes, whether key review and key supervision apply under the measures in force, and why';

CREATE FUNCTION creditrisk.spot_check_coverage(in_year integer)
RETURNS TABLE (division_code text, class creditrisk.riskclass, year integer, classified_on date,
               population bigint, drawn bigint, inspected bigint, non_compliant bigint,
               drawn_ratio numeric, min_ratio numeric, required bigint, below_minimum boolean, a_outside_draw bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    run date;
    run_version integer;
    year_end date;
BEGIN
    IF in_year IS NULL OR in_year NOT BETWEEN 2000 AND 2100 THEN
        RAISE EXCEPTION 'year % is out of range', in_year USING ERRCODE = 'invalid_parameter_value', HINT = 'A year such as 2026.';
    END IF;
    year_end := make_date(in_year, 12, 31);
    SELECT x.as_of, x.version INTO run, run_version FROM creditrisk.classification_run x
     WHERE x.as_of <= year_end ORDER BY x.as_of DESC, x.version DESC LIMIT 1;
    RETURN QUERY
    WITH pop AS (
        SELECT r.uscc, r.division_code, r.final_class AS class
          FROM creditrisk.classification_result r WHERE r.as_of = run AND r.version = run_version
    ), drawn AS (
        SELECT DISTINCT ON (d.uscc) d.uscc, d.outcome, d.refused
          FROM creditrisk.spot_check_draw d JOIN creditrisk.spot_check_task t ON t.id = d.task_id
         WHERE t.period_start BETWEEN make_date(in_year, 1, 1) AND year_end
         ORDER BY d.uscc, d.outcome IS NULL, d.outcome = 'pass' AND NOT d.refused
    ), outside AS (
        SELECT s.uscc
          FROM creditrisk.spot_check s
          CROSS JOIN LATERAL (SELECT x.final_class FROM creditrisk.classification_result x
                               WHERE x.uscc = s.uscc AND x.as_of <= s.check_date
                               ORDER BY x.as_of DESC, x.version DESC LIMIT 1) c
         WHERE s.check_date BETWEEN make_date(in_year, 1, 1) AND year_end AND c.final_class = 'A'
           AND NOT EXISTS (SELECT 1 FROM creditrisk.spot_check_draw d WHERE d.spot_check_id = s.id)
    ), agg AS (
        SELECT p.division_code, p.class, count(*) AS population, count(d.uscc) AS drawn,
               count(d.outcome) AS inspected, count(*) FILTER (WHERE d.outcome <> 'pass' OR d.refused) AS non_compliant
          FROM pop p LEFT JOIN drawn d ON d.uscc = p.uscc
         GROUP BY p.division_code, p.class
    ), outside_by_division AS (
        SELECT e.division_code, count(*) AS n FROM outside o JOIN creditrisk.enterprise e ON e.uscc = o.uscc GROUP BY 1
    )
    SELECT a.division_code::text, a.class, in_year, run, a.population, a.drawn, a.inspected, a.non_compliant,
           round(a.drawn::numeric / a.population, 4), f.min_spot_check_ratio,
           ceil(f.min_spot_check_ratio * a.population)::bigint,
           a.drawn < ceil(f.min_spot_check_ratio * a.population),
           CASE WHEN a.class = 'A' THEN coalesce(o.n, 0) END
      FROM agg a
      CROSS JOIN LATERAL creditrisk.measures_in_force(a.division_code, year_end) f
      LEFT JOIN outside_by_division o ON o.division_code = a.division_code
     WHERE f.class = a.class
     ORDER BY 1, 2;
END
$$;
COMMENT ON FUNCTION creditrisk.spot_check_coverage(integer) IS
    'Spot-check coverage (抽查覆盖率) per division and class for a year: population (the last run of the year), drawn in tasks starting that year, inspected, non-compliant, against ceil(minimum ratio × population); below_minimum strata; A-class enterprises inspected outside any draw (art. 12)';

CREATE FUNCTION creditrisk.spot_check_outside_draw(year integer)
RETURNS TABLE (spot_check_id bigint, uscc creditrisk.uscc, division_code text, check_date date, outcome text,
               class creditrisk.riskclass, classified_on date)
LANGUAGE sql STABLE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT s.id, s.uscc, e.division_code, s.check_date, s.outcome, c.final_class, c.as_of
      FROM creditrisk.spot_check s
      JOIN creditrisk.enterprise e ON e.uscc = s.uscc
     CROSS JOIN LATERAL (SELECT x.final_class, x.as_of FROM creditrisk.classification_result x
                          WHERE x.uscc = s.uscc AND x.as_of <= s.check_date
                          ORDER BY x.as_of DESC, x.version DESC LIMIT 1) c
     WHERE s.check_date BETWEEN make_date(spot_check_outside_draw.year, 1, 1) AND make_date(spot_check_outside_draw.year, 12, 31)
       AND c.final_class = 'A'
       AND NOT EXISTS (SELECT 1 FROM creditrisk.spot_check_draw d WHERE d.spot_check_id = s.id)
     ORDER BY s.check_date, s.uscc::text COLLATE "C", s.id
$$;
COMMENT ON FUNCTION creditrisk.spot_check_outside_draw(integer) IS
    'Art. 12 flag (A类企业无事不扰): checks in a year of enterprises whose class on the check date was A and that no draw produced; each should be justified by a complaint, big-data alert or referral';

-- ---------------------------------------------------------------------------
-- Confidentiality: row-level security ENABLEd and FORCEd on every table of
-- this file, with no policy (fail closed) until creditrisk.create_roles()
-- adds them (extension/security.sql): by the division_code each row carries.
-- ---------------------------------------------------------------------------
DO $rls$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['inspector', 'inspector_conflict', 'spot_check_task', 'spot_check_task_class',
                             'spot_check_population', 'spot_check_draw', 'spot_check_task_inspector',
                             'spot_check_task_conflict', 'spot_check_assignment']
    LOOP
        EXECUTE format('ALTER TABLE creditrisk.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE creditrisk.%I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END
$rls$;

-- ---------------------------------------------------------------------------
-- pg_dump keeps the tasks, draws and the inspectors' library.
-- ---------------------------------------------------------------------------
SELECT pg_catalog.pg_extension_config_dump('creditrisk.inspector', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.inspector_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.inspector_conflict', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.inspector_conflict_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_task', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_task_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_task_class', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_population', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_draw', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_task_inspector', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_task_conflict', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.spot_check_assignment', '');

REVOKE ALL ON TABLE creditrisk.inspector, creditrisk.inspector_conflict, creditrisk.spot_check_task,
                    creditrisk.spot_check_task_class, creditrisk.spot_check_population, creditrisk.spot_check_draw,
                    creditrisk.spot_check_task_inspector, creditrisk.spot_check_task_conflict, creditrisk.spot_check_assignment,
                    creditrisk.spot_check_task_summary, creditrisk.spot_check_unassignable, creditrisk.spot_check_inspector_load
    FROM PUBLIC;
REVOKE ALL ON SEQUENCE creditrisk.inspector_id_seq, creditrisk.inspector_conflict_id_seq, creditrisk.spot_check_task_id_seq
    FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.jurisdiction_prefix(text), creditrisk.current_classification(),
                       creditrisk.seed_commitment(text), creditrisk.spot_key(text, creditrisk.uscc),
                       creditrisk.spot_sample_trans(internal, text, creditrisk.uscc, bigint),
                       creditrisk.spot_sample_final(internal), creditrisk.spot_sample_combine(internal, internal),
                       creditrisk.spot_sample_serialize(internal), creditrisk.spot_sample_deserialize(bytea, internal),
                       creditrisk.spot_sample(text, creditrisk.uscc, bigint), creditrisk.spot_sample_task(text, bigint),
                       creditrisk.spot_draw_population(text, bigint),
                       creditrisk.spot_assign(text, creditrisk.uscc[], text[], creditrisk.uscc[], text[], integer),
                       creditrisk.inspector_conflict_division(), creditrisk.spot_check_task_check(),
                       creditrisk.spot_check_task_class_check(), creditrisk.spot_check_frozen(), creditrisk.spot_check_deleted(),
                       creditrisk.create_spot_check_task(text, text, date, date, bytea, text[], text[], text, jsonb, interval, text[], integer, integer),
                       creditrisk.draw_spot_check(bigint, text), creditrisk.verify_draw(bigint),
                       creditrisk.record_spot_check_outcome(bigint, creditrisk.uscc, date, text, boolean, text),
                       creditrisk.licensing_review(creditrisk.uscc, date), creditrisk.spot_check_coverage(integer),
                       creditrisk.spot_check_outside_draw(integer)
    FROM PUBLIC;
