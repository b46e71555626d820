-- Spot checks (双随机、一公开, issue 13): tasks, verifiable draws, inspectors,
-- outcomes, licensing review and coverage, on hand-built enterprises.
\i sql/include/classification_setup.psql

-- 411622 (西华县): 1234 A, 101 B, 7 C (industry H), 12 D; 411621 (扶沟县): 5 A, 2 C.
SELECT count(pg_temp.ent(n, 'A' || n)) FROM generate_series(1, 1234) n;
SELECT count(pg_temp.ent(n, 'B' || n)) FROM generate_series(2001, 2101) n;
SELECT count(pg_temp.ent(n, 'C' || n, '411622', 'H6210')) FROM generate_series(3001, 3007) n;
SELECT count(pg_temp.ent(n, 'D' || n)) FROM generate_series(4001, 4012) n;
SELECT count(pg_temp.ent(n, 'A' || n, '411621')) FROM generate_series(5001, 5005) n;
SELECT count(pg_temp.ent(n, 'C' || n, '411621', 'H6220')) FROM generate_series(6001, 6002) n;
INSERT INTO public.cls_points
SELECT uscc, '2025-06-30', CASE WHEN name LIKE 'A%' THEN 10 WHEN name LIKE 'B%' THEN 30 WHEN name LIKE 'C%' THEN 60 ELSE 80 END
  FROM enterprise;
-- food: a professional class C for 20 B enterprises (fused: C)
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by)
SELECT pg_temp.uscc(n, '411622'), 'food', 'C', '2025-01-01', 'test' FROM generate_series(2001, 2020) n;
SELECT final_classes, domain_results FROM refresh_classification('2025-06-30');

-- Exclusions: #1 cancelled after the run, #2 inspected 6 months before the
-- task, #3 inspected 20 months before (stays in).
UPDATE enterprise SET status = 'cancelled', status_date = '2025-07-15' WHERE uscc = pg_temp.uscc(1, '411622');
INSERT INTO spot_check (uscc, check_date, outcome, reported_by)
VALUES (pg_temp.uscc(2, '411622'), '2025-03-01', 'pass', 'test'), (pg_temp.uscc(3, '411622'), '2024-01-01', 'pass', 'test');

-- The inspectors' library: 9 in 西华县, one who left before the period,
-- one in 扶沟县, two also competent in food.
INSERT INTO inspector (certificate_no, name, unit, division_code, competence, active_from, active_to)
SELECT 'XH-' || lpad(k::text, 3, '0'), '检查员' || k, '西华县市场监督管理局', '411622',
       CASE WHEN k <= 2 THEN '{general,food}'::text[] ELSE '{general}' END, '2020-01-01', NULL
  FROM generate_series(1, 9) k;
INSERT INTO inspector (certificate_no, name, unit, division_code, active_from, active_to)
VALUES ('XH-900', '已调离', '西华县市场监督管理局', '411622', '2020-01-01', '2025-06-30'),
       ('FG-001', '扶沟检查员', '扶沟县市场监督管理局', '411621', '2020-01-01', NULL);

-- Conflicts of interest, chosen with the draw's own arithmetic (anyone who
-- knows the seed can predict the draw: that is why it stays secret until the
-- draw).  XH-001 declares the enterprise related to the first D to be drawn;
-- XH-002 declares the second one directly.
CREATE TEMP TABLE d_order AS
SELECT uscc, row_number() OVER (ORDER BY spot_key('xihua-2025-09 3f9a1c7e55d0b2a4', uscc)) AS r
  FROM classification_current WHERE final_class = 'D' AND division_code = '411622';
