// bench/duckdb/sub16.mjs DIR AS_OF AS_OF_MINUS_1Y AS_OF_MINUS_3Y RUNS
//
// The 16-indicator sub-model of bench/compute (the 6 registration-change and
// 10 penalty indicators of reference-v1) computed by DuckDB, in memory, on
// the data that bench/compute/run exported from PostgreSQL into DIR:
//   register.csv             uscc, established_date, status, status_date
//                            (register_at(AS_OF): the version valid that day)
//   penalty.csv              uscc, decision_date, severity, fine_amount,
//                            publicity_end_date, field
//   registration_change.csv  uscc, change_date, kind
//   c.csv                    uscc and the C engine's 16 values (checked against)
// Prints one JSON object: DuckDB's version, the import time, the best of RUNS
// times of the computation (CREATE TABLE AS: every value materialised, as the
// C engine's rows are) on 1 and on 2 threads, and the comparison with c.csv.
// The window dates come from PostgreSQL ((D - interval 'N')::date), so that
// both sides use the same days.
import { DuckDBInstance } from '@duckdb/node-api';
import { performance } from 'node:perf_hooks';

const [dir, D, D1, D3, runsArg] = process.argv.slice(2);
if (!dir || !/^\d{4}-\d{2}-\d{2}$/.test(D ?? '') || !/^\d{4}-\d{2}-\d{2}$/.test(D1 ?? '') || !/^\d{4}-\d{2}-\d{2}$/.test(D3 ?? '')) {
    console.error('usage: node sub16.mjs DIR AS_OF AS_OF_MINUS_1Y AS_OF_MINUS_3Y [RUNS]');
    process.exit(2);
}
const runs = Number(runsArg ?? 3);
const lit = (s) => `'${s.replace(/'/g, "''")}'`;
const csv = (f) => lit(`${dir}/${f}`);

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const one = async (sql) => (await con.runAndReadAll(sql)).getRows()[0];
const timed = async (sql) => { const t = performance.now(); await con.run(sql); return performance.now() - t; };

const version = (await one('SELECT version()'))[0];

// Import: the CSV files into typed tables.
const importMs = {};
importMs.register = await timed(`CREATE TABLE register AS SELECT * FROM read_csv(${csv('register.csv')}, header = true,
    columns = {'uscc': 'VARCHAR', 'established_date': 'DATE', 'status': 'VARCHAR', 'status_date': 'DATE'})`);
importMs.penalty = await timed(`CREATE TABLE penalty AS SELECT * FROM read_csv(${csv('penalty.csv')}, header = true,
    columns = {'uscc': 'VARCHAR', 'decision_date': 'DATE', 'severity': 'VARCHAR', 'fine_amount': 'DECIMAL(16,4)',
               'publicity_end_date': 'DATE', 'field': 'VARCHAR'})`);
importMs.registration_change = await timed(`CREATE TABLE registration_change AS SELECT * FROM read_csv(${csv('registration_change.csv')},
    header = true, columns = {'uscc': 'VARCHAR', 'change_date': 'DATE', 'kind': 'VARCHAR'})`);
const rows = {};
for (const t of ['register', 'penalty', 'registration_change']) rows[t] = Number((await one(`SELECT count(*) FROM ${t}`))[0]);

