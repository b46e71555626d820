-- creditrisk upgrade 1.3 -> 1.4 (hand-written delta; sql/upgrade.sql proves
-- that 1.0 -> ... -> 1.4 gives the same catalog as a fresh install of 1.4)
\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.4'" to load this file. \quit

-- ===========================================================================
-- Codebase shape (issue 10)
-- ===========================================================================

-- model_export_indicator() and model_import() become single functions: the
-- 1.2 versions wrapped the renamed 1.1 ones (model_export_indicator_rule(),
-- model_import_tree()), which a fresh install no longer has.  Same results,
-- same comments and privileges (CREATE OR REPLACE keeps them).
CREATE OR REPLACE FUNCTION creditrisk.model_export_indicator(i creditrisk.model_indicator) RETURNS jsonb
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

CREATE OR REPLACE FUNCTION creditrisk.model_import(doc jsonb, new_key text DEFAULT NULL) RETURNS text
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

DROP FUNCTION creditrisk.model_export_indicator_rule(creditrisk.model_indicator);
DROP FUNCTION creditrisk.model_import_tree(jsonb, text);

-- C: the registry of built-in indicators, visible to SQL (shapec)
CREATE FUNCTION creditrisk.engine_indicator_codes()
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'engine_indicator_codes'
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 1 ROWS 100;
COMMENT ON FUNCTION creditrisk.engine_indicator_codes() IS
    'Codes of the catalogue entries that compute_indicators() computes in C (内置指标), in the order of its registry; every other entry is computed by its SQL definition';
REVOKE ALL ON FUNCTION creditrisk.engine_indicator_codes() FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- The built-in catalogue entries are exactly the codes the C engine computes
-- (creditrisk.engine_indicator_codes()): a code misspelled on either side
-- fails the update instead of falling back silently to the SQL definition.
-- ---------------------------------------------------------------------------
DO $check$
DECLARE
    mismatch text;
BEGIN
    SELECT string_agg(coalesce(i.code, c.code) || CASE WHEN i.code IS NULL
                          THEN ' (computed in C, no built-in catalogue entry)'
                          ELSE ' (built-in catalogue entry, not computed in C)' END,
                      ', ' ORDER BY coalesce(i.code, c.code)) INTO mismatch
      FROM (SELECT code FROM creditrisk.indicator WHERE builtin) i
      FULL JOIN creditrisk.engine_indicator_codes() AS c(code) ON c.code = i.code
     WHERE i.code IS NULL OR c.code IS NULL;
    IF mismatch IS NOT NULL THEN
        RAISE EXCEPTION 'the indicator catalogue and the C engine disagree: %', mismatch;
    END IF;
END
$check$;

-- ===========================================================================
-- Integrity: stored SQL, models, exact bands, seed rules, dates (issue 11)
-- ===========================================================================

-- ===========================================================================
-- Integrity: one snapshot per run, bitemporal records and register (issue 11 §4)
-- ===========================================================================

-- ===========================================================================
-- Confidentiality and accountability (issue 12)
-- ===========================================================================

-- ===========================================================================
-- Spot-check plans, draws, inspectors (issue 13)
-- ===========================================================================

-- ===========================================================================
-- Working-day calendar, reporting units, credit repair, commitments (issue 14)
-- ===========================================================================

-- ===========================================================================
-- Working days (工作日): the State Council's holiday schedules and the
-- functions that count working days (src/calendar.c)
--
-- A day is a working day if it is Monday to Friday, unless the year's
-- schedule (国务院办公厅关于部分节假日安排的通知) makes it an off day, or a
-- weekend day that the schedule makes an adjusted working day (调休上班).
-- "Within N working days" of a decision: the start day is not counted; the
-- deadline is the N-th working day after it (add_working_days).
-- ===========================================================================