INSERT INTO related_party_link (from_uscc, to_uscc, kind, reported_by)
VALUES (pg_temp.uscc(1234, '411622'), (SELECT uscc FROM d_order WHERE r = 1), 'shareholder', 'test');
INSERT INTO inspector_conflict (inspector_id, uscc, reason, declared_on)
VALUES ((SELECT id FROM inspector WHERE certificate_no = 'XH-001'), pg_temp.uscc(1234, '411622'), '亲属持股', '2025-01-01'),
       ((SELECT id FROM inspector WHERE certificate_no = 'XH-002'), (SELECT uscc FROM d_order WHERE r = 2), '曾任顾问', '2025-01-01');
SELECT certificate_no, c.division_code, include_related FROM inspector_conflict c JOIN inspector i ON i.id = c.inspector_id ORDER BY 1;

-- A task of 西华县 with the ratios in force (provincial minimums), committed
-- to a seed before the draw.
SELECT create_spot_check_task('西华县2025年第二批双随机抽查', '411622', '2025-09-01', '2025-12-31',
                              seed_commitment('xihua-2025-09 3f9a1c7e55d0b2a4'),
                              check_items => '{营业执照,经营场所,年度报告}') AS t1 \gset
SELECT id, status, encode(seed_commitment, 'hex') AS commitment, seed, scope_divisions FROM spot_check_task WHERE id = :t1;
-- Quotas: ceil(ratio × population) per class over the task's whole scope:
-- A ceil(0.01 × 1232) = 13, B ceil(0.03 × 101) = 4, C ceil(0.1 × 7) = 1, D ceil(0.2 × 12) = 3.
SELECT class, ratio, min_ratio, min_sources, population, excluded_closed, excluded_inspected, quota, drawn
  FROM draw_spot_check(:t1, 'xihua-2025-09 3f9a1c7e55d0b2a4');
SELECT status, seed, classification_as_of, classification_version FROM spot_check_task WHERE id = :t1;
SELECT class, rounding, population, quota, drawn, assigned, unassignable FROM spot_check_task_summary WHERE task_id = :t1 ORDER BY class;
-- The excluded are not in the snapshot; #3 (inspected long ago) is.
SELECT n, EXISTS (SELECT 1 FROM spot_check_population p WHERE p.task_id = :t1 AND pg_temp.uscc(n, '411622') = ANY (p.usccs)) AS in_population
  FROM unnest('{1,2,3,4}'::int[]) n ORDER BY n;
-- At most once per task; the ranks within each class are 1..quota.
SELECT count(*) AS drawn, count(DISTINCT uscc) AS distinct_enterprises FROM spot_check_draw WHERE task_id = :t1;
SELECT class, array_agg(rank ORDER BY rank) FROM spot_check_draw WHERE task_id = :t1 GROUP BY class ORDER BY class;
-- The pool: active over the whole period, of the organising division.
SELECT certificate_no FROM spot_check_task_inspector WHERE task_id = :t1 ORDER BY 1;
-- The conflicts that applied: XH-001 through the related party, XH-002 directly.
SELECT p.certificate_no, c.uscc = c.declared_uscc AS declared_directly, d.rank
  FROM spot_check_task_conflict c
  JOIN spot_check_task_inspector p USING (task_id, inspector_id)
  JOIN spot_check_draw d USING (task_id, uscc)
 WHERE c.task_id = :t1 ORDER BY 1;
-- ≥ 2 inspectors each, none conflicted, loads within one of the mean.
SELECT min(n), max(n) FROM (SELECT count(*) AS n FROM spot_check_assignment WHERE task_id = :t1 GROUP BY uscc) x;
SELECT count(*) AS conflicted_assignments
  FROM spot_check_assignment a JOIN spot_check_task_conflict c USING (task_id, uscc, inspector_id) WHERE a.task_id = :t1;
SELECT min(assigned), max(assigned), round(avg(assigned), 2) AS mean FROM spot_check_inspector_load WHERE task_id = :t1;
SELECT * FROM verify_draw(:t1);

-- The same seed over the same data gives the same draw; another seed another.
SELECT create_spot_check_task('same seed', '411622', '2025-09-01', '2025-12-31',
                              seed_commitment('xihua-2025-09 3f9a1c7e55d0b2a4')) AS t2 \gset