// The sub-model, as the set-based SQL of creditrisk.indicators_set_sql('sub16'): one grouped pass per table.
const d = `DATE ${lit(D)}`, d1 = `DATE ${lit(D1)}`, d3 = `DATE ${lit(D3)}`;
const query = `
WITH chg AS (
    SELECT uscc,
           count(*) FILTER (WHERE kind = 'legal_representative' AND change_date > ${d1}) AS legal_rep_1y,
           sum(n) FILTER (WHERE kind = 'name' AND change_date > ${d1}) AS name_1y,
           sum(n) FILTER (WHERE kind = 'address' AND change_date > ${d1}) AS address_1y,
           sum(n) FILTER (WHERE kind = 'scope' AND change_date > ${d1}) AS scope_1y,
           sum(n) FILTER (WHERE kind = 'capital' AND change_date > ${d1}) AS capital_1y,
           sum(n) AS total_3y
      FROM (SELECT uscc, kind, change_date, count(*) AS n
              FROM registration_change
             WHERE change_date > ${d3} AND change_date <= ${d}
             GROUP BY uscc, kind, change_date) c
     GROUP BY uscc),
pen AS (
    SELECT uscc,
           count(*) FILTER (WHERE decision_date > ${d1}) AS n_1y,
           count(*) FILTER (WHERE decision_date > ${d3}) AS n_3y,
           count(*) FILTER (WHERE publicity_end_date > ${d}) AS in_publicity,
           max(CASE severity WHEN 'minor' THEN 1 WHEN 'general' THEN 2 WHEN 'serious' THEN 3 END)
               FILTER (WHERE decision_date > ${d3}) AS max_severity_3y,
           count(*) FILTER (WHERE severity = 'serious' AND decision_date > ${d3}) AS serious_3y,
           count(*) FILTER (WHERE severity = 'general' AND decision_date > ${d3}) AS general_3y,
           sum(fine_amount) FILTER (WHERE decision_date > ${d3}) AS fines_3y,
           count(*) FILTER (WHERE field IN ('food', 'drugs', 'special_equipment') AND decision_date > ${d1}) AS key_field_1y,
           count(*) FILTER (WHERE field IN ('food', 'drugs', 'special_equipment') AND decision_date > ${d3}) AS key_field_3y,
           count(*) FILTER (WHERE field IN ('food', 'drugs', 'special_equipment') AND severity = 'serious'
                              AND decision_date > ${d3}) AS key_field_serious_3y
      FROM penalty
     WHERE decision_date <= ${d}
     GROUP BY uscc)
SELECT e.uscc,
       coalesce(chg.legal_rep_1y, 0)::DOUBLE AS v1, coalesce(chg.name_1y, 0)::DOUBLE AS v2,
       coalesce(chg.address_1y, 0)::DOUBLE AS v3, coalesce(chg.scope_1y, 0)::DOUBLE AS v4,
       coalesce(chg.capital_1y, 0)::DOUBLE AS v5, coalesce(chg.total_3y, 0)::DOUBLE AS v6,
       coalesce(pen.n_1y, 0)::DOUBLE AS v7, coalesce(pen.n_3y, 0)::DOUBLE AS v8,
       coalesce(pen.in_publicity, 0)::DOUBLE AS v9, coalesce(pen.max_severity_3y, 0)::DOUBLE AS v10,
       coalesce(pen.serious_3y, 0)::DOUBLE AS v11, coalesce(pen.general_3y, 0)::DOUBLE AS v12,
       coalesce(pen.fines_3y, 0)::DOUBLE AS v13, coalesce(pen.key_field_1y, 0)::DOUBLE AS v14,
       coalesce(pen.key_field_3y, 0)::DOUBLE AS v15, coalesce(pen.key_field_serious_3y, 0)::DOUBLE AS v16
  FROM register e
  LEFT JOIN chg ON chg.uscc = e.uscc
  LEFT JOIN pen ON pen.uscc = e.uscc
 WHERE e.established_date <= ${d} AND NOT (e.status = 'cancelled' AND e.status_date <= ${d})`;

const timing = {};
for (const threads of [1, 2]) {
    await con.run(`SET threads = ${threads}`);
    const times = [];
    for (let i = 0; i < runs; i++) times.push(await timed(`CREATE OR REPLACE TABLE res AS ${query}`));
    timing[threads] = { best_ms: Math.min(...times), all_ms: times };
}

// Equality with the C engine, value by value (IS DISTINCT FROM: NULL = NULL).
await con.run(`CREATE TABLE c AS SELECT * FROM read_csv(${csv('c.csv')}, header = true, columns = {'uscc': 'VARCHAR',
    ${Array.from({ length: 16 }, (_, i) => `'v${i + 1}': 'DOUBLE'`).join(', ')}})`);
const differ = Array.from({ length: 16 }, (_, i) => `c.v${i + 1} IS DISTINCT FROM r.v${i + 1}`).join(' OR ');
const [enterprises, oneSide, differences] = (await one(`SELECT count(*), count(*) FILTER (WHERE c.uscc IS NULL OR r.uscc IS NULL),
    count(*) FILTER (WHERE ${differ}) FROM c FULL JOIN res r ON r.uscc = c.uscc`)).map(Number);

console.log(JSON.stringify({ version, rows, import_ms: importMs, threads: timing,
                             check: { enterprises, on_one_side_only: oneSide, differences } }));
