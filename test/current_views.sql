-- The current classification per statement (issue 12, 1.7): the analysts'
-- views read the history with their reader's rights under its one policy
-- (one division range, no security barrier, no subquery of their own), and
-- the partner views cut the reader's sharing agreements once per query into
-- disjoint division ranges (shared_ranges()), each an index range of the
-- latest run, the fields of nested agreements united.  As each role (SET
-- ROLE), with only the grants create_roles(), enrol() and share() give.
-- Everything, roles included, is rolled back at the end.
BEGIN;
SELECT no_plan();
SET LOCAL search_path = creditrisk, tap, public;
SET LOCAL client_min_messages = warning;

\o /dev/null
\ir fixtures/jurisdictions.sql
ANALYZE;
SELECT creditrisk.create_roles();
CREATE ROLE regress_cr_xihua LOGIN;        -- county analyst (西华县: xihua1, xihua2)
CREATE ROLE regress_cr_zhoukou LOGIN;      -- city analyst (周口市: xihua1, xihua2, chuanhui, fugou)
CREATE ROLE regress_cr_partner LOGIN;      -- partner: 周口市 with scores, 西华县 with reasons, 郑州市 aggregates only
CREATE ROLE regress_cr_partner_old LOGIN;  -- partner whose agreement ended
SELECT creditrisk.enrol('regress_cr_xihua', 'analyst', '411622'),
       creditrisk.enrol('regress_cr_zhoukou', 'analyst', '411600'),
       creditrisk.enrol('regress_cr_partner', 'partner', '410000'),
       creditrisk.enrol('regress_cr_partner_old', 'partner', '410000');
SELECT creditrisk.share('regress_cr_partner', '{411600}', '{final_class,class_date,score}', '2099-12-31'),
       creditrisk.share('regress_cr_partner', '{411622}', '{final_class,class_date,reasons}', '2099-12-31'),
       creditrisk.share('regress_cr_partner', '{410100}', '{final_class,class_date}', '2099-12-31', true);
INSERT INTO sharing_agreement (partner, divisions, fields, valid_until)
VALUES ('regress_cr_partner_old', '{410000}', '{final_class,class_date,score}', '2020-01-01');
GRANT USAGE ON SCHEMA tap TO regress_cr_xihua, regress_cr_zhoukou, regress_cr_partner, regress_cr_partner_old;
\o