SELECT create_spot_check_task('other seed', '411622', '2025-09-01', '2025-12-31', seed_commitment('another seed')) AS t3 \gset
SELECT count(*) FROM draw_spot_check(:t2, 'xihua-2025-09 3f9a1c7e55d0b2a4');
SELECT count(*) FROM draw_spot_check(:t3, 'another seed');
SELECT (SELECT array_agg((uscc, class, rank)::text ORDER BY class, rank) FROM spot_check_draw WHERE task_id = :t1)
     = (SELECT array_agg((uscc, class, rank)::text ORDER BY class, rank) FROM spot_check_draw WHERE task_id = :t2) AS same_seed_same_sample,
       (SELECT array_agg((a.uscc, a.inspector_id, a.seq)::text ORDER BY a.uscc, a.seq) FROM spot_check_assignment a WHERE task_id = :t1)
     = (SELECT array_agg((a.uscc, a.inspector_id, a.seq)::text ORDER BY a.uscc, a.seq) FROM spot_check_assignment a WHERE task_id = :t2) AS same_inspectors,
       (SELECT count(*) FROM spot_check_draw a JOIN spot_check_draw b ON b.uscc = a.uscc AND b.task_id = :t3 WHERE a.task_id = :t1) AS in_common_with_other_seed;
-- The sample in plain SQL: per class, the quota smallest sha256(seed || 0x00 || uscc).
SELECT class, uscc, rank FROM spot_check_draw WHERE task_id = :t1 AND class IN ('C', 'D') ORDER BY class, rank;
SELECT q.class, x.uscc, x.r
  FROM (SELECT final_class AS class, uscc,
               row_number() OVER (PARTITION BY final_class
                                  ORDER BY sha256(convert_to('xihua-2025-09 3f9a1c7e55d0b2a4', 'UTF8') || '\x00'::bytea
                                                  || convert_to(uscc::text, 'UTF8'))) AS r
          FROM classification_current WHERE division_code = '411622' AND final_class IN ('C', 'D')) x
  JOIN spot_check_task_class q ON q.task_id = :t1 AND q.class = x.class AND x.r <= q.quota
 ORDER BY 1, 3;

-- A city task over two counties, restricted to industry H: C only.
SELECT create_spot_check_task('周口市餐饮业专项', '411600', '2025-10-01', '2025-10-31', seed_commitment('zk-h'),
                              scope_divisions => '{411621,411622}', industries => '{H}', ratios => '{"C": 0.5}') AS t4 \gset
SELECT class, ratio, population, quota, drawn FROM draw_spot_check(:t4, 'zk-h');
SELECT division_code, count(*) FROM spot_check_draw WHERE task_id = :t4 GROUP BY 1 ORDER BY 1;
SELECT count(*) AS pool, bool_or(certificate_no = 'FG-001') AS includes_fugou FROM spot_check_task_inspector WHERE task_id = :t4;
SELECT check_name, ok FROM verify_draw(:t4);

-- A food task (fused class, 通用+专业): only two inspectors are competent in
-- food, and XH-001 is conflicted with one of the drawn: it cannot get two.
INSERT INTO inspector_conflict (inspector_id, uscc, include_related, reason, declared_on)
SELECT (SELECT id FROM inspector WHERE certificate_no = 'XH-001'), uscc, false, '配偶任职', '2025-01-01'
  FROM classification_domain_current WHERE domain = 'food'
 ORDER BY spot_key('food-seed', uscc) LIMIT 1;
SELECT create_spot_check_task('西华县食品安全抽查', '411622', '2025-10-01', '2025-11-30', seed_commitment('food-seed'),
                              domain => 'food', ratios => '{"C": 0.2}') AS t5 \gset
