-- Working days (工作日): the shipped State Council schedules 2022-2026 and
-- the counting functions.  Every date here is fixed: nothing depends on
-- the clock.
SET search_path = creditrisk, public;
SET datestyle = ISO;

-- The shipped schedules: off days and adjusted working days per notice.
SELECT notice_year, count(*) FILTER (WHERE kind = 'off') AS off_days,
       count(*) FILTER (WHERE kind = 'work') AS adjusted_working_days
  FROM calendar_day GROUP BY notice_year ORDER BY notice_year;

-- The worked examples of DOMAIN.md section 3.
SELECT d, n, add_working_days(d::date, n) AS deadline, expected,
       add_working_days(d::date, n) = expected::date AS ok
  FROM (VALUES ('2025-09-26', 20, '2025-10-30'),   -- across National Day (国庆)
               ('2026-02-12',  7, '2026-02-28'),   -- across Spring Festival (春节), ends on an adjusted Saturday
               ('2025-01-24',  7, '2025-02-10'),
               ('2024-12-31',  5, '2025-01-08'))   -- across New Year (元旦) and a year boundary
       AS t(d, n, expected)
 ORDER BY d;

-- Working days in a year: 248 in 2025 and in 2026.
SELECT y, working_days_between(make_date(y - 1, 12, 31), make_date(y, 12, 31)) AS working_days
  FROM generate_series(2022, 2026) y ORDER BY y;

-- Days of the 2025 National Day holiday and the adjusted working days around it.
SELECT d::date, to_char(d, 'Dy') AS dow, is_working_day(d::date)
  FROM generate_series('2025-09-27'::date, '2025-10-12', '1 day') d ORDER BY d;

-- n = 0 gives the same day, even a holiday; the start day is not counted.
SELECT add_working_days('2025-10-01', 0) AS same_holiday,
       add_working_days('2025-09-30', 1) AS next_after_holiday,
       add_working_days('2025-10-01', 1) AS first_after_holiday_start;

-- Negative counts go backwards; working_days_between is the inverse.
SELECT add_working_days('2025-10-09', -1) AS one_before,
       add_working_days('2025-10-09', -3) AS three_before,
       working_days_between('2025-10-09', '2025-09-26') AS back,
       add_working_days('2025-10-09', working_days_between('2025-10-09', '2025-09-26')) AS round_trip;

-- add_working_days(a, working_days_between(a, b)) = b for every working day b
-- within two years of a few start days, forwards and backwards.
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE add_working_days(a, working_days_between(a, b)) <> b) AS mismatches
  FROM (VALUES ('2024-02-08'::date), ('2025-04-30'), ('2026-09-30'), ('2027-12-31')) s(a),
       LATERAL (SELECT g::date AS b FROM generate_series(a - 400, a + 400, '1 day') g) x
 WHERE is_working_day(b);

-- Counted one day at a time, the same as the running count.
SELECT count(*) AS days,
       count(*) FILTER (WHERE working_days_between('2021-06-30', d::date) <>
                              (SELECT count(*) FROM generate_series('2021-07-01'::date, d::date, '1 day') g
                                WHERE is_working_day(g::date))) AS mismatches
  FROM generate_series('2021-07-01'::date, '2028-01-10', '9 day') d;

-- A year without a loaded schedule (2027 here): weekends and the fixed-date
-- statutory holidays only, and the answers are provisional.
SELECT d::date, is_working_day(d::date), is_provisional(d::date)
  FROM (VALUES ('2027-01-01'), ('2027-05-03'), ('2027-05-04'), ('2027-10-01'), ('2027-10-04'), ('2026-10-08'), ('2026-10-10')) t(d)
 ORDER BY d;
SELECT add_working_days('2027-04-29', 2) AS over_may_day,
       is_provisional('2026-12-28', add_working_days('2026-12-28', 7)) AS provisional_deadline,
       is_provisional('2026-09-28', add_working_days('2026-09-28', 7)) AS firm_deadline;

-- A bureau loads the 2027 schedule with one statement; 2027 is then firm.
INSERT INTO calendar_day (day, kind, holiday, notice_year, notice_url) VALUES
    ('2027-01-01', 'off', '元旦', 2027, 'test'), ('2027-05-01', 'off', '劳动节', 2027, 'test'),
    ('2027-05-02', 'off', '劳动节', 2027, 'test'), ('2027-05-03', 'off', '劳动节', 2027, 'test'),
    ('2027-05-04', 'off', '劳动节', 2027, 'test'), ('2027-05-05', 'off', '劳动节', 2027, 'test'),
    ('2027-05-08', 'work', '劳动节', 2027, 'test');
SELECT add_working_days('2027-04-29', 2) AS over_may_day, is_working_day('2027-05-08') AS adjusted_saturday,
       is_provisional('2027-05-04'::date) AS provisional;

-- Bad input: clear errors, nothing changed.
SELECT add_working_days('infinity', 3); \echo :LAST_ERROR_SQLSTATE
SELECT working_days_between('2025-01-01', '-infinity'); \echo :LAST_ERROR_SQLSTATE
SELECT add_working_days('2025-01-01', 2000000000); \echo :LAST_ERROR_SQLSTATE
INSERT INTO calendar_day (day, kind, holiday, notice_year) VALUES ('2027-06-02', 'work', '端午节', 2027); \echo :LAST_ERROR_SQLSTATE
INSERT INTO calendar_day (day, kind, holiday, notice_year) VALUES ('2029-06-02', 'off', '端午节', 2027); \echo :LAST_ERROR_SQLSTATE
INSERT INTO calendar_day (day, kind, holiday, notice_year) VALUES ('infinity', 'off', '端午节', 2027); \echo :LAST_ERROR_SQLSTATE
UPDATE calendar_day SET kind = 'work' WHERE day = '2025-10-01'; \echo :LAST_ERROR_SQLSTATE
DELETE FROM calendar_day WHERE day = '2025-10-01'; \echo :LAST_ERROR_SQLSTATE
INSERT INTO calendar_day (day, kind, holiday, notice_year, shipped) VALUES ('2027-06-14', 'off', '端午节', 2027, true); \echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS rows, count(*) FILTER (WHERE shipped) AS shipped FROM calendar_day;
DELETE FROM calendar_day WHERE NOT shipped;
