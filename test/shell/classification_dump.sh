#!/usr/bin/env bash
# The classification configuration and history survive pg_dump and restore:
# user rows come back exactly, shipped rows come back once (from CREATE
# EXTENSION), deferred checks (measures, fusion matrices) let the data load,
# and the current views show the restored history's latest run (since 1.6
# they read it; nothing to refresh).  Knowledge
# time survives too: recorded_at, the register's valid time, every *_history
# table, and a restored database reproduces a run from its known_at.
# Output: TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."

src=creditrisk_cls_dump_src
dst=creditrisk_cls_dump_dst
dump=$(mktemp)
trap 'rm -f "$dump"; dropdb --if-exists $src >/dev/null 2>&1; dropdb --if-exists $dst >/dev/null 2>&1' EXIT

. test/shell/lib/tap.bash

tables="model_activation supervision_measure fusion_rule fusion_matrix high_concern_industry override_rule
        classification_run classification_result classification_domain_result
        enterprise enterprise_history judgment_debtor_listing judgment_debtor_listing_history override_rule_history"
echo "1..$(( $(echo $tables | wc -w) + 6 ))"
dropdb --if-exists $src >/dev/null 2>&1; dropdb --if-exists $dst >/dev/null 2>&1
createdb $src && createdb $dst
psql -X -q -v ON_ERROR_STOP=1 -d $src >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION creditrisk;
\i sql/include/units.psql
SET search_path = creditrisk;
SELECT model_copy('reference-v1', 'dump-cls');
SELECT model_publish('dump-cls');
INSERT INTO model_activation (effective_from, model_key, note) VALUES ('2025-01-01', 'dump-cls', 'ours');
INSERT INTO enterprise (uscc, name, division_code, industry_code, entity_type, established_date, reported_by)
VALUES ('91411622MA40000A13', '西华县示例食品有限公司', '411622', 'C2710', 3, '2015-03-02', 'u'),
       ('91411622MA40000B27', '西华县示例餐饮店', '411622', 'H6210', 6, '2019-07-15', 'u');
INSERT INTO judgment_debtor_listing (uscc, listed_date, reported_by) VALUES ('91411622MA40000B27', '2025-05-01', 'court');
INSERT INTO domain_risk_class (uscc, domain, class, assessed_date, reported_by)
VALUES ('91411622MA40000A13', 'drugs', 'B', '2025-06-01', 'u'), ('91411622MA40000B27', 'food', 'C', '2025-06-01', 'u');
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio) VALUES ('411622', 'A', '2025-01-01', 0.02);
-- the county row first, the city row it must not be looser than after it
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio) VALUES ('411622', 'B', '2025-02-01', 0.05);
INSERT INTO supervision_measure (division_code, class, effective_from, min_spot_check_ratio) VALUES ('411600', 'B', '2025-01-01', 0.04);
BEGIN;
INSERT INTO fusion_rule (domain, method, name) VALUES ('drugs', 'matrix', '药品');
INSERT INTO fusion_matrix SELECT 'drugs', g, p, greatest(g, p) FROM unnest('{A,B,C,D}'::riskclass[]) g, unnest('{A,B,C,D}'::riskclass[]) p;
COMMIT;
INSERT INTO high_concern_industry (industry_prefix, effective_from, class, name) VALUES ('C27', '2024-01-01', 'C', '医药制造业');
INSERT INTO override_rule (code, name, rule_sql)
VALUES ('ours', '本地规则', $$SELECT e.uscc, 'C' AS class FROM creditrisk.enterprise e WHERE e.industry_code = 'H6210'$$);
SELECT refresh_classification('2025-11-30');
-- later: a move from December, a late removal, a changed rule
UPDATE enterprise SET division_code = '411621', valid_from = '2025-12-01' WHERE uscc = '91411622MA40000B27';
UPDATE judgment_debtor_listing SET removed_date = '2025-11-15';
UPDATE override_rule SET rule_sql = $$SELECT e.uscc, 'D' AS class FROM creditrisk.register_at($1, $2) e WHERE e.industry_code = 'H6210'$$
 WHERE code = 'ours';
SELECT refresh_classification('2025-12-31');
SQL

pg_dump -d $src > "$dump" 2>/dev/null
restore_out=$(psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d $dst -f "$dump" 2>&1)
restore_status=$?
check "the dump restores without error" "$restore_status" "0"
[ "$restore_status" -eq 0 ] || echo "$restore_out" | sed 's/^/# /' | head -10

for t in $tables; do
    rows="SELECT count(*) || ' ' || md5(string_agg(x::text, ',' ORDER BY x::text)) FROM creditrisk.$t x"
    check "$t comes back exactly" "$(q $dst "$rows")" "$(q $src "$rows")"
done

status="SELECT concat_ws(' ', latest_run, run_rows, current_rows, up_to_date, hint IS NOT NULL) FROM creditrisk.classification_current_status()"
check "after the restore the current views show the latest run at once (they read the history), and say so" \
      "$(q $dst "$status")" "2025-12-31 2 2 t f"
q $dst "SELECT creditrisk.refresh_current_views()" >/dev/null
check "the old restore recipe's refresh_current_views() still runs (a no-op) and changes nothing" "$(q $dst "$status")" "2025-12-31 2 2 t f"
cur="SELECT string_agg(x::text, ',' ORDER BY x::text) FROM creditrisk.classification_current x"
check "the current classification is the source's" "$(q $dst "$cur")" "$(q $src "$cur")"
reproduce="SELECT count(*) FROM (SELECT uscc, division_code, score, final_class, overrides FROM creditrisk.classification_result
                                     WHERE as_of = '2025-11-30' AND version = 1
                                    EXCEPT SELECT uscc, division_code, score, final_class, overrides FROM creditrisk.classification_result
                                     WHERE as_of = '2025-11-30' AND version = 2) d"
q $dst "SELECT version FROM creditrisk.refresh_classification('2025-11-30', NULL,
          (SELECT known_at FROM creditrisk.classification_run WHERE as_of = '2025-11-30' AND version = 1))" >/dev/null
check "the restored database reproduces the November run from its knowledge time" \
      "$(q $dst "$reproduce") $(q $dst "SELECT count(*) FROM creditrisk.classification_result WHERE as_of = '2025-11-30' AND version = 2")" "0 2"
check "the restored database runs the next month" \
      "$(q $dst "SELECT model_key || ' ' || enterprises FROM creditrisk.refresh_classification('2026-01-31')" 2>&1 | tail -1)" "dump-cls 2"