SELECT class, population, quota, drawn FROM draw_spot_check(:t5, 'food-seed');
SELECT certificate_no FROM spot_check_task_inspector WHERE task_id = :t5 ORDER BY 1;
SELECT class, rank, pool, conflicted, needed FROM spot_check_unassignable WHERE task_id = :t5;
SELECT class, drawn, assigned, unassignable FROM spot_check_task_summary WHERE task_id = :t5 AND class = 'C';
SELECT check_name, ok, detail FROM verify_draw(:t5) WHERE check_name IN ('inspectors', 'load');

-- Ratios below the minimum in force are refused (23514), also when local
-- measures are stricter: 西华县 checks A at 2% from 2025.
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio, basis)
VALUES ('411622', 'A', '2025-01-01', 0.02, '西华县 local measure');
SELECT create_spot_check_task('too low', '411622', '2025-09-01', '2025-12-31', seed_commitment('x'), ratios => '{"B": 0.02}');
\echo :LAST_ERROR_SQLSTATE
SELECT create_spot_check_task('too low', '411622', '2025-09-01', '2025-12-31', seed_commitment('x'), ratios => '{"A": 0.015}');
\echo :LAST_ERROR_SQLSTATE
SELECT create_spot_check_task('defaults', '411622', '2025-09-01', '2025-12-31', seed_commitment('x')) AS t6 \gset
SELECT class, ratio, min_ratio, min_sources FROM spot_check_task_class WHERE task_id = :t6 ORDER BY class;
UPDATE spot_check_task_class SET ratio = 0.1 WHERE task_id = :t6 AND class = 'D'; \echo :LAST_ERROR_SQLSTATE
UPDATE spot_check_task_class SET ratio = 0.25 WHERE task_id = :t6 AND class = 'D';
SELECT class, ratio FROM spot_check_task_class WHERE task_id = :t6 AND class = 'D';
-- A measure made stricter after the task was planned: the draw checks again.
SELECT create_spot_check_task('planned early', '411622', '2025-09-01', '2025-12-31', seed_commitment('y'),
                              ratios => '{"C": 0.12}') AS t8 \gset
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio, basis)
VALUES ('411622', 'C', '2025-08-01', 0.15, '西华县 local measure');
SELECT count(*) FROM draw_spot_check(:t8, 'y'); \echo :LAST_ERROR_SQLSTATE
SELECT status FROM spot_check_task WHERE id = :t8;
-- An earlier period: the local measure was not yet in force.
SELECT create_spot_check_task('2024', '411622', '2024-09-01', '2024-12-31', seed_commitment('x'), ratios => '{"A": 0.015}') AS t7 \gset
SELECT class, ratio, min_ratio FROM spot_check_task_class WHERE task_id = :t7 AND class = 'A';

