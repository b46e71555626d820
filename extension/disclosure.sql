-- ===========================================================================
-- 双公示 (public disclosure of licences and penalties, issue 14; since 1.5):
-- the duty of every reporting unit to report each licensing and penalty
-- decision to the city's credit platform within 7 working days of the
-- decision, and to withdraw a reported decision within 3 working days of its
-- revocation (/work/shared/DOMAIN.md §3; the seed work plan, items 二 and
-- 十二: compliance and timeliness at 100 %, no late, missing or concealed
-- report).  Deadlines are counted with the working-day calendar
-- (calendar.sql): the decision day is not counted, the deadline is the N-th
-- working day after it.
--
--   disclosure_cases(from, to, as_of)       every decision of the period with
--                                           its deadline and status
--   disclosure_compliance(from, to, as_of)  per reporting unit: decisions, on
--                                           time, late, overdue, rates
--   unit_evaluation(from, to, as_of)        per reporting unit, for the
--                                           county's evaluation (item 十二):
--                                           quantity, timeliness, completeness
--
-- All run with the caller's rights: row-level security scopes them like
-- everything else (a county analyst sees its county's decisions).  as_of is
-- the day the duties are judged on (a report made after it does not count
-- yet), so that a past evaluation can be repeated.
-- ===========================================================================

CREATE FUNCTION creditrisk.disclosure_cases(period_from date, period_to date, as_of date DEFAULT current_date,
                                            report_days integer DEFAULT 7, withdrawal_days integer DEFAULT 3)
RETURNS TABLE (reported_by text, record_kind text, record_id bigint, uscc creditrisk.uscc, decision_number text,
               decision_date date, due date, platform_reported_on date, published_on date, status text,
               working_days_late integer, revoked_on date, withdrawal_due date, withdrawn_on date,
               withdrawal_status text, withdrawal_working_days_late integer, provisional boolean)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
    SELECT x.reported_by, x.record_kind, x.record_id, x.uscc, x.decision_number, x.decision_date, x.due,
           x.reported, x.published,
           CASE WHEN x.reported <= x.due THEN 'on_time'
                WHEN x.reported IS NOT NULL THEN 'late'
                WHEN disclosure_cases.as_of > x.due THEN 'overdue'
                ELSE 'pending' END,
           CASE WHEN x.reported > x.due THEN creditrisk.working_days_between(x.due, x.reported)
                WHEN x.reported IS NULL AND disclosure_cases.as_of > x.due
                THEN creditrisk.working_days_between(x.due, disclosure_cases.as_of)
                ELSE 0 END,
           x.revoked, x.wdue, x.withdrawn,
           CASE WHEN x.wdue IS NULL THEN NULL
                WHEN x.withdrawn <= x.wdue THEN 'on_time'
                WHEN x.withdrawn IS NOT NULL THEN 'late'
                WHEN disclosure_cases.as_of > x.wdue THEN 'overdue'
                ELSE 'pending' END,
           CASE WHEN x.wdue IS NULL THEN NULL
                WHEN x.withdrawn > x.wdue THEN creditrisk.working_days_between(x.wdue, x.withdrawn)
                WHEN x.withdrawn IS NULL AND disclosure_cases.as_of > x.wdue
                THEN creditrisk.working_days_between(x.wdue, disclosure_cases.as_of)
                ELSE 0 END,
           creditrisk.is_provisional(x.decision_date, greatest(x.due, x.wdue))
      FROM (SELECT d.*, creditrisk.add_working_days(d.decision_date, disclosure_cases.report_days) AS due,
                   -- a reported decision that is revoked is withdrawn within the
                   -- withdrawal days of the later of revocation and report
                   CASE WHEN d.revoked IS NOT NULL AND d.reported IS NOT NULL
                        THEN creditrisk.add_working_days(greatest(d.revoked, d.reported), disclosure_cases.withdrawal_days)
                   END AS wdue
              FROM (SELECT l.reported_by, 'licence'::text AS record_kind, l.id AS record_id, l.uscc,
                           l.licence_number AS decision_number, l.decision_date,
                           CASE WHEN l.platform_reported_on <= disclosure_cases.as_of THEN l.platform_reported_on END AS reported,
                           CASE WHEN l.published_on <= disclosure_cases.as_of THEN l.published_on END AS published,
                           CASE WHEN l.revoked_date <= disclosure_cases.as_of THEN l.revoked_date END AS revoked,
                           CASE WHEN l.withdrawn_on <= disclosure_cases.as_of THEN l.withdrawn_on END AS withdrawn
                      FROM creditrisk.licence l
                     WHERE l.decision_date >= disclosure_cases.period_from AND l.decision_date <= disclosure_cases.period_to
                       AND l.decision_date <= disclosure_cases.as_of
                    UNION ALL
                    SELECT p.reported_by, 'penalty', p.id, p.uscc, p.decision_number, p.decision_date,
                           CASE WHEN p.platform_reported_on <= disclosure_cases.as_of THEN p.platform_reported_on END,
                           CASE WHEN p.published_on <= disclosure_cases.as_of THEN p.published_on END,
                           CASE WHEN p.revoked_on <= disclosure_cases.as_of THEN p.revoked_on END,
                           CASE WHEN p.withdrawn_on <= disclosure_cases.as_of THEN p.withdrawn_on END
                      FROM creditrisk.penalty p
                     WHERE p.decision_date >= disclosure_cases.period_from AND p.decision_date <= disclosure_cases.period_to
                       AND p.decision_date <= disclosure_cases.as_of) d) x
$fn$;
COMMENT ON FUNCTION creditrisk.disclosure_cases(date, date, date, integer, integer) IS
    '双公示 cases: every licensing and penalty decision dated in [period_from, period_to] (and by as_of) with its reporting unit, deadline (report_days working days after the decision, 7 by default), the day it was reported to the credit platform and published (as known on as_of), status on as_of (on_time, late, overdue = not reported and past the deadline, pending = not reported, not yet due) and working days late; for a reported decision later revoked, the withdrawal deadline (withdrawal_days, 3 by default, after the later of revocation and report) and its status; provisional when a year without a loaded holiday schedule is involved. Scoped by row-level security';

CREATE FUNCTION creditrisk.disclosure_compliance(period_from date, period_to date, as_of date DEFAULT current_date)
RETURNS TABLE (reported_by text, unit_name text, division_code text, decisions bigint, due bigint, on_time bigint,
               late bigint, overdue bigint, pending bigint, max_working_days_late integer,
               compliance_rate numeric, timeliness_rate numeric, revoked bigint, withdrawn_on_time bigint,
               withdrawn_late bigint, withdrawal_overdue bigint, provisional boolean)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
    SELECT c.reported_by, u.name, u.division_code::text,
           count(*), count(*) FILTER (WHERE c.status <> 'pending'),
           count(*) FILTER (WHERE c.status = 'on_time'), count(*) FILTER (WHERE c.status = 'late'),
           count(*) FILTER (WHERE c.status = 'overdue'), count(*) FILTER (WHERE c.status = 'pending'),
           coalesce(max(c.working_days_late), 0),
           round(count(*) FILTER (WHERE c.status IN ('on_time', 'late'))::numeric
                 / nullif(count(*) FILTER (WHERE c.status <> 'pending'), 0), 4),
           round(count(*) FILTER (WHERE c.status = 'on_time')::numeric
                 / nullif(count(*) FILTER (WHERE c.status <> 'pending'), 0), 4),
           count(*) FILTER (WHERE c.withdrawal_status IS NOT NULL),
           count(*) FILTER (WHERE c.withdrawal_status = 'on_time'),
           count(*) FILTER (WHERE c.withdrawal_status = 'late'),
           count(*) FILTER (WHERE c.withdrawal_status = 'overdue'),
           bool_or(c.provisional)
      FROM creditrisk.disclosure_cases(disclosure_compliance.period_from, disclosure_compliance.period_to,
                                       disclosure_compliance.as_of) c
      LEFT JOIN creditrisk.reporting_unit u ON u.code = c.reported_by
     GROUP BY c.reported_by, u.name, u.division_code
$fn$;
COMMENT ON FUNCTION creditrisk.disclosure_compliance(date, date, date) IS
    '双公示 compliance per reporting unit (报送单位) for the decisions of [period_from, period_to], judged on as_of: decisions, those due, reported on time (7 working days), late (and the most working days late), overdue (not reported, past the deadline), pending; compliance rate (reported / due, 合规率) and timeliness rate (on time / due, 及时率), NULL when none is due; revoked decisions and their withdrawals (3 working days). Below 100 %, creditrisk.disclosure_cases() lists every case. Scoped by row-level security';

CREATE FUNCTION creditrisk.unit_evaluation(period_from date, period_to date, as_of date DEFAULT current_date)
RETURNS TABLE (reported_by text, unit_name text, division_code text, records bigint, decisions bigint,
               timeliness_rate numeric, compliance_rate numeric, complete bigint, completeness_rate numeric,
               incomplete_fields bigint, withdrawn_in_error bigint, late_or_missing bigint, meets_targets boolean)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
    WITH rec AS (
        -- quantity: every record the unit reported, dated in the period
        SELECT r.reported_by, count(*) AS n
          FROM (SELECT x.reported_by FROM creditrisk.licence x
                 WHERE coalesce(x.decision_date, x.valid_from) BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.penalty x WHERE x.decision_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.spot_check x WHERE x.check_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.complaint x WHERE x.received_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.abnormal_listing x WHERE x.listed_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.serious_dishonesty_listing x WHERE x.listed_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.judgment_debtor_listing x WHERE x.listed_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.annual_report x WHERE x.filed_on BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.registration_change x WHERE x.change_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.equity_pledge_freeze x WHERE x.start_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.lawsuit x WHERE x.filed_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.public_opinion x WHERE x.published_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.domain_risk_class x WHERE x.assessed_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.enforcement x WHERE x.decision_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.confirmation x WHERE x.confirmed_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to
                UNION ALL SELECT x.reported_by FROM creditrisk.reward x WHERE x.award_date BETWEEN unit_evaluation.period_from AND unit_evaluation.period_to) r
         GROUP BY r.reported_by
    ), dec AS (
        -- completeness of each decision: what the duty requires by as_of is
        -- there (reported once due, published once reported, a licence's
        -- kind), and it was not withdrawn without a revocation (an
        -- erroneous report)
        SELECT c.*,
               (CASE WHEN c.status IN ('overdue') THEN 1 ELSE 0 END
                + CASE WHEN c.platform_reported_on IS NOT NULL AND c.published_on IS NULL THEN 1 ELSE 0 END
                + CASE WHEN c.record_kind = 'licence'
                            AND EXISTS (SELECT 1 FROM creditrisk.licence l WHERE l.id = c.record_id AND l.kind = '')
                       THEN 1 ELSE 0 END) AS missing,
               c.withdrawn_on IS NOT NULL AND c.revoked_on IS NULL AS in_error
          FROM creditrisk.disclosure_cases(unit_evaluation.period_from, unit_evaluation.period_to, unit_evaluation.as_of) c
    ), units AS (
        SELECT rec.reported_by FROM rec UNION SELECT dec.reported_by FROM dec
    )
    SELECT n.reported_by, u.name, u.division_code::text, coalesce(rec.n, 0),
           count(d.record_id),
           round(count(*) FILTER (WHERE d.status = 'on_time')::numeric
                 / nullif(count(*) FILTER (WHERE d.status IN ('on_time', 'late', 'overdue')), 0), 4),
           round(count(*) FILTER (WHERE d.status IN ('on_time', 'late'))::numeric
                 / nullif(count(*) FILTER (WHERE d.status IN ('on_time', 'late', 'overdue')), 0), 4),
           count(*) FILTER (WHERE d.missing = 0 AND NOT d.in_error),
           round(count(*) FILTER (WHERE d.missing = 0 AND NOT d.in_error)::numeric / nullif(count(d.record_id), 0), 4),
           coalesce(sum(d.missing), 0)::bigint,
           count(*) FILTER (WHERE d.in_error),
           count(*) FILTER (WHERE d.status IN ('late', 'overdue') OR d.withdrawal_status IN ('late', 'overdue')),
           count(*) FILTER (WHERE d.status IN ('late', 'overdue') OR d.withdrawal_status IN ('late', 'overdue')
                                  OR d.missing > 0 OR d.in_error) = 0
      FROM units n
      LEFT JOIN rec ON rec.reported_by = n.reported_by
      LEFT JOIN dec d ON d.reported_by = n.reported_by
      LEFT JOIN creditrisk.reporting_unit u ON u.code = n.reported_by
     GROUP BY n.reported_by, u.name, u.division_code, rec.n
$fn$;
COMMENT ON FUNCTION creditrisk.unit_evaluation(date, date, date) IS
    'The county''s evaluation of each reporting unit (报送单位考核, work plan item 十二) over [period_from, period_to], judged on as_of: quantity (records of every kind it reported, dated in the period), its 双公示 decisions, timeliness and compliance rates, completeness (decisions with every required field present by as_of — reported once due, published once reported, a licence''s kind — and not withdrawn without a revocation), the fields missing, the erroneous reports withdrawn, the decisions late or missing, and whether it meets the targets (all 100 %). Scoped by row-level security';

REVOKE ALL ON FUNCTION creditrisk.disclosure_cases(date, date, date, integer, integer),
                       creditrisk.disclosure_compliance(date, date, date),
                       creditrisk.unit_evaluation(date, date, date) FROM PUBLIC;