CREATE FUNCTION pg_temp.plan(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text; l text;
BEGIN
    r := '';
    FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP r := r || l || E'\n'; END LOOP;
    RETURN r;
END $$;
CREATE FUNCTION pg_temp.tags(q text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE r text[];
BEGIN
    EXECUTE format('SELECT coalesce(array_agg(w.tag ORDER BY w.tag), ''{}'') FROM (%s) x JOIN pg_temp.world w ON w.uscc OPERATOR(creditrisk.=) x.uscc', q) INTO r;
    RETURN r;
END $$;
GRANT EXECUTE ON FUNCTION pg_temp.plan(text), pg_temp.tags(text) TO PUBLIC;

-- The analysts' views: the reader's rights, one range.
SELECT is((SELECT reloptions FROM pg_class WHERE oid = 'creditrisk.classification_current'::regclass),
          '{security_invoker=true}', 'classification_current reads the history with its reader''s rights (no security barrier)');
SELECT is((SELECT reloptions FROM pg_class WHERE oid = 'creditrisk.classification_domain_current'::regclass),
          '{security_invoker=true}', 'classification_domain_current too');

SET LOCAL ROLE regress_cr_xihua;
SELECT is(pg_temp.tags('SELECT uscc FROM creditrisk.classification_current'), '{xihua1,xihua2}',
          'the county analyst sees its county''s current classes');
SELECT is((SELECT count(*) FROM creditrisk.classification_current c JOIN pg_temp.world w ON w.uscc OPERATOR(creditrisk.=) c.uscc
            WHERE c.enterprise_name = 'enterprise ' || w.tag AND c.division_name IS NOT NULL), 2::bigint,
          '... with the names of the enterprise and the division');
SELECT is(pg_temp.tags('SELECT uscc FROM creditrisk.classification_domain_current'), '{xihua1}',
          '... and its county''s fused classes');
SELECT is((SELECT count(*) FROM regexp_matches(pg_temp.plan('SELECT count(*) FROM creditrisk.classification_current'),
                                              'division_code\)?(::text)? >=', 'g')), 1::bigint,
          'a count on the current classification carries one division range (the policy''s), not two');
SELECT doesnt_match(pg_temp.plan('SELECT count(*) FROM creditrisk.classification_current'), 'Subquery Scan',
              '... and is planned with the reader''s query, not as a subquery of its own');
SET LOCAL enable_seqscan = off;
SET LOCAL enable_bitmapscan = off;
SELECT matches(pg_temp.plan('SELECT count(*) FROM creditrisk.classification_current'),
               'Index Only Scan using classification_result_run_division_idx',
               '... an index-only range scan of the latest run');
RESET enable_seqscan;
RESET enable_bitmapscan;
RESET ROLE;

SET LOCAL ROLE regress_cr_zhoukou;
SELECT is(pg_temp.tags('SELECT uscc FROM creditrisk.classification_current'), '{chuanhui,fugou,xihua1,xihua2}',
          'the city analyst sees its counties'' current classes');
SELECT is((SELECT array_agg(division_code::text ORDER BY division_code) FROM creditrisk.enterprise_measures), '{411602,411621,411622,411622}',
          '... and the views built on them (enterprise_measures) the same rows');
RESET ROLE;

-- The partner views: nested agreements united, each enterprise once.
SET LOCAL ROLE regress_cr_partner;
SELECT is((SELECT array_agg(x::text ORDER BY x.division_from) FROM creditrisk.shared_ranges(false) x),
          ARRAY['(411600,411622,"{class_date,final_class,score}")', '(411622,411623,"{class_date,final_class,reasons,score}")',
                '(411623,411700,"{class_date,final_class,score}")'],
          'shared_ranges(): the partner''s agreements cut into disjoint ranges, the fields of nested agreements united');
SELECT is((SELECT array_agg(x.division_from || '-' || x.division_to ORDER BY x.division_from) FROM creditrisk.shared_ranges(true) x),
          '{410100-410200,411600-411622,411622-411623,411623-411700}',
          '... with the aggregates-only agreement for the counts');
SELECT is(pg_temp.tags('SELECT uscc FROM creditrisk.shared_classification'), '{chuanhui,fugou,xihua1,xihua2}',
          'shared_classification: each enterprise its agreements cover, once (not the aggregates-only division)');
SELECT is((SELECT array_agg(w.tag || ':' || (s.score IS NOT NULL) || ':' || (s.reasons IS NOT NULL) || ':' || (s.overrides IS NOT NULL)
                            ORDER BY w.tag)
             FROM creditrisk.shared_classification s JOIN pg_temp.world w ON w.uscc OPERATOR(creditrisk.=) s.uscc),
          '{chuanhui:true:false:false,fugou:true:false:false,xihua1:true:true:false,xihua2:true:true:false}',
          '... the city''s score everywhere, the county''s reasons in the county only, no overrides');
SELECT is((SELECT array_agg(division_code || ':' || enterprises ORDER BY division_code) FROM creditrisk.shared_distribution),
          '{410102:2,411602:1,411621:1,411622:2}',
          'shared_distribution: the counts of every covered division, aggregates-only included');
SELECT matches(pg_temp.plan('SELECT count(*) FROM creditrisk.shared_classification'),
               'Function Scan on shared_ranges',
               'the partner view reads its agreements once per query (no function call per row)');
RESET ROLE;

-- A parallel plan: the partner views and the analysts' views give the same
-- rows (1.6 failed with "cannot update SecondarySnapshot during a parallel
-- operation" in a partner's parallel worker).
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL min_parallel_index_scan_size = 0;
SET LOCAL force_parallel_mode = on;
SET LOCAL ROLE regress_cr_partner;
SELECT is(pg_temp.tags('SELECT uscc FROM creditrisk.shared_classification'), '{chuanhui,fugou,xihua1,xihua2}',
          'a parallel plan: the partner sees the same rows');
SELECT is((SELECT sum(enterprises) FROM creditrisk.shared_distribution), 6::numeric,
          '... and the same counts');
RESET ROLE;
SET LOCAL ROLE regress_cr_zhoukou;
SELECT is(pg_temp.tags('SELECT uscc FROM creditrisk.classification_current'), '{chuanhui,fugou,xihua1,xihua2}',
          '... and the city analyst the same current classes');
RESET ROLE;
SET LOCAL force_parallel_mode = off;

-- An ended agreement shows nothing.
SET LOCAL ROLE regress_cr_partner_old;
SELECT is((SELECT count(*) FROM creditrisk.shared_ranges(true)), 0::bigint, 'an ended agreement covers no range');
SELECT is((SELECT count(*) FROM creditrisk.shared_classification), 0::bigint, '... and shows no enterprise');
SELECT is((SELECT count(*) FROM creditrisk.shared_distribution), 0::bigint, '... and no count');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