-- Bad input: clear errors, nothing changed.
SELECT create_spot_check_task('scope', '411622', '2025-09-01', '2025-12-31', seed_commitment('x'), scope_divisions => '{411621}');
\echo :LAST_ERROR_SQLSTATE
SELECT create_spot_check_task('scope', '411622', '2025-09-01', '2025-12-31', seed_commitment('x'), scope_divisions => '{999999}');
\echo :LAST_ERROR_SQLSTATE
SELECT create_spot_check_task('r', '411622', '2025-09-01', '2025-12-31', seed_commitment('x'), ratios => '{"E": 0.5}');
\echo :LAST_ERROR_SQLSTATE
SELECT create_spot_check_task('r', '411622', '2025-09-01', '2025-12-31', seed_commitment('x'), ratios => '{"A": "NaN"}');
\echo :LAST_ERROR_SQLSTATE
SELECT create_spot_check_task('r', '411622', '2025-09-01', '2025-12-31', seed_commitment('x'), ratios => '{"A": 1.5}');
\echo :LAST_ERROR_SQLSTATE
SELECT create_spot_check_task('r', '411622', '2025-09-01', '2025-12-31', seed_commitment('x'), ratios => '[0.5]');
\echo :LAST_ERROR_SQLSTATE
SELECT create_spot_check_task('r', '411622', '2025-12-31', '2025-09-01', seed_commitment('x'));
\echo :LAST_ERROR_SQLSTATE
SELECT create_spot_check_task('r', '411622', '2025-09-01', '2025-12-31', '\x00');
\echo :LAST_ERROR_SQLSTATE
SELECT create_spot_check_task('r', '411622', '2025-09-01', '2025-12-31', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT create_spot_check_task('r', '411622', '2025-09-01', '2025-12-31', seed_commitment('x'), inspectors_per_check => 1);
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
SELECT create_spot_check_task('r', '411622', '2025-09-01', '2025-12-31', seed_commitment('x'), industries => '{X99}');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT * FROM draw_spot_check(:t6, 'not the seed');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM draw_spot_check(:t1, 'xihua-2025-09 3f9a1c7e55d0b2a4');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM draw_spot_check(999, 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM draw_spot_check(:t6, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM verify_draw(:t6);
\echo :LAST_ERROR_SQLSTATE
-- The documented plain-SQL derivation (doc/spotcheck.md: sha256 + row_number
-- over the stored snapshot, per class) gives every stored draw, row by row:
-- the C passes (the draw's spot_draw_population, verify_draw's
-- spot_sample_task) agree with it.
WITH ranked AS (
    SELECT p.task_id, p.class, p.division_code, u.uscc,
           row_number() OVER (PARTITION BY p.task_id, p.class
                              ORDER BY sha256(convert_to(t.seed, 'UTF8') || '\x00'::bytea || convert_to(u.uscc::text, 'UTF8')),
                                       u.uscc::text COLLATE "C") AS rank
      FROM spot_check_population p JOIN spot_check_task t ON t.id = p.task_id, unnest(p.usccs) u(uscc)
     WHERE t.status = 'drawn'
), expected AS (
    SELECT r.* FROM ranked r JOIN spot_check_task_class q ON q.task_id = r.task_id AND q.class = r.class
     WHERE r.rank <= q.quota
)
SELECT count(DISTINCT coalesce(e.task_id, d.task_id)) AS drawn_tasks, count(d.uscc) AS drawn,
       count(*) FILTER (WHERE e.uscc IS NULL OR d.uscc IS NULL OR e.division_code <> d.division_code) AS plain_sql_disagreements
  FROM expected e
  FULL JOIN spot_check_draw d ON (d.task_id, d.uscc, d.class, d.rank) = (e.task_id, e.uscc, e.class, e.rank);
SELECT count(*) FROM spot_check_task WHERE name IN ('scope', 'r');
SELECT status FROM spot_check_task WHERE id = :t6;
SELECT spot_sample('s', uscc, -1) FROM enterprise; \echo :LAST_ERROR_SQLSTATE
SELECT spot_sample(NULL, uscc, 1) FROM enterprise; \echo :LAST_ERROR_SQLSTATE
SELECT spot_sample('', uscc, 1) FROM enterprise; \echo :LAST_ERROR_SQLSTATE
SELECT * FROM spot_assign('s', '{}', '{a,b}', '{}', '{}', 1); \echo :LAST_ERROR_SQLSTATE
SELECT * FROM spot_assign('s', '{}', '{a,a}', '{}', '{}', 2); \echo :LAST_ERROR_SQLSTATE
SELECT * FROM spot_assign('s', '{}', '{a,b}', '{}', '{a}', 2); \echo :LAST_ERROR_SQLSTATE
INSERT INTO inspector (certificate_no, name, unit, division_code, competence, active_from)
VALUES ('XH-999', 'x', 'u', '411622', '{Food}', '2020-01-01'); \echo :LAST_ERROR_SQLSTATE

-- A drawn task is a record: it does not change.
UPDATE spot_check_task SET name = 'renamed' WHERE id = :t1; \echo :LAST_ERROR_SQLSTATE
DELETE FROM spot_check_task WHERE id = :t1; \echo :LAST_ERROR_SQLSTATE
UPDATE spot_check_draw SET rank = 99 WHERE task_id = :t1 AND class = 'D' AND rank = 1; \echo :LAST_ERROR_SQLSTATE
DELETE FROM spot_check_assignment WHERE task_id = :t1; \echo :LAST_ERROR_SQLSTATE
UPDATE spot_check_task_class SET ratio = 0.5 WHERE task_id = :t1 AND class = 'D'; \echo :LAST_ERROR_SQLSTATE

-- Outcomes: the spot_check record the indicators read, and the publication
-- deadline: 20 working days (2025-09-26 + 20 = 2025-10-30 over National Day).
SELECT uscc AS d1 FROM spot_check_draw WHERE task_id = :t1 AND class = 'D' AND rank = 1 \gset
SELECT uscc AS d2 FROM spot_check_draw WHERE task_id = :t1 AND class = 'D' AND rank = 2 \gset
SELECT class, rank, check_end, outcome, refused, publication_deadline, publication_deadline_provisional
  FROM record_spot_check_outcome(:t1, :'d1', '2025-09-26', 'rectification_ordered');
SELECT class, rank, outcome, refused, publication_deadline
  FROM record_spot_check_outcome(:t1, :'d2', '2025-10-10', 'pass', refused => true);
SELECT s.uscc = :'d1' AS same_enterprise, s.check_date, s.outcome, s.refused, s.reported_by
  FROM spot_check s JOIN spot_check_draw d ON d.spot_check_id = s.id WHERE d.task_id = :t1 ORDER BY s.check_date;
SELECT * FROM record_spot_check_outcome(:t1, :'d1', '2025-09-26', 'pass'); \echo :LAST_ERROR_SQLSTATE
SELECT * FROM record_spot_check_outcome(:t1, pg_temp.uscc(5001, '411621'), '2025-09-26', 'pass'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
SELECT * FROM record_spot_check_outcome(:t1, (SELECT uscc FROM spot_check_draw WHERE task_id = :t1 AND class = 'D' AND rank = 3), '2025-09-26', 'great'); \echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT * FROM record_spot_check_outcome(:t1, (SELECT uscc FROM spot_check_draw WHERE task_id = :t1 AND class = 'D' AND rank = 3), '2025-08-01', 'pass'); \echo :LAST_ERROR_SQLSTATE
SELECT * FROM record_spot_check_outcome(:t1, :'d1', NULL, 'pass'); \echo :LAST_ERROR_SQLSTATE
SELECT class, inspected, non_compliant FROM spot_check_task_summary WHERE task_id = :t1 AND class = 'D';

-- Licensing window (行政许可重点审查): one enterprise of each class, a food
-- enterprise whose fused class is C, one not yet classified, one unknown.
SELECT pg_temp.ent(7001, '新设企业') IS NOT NULL AS registered;
SELECT n, l.class, l.classified_on, l.domain_classes, l.key_review, l.key_supervision, l.reasons
  FROM unnest('{100,2050,3001,4001,2001,7001}'::int[]) WITH ORDINALITY u(n, o)
 CROSS JOIN LATERAL licensing_review(pg_temp.uscc(n, '411622'), '2025-10-01') l
 ORDER BY o;
SELECT * FROM licensing_review(pg_temp.uscc(100, '411622'), '2025-01-01');
SELECT * FROM licensing_review('91350100M000100Y43', '2025-10-01'); \echo :LAST_ERROR_SQLSTATE
SELECT * FROM licensing_review(NULL, '2025-10-01'); \echo :LAST_ERROR_SQLSTATE

-- Coverage (per division, class, year): strata below the minimum, and
-- A-class enterprises inspected outside any draw (art. 12).
INSERT INTO spot_check (uscc, check_date, outcome, reported_by)
VALUES (pg_temp.uscc(100, '411622'), '2025-08-08', 'problems_found', 'test'),
       (pg_temp.uscc(2099, '411622'), '2025-08-08', 'pass', 'test');
SELECT * FROM spot_check_coverage(2025);
SELECT n, o.division_code, o.check_date, o.outcome, o.class, o.classified_on
  FROM spot_check_outside_draw(2025) o JOIN generate_series(1, 7010) n ON pg_temp.uscc(n, '411622') = o.uscc;
SELECT * FROM spot_check_coverage(1999); \echo :LAST_ERROR_SQLSTATE

-- verify_draw detects a changed sample.  The triggers refuse changes; an
-- owner who switches them off is caught by the re-derivation.
SET session_replication_role = replica;
UPDATE spot_check_draw SET uscc = pg_temp.uscc(1233, '411622') WHERE task_id = :t1 AND class = 'A' AND rank = 13
   AND uscc <> pg_temp.uscc(1233, '411622');
DELETE FROM spot_check_draw WHERE task_id = :t3 AND class = 'A' AND rank = 13;
DELETE FROM spot_check_assignment WHERE task_id = :t4 AND seq = 2
   AND uscc = (SELECT uscc FROM spot_check_draw WHERE task_id = :t4 ORDER BY rank LIMIT 1);
UPDATE spot_check_population SET usccs = usccs[2:], enterprises = enterprises - 1 WHERE task_id = :t2 AND class = 'B';
RESET session_replication_role;
SELECT check_name, ok, detail FROM verify_draw(:t1) WHERE NOT ok;
SELECT check_name, ok, detail FROM verify_draw(:t3) WHERE NOT ok;
SELECT check_name, ok, detail FROM verify_draw(:t4) WHERE NOT ok;
SELECT check_name, ok, detail FROM verify_draw(:t2) WHERE NOT ok;

-- A re-run of a date adds a version: the licensing window and the next draw
-- use the latest version of the latest date.
SELECT pg_temp.pts(3001, '2025-06-30', 80);
SELECT as_of, version, final_classes FROM refresh_classification('2025-06-30');
SELECT class, classified_on, key_review, key_supervision FROM licensing_review(pg_temp.uscc(3001, '411622'), '2025-10-01');
SELECT create_spot_check_task('after the re-run', '411622', '2025-09-01', '2025-12-31', seed_commitment('v2'),
                              exclude_inspected_within => NULL) AS t9 \gset
SELECT class, population, quota FROM draw_spot_check(:t9, 'v2') WHERE class IN ('C', 'D');
SELECT classification_as_of, classification_version FROM spot_check_task WHERE id = :t9;

-- Equal inclusion probability within a stratum (chi-square over many seeds):
-- 2000 seeds draw 5 of the same 20 enterprises; each should be drawn 500
-- times, and come first 100 times.  With 19 degrees of freedom the 0.1%
-- critical value is 43.82 (the seeds are fixed, so the statistic is too).
CREATE TEMP TABLE stratum AS SELECT pg_temp.uscc(n, '411622') AS uscc FROM generate_series(2021, 2040) n;
CREATE TEMP TABLE many AS
SELECT s.seed, x.uscc, x.rank
  FROM (SELECT 'chi-square seed ' || i AS seed FROM generate_series(1, 2000) i) s
 CROSS JOIN LATERAL (SELECT spot_sample(s.seed, st.uscc, 5) AS picked FROM stratum st) p
 CROSS JOIN LATERAL unnest(p.picked) WITH ORDINALITY x(uscc, rank);
SELECT count(*) AS draws, count(DISTINCT seed) AS seeds FROM many;
SELECT round(sum((c.drawn - 500.0) ^ 2 / 500.0)::numeric, 2) AS chi_square_drawn,
       sum((c.drawn - 500.0) ^ 2 / 500.0) < 43.82 AS uniform_drawn, min(c.drawn), max(c.drawn),
       round(sum((c.first - 100.0) ^ 2 / 100.0)::numeric, 2) AS chi_square_first,
       sum((c.first - 100.0) ^ 2 / 100.0) < 43.82 AS uniform_first
  FROM (SELECT st.uscc, count(m.uscc) AS drawn, count(m.uscc) FILTER (WHERE m.rank = 1) AS first
          FROM stratum st LEFT JOIN many m ON m.uscc = st.uscc GROUP BY st.uscc) c;
-- The C sampler and the plain-SQL definition agree for every one of the seeds.
SELECT count(*) AS disagreements
  FROM (SELECT s.seed, st.uscc,
               row_number() OVER (PARTITION BY s.seed ORDER BY sha256(convert_to(s.seed, 'UTF8') || '\x00'::bytea
                                                                       || convert_to(st.uscc::text, 'UTF8'))) AS rank
          FROM (SELECT 'chi-square seed ' || i AS seed FROM generate_series(1, 2000) i) s CROSS JOIN stratum st) e
  FULL JOIN many m ON m.seed = e.seed AND m.uscc = e.uscc
 WHERE (e.rank <= 5 OR m.uscc IS NOT NULL) AND (m.uscc IS NULL OR e.uscc IS NULL OR m.rank <> e.rank);
SELECT spot_key('x', '91350100M000100Y43') = sha256('x'::bytea || '\x00'::bytea || '91350100M000100Y43'::bytea) AS key_is_sha256,
       spot_key(repeat('长种子', 40), '91350100M000100Y43')
         = sha256(convert_to(repeat('长种子', 40), 'UTF8') || '\x00'::bytea || '91350100M000100Y43'::bytea) AS long_seed;

-- spot_sample aggregates in parallel (partial heaps combined) to the same sample.
CREATE TABLE public.spot_par AS SELECT uscc FROM enterprise;
ANALYZE public.spot_par;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT spot_sample('par', uscc, 40) FROM public.spot_par;
SELECT spot_sample('par', uscc, 40)::text AS par FROM public.spot_par \gset
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size; RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT :'par' = (SELECT spot_sample('par', uscc, 40) FROM public.spot_par)::text AS parallel_equals_serial,
       cardinality(:'par'::uscc[]) AS drawn;
RESET max_parallel_workers_per_gather;
DROP TABLE public.spot_par;

-- The portable SHA-256 and the one with the CPU's SHA extensions (where it
-- has them) give the same keys: creditrisk.simd off forces the portable code.
SET creditrisk.simd = off;
SELECT spot_key('x', '91350100M000100Y43') = sha256('x'::bytea || '\x00'::bytea || '91350100M000100Y43'::bytea) AS portable_key_is_sha256,
       spot_key(repeat('长种子', 40), '91350100M000100Y43')
         = sha256(convert_to(repeat('长种子', 40), 'UTF8') || '\x00'::bytea || '91350100M000100Y43'::bytea) AS portable_long_seed;
SELECT count(*) AS portable_disagreements
  FROM creditrisk.spot_sample_task('zk-h', :t4) s
  FULL JOIN (SELECT * FROM spot_check_draw WHERE task_id = :t4) d ON d.uscc = s.uscc AND d.class = s.class AND d.rank = s.rank
 WHERE s.uscc IS NULL OR d.uscc IS NULL;
RESET creditrisk.simd;
-- spot_sample_task re-derives a task's stored sample from its snapshot.
SELECT count(*) AS disagreements
  FROM creditrisk.spot_sample_task('zk-h', :t4) s
  FULL JOIN (SELECT * FROM spot_check_draw WHERE task_id = :t4) d
    ON (d.uscc, d.division_code::text, d.class, d.rank) = (s.uscc, s.division_code, s.class, s.rank)
 WHERE s.uscc IS NULL OR d.uscc IS NULL;
SELECT * FROM creditrisk.spot_sample_task(NULL, :t4); \echo :LAST_ERROR_SQLSTATE

-- Leave a fresh extension behind.
DROP TABLE public.cls_points;
SET client_min_messages = warning;
DROP EXTENSION creditrisk CASCADE;
CREATE EXTENSION creditrisk;
RESET client_min_messages;