CREATE TABLE creditrisk.calendar_day (
    day          date PRIMARY KEY,
    kind         text NOT NULL,
    holiday      text NOT NULL,
    notice_year  integer NOT NULL,
    notice_url   text NOT NULL DEFAULT '',
    shipped      boolean NOT NULL DEFAULT false,
    CONSTRAINT calendar_day_finite CHECK (pg_catalog.isfinite(day)),
    CONSTRAINT calendar_day_kind CHECK (kind IN ('off', 'work')),
    CONSTRAINT calendar_day_adjusted_on_weekend CHECK (kind = 'off' OR pg_catalog.date_part('isodow', day) IN (6, 7)),
    CONSTRAINT calendar_day_notice_year CHECK (notice_year BETWEEN 1949 AND 9999
        AND pg_catalog.date_part('year', day) IN (notice_year - 1, notice_year)),
    CONSTRAINT calendar_day_holiday CHECK (holiday <> '')
);
COMMENT ON TABLE creditrisk.calendar_day IS
    'Working-day calendar (节假日安排): every off day and adjusted working day (调休上班) of the State Council''s yearly holiday schedules; 2022-2026 are shipped, a bureau adds each new year with one INSERT';
COMMENT ON COLUMN creditrisk.calendar_day.day IS 'The day';
COMMENT ON COLUMN creditrisk.calendar_day.kind IS '''off'': no work that day (休); ''work'': a weekend day made a working day (调休上班)';
COMMENT ON COLUMN creditrisk.calendar_day.holiday IS 'The holiday it belongs to (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节)';
COMMENT ON COLUMN creditrisk.calendar_day.notice_year IS 'The year whose schedule (notice) fixed the day; a notice can fix days of the previous year (2022-12-31 comes from the 2023 notice). A year with a notice is no longer provisional';
COMMENT ON COLUMN creditrisk.calendar_day.notice_url IS 'Where the notice was published';
COMMENT ON COLUMN creditrisk.calendar_day.shipped IS 'Shipped with the extension (the 2022-2026 schedules); frozen';

INSERT INTO creditrisk.calendar_day (day, kind, holiday, notice_year, notice_url, shipped)
SELECT v.day::date, v.kind, v.holiday, v.notice_year, v.notice_url, true FROM (VALUES
    ('2022-01-01', 'off', '元旦', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-02', 'off', '元旦', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-03', 'off', '元旦', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-29', 'work', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-30', 'work', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-01-31', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-01', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-02', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-03', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-04', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-05', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-02-06', 'off', '春节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-02', 'work', '清明节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-03', 'off', '清明节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-04', 'off', '清明节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-05', 'off', '清明节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-24', 'work', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-04-30', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-01', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-02', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-03', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-04', 'off', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-05-07', 'work', '劳动节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-06-03', 'off', '端午节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-06-04', 'off', '端午节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-06-05', 'off', '端午节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-09-10', 'off', '中秋节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-09-11', 'off', '中秋节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-09-12', 'off', '中秋节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-01', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-02', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-03', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-04', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-05', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-06', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-07', 'off', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-08', 'work', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-10-09', 'work', '国庆节', 2022, 'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm'),
    ('2022-12-31', 'off', '元旦', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-01', 'off', '元旦', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-02', 'off', '元旦', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-21', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-22', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-23', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-24', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-25', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-26', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-27', 'off', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-28', 'work', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-01-29', 'work', '春节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-04-05', 'off', '清明节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-04-23', 'work', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-04-29', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-04-30', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-05-01', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-05-02', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-05-03', 'off', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-05-06', 'work', '劳动节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-06-22', 'off', '端午节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-06-23', 'off', '端午节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-06-24', 'off', '端午节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-06-25', 'work', '端午节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-09-29', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-09-30', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-01', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-02', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-03', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-04', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-05', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-06', 'off', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-07', 'work', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2023-10-08', 'work', '中秋节、国庆节', 2023, 'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm'),
    ('2024-01-01', 'off', '元旦', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-04', 'work', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-10', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-11', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-12', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-13', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-14', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-15', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-16', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-17', 'off', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-02-18', 'work', '春节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-04', 'off', '清明节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-05', 'off', '清明节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-06', 'off', '清明节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-07', 'work', '清明节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-04-28', 'work', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-01', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-02', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-03', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-04', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-05', 'off', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-05-11', 'work', '劳动节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-06-10', 'off', '端午节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-14', 'work', '中秋节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-15', 'off', '中秋节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-16', 'off', '中秋节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-17', 'off', '中秋节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-09-29', 'work', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-01', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-02', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-03', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-04', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-05', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-06', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-07', 'off', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2024-10-12', 'work', '国庆节', 2024, 'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm'),
    ('2025-01-01', 'off', '元旦', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-26', 'work', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-28', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-29', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-30', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-01-31', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-01', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-02', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-03', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-04', 'off', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-02-08', 'work', '春节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-04-04', 'off', '清明节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-04-05', 'off', '清明节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-04-06', 'off', '清明节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-04-27', 'work', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-01', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-02', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-03', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-04', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-05', 'off', '劳动节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-05-31', 'off', '端午节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-06-01', 'off', '端午节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-06-02', 'off', '端午节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-09-28', 'work', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-01', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-02', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-03', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-04', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-05', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-06', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-07', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-08', 'off', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2025-10-11', 'work', '国庆节、中秋节', 2025, 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
    ('2026-01-01', 'off', '元旦', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-01-02', 'off', '元旦', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-01-03', 'off', '元旦', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-01-04', 'work', '元旦', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-14', 'work', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-15', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-16', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-17', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-18', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-19', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-20', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-21', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-22', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-23', 'off', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-02-28', 'work', '春节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-04-04', 'off', '清明节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-04-05', 'off', '清明节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-04-06', 'off', '清明节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-01', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-02', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-03', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-04', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-05', 'off', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-05-09', 'work', '劳动节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-06-19', 'off', '端午节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-06-20', 'off', '端午节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-06-21', 'off', '端午节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-09-20', 'work', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-09-25', 'off', '中秋节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-09-26', 'off', '中秋节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-09-27', 'off', '中秋节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-01', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-02', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-03', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-04', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-05', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-06', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-07', 'off', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
    ('2026-10-10', 'work', '国庆节', 2026, 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm')
) AS v(day, kind, holiday, notice_year, notice_url);

CREATE TRIGGER calendar_day_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.calendar_day
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Add the days of a new year''s schedule with shipped = false: INSERT INTO creditrisk.calendar_day (day, kind, holiday, notice_year, notice_url) VALUES (...);');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.calendar_day', 'WHERE NOT shipped');

CREATE FUNCTION creditrisk.is_working_day(day date) RETURNS boolean
    AS 'MODULE_PATHNAME', 'creditrisk_is_working_day'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.is_working_day(date) IS
    'Is the day a working day (工作日): Monday to Friday unless the schedule makes it an off day, or a weekend day made a working day (调休上班). Without a schedule for its year, the fixed-date statutory holidays (Jan 1, May 1-2, Oct 1-3) still apply and the answer is provisional';

CREATE FUNCTION creditrisk.add_working_days(day date, n integer) RETURNS date
    AS 'MODULE_PATHNAME', 'creditrisk_add_working_days'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.add_working_days(date, integer) IS
    'The n-th working day after the day (n > 0) or before it (n < 0); the day itself is not counted and n = 0 gives it back: the deadline of "within n working days" (N个工作日内) of a decision';

CREATE FUNCTION creditrisk.working_days_between(a date, b date) RETURNS integer
    AS 'MODULE_PATHNAME', 'creditrisk_working_days_between'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.working_days_between(date, date) IS
    'The working days after a up to and including b (negative when b < a: minus those from b up to but excluding a), so that add_working_days(a, working_days_between(a, b)) = b when b is a working day';

CREATE FUNCTION creditrisk.is_provisional(day date) RETURNS boolean
    AS 'MODULE_PATHNAME', 'creditrisk_is_provisional'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.is_provisional(date) IS
    'True when the schedule of the day''s year is not loaded: only weekends and the fixed-date statutory holidays are known, so working-day answers about it are provisional (暂定)';

CREATE FUNCTION creditrisk.is_provisional(a date, b date) RETURNS boolean
    AS 'MODULE_PATHNAME', 'creditrisk_is_provisional_range'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION creditrisk.is_provisional(date, date) IS
    'True when any day from a to b lies in a year whose schedule is not loaded: a deadline add_working_days(a, n) = b is provisional when is_provisional(a, b)';

REVOKE ALL ON TABLE creditrisk.calendar_day FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.is_working_day(date), creditrisk.add_working_days(date, integer),
    creditrisk.working_days_between(date, date), creditrisk.is_provisional(date),
    creditrisk.is_provisional(date, date) FROM PUBLIC;

-- ===========================================================================
-- Divisions, explain_enterprise, schedule, model performance (issue 15)
-- ===========================================================================

-- ===========================================================================
-- Administrative divisions (行政区划) of Henan: codes, names, levels, parents
--
-- Reference data shipped with the extension (GB/T 2260 codes): the province,
-- its 17 prefecture-level cities and 济源 (419001, province-administered and
-- treated as a city, as division_level() does), and their county-level
-- units, including Zhengzhou's three functional zones (410171-410173), which
-- the provincial systems code like counties.  Codes that a change of
-- division replaced are kept with the period they were valid and their
-- successor, so records dated before a change still find a name.  Change
-- dates are given to the year (1 January of the year of the first year-end
-- code list of the Ministry of Civil Affairs that shows the change); a
-- bureau that knows the day corrects them with a row of its own.
-- ===========================================================================

CREATE TABLE creditrisk.division (
    code         creditrisk.division_code PRIMARY KEY,
    name         text NOT NULL CONSTRAINT division_name_nonempty CHECK (name <> ''),
    level        text NOT NULL CONSTRAINT division_level_known CHECK (level IN ('province', 'city', 'county')),
    parent_code  creditrisk.division_code REFERENCES creditrisk.division (code),
    valid_from   date,
    valid_to     date,
    successor    creditrisk.division_code REFERENCES creditrisk.division (code),
    shipped      boolean NOT NULL DEFAULT false,
    CONSTRAINT division_parent CHECK ((level = 'province') = (parent_code IS NULL)),
    CONSTRAINT division_period CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to),
    CONSTRAINT division_finite CHECK (pg_catalog.isfinite(valid_from) AND pg_catalog.isfinite(valid_to)),
    CONSTRAINT division_successor CHECK (successor IS NULL OR valid_to IS NOT NULL)
);
COMMENT ON TABLE creditrisk.division IS
    'Administrative divisions (行政区划, GB/T 2260) of Henan: code, name, level (省/市/县) and parent; codes replaced by a change of division keep their period of validity and successor';
COMMENT ON COLUMN creditrisk.division.code IS 'Six-digit division code (行政区划代码)';
COMMENT ON COLUMN creditrisk.division.name IS 'Official name, e.g. 西华县';
COMMENT ON COLUMN creditrisk.division.level IS 'province (省), city (地级市; also 济源 419001) or county (县级: 县, 区, 县级市, functional zones)';
COMMENT ON COLUMN creditrisk.division.parent_code IS 'The division it belongs to (NULL for the province)';
COMMENT ON COLUMN creditrisk.division.valid_from IS 'First day the code is valid (NULL: long before any record)';
COMMENT ON COLUMN creditrisk.division.valid_to IS 'First day the code is no longer valid (NULL: still valid)';
COMMENT ON COLUMN creditrisk.division.successor IS 'The code that replaced it';
COMMENT ON COLUMN creditrisk.division.shipped IS 'Shipped with the extension; frozen';
CREATE INDEX division_parent_code ON creditrisk.division (parent_code);

INSERT INTO creditrisk.division (code, name, level, parent_code, valid_from, valid_to, successor, shipped)
SELECT v.code, v.name, v.level, v.parent_code, v.valid_from::date, v.valid_to::date, v.successor, true FROM (VALUES
    ('410000', '河南省', 'province', NULL, NULL, NULL, NULL),
    ('410100', '郑州市', 'city', '410000', NULL, NULL, NULL),
    ('410200', '开封市', 'city', '410000', NULL, NULL, NULL),
    ('410300', '洛阳市', 'city', '410000', NULL, NULL, NULL),
    ('410400', '平顶山市', 'city', '410000', NULL, NULL, NULL),
    ('410500', '安阳市', 'city', '410000', NULL, NULL, NULL),
    ('410600', '鹤壁市', 'city', '410000', NULL, NULL, NULL),
    ('410700', '新乡市', 'city', '410000', NULL, NULL, NULL),
    ('410800', '焦作市', 'city', '410000', NULL, NULL, NULL),
    ('410900', '濮阳市', 'city', '410000', NULL, NULL, NULL),
    ('411000', '许昌市', 'city', '410000', NULL, NULL, NULL),
    ('411100', '漯河市', 'city', '410000', NULL, NULL, NULL),
    ('411200', '三门峡市', 'city', '410000', NULL, NULL, NULL),
    ('411300', '南阳市', 'city', '410000', NULL, NULL, NULL),
    ('411400', '商丘市', 'city', '410000', NULL, NULL, NULL),
    ('411500', '信阳市', 'city', '410000', NULL, NULL, NULL),
    ('411600', '周口市', 'city', '410000', NULL, NULL, NULL),
    ('411700', '驻马店市', 'city', '410000', NULL, NULL, NULL),
    ('419001', '济源市', 'city', '410000', NULL, NULL, NULL),
    ('410102', '中原区', 'county', '410100', NULL, NULL, NULL),
    ('410103', '二七区', 'county', '410100', NULL, NULL, NULL),
    ('410104', '管城回族区', 'county', '410100', NULL, NULL, NULL),
    ('410105', '金水区', 'county', '410100', NULL, NULL, NULL),
    ('410106', '上街区', 'county', '410100', NULL, NULL, NULL),
    ('410108', '惠济区', 'county', '410100', NULL, NULL, NULL),
    ('410122', '中牟县', 'county', '410100', NULL, NULL, NULL),
    ('410171', '郑州经济技术开发区', 'county', '410100', NULL, NULL, NULL),
    ('410172', '郑州高新技术产业开发区', 'county', '410100', NULL, NULL, NULL),
    ('410173', '郑州航空港经济综合实验区', 'county', '410100', NULL, NULL, NULL),
    ('410181', '巩义市', 'county', '410100', NULL, NULL, NULL),
    ('410182', '荥阳市', 'county', '410100', NULL, NULL, NULL),
    ('410183', '新密市', 'county', '410100', NULL, NULL, NULL),
    ('410184', '新郑市', 'county', '410100', NULL, NULL, NULL),
    ('410185', '登封市', 'county', '410100', NULL, NULL, NULL),
    ('410202', '龙亭区', 'county', '410200', NULL, NULL, NULL),
    ('410203', '顺河回族区', 'county', '410200', NULL, NULL, NULL),
    ('410204', '鼓楼区', 'county', '410200', NULL, NULL, NULL),
    ('410205', '禹王台区', 'county', '410200', NULL, NULL, NULL),
    ('410212', '祥符区', 'county', '410200', '2014-01-01', NULL, NULL),
    ('410221', '杞县', 'county', '410200', NULL, NULL, NULL),
    ('410222', '通许县', 'county', '410200', NULL, NULL, NULL),
    ('410223', '尉氏县', 'county', '410200', NULL, NULL, NULL),
    ('410225', '兰考县', 'county', '410200', NULL, NULL, NULL),
    ('410302', '老城区', 'county', '410300', NULL, NULL, NULL),
    ('410303', '西工区', 'county', '410300', NULL, NULL, NULL),
    ('410304', '瀍河回族区', 'county', '410300', NULL, NULL, NULL),
    ('410305', '涧西区', 'county', '410300', NULL, NULL, NULL),
    ('410307', '偃师区', 'county', '410300', '2021-01-01', NULL, NULL),
    ('410308', '孟津区', 'county', '410300', '2021-01-01', NULL, NULL),
    ('410311', '洛龙区', 'county', '410300', NULL, NULL, NULL),
    ('410323', '新安县', 'county', '410300', NULL, NULL, NULL),
    ('410324', '栾川县', 'county', '410300', NULL, NULL, NULL),
    ('410325', '嵩县', 'county', '410300', NULL, NULL, NULL),
    ('410326', '汝阳县', 'county', '410300', NULL, NULL, NULL),
    ('410327', '宜阳县', 'county', '410300', NULL, NULL, NULL),
    ('410328', '洛宁县', 'county', '410300', NULL, NULL, NULL),
    ('410329', '伊川县', 'county', '410300', NULL, NULL, NULL),
    ('410402', '新华区', 'county', '410400', NULL, NULL, NULL),
    ('410403', '卫东区', 'county', '410400', NULL, NULL, NULL),
    ('410404', '石龙区', 'county', '410400', NULL, NULL, NULL),
    ('410411', '湛河区', 'county', '410400', NULL, NULL, NULL),
    ('410421', '宝丰县', 'county', '410400', NULL, NULL, NULL),
    ('410422', '叶县', 'county', '410400', NULL, NULL, NULL),
    ('410423', '鲁山县', 'county', '410400', NULL, NULL, NULL),
    ('410425', '郏县', 'county', '410400', NULL, NULL, NULL),
    ('410481', '舞钢市', 'county', '410400', NULL, NULL, NULL),
    ('410482', '汝州市', 'county', '410400', NULL, NULL, NULL),
    ('410502', '文峰区', 'county', '410500', NULL, NULL, NULL),
    ('410503', '北关区', 'county', '410500', NULL, NULL, NULL),
    ('410505', '殷都区', 'county', '410500', NULL, NULL, NULL),
    ('410506', '龙安区', 'county', '410500', NULL, NULL, NULL),
    ('410522', '安阳县', 'county', '410500', NULL, NULL, NULL),
    ('410523', '汤阴县', 'county', '410500', NULL, NULL, NULL),
    ('410526', '滑县', 'county', '410500', NULL, NULL, NULL),
    ('410527', '内黄县', 'county', '410500', NULL, NULL, NULL),
    ('410581', '林州市', 'county', '410500', NULL, NULL, NULL),
    ('410602', '鹤山区', 'county', '410600', NULL, NULL, NULL),
    ('410603', '山城区', 'county', '410600', NULL, NULL, NULL),
    ('410611', '淇滨区', 'county', '410600', NULL, NULL, NULL),
    ('410621', '浚县', 'county', '410600', NULL, NULL, NULL),
    ('410622', '淇县', 'county', '410600', NULL, NULL, NULL),
    ('410702', '红旗区', 'county', '410700', NULL, NULL, NULL),
    ('410703', '卫滨区', 'county', '410700', NULL, NULL, NULL),
    ('410704', '凤泉区', 'county', '410700', NULL, NULL, NULL),
    ('410711', '牧野区', 'county', '410700', NULL, NULL, NULL),
    ('410721', '新乡县', 'county', '410700', NULL, NULL, NULL),
    ('410724', '获嘉县', 'county', '410700', NULL, NULL, NULL),
    ('410725', '原阳县', 'county', '410700', NULL, NULL, NULL),
    ('410726', '延津县', 'county', '410700', NULL, NULL, NULL),
    ('410727', '封丘县', 'county', '410700', NULL, NULL, NULL),
    ('410781', '卫辉市', 'county', '410700', NULL, NULL, NULL),
    ('410782', '辉县市', 'county', '410700', NULL, NULL, NULL),
    ('410783', '长垣市', 'county', '410700', '2019-01-01', NULL, NULL),
    ('410802', '解放区', 'county', '410800', NULL, NULL, NULL),
    ('410803', '中站区', 'county', '410800', NULL, NULL, NULL),
    ('410804', '马村区', 'county', '410800', NULL, NULL, NULL),
    ('410811', '山阳区', 'county', '410800', NULL, NULL, NULL),
    ('410821', '修武县', 'county', '410800', NULL, NULL, NULL),
    ('410822', '博爱县', 'county', '410800', NULL, NULL, NULL),
    ('410823', '武陟县', 'county', '410800', NULL, NULL, NULL),
    ('410825', '温县', 'county', '410800', NULL, NULL, NULL),
    ('410882', '沁阳市', 'county', '410800', NULL, NULL, NULL),
    ('410883', '孟州市', 'county', '410800', NULL, NULL, NULL),
    ('410902', '华龙区', 'county', '410900', NULL, NULL, NULL),
    ('410922', '清丰县', 'county', '410900', NULL, NULL, NULL),
    ('410923', '南乐县', 'county', '410900', NULL, NULL, NULL),
    ('410926', '范县', 'county', '410900', NULL, NULL, NULL),
    ('410927', '台前县', 'county', '410900', NULL, NULL, NULL),
    ('410928', '濮阳县', 'county', '410900', NULL, NULL, NULL),
    ('411002', '魏都区', 'county', '411000', NULL, NULL, NULL),
    ('411003', '建安区', 'county', '411000', NULL, NULL, NULL),
    ('411024', '鄢陵县', 'county', '411000', NULL, NULL, NULL),
    ('411025', '襄城县', 'county', '411000', NULL, NULL, NULL),
    ('411081', '禹州市', 'county', '411000', NULL, NULL, NULL),
    ('411082', '长葛市', 'county', '411000', NULL, NULL, NULL),
    ('411102', '源汇区', 'county', '411100', NULL, NULL, NULL),
    ('411103', '郾城区', 'county', '411100', NULL, NULL, NULL),
    ('411104', '召陵区', 'county', '411100', NULL, NULL, NULL),
    ('411121', '舞阳县', 'county', '411100', NULL, NULL, NULL),
    ('411122', '临颍县', 'county', '411100', NULL, NULL, NULL),
    ('411202', '湖滨区', 'county', '411200', NULL, NULL, NULL),
    ('411203', '陕州区', 'county', '411200', '2015-01-01', NULL, NULL),
    ('411221', '渑池县', 'county', '411200', NULL, NULL, NULL),
    ('411224', '卢氏县', 'county', '411200', NULL, NULL, NULL),
    ('411281', '义马市', 'county', '411200', NULL, NULL, NULL),
    ('411282', '灵宝市', 'county', '411200', NULL, NULL, NULL),
    ('411302', '宛城区', 'county', '411300', NULL, NULL, NULL),
    ('411303', '卧龙区', 'county', '411300', NULL, NULL, NULL),
    ('411321', '南召县', 'county', '411300', NULL, NULL, NULL),
    ('411322', '方城县', 'county', '411300', NULL, NULL, NULL),
    ('411323', '西峡县', 'county', '411300', NULL, NULL, NULL),
    ('411324', '镇平县', 'county', '411300', NULL, NULL, NULL),
    ('411325', '内乡县', 'county', '411300', NULL, NULL, NULL),
    ('411326', '淅川县', 'county', '411300', NULL, NULL, NULL),
    ('411327', '社旗县', 'county', '411300', NULL, NULL, NULL),
    ('411328', '唐河县', 'county', '411300', NULL, NULL, NULL),
    ('411329', '新野县', 'county', '411300', NULL, NULL, NULL),
    ('411330', '桐柏县', 'county', '411300', NULL, NULL, NULL),
    ('411381', '邓州市', 'county', '411300', NULL, NULL, NULL),
    ('411402', '梁园区', 'county', '411400', NULL, NULL, NULL),
    ('411403', '睢阳区', 'county', '411400', NULL, NULL, NULL),
    ('411421', '民权县', 'county', '411400', NULL, NULL, NULL),
    ('411422', '睢县', 'county', '411400', NULL, NULL, NULL),
    ('411423', '宁陵县', 'county', '411400', NULL, NULL, NULL),
    ('411424', '柘城县', 'county', '411400', NULL, NULL, NULL),
    ('411425', '虞城县', 'county', '411400', NULL, NULL, NULL),
    ('411426', '夏邑县', 'county', '411400', NULL, NULL, NULL),
    ('411481', '永城市', 'county', '411400', NULL, NULL, NULL),
    ('411502', '浉河区', 'county', '411500', NULL, NULL, NULL),
    ('411503', '平桥区', 'county', '411500', NULL, NULL, NULL),
    ('411521', '罗山县', 'county', '411500', NULL, NULL, NULL),
    ('411522', '光山县', 'county', '411500', NULL, NULL, NULL),
    ('411523', '新县', 'county', '411500', NULL, NULL, NULL),
    ('411524', '商城县', 'county', '411500', NULL, NULL, NULL),
    ('411525', '固始县', 'county', '411500', NULL, NULL, NULL),
    ('411526', '潢川县', 'county', '411500', NULL, NULL, NULL),
    ('411527', '淮滨县', 'county', '411500', NULL, NULL, NULL),
    ('411528', '息县', 'county', '411500', NULL, NULL, NULL),
    ('411602', '川汇区', 'county', '411600', NULL, NULL, NULL),
    ('411603', '淮阳区', 'county', '411600', '2019-01-01', NULL, NULL),
    ('411621', '扶沟县', 'county', '411600', NULL, NULL, NULL),
    ('411622', '西华县', 'county', '411600', NULL, NULL, NULL),
    ('411623', '商水县', 'county', '411600', NULL, NULL, NULL),
    ('411624', '沈丘县', 'county', '411600', NULL, NULL, NULL),
    ('411625', '郸城县', 'county', '411600', NULL, NULL, NULL),
    ('411627', '太康县', 'county', '411600', NULL, NULL, NULL),
    ('411628', '鹿邑县', 'county', '411600', NULL, NULL, NULL),
    ('411681', '项城市', 'county', '411600', NULL, NULL, NULL),
    ('411702', '驿城区', 'county', '411700', NULL, NULL, NULL),
    ('411721', '西平县', 'county', '411700', NULL, NULL, NULL),
    ('411722', '上蔡县', 'county', '411700', NULL, NULL, NULL),
    ('411723', '平舆县', 'county', '411700', NULL, NULL, NULL),
    ('411724', '正阳县', 'county', '411700', NULL, NULL, NULL),
    ('411725', '确山县', 'county', '411700', NULL, NULL, NULL),
    ('411726', '泌阳县', 'county', '411700', NULL, NULL, NULL),
    ('411727', '汝南县', 'county', '411700', NULL, NULL, NULL),
    ('411728', '遂平县', 'county', '411700', NULL, NULL, NULL),
    ('411729', '新蔡县', 'county', '411700', NULL, NULL, NULL),
    ('410224', '开封县', 'county', '410200', NULL, '2014-01-01', '410212'),
    ('411222', '陕县', 'county', '411200', NULL, '2015-01-01', '411203'),
    ('410728', '长垣县', 'county', '410700', NULL, '2019-01-01', '410783'),
    ('411626', '淮阳县', 'county', '411600', NULL, '2019-01-01', '411603'),
    ('410381', '偃师市', 'county', '410300', NULL, '2021-01-01', '410307'),
    ('410322', '孟津县', 'county', '410300', NULL, '2021-01-01', '410308'),
    ('410306', '吉利区', 'county', '410300', NULL, '2021-01-01', '410308')
) AS v(code, name, level, parent_code, valid_from, valid_to, successor)
ORDER BY v.level = 'county', v.level = 'city', v.successor IS NOT NULL, v.code;

CREATE TRIGGER division_shipped BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.division
    FOR EACH ROW EXECUTE FUNCTION creditrisk.shipped_row_guard('shipped',
        'Add a division of your own with shipped = false (a new code after a change of division, with its valid_from).');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.division', 'WHERE NOT shipped');

CREATE FUNCTION creditrisk.division_name(code text) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT d.name FROM creditrisk.division d WHERE d.code OPERATOR(pg_catalog.=) division_name.code $$;
COMMENT ON FUNCTION creditrisk.division_name(text) IS
    'The name of a division code (行政区划名称), e.g. division_name(''411622'') = 西华县; NULL for a code not in creditrisk.division';

REVOKE ALL ON TABLE creditrisk.division FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.division_name(text) FROM PUBLIC;

-- ===========================================================================
-- The monthly run at speed (issue 16)
-- ===========================================================================
