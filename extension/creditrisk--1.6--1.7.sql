-- creditrisk 1.6 -> 1.7 (hand-written; frozen once released)
--
-- One section per concern, each under its own marker.  Each section turns a
-- 1.6 catalog into 1.7 for its concern; the install sources (extension/*.sql)
-- hold the current definitions, and sql/upgrade.sql proves that the chain
-- 1.0 -> ... -> 1.7 gives the same catalog as a fresh install.

\echo Use "ALTER EXTENSION creditrisk UPDATE TO '1.7'" to load this file. \quit

-- ===========================================================================
-- Monthly run cost (issue 16)
-- ===========================================================================
-- indicators_set_sql(): the listings and the penalties' publicity end where
-- creditrisk.record_end() ends them (an approved credit repair, the maximum
-- term of a serious-dishonesty listing), as the C engine and the definitions
-- do: one grouped pass over record_ends() (s_cut), joined to the abnormal
-- and serious-dishonesty listings and the penalties.
CREATE OR REPLACE FUNCTION creditrisk.indicators_set_sql(model text) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    -- the last annual-report year due on $1 (its deadline, 30 June of the
    -- next year, is before $1), as in the definitions
    due CONSTANT text := $s$(CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30) THEN extract(year FROM $1)::int - 1 ELSE extract(year FROM $1)::int - 2 END)$s$;
    est CONSTANT text := 'extract(year FROM e.established_date)::int';
    missing text;
    body text;
    ctes text;
    joins text;
    unformed text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = model) THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;
    SELECT string_agg(mi.code, ', ' ORDER BY mi.position) INTO missing
      FROM creditrisk.model_indicator mi JOIN creditrisk.indicator i USING (code)
     WHERE mi.model_key = model AND NOT i.builtin AND i.definition_sql IS NULL;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'model "%" uses indicators without an SQL definition', model
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Without a definition: %s.', missing),
                  HINT = 'Set creditrisk.indicator.definition_sql, or load their values into creditrisk.indicator_value and score those.';
    END IF;

    -- The passes: a CTE (one grouped scan, FILTER aggregates) and/or the
    -- joins that bring it to the register row e.  deps: CTEs it reads.  In
    -- dependency order.
    WITH RECURSIVE pass (ord, name, deps, cte, joins) AS (VALUES
    (1, 'pe', '{}'::text[], NULL::text,
     'LEFT JOIN creditrisk.register_at($1, $2) pe ON pe.uscc = e.parent_uscc'),
    -- the effective end of a listing or a penalty's publicity, as
    -- creditrisk.record_end() gives it: the earliest of its recorded end,
    -- an approved credit repair and a maximum term (record_ends(), what the
    -- C engine reads); least() ignores a missing cut
    (1, 'cut', '{}', $c$s_cut AS (
    SELECT c.kind, c.record_id, min(c.end_date) AS end_date
      FROM creditrisk.record_ends($2) c
     GROUP BY c.kind, c.record_id)$c$, NULL),
    (2, 'br', '{}', $c$s_br AS (
    SELECT b.parent_uscc AS uscc, count(*) AS n
      FROM creditrisk.register_at($1, $2) b
     WHERE b.parent_uscc IS NOT NULL AND b.established_date <= $1
       AND NOT (b.status IN ('revoked', 'cancelled') AND b.status_date <= $1)
     GROUP BY b.parent_uscc)$c$, 'LEFT JOIN s_br ON s_br.uscc = e.uscc'),
    (3, 'drc', '{}', $c$s_drc AS (
    SELECT d.uscc FROM creditrisk.domain_risk_class_as_known($2) d WHERE d.assessed_date <= $1 GROUP BY d.uscc)$c$,
     'LEFT JOIN s_drc ON s_drc.uscc = e.uscc'),
    (4, 'lic', '{}', $c$s_lic AS (
    SELECT l.uscc,
           count(*) FILTER (WHERE l.valid_from <= $1) AS started,
           count(*) FILTER (WHERE l.valid_from <= $1 AND (l.valid_to IS NULL OR $1 < l.valid_to)
                              AND (l.revoked_date IS NULL OR l.revoked_date > $1)) AS valid,
           count(*) FILTER (WHERE l.revoked_date > ($1 - interval '3 years')::date AND l.revoked_date <= $1) AS revoked_3y
      FROM creditrisk.licence_as_known($2) l
     GROUP BY l.uscc)$c$, 'LEFT JOIN s_lic ON s_lic.uscc = e.uscc'),
    (5, 'licu', '{}', $c$s_licu AS (
    SELECT l.uscc, count(*) AS n
      FROM creditrisk.licence_as_known($2) l
     WHERE l.valid_to > ($1 - interval '1 year')::date AND l.valid_to <= $1
       AND NOT EXISTS (SELECT 1 FROM creditrisk.licence_as_known($2) n
                        WHERE n.uscc = l.uscc AND n.id <> l.id
                          AND (n.kind = l.kind OR n.kind = '' OR l.kind = '')
                          AND n.valid_from >= l.valid_to - 180
                          AND n.valid_from <= $1)
     GROUP BY l.uscc)$c$, 'LEFT JOIN s_licu ON s_licu.uscc = e.uscc'),
    -- (legal-representative changes count distinct days: grouped by day first)
    (6, 'chg', '{}', $c$s_chg AS (
    SELECT c.uscc,
           count(*) FILTER (WHERE c.kind = 'legal_representative' AND c.change_date > ($1 - interval '1 year')::date) AS legal_rep_1y,
           sum(c.n) FILTER (WHERE c.kind = 'name' AND c.change_date > ($1 - interval '1 year')::date) AS name_1y,
           sum(c.n) FILTER (WHERE c.kind = 'address' AND c.change_date > ($1 - interval '1 year')::date) AS address_1y,
           sum(c.n) FILTER (WHERE c.kind = 'scope' AND c.change_date > ($1 - interval '1 year')::date) AS scope_1y,
           sum(c.n) FILTER (WHERE c.kind = 'capital' AND c.change_date > ($1 - interval '1 year')::date) AS capital_1y,
           sum(c.n) AS total_3y
      FROM (SELECT r.uscc, r.kind, r.change_date, count(*) AS n
              FROM creditrisk.registration_change_as_known($2) r
             WHERE r.change_date > ($1 - interval '3 years')::date AND r.change_date <= $1
             GROUP BY r.uscc, r.kind, r.change_date) c
     GROUP BY c.uscc)$c$, 'LEFT JOIN s_chg ON s_chg.uscc = e.uscc'),
    (7, 'ar', '{}', format($c$s_ar AS (
    SELECT a.uscc,
           bool_or(a.year = %1$s) AS filed0, bool_or(a.year = %1$s - 1) AS filed1, bool_or(a.year = %1$s - 2) AS filed2,
           count(*) FILTER (WHERE a.year = %1$s AND NOT a.on_time) AS late0,
           count(*) FILTER (WHERE a.year = %1$s - 1 AND NOT a.on_time) AS late1,
           count(*) FILTER (WHERE a.year = %1$s - 2 AND NOT a.on_time) AS late2
      FROM creditrisk.annual_report_as_known($2) a
     WHERE a.filed_on <= $1 AND a.year BETWEEN %1$s - 2 AND %1$s
     GROUP BY a.uscc)$c$, due), 'LEFT JOIN s_ar ON s_ar.uscc = e.uscc'),
    (8, 'epf', '{}', $c$s_epf AS (
    SELECT q.uscc,
           count(*) FILTER (WHERE q.kind = 'pledge' AND (q.end_date IS NULL OR q.end_date > $1)) AS pledges_current,
           count(*) FILTER (WHERE q.kind = 'freeze' AND (q.end_date IS NULL OR q.end_date > $1)) AS freezes_current,
           count(*) FILTER (WHERE q.kind = 'pledge' AND q.start_date > ($1 - interval '1 year')::date) AS pledges_1y,
           count(*) FILTER (WHERE q.kind = 'freeze' AND q.start_date > ($1 - interval '3 years')::date) AS freezes_3y
      FROM creditrisk.equity_pledge_freeze_as_known($2) q
     WHERE q.start_date <= $1
     GROUP BY q.uscc)$c$, 'LEFT JOIN s_epf ON s_epf.uscc = e.uscc'),
    (9, 'law', '{}', $c$s_law AS (
    SELECT s.uscc,
           count(*) FILTER (WHERE s.filed_date > ($1 - interval '1 year')::date) AS defendant_1y,
           count(*) AS defendant_3y,
           count(*) FILTER (WHERE s.kind = 'labour' AND s.filed_date > ($1 - interval '1 year')::date) AS labour_1y,
           count(*) FILTER (WHERE s.kind = 'criminal') AS criminal_3y
      FROM creditrisk.lawsuit_as_known($2) s
     WHERE s.role = 'defendant' AND s.filed_date > ($1 - interval '3 years')::date AND s.filed_date <= $1
     GROUP BY s.uscc)$c$, 'LEFT JOIN s_law ON s_law.uscc = e.uscc'),
    -- the gravest current reason: rank 1 < 9 < 2 < 3 < 4 (as 1..5)
    (10, 'ab', '{cut}', $c$s_ab AS (
    SELECT a.uscc,
           count(*) FILTER (WHERE a.removed_date IS NULL OR a.removed_date > $1) AS cur,
           count(*) FILTER (WHERE a.listed_date > ($1 - interval '3 years')::date) AS times_3y,
           max(CASE a.reason WHEN 1 THEN 1 WHEN 9 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 4 WHEN 4 THEN 5 END)
               FILTER (WHERE a.removed_date IS NULL OR a.removed_date > $1) AS reason_rank,
           min(a.listed_date) FILTER (WHERE a.removed_date IS NULL OR a.removed_date > $1) AS first_listed
      FROM (SELECT x.uscc, x.listed_date, x.reason, least(x.removed_date, c.end_date) AS removed_date
              FROM creditrisk.abnormal_listing_as_known($2) x
              LEFT JOIN s_cut c ON c.kind = 'abnormal_listing' AND c.record_id = x.id) a
     WHERE a.listed_date <= $1
     GROUP BY a.uscc)$c$, 'LEFT JOIN s_ab ON s_ab.uscc = e.uscc'),
    (11, 'sd', '{cut}', $c$s_sd AS (
    SELECT s.uscc,
           count(*) FILTER (WHERE s.listed_date <= $1 AND (s.removed_date IS NULL OR s.removed_date > $1)) AS cur,
           count(*) FILTER (WHERE s.listed_date > ($1 - interval '5 years')::date AND s.listed_date <= $1) AS listings_5y,
           count(*) FILTER (WHERE s.removed_date > ($1 - interval '2 years')::date AND s.removed_date <= $1) AS removed_2y
      FROM (SELECT x.uscc, x.listed_date, least(x.removed_date, c.end_date) AS removed_date
              FROM creditrisk.serious_dishonesty_listing_as_known($2) x
              LEFT JOIN s_cut c ON c.kind = 'serious_dishonesty_listing' AND c.record_id = x.id) s
     WHERE s.listed_date <= $1 OR s.removed_date <= $1
     GROUP BY s.uscc)$c$, 'LEFT JOIN s_sd ON s_sd.uscc = e.uscc'),
    (12, 'jd', '{}', $c$s_jd AS (
    SELECT j.uscc,
           count(*) FILTER (WHERE j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1)) AS cur,
           count(*) FILTER (WHERE j.listed_date > ($1 - interval '3 years')::date AND j.listed_date <= $1) AS listings_3y,
           count(*) FILTER (WHERE j.removed_date > ($1 - interval '1 year')::date AND j.removed_date <= $1) AS removed_1y
      FROM creditrisk.judgment_debtor_listing_as_known($2) j
     WHERE j.listed_date <= $1 OR j.removed_date <= $1
     GROUP BY j.uscc)$c$, 'LEFT JOIN s_jd ON s_jd.uscc = e.uscc'),
    (13, 'pen', '{cut}', $c$s_pen AS (
    SELECT p.uscc,
           count(*) FILTER (WHERE p.decision_date > ($1 - interval '1 year')::date) AS n_1y,
           count(*) FILTER (WHERE p.decision_date > ($1 - interval '3 years')::date) AS n_3y,
           count(*) FILTER (WHERE p.publicity_end_date > $1) AS in_publicity,
           max(CASE p.severity WHEN 'minor' THEN 1 WHEN 'general' THEN 2 WHEN 'serious' THEN 3 END)
               FILTER (WHERE p.decision_date > ($1 - interval '3 years')::date) AS max_severity_3y,
           count(*) FILTER (WHERE p.severity = 'serious' AND p.decision_date > ($1 - interval '3 years')::date) AS serious_3y,
           count(*) FILTER (WHERE p.severity = 'general' AND p.decision_date > ($1 - interval '3 years')::date) AS general_3y,
           sum(p.fine_amount) FILTER (WHERE p.decision_date > ($1 - interval '3 years')::date) AS fines_3y,
           count(*) FILTER (WHERE p.field IN ('food', 'drugs', 'special_equipment')
                              AND p.decision_date > ($1 - interval '1 year')::date) AS key_field_1y,
           count(*) FILTER (WHERE p.field IN ('food', 'drugs', 'special_equipment')
                              AND p.decision_date > ($1 - interval '3 years')::date) AS key_field_3y,
           count(*) FILTER (WHERE p.field IN ('food', 'drugs', 'special_equipment') AND p.severity = 'serious'
                              AND p.decision_date > ($1 - interval '3 years')::date) AS key_field_serious_3y
      FROM (SELECT x.uscc, x.decision_date, x.revoked_on, x.severity, x.fine_amount, x.field,
                   CASE WHEN x.publicity_end_date IS NOT NULL THEN least(x.publicity_end_date, c.end_date) END AS publicity_end_date
              FROM creditrisk.penalty_as_known($2) x
              LEFT JOIN s_cut c ON c.kind = 'penalty' AND c.record_id = x.id) p
     WHERE p.decision_date <= $1 AND (p.revoked_on IS NULL OR p.revoked_on > $1)
     GROUP BY p.uscc)$c$, 'LEFT JOIN s_pen ON s_pen.uscc = e.uscc'),
    -- the latest check on or before $1 and its highest outcome code, in one
    -- aggregate: max(day * 8 + code) (code 0: an outcome without a code)
    (14, 'spot', '{}', $c$s_spot AS (
    SELECT s.uscc,
           count(*) FILTER (WHERE s.refused AND s.check_date > ($1 - interval '1 year')::date) AS refused_1y,
           count(*) FILTER (WHERE s.outcome = 'problems_found' AND s.check_date > ($1 - interval '3 years')::date) AS problems_3y,
           count(*) FILTER (WHERE s.outcome = 'rectification_ordered' AND s.check_date > ($1 - interval '1 year')::date) AS rectification_1y,
           count(*) FILTER (WHERE s.outcome = 'not_found_at_address' AND s.check_date > ($1 - interval '3 years')::date) AS not_found_3y,
           max((s.check_date - date '0001-01-01')::bigint * 8
               + coalesce(CASE WHEN s.refused THEN 5
                               WHEN s.outcome = 'pass' THEN 1
                               WHEN s.outcome = 'problems_found' THEN 2
                               WHEN s.outcome = 'rectification_ordered' THEN 3
                               WHEN s.outcome = 'not_found_at_address' THEN 4
                          END, 0)) AS last_day_outcome,
           count(*) FILTER (WHERE s.outcome = 'pass' AND NOT s.refused AND s.check_date > ($1 - interval '3 years')::date) AS passed_3y,
           count(*) FILTER (WHERE s.check_date > ($1 - interval '3 years')::date) AS checks_3y
      FROM creditrisk.spot_check_as_known($2) s
     WHERE s.check_date <= $1
     GROUP BY s.uscc)$c$, 'LEFT JOIN s_spot ON s_spot.uscc = e.uscc'),
    (15, 'cmp', '{}', $c$s_cmp AS (
    SELECT c.uscc,
           count(*) FILTER (WHERE c.kind = 'complaint' AND c.received_date > ($1 - interval '1 year')::date) AS complaints_1y,
           count(*) FILTER (WHERE c.kind = 'complaint') AS complaints_3y,
           count(*) FILTER (WHERE c.kind = 'complaint' AND c.substantiated IS TRUE
                              AND c.received_date > ($1 - interval '1 year')::date) AS complaints_substantiated_1y,
           count(*) FILTER (WHERE c.received_date > ($1 - interval '3 months')::date) AS last_3m,
           count(*) FILTER (WHERE c.received_date > ($1 - interval '6 months')::date
                              AND c.received_date <= ($1 - interval '3 months')::date) AS previous_3m,
           count(*) FILTER (WHERE c.kind = 'report' AND c.received_date > ($1 - interval '1 year')::date) AS reports_1y,
           count(*) FILTER (WHERE c.kind = 'report') AS reports_3y,
           count(*) FILTER (WHERE c.kind = 'report' AND c.substantiated IS TRUE
                              AND c.received_date > ($1 - interval '1 year')::date) AS reports_substantiated_1y,
           count(*) FILTER (WHERE c.substantiated IS TRUE AND c.received_date > ($1 - interval '1 year')::date) AS substantiated_1y,
           count(*) FILTER (WHERE c.received_date > ($1 - interval '1 year')::date) AS all_1y
      FROM creditrisk.complaint_as_known($2) c
     WHERE c.received_date > ($1 - interval '3 years')::date AND c.received_date <= $1
     GROUP BY c.uscc)$c$, 'LEFT JOIN s_cmp ON s_cmp.uscc = e.uscc'),
    (16, 'op', '{}', $c$s_op AS (
    SELECT o.uscc,
           count(*) FILTER (WHERE o.sentiment = 'negative') AS negative_1y,
           count(*) FILTER (WHERE o.sentiment = 'negative' AND o.published_date > ($1 - interval '3 months')::date) AS negative_3m,
           count(*) AS all_1y
      FROM creditrisk.public_opinion_as_known($2) o
     WHERE o.published_date > ($1 - interval '1 year')::date AND o.published_date <= $1
     GROUP BY o.uscc)$c$, 'LEFT JOIN s_op ON s_op.uscc = e.uscc'),
    -- The links, each seen from both ends (me, other), that were in force at
    -- some time in ($1 - 1 year, $1]; cur: in force on $1.
    (17, 'lk', '{}', $c$s_lk AS (
    SELECT x.me, x.other, x.incoming, l.kind, (l.valid_to IS NULL OR l.valid_to > $1) AS cur
      FROM creditrisk.related_party_link_as_known($2) l
     CROSS JOIN LATERAL (VALUES (l.from_uscc, l.to_uscc, false), (l.to_uscc, l.from_uscc, true)) x(me, other, incoming)
     WHERE (l.valid_from IS NULL OR l.valid_from <= $1)
       AND (l.valid_to IS NULL OR l.valid_to > ($1 - interval '1 year')::date))$c$, NULL),
    -- one row per (enterprise, other end): what links them
    (18, 'pair', '{lk}', $c$s_pair AS (
    SELECT k.me AS uscc, k.other, bool_or(k.cur) AS cur,
           bool_or(k.cur AND k.incoming AND k.kind = 'shareholder') AS shareholder,
           bool_or(k.cur AND NOT k.incoming AND k.kind = 'shareholder') AS investment,
           bool_or(k.cur AND k.kind = 'common_legal_representative') AS common_rep
      FROM s_lk k
     GROUP BY k.me, k.other)$c$, NULL),
    (19, 'lka', '{pair}', $c$s_lka AS (
    SELECT p.uscc,
           count(*) FILTER (WHERE p.shareholder) AS shareholders,
           count(*) FILTER (WHERE p.investment) AS investments,
           count(*) FILTER (WHERE p.cur) AS related,
           count(*) FILTER (WHERE p.common_rep) AS common_rep
      FROM s_pair p
     GROUP BY p.uscc)$c$, 'LEFT JOIN s_lka ON s_lka.uscc = e.uscc'),
    (20, 'shl', '{lk,sd,jd}', $c$s_shl AS (
    SELECT k.me AS uscc
      FROM s_lk k
      LEFT JOIN s_sd ON s_sd.uscc = k.other
      LEFT JOIN s_jd ON s_jd.uscc = k.other
     WHERE k.cur AND k.incoming AND k.kind = 'shareholder' AND (s_sd.cur > 0 OR s_jd.cur > 0)
     GROUP BY k.me)$c$, 'LEFT JOIN s_shl ON s_shl.uscc = e.uscc'),
    -- The related set R(E, $1): one row per (enterprise, other end); cur:
    -- linked on $1, else only in the last year; what each other end is.
    (21, 'rel', '{pair,ab,sd,jd,pen}', $c$s_rel AS (
    SELECT r.uscc,
           count(x.uscc) FILTER (WHERE r.cur) AS in_register,
           count(*) FILTER (WHERE r.cur AND x.status = 'revoked' AND x.status_date <= $1) AS revoked,
           count(*) FILTER (WHERE x.status = 'cancelled' AND x.status_date > ($1 - interval '1 year')::date
                              AND x.status_date <= $1) AS cancelled_1y,
           count(*) FILTER (WHERE r.cur AND x.uscc IS NOT NULL AND s_ab.cur > 0) AS abnormal,
           count(*) FILTER (WHERE r.cur AND x.uscc IS NOT NULL AND s_sd.cur > 0) AS serious_dishonesty,
           count(*) FILTER (WHERE r.cur AND x.uscc IS NOT NULL AND s_jd.cur > 0) AS judgment_debtor,
           sum(s_pen.n_1y) FILTER (WHERE r.cur) AS penalties_1y,
           sum(s_pen.serious_3y) FILTER (WHERE r.cur) AS serious_penalties_3y
      FROM s_pair r
      LEFT JOIN creditrisk.register_at($1, $2) x ON x.uscc = r.other
      LEFT JOIN s_ab ON s_ab.uscc = r.other
      LEFT JOIN s_sd ON s_sd.uscc = r.other
      LEFT JOIN s_jd ON s_jd.uscc = r.other
      LEFT JOIN s_pen ON s_pen.uscc = r.other
     GROUP BY r.uscc)$c$, 'LEFT JOIN s_rel ON s_rel.uscc = e.uscc'),
    -- a branch's parent: its listings (its register row is pe)
    (22, 'parent', '{ab,sd,jd}', NULL,
     'LEFT JOIN s_ab p_ab ON p_ab.uscc = e.parent_uscc LEFT JOIN s_sd p_sd ON p_sd.uscc = e.parent_uscc LEFT JOIN s_jd p_jd ON p_jd.uscc = e.parent_uscc'),
    -- administrative enforcement, confirmations and rewards (since 1.6)
    (23, 'enf', '{}', $c$s_enf AS (
    SELECT f.uscc,
           count(*) FILTER (WHERE f.lifted_date IS NULL OR f.lifted_date > $1) AS in_force,
           count(*) FILTER (WHERE f.decision_date > ($1 - interval '2 years')::date) AS n_2y
      FROM creditrisk.enforcement_as_known($2) f
     WHERE f.decision_date <= $1
     GROUP BY f.uscc)$c$, 'LEFT JOIN s_enf ON s_enf.uscc = e.uscc'),
    (24, 'conf', '{}', $c$s_conf AS (
    SELECT c.uscc, count(*) AS valid
      FROM creditrisk.confirmation_as_known($2) c
     WHERE c.confirmed_date <= $1 AND (c.valid_to IS NULL OR c.valid_to > $1)
     GROUP BY c.uscc)$c$, 'LEFT JOIN s_conf ON s_conf.uscc = e.uscc'),
    (25, 'rew', '{}', $c$s_rew AS (
    SELECT r.uscc, count(*) AS n_3y,
           max(CASE r.level WHEN 'county' THEN 1 WHEN 'city' THEN 2 WHEN 'provincial' THEN 3 WHEN 'national' THEN 4 END) AS level_3y
      FROM creditrisk.reward_as_known($2) r
     WHERE r.award_date > ($1 - interval '3 years')::date AND r.award_date <= $1
       AND (r.revoked_date IS NULL OR r.revoked_date > $1)
     GROUP BY r.uscc)$c$, 'LEFT JOIN s_rew ON s_rew.uscc = e.uscc'),
    (26, 'cmt', '{}', $c$s_cmt AS (
    SELECT c.uscc, count(*) AS breaches_3y
      FROM creditrisk.credit_commitment_as_known($2) c
     WHERE c.breached_date > ($1 - interval '3 years')::date AND c.breached_date <= $1
     GROUP BY c.uscc)$c$, 'LEFT JOIN s_cmt ON s_cmt.uscc = e.uscc')),

    -- Each built-in indicator: the passes it joins and its value from them.
    ind (code, passes, expr) AS (VALUES
    ('registered_capital', '{pe}'::text[], 'CASE WHEN e.parent_uscc IS NULL THEN e.registered_capital ELSE pe.registered_capital END'),
    ('corporate_shareholder_count', '{lka}', 'coalesce(s_lka.shareholders, 0)'),
    ('branch_count', '{br}', 'CASE WHEN e.parent_uscc IS NOT NULL THEN 0 ELSE coalesce(s_br.n, 0) END'),
    ('outbound_investment_count', '{lka}', 'coalesce(s_lka.investments, 0)'),
    ('years_in_operation', '{}', '($1 - e.established_date)::double precision / 365.25'),
    ('status_revoked', '{}', $x$CASE WHEN e.status = 'revoked' AND e.status_date <= $1 THEN 1 ELSE 0 END$x$),
    ('entity_type_class', '{pe}', 'CASE WHEN e.parent_uscc IS NULL THEN e.entity_type ELSE pe.entity_type END'),
    ('is_branch', '{}', 'CASE WHEN e.parent_uscc IS NOT NULL THEN 1 ELSE 0 END'),
    ('industry_section_class', '{}', 'ascii(left(e.industry_code, 1)) - 64'),
    ('key_field_industry', '{drc}', $x$CASE WHEN e.industry_code LIKE ANY (ARRAY['C13%', 'C14%', 'C15%', 'F512%', 'F521%', 'F522%', 'H62%', 'C27%', 'F515%', 'F525%', 'C341%', 'C343%']) OR s_drc.uscc IS NOT NULL THEN 1 ELSE 0 END$x$),
    ('licence_lapsed', '{lic}', 'CASE WHEN s_lic.started > 0 AND s_lic.valid = 0 THEN 1 ELSE 0 END'),
    ('licence_expired_unrenewed_1y', '{licu}', 'coalesce(s_licu.n, 0)'),
    ('licence_revoked_3y', '{lic}', 'coalesce(s_lic.revoked_3y, 0)'),
    ('legal_rep_changes_1y', '{chg}', 'coalesce(s_chg.legal_rep_1y, 0)'),
    ('name_changes_1y', '{chg}', 'coalesce(s_chg.name_1y, 0)'),
    ('address_changes_1y', '{chg}', 'coalesce(s_chg.address_1y, 0)'),
    ('scope_changes_1y', '{chg}', 'coalesce(s_chg.scope_1y, 0)'),
    ('capital_changes_1y', '{chg}', 'coalesce(s_chg.capital_1y, 0)'),
    ('changes_total_3y', '{chg}', 'coalesce(s_chg.total_3y, 0)'),
    ('paid_in_ratio', '{pe}', 'CASE WHEN e.parent_uscc IS NULL THEN CASE WHEN e.registered_capital > 0 THEN e.paid_in_capital::double precision / e.registered_capital::double precision END ELSE CASE WHEN pe.registered_capital > 0 THEN pe.paid_in_capital::double precision / pe.registered_capital::double precision END END'),
    ('unpaid_capital', '{pe}', 'CASE WHEN e.parent_uscc IS NULL THEN e.registered_capital - e.paid_in_capital ELSE pe.registered_capital - pe.paid_in_capital END'),
    ('annual_report_latest_missing', '{ar}', format('CASE WHEN %1$s < %2$s THEN 0 WHEN s_ar.filed0 THEN 0 ELSE 1 END', due, est)),
    ('annual_reports_missing_3y', '{ar}', format('CASE WHEN %1$s >= %2$s AND s_ar.filed0 IS NOT TRUE THEN 1 ELSE 0 END + CASE WHEN %1$s - 1 >= %2$s AND s_ar.filed1 IS NOT TRUE THEN 1 ELSE 0 END + CASE WHEN %1$s - 2 >= %2$s AND s_ar.filed2 IS NOT TRUE THEN 1 ELSE 0 END', due, est)),
    ('annual_reports_late_3y', '{ar}', format('CASE WHEN %1$s >= %2$s THEN coalesce(s_ar.late0, 0) ELSE 0 END + CASE WHEN %1$s - 1 >= %2$s THEN coalesce(s_ar.late1, 0) ELSE 0 END + CASE WHEN %1$s - 2 >= %2$s THEN coalesce(s_ar.late2, 0) ELSE 0 END', due, est)),
    ('equity_pledges_current', '{epf}', 'coalesce(s_epf.pledges_current, 0)'),
    ('equity_freezes_current', '{epf}', 'coalesce(s_epf.freezes_current, 0)'),
    ('equity_pledges_1y', '{epf}', 'coalesce(s_epf.pledges_1y, 0)'),
    ('equity_freezes_3y', '{epf}', 'coalesce(s_epf.freezes_3y, 0)'),
    ('lawsuits_defendant_1y', '{law}', 'coalesce(s_law.defendant_1y, 0)'),
    ('lawsuits_defendant_3y', '{law}', 'coalesce(s_law.defendant_3y, 0)'),
    ('labour_disputes_defendant_1y', '{law}', 'coalesce(s_law.labour_1y, 0)'),
    ('criminal_defendant_3y', '{law}', 'coalesce(s_law.criminal_3y, 0)'),
    ('abnormal_list_current', '{ab}', 'CASE WHEN s_ab.cur > 0 THEN 1 ELSE 0 END'),
    ('abnormal_list_times_3y', '{ab}', 'coalesce(s_ab.times_3y, 0)'),
    ('abnormal_list_reason_current', '{ab}', 'coalesce(CASE s_ab.reason_rank WHEN 1 THEN 1 WHEN 2 THEN 9 WHEN 3 THEN 2 WHEN 4 THEN 3 WHEN 5 THEN 4 END, 0)'),
    ('abnormal_list_current_days', '{ab}', 'coalesce($1 - s_ab.first_listed + 1, 0)'),
    ('serious_dishonesty_current', '{sd}', 'CASE WHEN s_sd.cur > 0 THEN 1 ELSE 0 END'),
    ('serious_dishonesty_listings_5y', '{sd}', 'coalesce(s_sd.listings_5y, 0)'),
    ('serious_dishonesty_removed_2y', '{sd}', 'coalesce(s_sd.removed_2y, 0)'),
    ('judgment_debtor_current', '{jd}', 'CASE WHEN s_jd.cur > 0 THEN 1 ELSE 0 END'),
    ('judgment_debtor_listings_3y', '{jd}', 'coalesce(s_jd.listings_3y, 0)'),
    ('judgment_debtor_removed_1y', '{jd}', 'coalesce(s_jd.removed_1y, 0)'),
    ('penalties_1y', '{pen}', 'coalesce(s_pen.n_1y, 0)'),
    ('penalties_3y', '{pen}', 'coalesce(s_pen.n_3y, 0)'),
    ('penalties_in_publicity', '{pen}', 'coalesce(s_pen.in_publicity, 0)'),
    ('penalty_max_severity_3y', '{pen}', 'coalesce(s_pen.max_severity_3y, 0)'),
    ('penalties_serious_3y', '{pen}', 'coalesce(s_pen.serious_3y, 0)'),
    ('penalties_general_3y', '{pen}', 'coalesce(s_pen.general_3y, 0)'),
    ('penalty_fines_3y', '{pen}', 'coalesce(s_pen.fines_3y, 0)'),
    ('penalties_key_field_1y', '{pen}', 'coalesce(s_pen.key_field_1y, 0)'),
    ('penalties_key_field_3y', '{pen}', 'coalesce(s_pen.key_field_3y, 0)'),
    ('penalties_key_field_serious_3y', '{pen}', 'coalesce(s_pen.key_field_serious_3y, 0)'),
    ('spot_check_refused_1y', '{spot}', 'coalesce(s_spot.refused_1y, 0)'),
    ('spot_check_problems_3y', '{spot}', 'coalesce(s_spot.problems_3y, 0)'),
    ('spot_check_rectification_1y', '{spot}', 'coalesce(s_spot.rectification_1y, 0)'),
    ('spot_check_not_found_3y', '{spot}', 'coalesce(s_spot.not_found_3y, 0)'),
    ('spot_check_last_outcome', '{spot}', 'nullif(s_spot.last_day_outcome % 8, 0)'),
    ('spot_check_pass_ratio_3y', '{spot}', 's_spot.passed_3y::double precision / nullif(s_spot.checks_3y, 0)'),
    ('related_enterprise_count', '{lka}', 'coalesce(s_lka.related, 0)'),
    ('common_legal_rep_count', '{lka}', 'coalesce(s_lka.common_rep, 0)'),
    ('related_revoked_count', '{rel}', 'coalesce(s_rel.revoked, 0)'),
    ('related_revoked_ratio', '{rel}', 's_rel.revoked::double precision / nullif(s_rel.in_register, 0)'),
    ('related_cancelled_1y', '{rel}', 'coalesce(s_rel.cancelled_1y, 0)'),
    ('related_abnormal_current', '{rel}', 'coalesce(s_rel.abnormal, 0)'),
    ('related_serious_dishonesty_current', '{rel}', 'coalesce(s_rel.serious_dishonesty, 0)'),
    ('related_judgment_debtor_current', '{rel}', 'coalesce(s_rel.judgment_debtor, 0)'),
    ('related_penalties_1y', '{rel}', 'coalesce(s_rel.penalties_1y, 0)'),
    ('related_serious_penalties_3y', '{rel}', 'coalesce(s_rel.serious_penalties_3y, 0)'),
    ('parent_adverse', '{pe,parent}', $x$CASE WHEN e.parent_uscc IS NULL THEN 0 WHEN (pe.status IN ('revoked', 'cancelled') AND pe.status_date <= $1) OR p_ab.cur > 0 OR p_sd.cur > 0 OR p_jd.cur > 0 THEN 1 ELSE 0 END$x$),
    ('shareholder_listed_current', '{shl}', 'CASE WHEN s_shl.uscc IS NOT NULL THEN 1 ELSE 0 END'),
    ('complaints_1y', '{cmp}', 'coalesce(s_cmp.complaints_1y, 0)'),
    ('complaints_3y', '{cmp}', 'coalesce(s_cmp.complaints_3y, 0)'),
    ('complaints_substantiated_1y', '{cmp}', 'coalesce(s_cmp.complaints_substantiated_1y, 0)'),
    ('complaints_growth_3m', '{cmp}', '(coalesce(s_cmp.last_3m, 0) - coalesce(s_cmp.previous_3m, 0))::double precision / (coalesce(s_cmp.previous_3m, 0) + 1)'),
    ('reports_1y', '{cmp}', 'coalesce(s_cmp.reports_1y, 0)'),
    ('reports_3y', '{cmp}', 'coalesce(s_cmp.reports_3y, 0)'),
    ('reports_substantiated_1y', '{cmp}', 'coalesce(s_cmp.reports_substantiated_1y, 0)'),
    ('substantiated_ratio_1y', '{cmp}', 's_cmp.substantiated_1y::double precision / nullif(s_cmp.all_1y, 0)'),
    ('negative_opinion_1y', '{op}', 'coalesce(s_op.negative_1y, 0)'),
    ('negative_opinion_3m', '{op}', 'coalesce(s_op.negative_3m, 0)'),
    ('negative_opinion_share_1y', '{op}', 's_op.negative_1y::double precision / nullif(s_op.all_1y, 0)'),
    ('enforcement_in_force', '{enf}', 'coalesce(s_enf.in_force, 0)'),
    ('enforcement_2y', '{enf}', 'coalesce(s_enf.n_2y, 0)'),
    ('confirmations_valid', '{conf}', 'coalesce(s_conf.valid, 0)'),
    ('rewards_3y', '{rew}', 'coalesce(s_rew.n_3y, 0)'),
    ('reward_level_3y', '{rew}', 'coalesce(s_rew.level_3y, 0)'),
    ('commitment_breaches_3y', '{cmt}', 'coalesce(s_cmt.breaches_3y, 0)')),
    -- The model's indicators, in its order: the set-based form of a built-in
    -- entry, else the entry's definition.
    mi AS (
        SELECT m.position, m.code, i.builtin, i.definition_sql, s.passes, s.expr
          FROM creditrisk.model_indicator m
          JOIN creditrisk.indicator i USING (code)
          LEFT JOIN ind s ON s.code = m.code AND i.builtin
         WHERE m.model_key = model),
    -- The passes joined to e, and the CTEs they need (transitively).
    direct AS (SELECT DISTINCT unnest(mi.passes) AS name FROM mi),
    needed (name) AS (
        SELECT name FROM direct
        UNION
        SELECT unnest(p.deps) FROM needed n JOIN pass p ON p.name = n.name)
    SELECT (SELECT string_agg(format(E'    /* %s */ (%s)::double precision', mi.code, coalesce(mi.expr, mi.definition_sql)),
                              E',\n' ORDER BY mi.position) FROM mi),
           (SELECT string_agg(mi.code, ', ' ORDER BY mi.position) FROM mi WHERE mi.builtin AND mi.expr IS NULL),
           (SELECT string_agg(p.cte, E',\n' ORDER BY p.ord) FROM pass p
             WHERE p.cte IS NOT NULL AND p.name IN (SELECT name FROM needed)),
           (SELECT string_agg(E'\n  ' || p.joins, '' ORDER BY p.ord) FROM pass p
             WHERE p.joins IS NOT NULL AND p.name IN (SELECT name FROM direct))
      INTO body, unformed, ctes, joins;
    IF unformed IS NOT NULL THEN
        RAISE EXCEPTION 'built-in indicators of model "%" have no set-based form', model
            USING ERRCODE = 'internal_error',
                  DETAIL = format('Without one: %s.', unformed),
                  HINT = 'Add them to creditrisk.indicators_set_sql() (extension/indicators-set.sql).';
    END IF;

    RETURN format(E'-- indicators of model %s as of the date $1 as known at $2 (NULL = now), in model order:\n'
                  || E'-- one grouped pass per record table (creditrisk.indicators_set_sql())\n'
                  || E'%sSELECT e.uscc, ARRAY[\n%s\n  ] AS indicators\n  FROM creditrisk.register_at($1, $2) e%s\n'
                  || E' WHERE creditrisk.in_population(e.established_date, e.status, e.status_date, $1)',
                  model, CASE WHEN ctes IS NOT NULL THEN E'WITH ' || ctes || E'\n' ELSE '' END,
                  body, coalesce(joins, ''));
END
$$;

-- refresh_classification(): the population filter asks opted_in() (a query
-- per unit outside the default population) only when an opt-in is in force
-- on the date as known then.
CREATE OR REPLACE FUNCTION creditrisk.refresh_classification(as_of date DEFAULT CURRENT_DATE, model text DEFAULT NULL,
                                                   known_at timestamptz DEFAULT NULL)
RETURNS creditrisk.classification_run
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    t0 timestamptz := clock_timestamp();
    ts timestamptz;
    fence timestamptz;
    n bigint;
    m creditrisk.model;
    rule creditrisk.override_rule;
    v integer;
    latest record;
    stages jsonb := '{}';
    matched jsonb := '{}';
    result creditrisk.classification_run;
    label text;
    label_missing text;
    opt_ins boolean;
BEGIN
    IF as_of IS NULL THEN
        RAISE EXCEPTION 'classification date is NULL'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'Omit it for today: SELECT creditrisk.refresh_classification();';
    END IF;
    IF as_of > current_date THEN
        RAISE EXCEPTION 'classification date % is in the future', as_of
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Records are dated; a future date would classify on records that do not exist yet.',
                  HINT = 'Classify on today or an earlier date.';
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'refresh_classification runs in READ COMMITTED, not %', upper(current_setting('transaction_isolation'))
            USING ERRCODE = 'invalid_transaction_state',
                  DETAIL = 'A run fixes its knowledge time after waiting for the writers in progress; a REPEATABLE READ or SERIALIZABLE snapshot is taken before that, at the transaction''s first statement, and could miss rows recorded before the knowledge time.',
                  HINT = 'Call it outside an explicit transaction block or in BEGIN ISOLATION LEVEL READ COMMITTED: the run reads one consistent state, as known at its knowledge time, by itself.';
    END IF;

    -- The fence: one run at a time, writers of the register, the records and
    -- the configuration wait until the run ends; everything recorded up to
    -- the knowledge time is committed and visible from here on.
    fence := creditrisk.knowledge_fence();
    IF known_at IS NULL THEN
        known_at := fence;
    ELSIF known_at > fence THEN
        RAISE EXCEPTION 'knowledge time is in the future'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('It is %s; a run can only use what is known by now.', known_at),
                  HINT = 'Omit it to classify with what is known now, or give the known_at of an earlier run to reproduce it.';
    ELSIF NOT isfinite(known_at) THEN
        RAISE EXCEPTION 'knowledge time must be a finite moment'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'For example the known_at of an earlier run.';
    END IF;

    IF model IS NULL THEN
        model := creditrisk.active_model(as_of, known_at);
        IF model IS NULL THEN
            RAISE EXCEPTION 'no model is active on %', as_of
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'creditrisk.model_activation has no row with effective_from on or before that date, as known at the knowledge time.',
                      HINT = 'Name a model, or activate one: INSERT INTO creditrisk.model_activation (effective_from, model_key) VALUES (...);';
        END IF;
    END IF;
    SELECT * INTO m FROM creditrisk.model mm WHERE mm.model_key = model;
    IF NOT FOUND THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;
    IF m.status = 'draft' THEN
        RAISE EXCEPTION 'model "%" is a draft and cannot classify', model
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Classifications must be reproducible, so only published (frozen) models classify.',
                  HINT = format('Publish it first: SELECT creditrisk.model_publish(%L);', model);
    END IF;
    label := format('refresh_classification %s (%s)', as_of, model);
    SELECT string_agg(format('%s (%s of 16 cells)', r.domain,
                             (SELECT count(*) FROM creditrisk.fusion_matrix_as_known(known_at) fm
                               WHERE fm.domain = r.domain AND fm.effective_from = r.effective_from)),
                      ', ' ORDER BY r.domain)
      INTO label_missing
      FROM (SELECT DISTINCT ON (x.domain) x.* FROM creditrisk.fusion_rule_as_known(known_at) x
             WHERE x.effective_from <= as_of ORDER BY x.domain, x.effective_from DESC) r
     WHERE r.method = 'matrix'
       AND (SELECT count(*) FROM creditrisk.fusion_matrix_as_known(known_at) fm
             WHERE fm.domain = r.domain AND fm.effective_from = r.effective_from) < 16;
    IF label_missing IS NOT NULL THEN
        RAISE EXCEPTION 'fusion matrix incomplete: %', label_missing
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A domain fused by matrix needs a fused class for each of the 16 (general, professional) pairs.',
                  HINT = 'Insert the missing cells into creditrisk.fusion_matrix, or set the domain''s method to riskier.';
    END IF;

    -- Stored SQL the runner does not trust is refused before anything runs
    -- (the definitions are checked by compute_indicators before it reads).
    PERFORM creditrisk.override_rule_run_as(o.code, known_at)
       FROM creditrisk.override_rule_as_known(known_at) o
      WHERE o.enabled AND o.effective_from <= as_of AND (o.effective_to IS NULL OR o.effective_to >= as_of);

    -- 1. A new version of the date; earlier versions stay.
    SELECT coalesce(max(r.version), 0) + 1 INTO v FROM creditrisk.classification_run r WHERE r.as_of = as_of;
    INSERT INTO creditrisk.classification_run (as_of, version, known_at, model_key, model_revision, started_at, run_by)
    VALUES (as_of, v, known_at, model, m.revision, t0, current_user);
    IF v > 1 THEN
        RAISE NOTICE '%: version % (earlier versions stay in the history)', label, v;
    END IF;

    -- 2. Indicators and scores, on the register version valid on the date, of
    --    the population of art. 3: one pass of the C engine (score_population:
    --    indicators, score, class and reasons, the division of the version).
    --    The population of art. 3 is in_scope(); its opted_in() part runs a
    --    query per unit outside the default population (about 60 us each),
    --    so it is asked only when an opt-in is in force on the date as known
    --    then (the same filter as opted_in()'s): without one, in_scope() is
    --    its first part, for every unit.
    ts := clock_timestamp();
    opt_ins := EXISTS (SELECT 1 FROM creditrisk.population_opt_in_as_known(known_at) o
                        WHERE o.effective_from <= as_of AND (o.effective_to IS NULL OR o.effective_to >= as_of));
    INSERT INTO creditrisk.classification_result (as_of, version, uscc, division_code, score, score_class, final_class, reasons)
    SELECT as_of, v, s.uscc, s.division_code, s.score, s.score_class, s.score_class, s.reasons
      FROM creditrisk.score_population(model, as_of, known_at, 3) s
     WHERE CASE WHEN opt_ins THEN creditrisk.in_scope(s.uscc, s.division_code, as_of, known_at)   -- art. 3
                ELSE pg_catalog.left(s.division_code, 2) = '41' AND creditrisk.uscc_entity_type(s.uscc) = '91' END;
    GET DIAGNOSTICS n = ROW_COUNT;
    stages := stages || jsonb_build_object('score', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
    RAISE NOTICE '%: indicators and scores: % enterprises', label, n
        USING DETAIL = format('stage %s s, elapsed %s s', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                              round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));

    -- 3. Overrides (art. 10), one set-based statement per rule in force, as
    --    entered by the knowledge time; each reads ($1 date, $2 knowledge time).
    FOR rule IN SELECT * FROM creditrisk.override_rule_as_known(known_at) o
                 WHERE o.enabled AND o.effective_from <= as_of AND (o.effective_to IS NULL OR o.effective_to >= as_of)
                 ORDER BY o.code
    LOOP
        ts := clock_timestamp();
        BEGIN
            UPDATE creditrisk.classification_result r
               SET overrides = r.overrides || rule.code,
                   override_details = coalesce(r.override_details, '{}') || jsonb_build_object(rule.code, q.detail),
                   final_class = greatest(r.final_class, q.class)
              FROM (SELECT x.uscc, max(x.class) AS class,
                           (array_agg(jsonb_build_object('class', x.class) || x.detail ORDER BY x.class DESC))[1] AS detail
                      FROM creditrisk.override_rule_matches(rule.code, as_of, known_at) x
                     GROUP BY x.uscc) q
             WHERE r.as_of = as_of AND r.version = v AND r.uscc = q.uscc;
            GET DIAGNOSTICS n = ROW_COUNT;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'override rule "%" failed', rule.code
                USING ERRCODE = SQLSTATE, DETAIL = SQLERRM,
                      HINT = 'Correct or disable the rule (UPDATE creditrisk.override_rule SET enabled = false ...).';
        END;
        matched := matched || jsonb_build_object(rule.code, n);
        stages := stages || jsonb_build_object('override ' || rule.code, round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
        RAISE NOTICE '%: override %: % enterprises', label, rule.code, n
            USING DETAIL = format('stage %s s, elapsed %s s', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                                  round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));
    END LOOP;

    -- 4. Fusion (art. 16) with the latest professional class on or before the date.
    --    A matrix fuses the general and professional classes, but never below
    --    the class an override imposed (art. 10: a serious-dishonesty D stays D
    --    in every domain); the fused class is the one the domain's measures use.
    ts := clock_timestamp();
    INSERT INTO creditrisk.classification_domain_result
           (as_of, version, uscc, domain, division_code, general_class, professional_class, assessed_date, method, fused_class)
    SELECT as_of, v, d.uscc, d.domain, r.division_code, r.final_class, d.class, d.assessed_date,
           coalesce(f.method, 'riskier'),
           -- never below the art. 10 override class, whatever the matrix says
           CASE WHEN f.method = 'matrix'
                THEN greatest(fm.fused_class, (SELECT max((o.value OPERATOR(pg_catalog.->>) 'class')::creditrisk.riskclass)
                                                 FROM pg_catalog.jsonb_each(r.override_details) o))
                ELSE greatest(r.final_class, d.class) END
      FROM (SELECT DISTINCT ON (x.uscc, x.domain) x.uscc, x.domain, x.class, x.assessed_date
              FROM creditrisk.domain_risk_class_as_known(known_at) x
             WHERE x.assessed_date <= as_of
             ORDER BY x.uscc, x.domain, x.assessed_date DESC) d
      JOIN creditrisk.classification_result r ON r.as_of = as_of AND r.version = v AND r.uscc = d.uscc
      LEFT JOIN (SELECT DISTINCT ON (x.domain) x.* FROM creditrisk.fusion_rule_as_known(known_at) x
                  WHERE x.effective_from <= as_of ORDER BY x.domain, x.effective_from DESC) f ON f.domain = d.domain
      LEFT JOIN creditrisk.fusion_matrix_as_known(known_at) fm
             ON fm.domain = d.domain AND fm.effective_from = f.effective_from
            AND fm.general_class = r.final_class AND fm.professional_class = d.class;
    GET DIAGNOSTICS n = ROW_COUNT;
    stages := stages || jsonb_build_object('fusion', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));
    RAISE NOTICE '%: fusion: % enterprise domains', label, n
        USING DETAIL = format('stage %s s, elapsed %s s', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3),
                              round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3));

    -- 5. The run's summary in the history.
    ts := clock_timestamp();
    UPDATE creditrisk.classification_run run
       SET enterprises = s.enterprises, score_classes = s.score_classes, final_classes = s.final_classes,
           overridden = s.overridden, overrides = matched, domain_results = n
      FROM (SELECT count(*) AS enterprises,
                   jsonb_build_object('A', count(*) FILTER (WHERE r.score_class = 'A'), 'B', count(*) FILTER (WHERE r.score_class = 'B'),
                                      'C', count(*) FILTER (WHERE r.score_class = 'C'), 'D', count(*) FILTER (WHERE r.score_class = 'D')) AS score_classes,
                   jsonb_build_object('A', count(*) FILTER (WHERE r.final_class = 'A'), 'B', count(*) FILTER (WHERE r.final_class = 'B'),
                                      'C', count(*) FILTER (WHERE r.final_class = 'C'), 'D', count(*) FILTER (WHERE r.final_class = 'D')) AS final_classes,
                   count(*) FILTER (WHERE r.final_class > r.score_class) AS overridden
              FROM creditrisk.classification_result r WHERE r.as_of = as_of AND r.version = v) s
     WHERE run.as_of = as_of AND run.version = v;
    stages := stages || jsonb_build_object('history', round(extract(epoch FROM clock_timestamp() - ts)::numeric, 3));

    -- 6. Publish: nothing to copy.  The current views read the latest run
    -- from the history; this run's rows become current when its transaction
    -- commits, and until then readers see the previous run.
    SELECT r.as_of, r.version INTO latest FROM creditrisk.classification_run r ORDER BY r.as_of DESC, r.version DESC LIMIT 1;
    IF latest.as_of = as_of THEN
        RAISE NOTICE '%: becomes the current classification when committed', label;
    ELSE
        RAISE NOTICE '%: kept in the history; the current classification stays that of %', label, latest.as_of;
    END IF;

    UPDATE creditrisk.classification_run run SET finished_at = clock_timestamp(), stages = stages
     WHERE run.as_of = as_of AND run.version = v
    RETURNING * INTO result;
    RAISE NOTICE '%: done: % enterprises, % overridden, final classes %', label, result.enterprises, result.overridden, result.final_classes
        USING DETAIL = format('elapsed %s s', round(extract(epoch FROM result.finished_at - t0)::numeric, 3));
    RETURN result;
END
$$;

-- ===========================================================================
-- Calibrated reference model (issue 15)
-- ===========================================================================

-- model_performance(): the outcome rule for enterprises that leave the
-- population (doc/calibration.md, "Outcomes"): a revocation within the
-- horizon is adverse; enterprises out of business on the run date, and those
-- cancelled within the horizon with no adverse outcome, are left out and
-- counted by class.
CREATE OR REPLACE FUNCTION creditrisk.model_performance(model text, as_of date, horizon interval DEFAULT '1 year',
                                             reference_run date DEFAULT NULL)
RETURNS TABLE (measure text, class creditrisk.riskclass, enterprises bigint, adverse bigint, value double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    run record;
    upto date;
BEGIN
    IF model IS NULL OR as_of IS NULL OR horizon IS NULL THEN
        RAISE EXCEPTION 'model_performance needs a model, a run date and a horizon'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'For example SELECT * FROM creditrisk.model_performance(''reference-v1'', ''2025-10-31'', ''1 year'');';
    END IF;
    IF NOT (as_of + horizon > as_of) OR NOT isfinite(as_of + horizon) THEN
        RAISE EXCEPTION 'horizon % is not a positive, finite interval', horizon
            USING ERRCODE = 'invalid_parameter_value', HINT = 'For example ''6 months'' or ''1 year''.';
    END IF;
    SELECT x.as_of, x.version, x.model_key INTO run
      FROM creditrisk.classification_run x WHERE x.as_of = as_of ORDER BY x.version DESC LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no classification run on %', as_of
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT as_of, model_key FROM creditrisk.classification_run ORDER BY as_of lists the runs.';
    END IF;
    IF run.model_key <> model THEN
        RAISE EXCEPTION 'the run of % was scored with model "%", not "%"', as_of, run.model_key, model
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Performance is measured on the scores a run stored.',
                  HINT = 'Run refresh_classification(date, model) with that model to measure it on that date.';
    END IF;
    upto := (as_of + horizon)::date;
    IF upto > current_date THEN
        RAISE NOTICE 'the horizon ends on %, after today: outcomes after today are not known yet', upto;
    END IF;

    RETURN QUERY
    WITH run_rows AS (
        SELECT c.uscc, c.score, c.final_class
          FROM creditrisk.classification_result c
         WHERE c.as_of = run.as_of AND c.version = run.version
    ), exits AS (
        -- every exit the register records, current and superseded versions
        SELECT e.uscc, e.status, e.status_date FROM creditrisk.enterprise e WHERE e.status <> 'in_business'
        UNION
        SELECT h.uscc, h.status, h.status_date FROM creditrisk.enterprise_history h WHERE h.status <> 'in_business'
    ), fate AS (
        SELECT x.uscc,
               bool_or(x.status_date <= as_of) AS exited,
               bool_or(x.status = 'revoked' AND x.status_date > as_of AND x.status_date <= upto) AS revoked,
               bool_or(x.status = 'cancelled' AND x.status_date > as_of AND x.status_date <= upto) AS cancelled
          FROM exits x
         GROUP BY x.uscc
    ), bad AS (
        SELECT p.uscc FROM creditrisk.penalty p WHERE p.decision_date > as_of AND p.decision_date <= upto
        UNION SELECT l.uscc FROM creditrisk.abnormal_listing l WHERE l.listed_date > as_of AND l.listed_date <= upto
        UNION SELECT l.uscc FROM creditrisk.serious_dishonesty_listing l WHERE l.listed_date > as_of AND l.listed_date <= upto
        UNION SELECT l.uscc FROM creditrisk.judgment_debtor_listing l WHERE l.listed_date > as_of AND l.listed_date <= upto
        UNION SELECT s.uscc FROM creditrisk.spot_check s
               WHERE s.check_date > as_of AND s.check_date <= upto AND (s.outcome <> 'pass' OR s.refused)
        UNION SELECT f.uscc FROM fate f WHERE f.revoked
    ), judged AS (
        SELECT r.*, (b.uscc IS NOT NULL) AS y,
               CASE WHEN f.exited THEN 'excluded_exited'
                    WHEN f.cancelled AND b.uscc IS NULL THEN 'excluded_censored' END AS excluded
          FROM run_rows r
          LEFT JOIN bad b ON b.uscc = r.uscc
          LEFT JOIN fate f ON f.uscc = r.uscc
    ), o AS (
        SELECT j.uscc, j.score, j.final_class, j.y FROM judged j WHERE j.excluded IS NULL
    ), ranked AS (
        -- average ranks of the scores (ties share their mean rank), for the AUC
        SELECT o.y, rank() OVER (ORDER BY o.score) + (count(*) OVER (PARTITION BY o.score) - 1) / 2.0 AS rk
          FROM o
    ), counts AS (
        SELECT count(*) FILTER (WHERE o.y) AS pos, count(*) FILTER (WHERE NOT o.y) AS neg FROM o
    ), auc AS (
        SELECT CASE WHEN c.pos > 0 AND c.neg > 0
                    THEN ((SELECT sum(x.rk) FROM ranked x WHERE x.y) - c.pos * (c.pos + 1) / 2.0) / (c.pos::numeric * c.neg)
               END::double precision AS v
          FROM counts c
    ), cum AS (
        -- the KS statistic: the largest gap between the cumulative shares of
        -- adverse and other enterprises over score thresholds (riskiest first)
        SELECT max(abs(g.cp - g.cn)) AS v
          FROM (SELECT sum(s.p) OVER w / nullif(c.pos, 0)::double precision AS cp,
                       sum(s.n) OVER w / nullif(c.neg, 0)::double precision AS cn
                  FROM (SELECT o.score, count(*) FILTER (WHERE o.y) AS p, count(*) FILTER (WHERE NOT o.y) AS n
                          FROM o GROUP BY o.score) s, counts c
                WINDOW w AS (ORDER BY s.score DESC)) g
    )
    SELECT 'adverse_rate', k.cls, count(o.uscc), count(o.uscc) FILTER (WHERE o.y),
           (count(o.uscc) FILTER (WHERE o.y))::double precision / nullif(count(o.uscc), 0)
      FROM unnest('{A,B,C,D}'::creditrisk.riskclass[]) k(cls) LEFT JOIN o ON o.final_class = k.cls
     GROUP BY k.cls
    UNION ALL
    SELECT 'adverse_rate', NULL, c.pos + c.neg, c.pos, c.pos::double precision / nullif(c.pos + c.neg, 0) FROM counts c
    UNION ALL
    -- left out, by class: the count, and its share of the class in the run
    SELECT m.measure, k.cls, count(j.uscc) FILTER (WHERE j.excluded = m.measure), NULL::bigint,
           (count(j.uscc) FILTER (WHERE j.excluded = m.measure))::double precision / nullif(count(j.uscc), 0)
      FROM unnest('{A,B,C,D}'::creditrisk.riskclass[]) k(cls)
     CROSS JOIN (VALUES ('excluded_exited'), ('excluded_censored')) m(measure)
      LEFT JOIN judged j ON j.final_class = k.cls
     GROUP BY m.measure, k.cls
    UNION ALL
    SELECT 'auc', NULL, c.pos + c.neg, c.pos, (SELECT a.v FROM auc a) FROM counts c
    UNION ALL
    SELECT 'gini', NULL, c.pos + c.neg, c.pos, 2 * (SELECT a.v FROM auc a) - 1 FROM counts c
    UNION ALL
    SELECT 'ks', NULL, c.pos + c.neg, c.pos, (SELECT k.v FROM cum k) FROM counts c
    UNION ALL
    SELECT 'psi', NULL, s.to_enterprises, NULL, s.psi
      FROM creditrisk.score_stability(reference_run, as_of) s
     WHERE reference_run IS NOT NULL OR EXISTS (SELECT 1 FROM creditrisk.classification_run x WHERE x.as_of < as_of);
END
$$;
COMMENT ON FUNCTION creditrisk.model_performance(text, date, interval, date) IS
    'How well the run of as_of (scored with the model) predicted adverse outcomes (不良结果: penalties, new listings on the abnormal, serious-dishonesty or judgment-debtor lists, failed or refused spot checks, the revocation of the business licence) within the horizon after it (模型效果检验): the adverse rate by final class and overall, AUC, Gini and KS of the score, and PSI of the score against a reference run (default: the run before); enterprises already out of business on as_of (excluded_exited) and those cancelled within the horizon with no adverse outcome (excluded_censored) are left out and counted by class; within the caller''s jurisdiction';

-- model_calibrate(): the fit in closed form (two order statistics instead of
-- nested bisections over the population).
DROP FUNCTION creditrisk.model_calibrate_fit_shift(double precision, double precision);
DROP FUNCTION creditrisk.model_calibrate_fit_shares(double precision, double precision);
-- The fit, in closed form.  Unclamped, the draft's weighted score of an
-- enterprise is 10 x shift + scale x raw, where raw is its weighted distance
-- from the baselines; floors and overrides fix the others.  The enterprises
-- that may be A (no floor of 200 or more, no override) are A when raw < q_a,
-- with q_a between the k-th and (k+1)-th smallest raw (k = the number of A
-- wanted): that gives 10 x shift = 200 - scale x q_a.  The enterprises not
-- forced to C or D by a floor or an override reach C when raw >= q_a + 300 /
-- scale; q_c, between the m-th and (m+1)-th largest raw (m = the number of
-- C and D wanted minus those forced there) gives scale = 300 / (q_c - q_a),
-- bounded to [0.1, 10].  Two order statistics instead of nested bisections.
CREATE FUNCTION creditrisk.model_calibrate_fit(want_a double precision, want_cd double precision)
RETURNS double precision[]
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
DECLARE
    n bigint;
    forced bigint;
    k bigint;
    m bigint;
    q_a double precision;
    q_c double precision;
    scale double precision;
BEGIN
    SELECT count(*), count(*) FILTER (WHERE t.floor >= 500 OR coalesce(t.imposed, 'A') >= 'C')
      INTO n, forced FROM pg_temp.creditrisk_calibration t;
    k := round(want_a * n);
    m := round(want_cd * n) - forced;
    SELECT CASE WHEN k <= 0 THEN min(x.raw) - 1
                WHEN k >= count(*) THEN max(x.raw) + 1
                ELSE (min(x.raw) FILTER (WHERE x.rn = k) + min(x.raw) FILTER (WHERE x.rn = k + 1)) / 2 END
      INTO q_a
      FROM (SELECT t.raw, row_number() OVER (ORDER BY t.raw) AS rn
              FROM pg_temp.creditrisk_calibration t
             WHERE t.floor < 200 AND coalesce(t.imposed, 'A') = 'A') x;
    SELECT CASE WHEN m <= 0 THEN max(x.raw) + 1
                WHEN m >= count(*) THEN min(x.raw) - 1
                ELSE (min(x.raw) FILTER (WHERE x.rn = m) + min(x.raw) FILTER (WHERE x.rn = m + 1)) / 2 END
      INTO q_c
      FROM (SELECT t.raw, row_number() OVER (ORDER BY t.raw DESC) AS rn
              FROM pg_temp.creditrisk_calibration t
             WHERE t.floor < 500 AND coalesce(t.imposed, 'A') <= 'B') x;
    q_a := coalesce(q_a, 0);
    scale := CASE WHEN q_c IS NULL OR q_c <= q_a THEN 10 ELSE 300 / (q_c - q_a) END;
    scale := least(10, greatest(0.1, scale));
    RETURN ARRAY[scale, (200 - scale * q_a) / 10];
END
$$;
COMMENT ON FUNCTION creditrisk.model_calibrate_fit(double precision, double precision) IS
    'Part of model_calibrate(): the scale and shift of the points that give its calibration population the wanted shares of A and of C+D before the clamp, in closed form (two order statistics of the weighted distances from the baselines)';
REVOKE ALL ON FUNCTION creditrisk.model_calibrate_fit(double precision, double precision) FROM PUBLIC;

CREATE OR REPLACE FUNCTION creditrisk.model_calibrate(model text, new_key text, as_of date,
                                           share_a double precision DEFAULT 0.624,
                                           share_b double precision DEFAULT 0.285,
                                           share_c double precision DEFAULT 0.0643,
                                           share_d double precision DEFAULT 0.0267,
                                           description text DEFAULT NULL)
RETURNS TABLE (section text, code text, item text, before double precision, after double precision)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    run record;
    n bigint;
    shares double precision[] := ARRAY[share_a, share_b, share_c, share_d];
    s double precision;
    want_a double precision;
    want_cd double precision;
    fit double precision[];
    got double precision[];
    before_shares double precision[];
    best_a double precision;
    best_c double precision;
    i integer;
    pass integer;
    err double precision;
    kept_err double precision;
    kept_a double precision;
    kept_c double precision;
    kept_got double precision[];
BEGIN
    IF model IS NULL OR new_key IS NULL OR as_of IS NULL THEN
        RAISE EXCEPTION 'model_calibrate needs a model, a key for the draft and a run date'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'For example SELECT * FROM creditrisk.model_calibrate(''reference-v1'', ''henan-2027'', ''2026-10-31'');';
    END IF;
    -- the targets: four finite shares in [0, 1] that sum to 1
    FOR i IN 1..4 LOOP
        s := shares[i];
        IF s IS NULL OR s = 'NaN'::double precision OR s < 0 OR s > 1 THEN
            RAISE EXCEPTION 'target share of class % is %', (ARRAY['A', 'B', 'C', 'D'])[i], coalesce(s::text, 'null')
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'Each target share is a finite number between 0 and 1 (NaN, infinities and nulls are not shares).',
                      HINT = 'For example share_a => 0.624, share_b => 0.285, share_c => 0.0643, share_d => 0.0267 (the mean of the published figures, doc/calibration.md).';
        END IF;
    END LOOP;
    IF abs(share_a + share_b + share_c + share_d - 1) > 1e-6 THEN
        RAISE EXCEPTION 'the target shares sum to %, not 1', share_a + share_b + share_c + share_d
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('A %s + B %s + C %s + D %s.', share_a, share_b, share_c, share_d),
                  HINT = 'Give the share of every class, as fractions that add up to 1.';
    END IF;
    IF share_a = 0 OR share_a + share_b = 1 THEN
        RAISE EXCEPTION 'the target shares leave %', CASE WHEN share_a = 0 THEN 'class A empty' ELSE 'classes C and D empty' END
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Calibration places the A/B and B/C band edges inside the score distribution, so class A and classes C+D need a share above 0.',
                  HINT = 'Give class A and classes C and D each a share above 0.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = model) THEN
        PERFORM creditrisk.model_not_found(model);
    END IF;
    IF EXISTS (SELECT 1 FROM creditrisk.model m WHERE m.model_key = new_key) THEN
        RAISE EXCEPTION 'model "%" already exists', new_key
            USING ERRCODE = 'duplicate_object', HINT = 'Choose another key for the calibrated draft.';
    END IF;
    -- who may: whoever may write models (the administrators, creditrisk_admin)
    IF NOT (has_table_privilege('creditrisk.model', 'INSERT')
            AND has_table_privilege('creditrisk.model_bin', 'UPDATE')
            AND has_table_privilege('creditrisk.model_indicator', 'UPDATE')
            AND has_table_privilege('creditrisk.model_category', 'UPDATE')) THEN
        RAISE EXCEPTION 'permission denied to calibrate a model'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'model_calibrate() writes a draft model: it needs INSERT and UPDATE on the model tables, which creditrisk_admin has.',
                  HINT = 'Ask an administrator (creditrisk_admin) to calibrate; analysts read models and measure them with model_performance().';
    END IF;
    SELECT x.as_of, x.version, x.known_at, x.model_key INTO run
      FROM creditrisk.classification_run x WHERE x.as_of = as_of ORDER BY x.version DESC LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no classification run on %', as_of
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT as_of, model_key FROM creditrisk.classification_run ORDER BY as_of lists the runs.';
    END IF;

    -- The run's population (as the caller sees it): the source model's
    -- indicator values as known at the run's knowledge time, each
    -- enterprise's weighted score and highest floor under the source model,
    -- and the class the run's overrides imposed (the lowest final class).
    IF to_regclass('pg_temp.creditrisk_calibration') IS NOT NULL THEN
        DROP TABLE pg_temp.creditrisk_calibration;
    END IF;
    IF to_regclass('pg_temp.creditrisk_calibration_baseline') IS NOT NULL THEN
        DROP TABLE pg_temp.creditrisk_calibration_baseline;
    END IF;
    CREATE TEMP TABLE creditrisk_calibration ON COMMIT DROP AS
    SELECT ci.uscc, ci.indicators,
           (SELECT max((o.value->>'class')::creditrisk.riskclass)
              FROM jsonb_each(coalesce(r.override_details, '{}')) o
             WHERE jsonb_typeof(o.value) = 'object' AND o.value ? 'class') AS imposed,
           NULL::double precision AS raw, NULL::double precision AS floor
      FROM creditrisk.compute_indicators(model, run.as_of, run.known_at) ci
      JOIN creditrisk.classification_result r
        ON r.as_of = run.as_of AND r.version = run.version AND r.uscc = ci.uscc;
    -- each indicator's baseline: the median of its points on the run
    CREATE TEMP TABLE creditrisk_calibration_baseline ON COMMIT DROP AS
    SELECT e.code, percentile_disc(0.5) WITHIN GROUP (ORDER BY e.points) AS points, min(e.weight) AS weight
      FROM pg_temp.creditrisk_calibration t
     CROSS JOIN LATERAL creditrisk.score_explain(model, t.indicators) e
     WHERE e.position IS NOT NULL
     GROUP BY e.code;
    -- each enterprise's weighted score above the baseline, and its highest floor
    UPDATE pg_temp.creditrisk_calibration t
       SET raw = x.raw, floor = x.floor
      FROM (SELECT u.uscc,
                   coalesce(sum(10 * e.weight * (e.points - b.points)) FILTER (WHERE e.position IS NOT NULL), 0) AS raw,
                   coalesce(max(f.floor), 0) AS floor
              FROM pg_temp.creditrisk_calibration u
             CROSS JOIN LATERAL creditrisk.score_explain(model, u.indicators) e
              LEFT JOIN pg_temp.creditrisk_calibration_baseline b ON b.code = e.code AND e.position IS NOT NULL
              LEFT JOIN creditrisk.model_floor f ON e.position IS NULL AND f.model_key = model AND f.code = e.code
             GROUP BY u.uscc) x
     WHERE x.uscc = t.uscc;
    SELECT count(*) INTO n FROM creditrisk_calibration;
    IF n < 100 THEN
        RAISE EXCEPTION 'the run of % has % enterprises to calibrate on (as this role sees it), fewer than 100', as_of, n
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Shares measured on so few enterprises say little about the population.',
                  HINT = 'Calibrate on a province- or city-wide run, as an administrator whose jurisdiction covers it.';
    END IF;

    PERFORM creditrisk.model_copy(model, new_key,
        coalesce(description, format('Calibrated draft of %s (model_calibrate, doc/calibration.md)', model)));

    before_shares := creditrisk.model_calibrate_shares(model);
    want_a := share_a;
    want_cd := share_c + share_d;
    FOR pass IN 1..6 LOOP
        -- the fit in closed form (model_calibrate_fit: two order statistics
        -- of the enterprises' weighted distances from the baselines), then
        -- the draft scored for real; the targets of the next fit are
        -- corrected by what the clamp and the rounding moved
        fit := creditrisk.model_calibrate_fit(want_a, want_cd);
        best_a := fit[1];
        best_c := fit[2];
        PERFORM creditrisk.model_calibrate_apply(model, new_key, best_a, best_c);
        got := creditrisk.model_calibrate_shares(new_key);
        err := abs(got[1] - share_a) + abs(got[2] - share_b) + abs(got[3] - share_c) + abs(got[4] - share_d);
        IF kept_err IS NULL OR err < kept_err THEN
            kept_err := err;
            kept_a := best_a;
            kept_c := best_c;
            kept_got := got;
        END IF;
        EXIT WHEN abs(got[1] - share_a) <= 0.002 AND abs(got[3] + got[4] - share_c - share_d) <= 0.002;
        want_a := least(0.9999, greatest(0.0001, want_a + share_a - got[1]));
        want_cd := least(0.9999, greatest(0.0001, want_cd + share_c + share_d - got[3] - got[4]));
    END LOOP;
    -- the closest of the passes (when the clamp keeps C and D out of reach,
    -- pushing the scale further only moves A away from its target)
    IF kept_a IS DISTINCT FROM best_a OR kept_c IS DISTINCT FROM best_c THEN
        best_a := kept_a;
        best_c := kept_c;
        PERFORM creditrisk.model_calibrate_apply(model, new_key, best_a, best_c);
    END IF;
    got := kept_got;

    UPDATE creditrisk.model m
       SET description = m.description || format(E'\nCalibration: points'' = clamp(%s + %s x (points - the indicator''s median points on the run), 0, 100) on every bin, category, true/false, default and missing value of %s, '
                                                 'fitted on the run of %s (version %s, %s enterprises) to the target shares A %s / B %s / C %s / D %s; '
                                                 'the run''s classes become A %s / B %s / C %s / D %s (they were A %s / B %s / C %s / D %s under %s). Floors unchanged.',
                                                 round(best_c::numeric, 3), round(best_a::numeric, 4), model, run.as_of, run.version, n,
                                                 share_a, share_b, share_c, share_d,
                                                 round(got[1]::numeric, 4), round(got[2]::numeric, 4), round(got[3]::numeric, 4), round(got[4]::numeric, 4),
                                                 round(before_shares[1]::numeric, 4), round(before_shares[2]::numeric, 4),
                                                 round(before_shares[3]::numeric, 4), round(before_shares[4]::numeric, 4), model)
     WHERE m.model_key = new_key;

    RETURN QUERY
    SELECT 'parameter', p.k, NULL::text, NULL::double precision, p.v
      FROM (VALUES ('scale', best_a), ('shift', best_c), ('enterprises', n::double precision)) p(k, v)
    UNION ALL
    SELECT 'class_share', k.cls, 'target ' || k.t, before_shares[k.i], got[k.i]
      FROM (VALUES (1, 'A', share_a), (2, 'B', share_b), (3, 'C', share_c), (4, 'D', share_d)) k(i, cls, t)
    UNION ALL
    SELECT 'points', x.code, x.item, x.before, x.after
      FROM creditrisk.model_points_diff(model, new_key) x;
    DROP TABLE pg_temp.creditrisk_calibration;
    DROP TABLE pg_temp.creditrisk_calibration_baseline;
END
$$;
COMMENT ON FUNCTION creditrisk.model_calibrate(text, text, date, double precision, double precision, double precision, double precision, text) IS
    'Model calibration (模型校准): copies a model into a DRAFT new_key whose points are rescaled about each indicator''s median points b on the run, points'' = clamp(shift + scale x (points - b), 0, 100), so that the classes of the run of as_of (its population, knowledge time and overrides, as the caller sees them) land at the target shares of A and of C+D (defaults: the mean of the published Xinjiang 2022, Bayannur 2022 and Dandong 2023 figures); returns the scale and shift, the class shares before and after, and every point value changed, for an administrator to review and publish with model_publish() (doc/calibration.md)';

-- reference-v2, shipped next to reference-v1 (both left out of dumps: CREATE
-- EXTENSION installs them), and the condition under which the model tables
-- count as loaded (a model other than the shipped ones).
DROP TRIGGER model_dimension_model_key_ref ON creditrisk.model_dimension;
CREATE TRIGGER model_dimension_model_key_ref BEFORE INSERT OR UPDATE ON creditrisk.model_dimension FOR EACH ROW
    EXECUTE FUNCTION creditrisk.model_content_reference_check('model', 'model_key', 'model_key', $c$t.model_key NOT IN ('reference-v1', 'reference-v2')$c$);
DROP TRIGGER model_floor_model_key_ref ON creditrisk.model_floor;
CREATE TRIGGER model_floor_model_key_ref BEFORE INSERT OR UPDATE ON creditrisk.model_floor FOR EACH ROW
    EXECUTE FUNCTION creditrisk.model_content_reference_check('model', 'model_key', 'model_key', $c$t.model_key NOT IN ('reference-v1', 'reference-v2')$c$);
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_dimension', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_group', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_indicator', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_bin', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_category', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_floor', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.model_floor_condition', 'WHERE model_key NOT IN (''reference-v1'', ''reference-v2'')');
-- A bureau's own model under the key reference-v2 would clash: refuse clearly.
DO $clash$
BEGIN
    IF EXISTS (SELECT 1 FROM creditrisk.model WHERE model_key = 'reference-v2') THEN
        RAISE EXCEPTION 'a model "reference-v2" exists already; 1.7 ships a model under that key'
            USING ERRCODE = 'duplicate_object',
                  DETAIL = 'creditrisk 1.7 installs its calibrated reference model as reference-v2 (doc/calibration.md).',
                  HINT = 'The key reference-v2 is reserved from 1.7 on: copy your model under another key (creditrisk.model_copy) and remove reference-v2 before updating.';
    END IF;
END
$clash$;
-- the document of models/reference-v2.json, as extension/reference-v2.sql installs it
SELECT creditrisk.model_import($reference$
{
  "format": "creditrisk-model/1",
  "key": "reference-v2",
  "description": "Calibrated reference model (校准后的参考模型, 1.7; doc/calibration.md): reference-v1's five dimensions, 25 groups, 81 level-3 indicators and six floors (定性判定), with (1) the weights re-allocated to the dimensions that predicted adverse outcomes on the sample (information value of each group's adverse flag, the run of 2025-10-31 against the year after it): D1 0.02, D2 0.05, D3 监管信息 0.90 (abnormal-operation list 0.50, penalty frequency 0.20, penalty severity 0.16, spot checks 0.08, serious dishonesty, judgment debtors and key-field penalties 0.02 each), D4 0.01, D5 0.02, weights within groups and the other dimensions' groups as in reference-v1; and (2) the points calibrated with model_calibrate() to the mean of the published Xinjiang 2022, Bayannur 2022 and Dandong 2023 class distributions (A 62.4 / B 28.5 / C 6.43 / D 2.67 %) on the sample (50,000 enterprises, seed 0.42). Score = 10 x sum of weight x points (0-100, 100 = riskiest), raised to the floor of any rule that holds (A [0,200), B [200,500), C [500,750), D [750,1000]). Every value is a reference value fitted on synthetic data, not an official figure: a bureau measures it on its own history (model_performance()) before activating it from a date (model_activation), and recalibrates it on its own runs. The article 10 direct classifications and the article 16 fusion are applied by the classification stage, not by this score.\nCalibration: points' = clamp(19.438 + 4.4929 x (points - the indicator's median points on the run), 0, 100) on every bin, category, true/false, default and missing value of reference-v1 re-weighted as above, fitted on the run of 2025-10-31 (version 1, 38186 enterprises) to the target shares A 0.624 / B 0.285 / C 0.0643 / D 0.0267; the run's classes become A 0.6284 / B 0.2930 / C 0.0501 / D 0.0285 (they were A 0.8967 / B 0.0714 / C 0.0075 / D 0.0244 under reference-v1 re-weighted as above). Floors unchanged.",
  "dimensions": [
    {
      "code": "D1",
      "name": "企业基础属性信息",
      "groups": [
        {
          "code": "D1G1",
          "name": "企业规模",
          "weight": 0.25,
          "name_en": "Enterprise size",
          "indicators": [
            {
              "code": "registered_capital",
              "name": "注册资本",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 10,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 10,
                    "upper": 50,
                    "points": 64.37
                  },
                  {
                    "label": "",
                    "lower": 50,
                    "upper": 100,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 100,
                    "upper": 500,
                    "points": 0
                  },
                  {
                    "label": "",
                    "lower": 500,
                    "upper": 5000,
                    "points": 0
                  },
                  {
                    "label": "",
                    "lower": 5000,
                    "points": 0
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "10k CNY",
              "source": "register.registered_capital (register.parent_uscc for a branch)",
              "weight": 0.4,
              "name_en": "Registered capital",
              "rationale": "Under the subscription system capital says little about real strength, so the spread is kept narrow (10-60). Very small capital (< 100k yuan) goes with the shortest-lived and most often abandoned enterprises; large capital with an operating history is a mild sign of substance. Missing 50: the register always holds capital, so absence is a data defect and is treated as average risk.",
              "definition": "Registered (subscribed, 认缴) capital on the register as of D, in 10,000 yuan (万元); capital in another currency is converted to CNY by the register's rate. A branch (分支机构) has no capital of its own and takes its parent's.",
              "definition_sql": "\nCASE WHEN e.parent_uscc IS NULL THEN e.registered_capital\n     ELSE (SELECT pe.registered_capital FROM creditrisk.register_at($1, $2) pe WHERE pe.uscc = e.parent_uscc)\nEND\n"
            },
            {
              "code": "corporate_shareholder_count",
              "name": "企业股东数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 3,
                    "points": 0
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 0
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 19.44
              },
              "unit": "count",
              "source": "related_party_link (kind = shareholder, to_uscc = enterprise)",
              "weight": 0.2,
              "name_en": "Enterprise shareholders",
              "rationale": "Institutional shareholders bring governance, audit and reputational stakes; most small private firms have none, so zero is only mildly elevated (30) and the effect is small.",
              "definition": "Number of distinct enterprises that are shareholders (投资人) of the enterprise on D: related-party links of kind shareholder whose invested side is the enterprise and that are in force on D. Natural-person shareholders are not in the link records and are not counted.",
              "definition_sql": "\n(SELECT count(DISTINCT l.from_uscc)\n   FROM creditrisk.related_party_link_as_known($2) l\n  WHERE l.to_uscc = e.uscc AND l.kind = 'shareholder'\n    AND (l.valid_from IS NULL OR l.valid_from <= $1)\n    AND (l.valid_to IS NULL OR l.valid_to > $1))\n"
            },
            {
              "code": "branch_count",
              "name": "分支机构数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 5,
                    "points": 0
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "points": 0
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 19.44
              },
              "unit": "count",
              "source": "register.is_branch, register.parent_uscc, register.established_date, register.status, register.status_date",
              "weight": 0.2,
              "name_en": "Branches",
              "rationale": "An enterprise that sustains branches has a real operating footprint; most small enterprises have none (30).",
              "definition": "Number of branches of the enterprise in business on D: register entries with is_branch = true and parent_uscc = the enterprise, established on or before D and not revoked or cancelled by D. 0 for a branch.",
              "definition_sql": "\nCASE WHEN e.parent_uscc IS NOT NULL THEN 0\n     ELSE (SELECT count(*)\n             FROM creditrisk.register_at($1, $2) b\n            WHERE b.parent_uscc = e.uscc\n              AND b.established_date <= $1\n              AND NOT (b.status IN ('revoked', 'cancelled') AND b.status_date <= $1))\nEND\n"
            },
            {
              "code": "outbound_investment_count",
              "name": "对外投资企业数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 5,
                    "points": 0
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "upper": 20,
                    "points": 0
                  },
                  {
                    "label": "",
                    "lower": 20,
                    "points": 64.37
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 19.44
              },
              "unit": "count",
              "source": "related_party_link (kind = shareholder, from_uscc = enterprise)",
              "weight": 0.2,
              "name_en": "Outbound investments",
              "rationale": "U-shaped: a few subsidiaries indicate an established business; twenty or more holdings by one enterprise is a pattern of layered holding or shell networks (空壳公司) and scores higher.",
              "definition": "Number of distinct enterprises in which the enterprise holds equity on D: related-party links of kind shareholder whose investing side is the enterprise and that are in force on D.",
              "definition_sql": "\n(SELECT count(DISTINCT l.to_uscc)\n   FROM creditrisk.related_party_link_as_known($2) l\n  WHERE l.from_uscc = e.uscc AND l.kind = 'shareholder'\n    AND (l.valid_from IS NULL OR l.valid_from <= $1)\n    AND (l.valid_to IS NULL OR l.valid_to > $1))\n"
            }
          ]
        },
        {
          "code": "D1G2",
          "name": "成立年限与存续状态",
          "weight": 0.25,
          "name_en": "Age and registration status",
          "indicators": [
            {
              "code": "years_in_operation",
              "name": "成立年限",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 64.37
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "upper": 5,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "upper": 10,
                    "points": 0
                  },
                  {
                    "label": "",
                    "lower": 10,
                    "points": 0
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "years",
              "source": "register.established_date",
              "weight": 0.65,
              "name_en": "Years in operation",
              "rationale": "Young enterprises are the most likely to miss their first annual report, be listed as abnormal, be unreachable at the registered address or be abandoned; the risk falls steadily with survival. The points are moderate so that a clean new enterprise stays in class A or B.",
              "definition": "Time from the establishment date to D, in days / 365.25. Negative if established after D (then the enterprise should not be scored for D).",
              "definition_sql": "\n($1 - e.established_date)::double precision / 365.25\n"
            },
            {
              "code": "status_revoked",
              "name": "营业执照被吊销",
              "rule": {
                "kind": "boolean",
                "true": 100,
                "false": 19.44,
                "default": 0,
                "missing": 100
              },
              "unit": "flag",
              "source": "register.status, register.status_date",
              "weight": 0.35,
              "name_en": "Business licence revoked",
              "rationale": "Revocation of the business licence is the gravest registration sanction; the enterprise may not operate but often keeps trading or leaves debts. The floor rule business_licence_revoked guarantees class D.",
              "definition": "1 if the enterprise's registration status on D is revoked (吊销): register.status = revoked with a status date on or before D; otherwise 0.",
              "definition_sql": "\nCASE WHEN e.status = 'revoked' AND e.status_date <= $1 THEN 1 ELSE 0 END\n"
            }
          ]
        },
        {
          "code": "D1G3",
          "name": "主体类型",
          "weight": 0.15,
          "name_en": "Entity type",
          "indicators": [
            {
              "code": "entity_type_class",
              "name": "主体类型",
              "rule": {
                "kind": "categories",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 0,
                "categories": [
                  {
                    "label": "国有或集体企业 state-owned or collective",
                    "value": 1,
                    "points": 0
                  },
                  {
                    "label": "股份有限公司 joint-stock company",
                    "value": 2,
                    "points": 0
                  },
                  {
                    "label": "有限责任公司 LLC (2+ shareholders)",
                    "value": 3,
                    "points": 0
                  },
                  {
                    "label": "一人有限责任公司 single-shareholder LLC",
                    "value": 4,
                    "points": 19.44
                  },
                  {
                    "label": "外商投资企业 foreign-invested",
                    "value": 5,
                    "points": 0
                  },
                  {
                    "label": "个人独资企业 sole proprietorship",
                    "value": 6,
                    "points": 19.44
                  },
                  {
                    "label": "合伙企业 partnership",
                    "value": 7,
                    "points": 19.44
                  },
                  {
                    "label": "农民专业合作社 farmers' cooperative",
                    "value": 8,
                    "points": 0
                  }
                ]
              },
              "unit": "code",
              "source": "register.entity_type (register.parent_uscc for a branch)",
              "weight": 0.6,
              "name_en": "Entity type",
              "rationale": "Forms with more governance and disclosure (state-owned, joint-stock) fail less often; one-person forms lack internal checks and mix owner and company assets. The spread (10-35) is deliberately small.",
              "definition": "The enterprise's legal form on D, mapped from the register's entity type (企业类型) to a code: 1 state-owned or collective, 2 joint-stock company, 3 limited liability company with two or more shareholders, 4 single-shareholder LLC (一人有限责任公司), 5 foreign-invested enterprise, 6 sole proprietorship (个人独资企业), 7 partnership (合伙企业), 8 farmers' specialised cooperative (农民专业合作社). A branch takes the code of its parent's legal form.",
              "definition_sql": "\nCASE WHEN e.parent_uscc IS NULL THEN e.entity_type\n     ELSE (SELECT pe.entity_type FROM creditrisk.register_at($1, $2) pe WHERE pe.uscc = e.parent_uscc)\nEND\n"
            },
            {
              "code": "is_branch",
              "name": "分支机构",
              "rule": {
                "kind": "boolean",
                "true": 100,
                "false": 19.44,
                "default": 0,
                "missing": 41.9
              },
              "unit": "flag",
              "source": "register.is_branch",
              "weight": 0.4,
              "name_en": "Is a branch",
              "rationale": "A branch has no legal personality or capital of its own and leaves a thin record; branches are more often left dormant without deregistration. Its parent's condition is scored in parent_adverse.",
              "definition": "1 if the enterprise is a branch (分支机构) on the register, else 0.",
              "definition_sql": "\nCASE WHEN e.parent_uscc IS NOT NULL THEN 1 ELSE 0 END\n"
            }
          ]
        },
        {
          "code": "D1G4",
          "name": "行业属性",
          "weight": 0.15,
          "name_en": "Industry",
          "indicators": [
            {
              "code": "industry_section_class",
              "name": "行业门类",
              "rule": {
                "kind": "categories",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 19.44,
                "categories": [
                  {
                    "label": "A 农、林、牧、渔业 agriculture",
                    "value": 1,
                    "points": 0
                  },
                  {
                    "label": "B 采矿业 mining",
                    "value": 2,
                    "points": 41.9
                  },
                  {
                    "label": "C 制造业 manufacturing",
                    "value": 3,
                    "points": 0
                  },
                  {
                    "label": "D 电力、热力、燃气及水 utilities",
                    "value": 4,
                    "points": 0
                  },
                  {
                    "label": "E 建筑业 construction",
                    "value": 5,
                    "points": 41.9
                  },
                  {
                    "label": "F 批发和零售业 wholesale and retail",
                    "value": 6,
                    "points": 19.44
                  },
                  {
                    "label": "G 交通运输、仓储和邮政 transport",
                    "value": 7,
                    "points": 0
                  },
                  {
                    "label": "H 住宿和餐饮业 accommodation and catering",
                    "value": 8,
                    "points": 41.9
                  },
                  {
                    "label": "I 信息传输、软件和信息技术服务 IT",
                    "value": 9,
                    "points": 0
                  },
                  {
                    "label": "J 金融业 finance",
                    "value": 10,
                    "points": 41.9
                  },
                  {
                    "label": "K 房地产业 real estate",
                    "value": 11,
                    "points": 41.9
                  },
                  {
                    "label": "L 租赁和商务服务业 leasing and business services",
                    "value": 12,
                    "points": 41.9
                  },
                  {
                    "label": "M 科学研究和技术服务 research",
                    "value": 13,
                    "points": 0
                  },
                  {
                    "label": "N 水利、环境和公共设施管理 environment",
                    "value": 14,
                    "points": 0
                  },
                  {
                    "label": "O 居民服务、修理和其他服务 residents' services",
                    "value": 15,
                    "points": 19.44
                  },
                  {
                    "label": "P 教育 education",
                    "value": 16,
                    "points": 19.44
                  },
                  {
                    "label": "Q 卫生和社会工作 health",
                    "value": 17,
                    "points": 19.44
                  },
                  {
                    "label": "R 文化、体育和娱乐 culture and sport",
                    "value": 18,
                    "points": 19.44
                  },
                  {
                    "label": "S 公共管理、社会保障和社会组织 public administration",
                    "value": 19,
                    "points": 0
                  },
                  {
                    "label": "T 国际组织 international organisations",
                    "value": 20,
                    "points": 0
                  }
                ]
              },
              "unit": "code",
              "source": "register.industry_code",
              "weight": 0.6,
              "name_en": "Industry section",
              "rationale": "Sector base rates of complaints, penalties and abnormal listings in market regulation are highest in catering, construction, mining, real estate, finance-related and business-service agencies. Kept narrow (10-35): the article 10 'high-social-concern industry' override is applied later, not here.",
              "definition": "Section (门类) of the enterprise's main industry code (GB/T 4754-2017) on the register, letter mapped to a number: A=1, B=2, ..., T=20.",
              "definition_sql": "\nascii(left(e.industry_code, 1)) - 64\n"
            },
            {
              "code": "key_field_industry",
              "name": "重点领域行业",
              "rule": {
                "kind": "boolean",
                "true": 100,
                "false": 19.44,
                "default": 0,
                "missing": 64.37
              },
              "unit": "flag",
              "source": "register.industry_code; domain_risk_class.assessed_date",
              "weight": 0.4,
              "name_en": "Key-field industry",
              "rationale": "Failures in food, drugs and special equipment harm life and health, so the general model leans towards inspecting them. The domain class itself is not scored here: article 16 fuses it with the general class later, and scoring it twice would double count.",
              "definition": "1 if on D the enterprise works in a key field of article 16 (food, drugs, special equipment): its GB/T 4754 code starts with one of C13, C14, C15, F512, F521, F522, H62 (food), C27, F515, F525 (drugs), C341, C343 (special equipment), or it has a professional domain risk class assessed on or before D; else 0.",
              "definition_sql": "\nCASE WHEN e.industry_code LIKE ANY (ARRAY['C13%', 'C14%', 'C15%', 'F512%', 'F521%', 'F522%', 'H62%',\n                                          'C27%', 'F515%', 'F525%',\n                                          'C341%', 'C343%'])\n       OR EXISTS (SELECT 1 FROM creditrisk.domain_risk_class_as_known($2) d\n                   WHERE d.uscc = e.uscc AND d.assessed_date <= $1)\n     THEN 1 ELSE 0\nEND\n"
            }
          ]
        },
        {
          "code": "D1G5",
          "name": "资质许可",
          "weight": 0.2,
          "name_en": "Licences",
          "indicators": [
            {
              "code": "licence_lapsed",
              "name": "许可证全部失效",
              "rule": {
                "kind": "boolean",
                "true": 100,
                "false": 19.44,
                "default": 0,
                "missing": 64.37
              },
              "unit": "flag",
              "source": "licence.valid_from, licence.valid_to, licence.revoked_date",
              "weight": 0.35,
              "name_en": "All licences lapsed",
              "rationale": "An enterprise whose business needed a licence and which holds none now is either operating without a licence (无证经营) or has stopped operating without deregistering: both call for a visit.",
              "definition": "1 if the enterprise has held at least one administrative licence with valid_from on or before D and on D none is valid (valid_from <= D < valid_to, an empty valid_to meaning open-ended, and not revoked on or before D); 0 otherwise, including an enterprise that never held a licence.",
              "definition_sql": "\nCASE WHEN EXISTS (SELECT 1 FROM creditrisk.licence_as_known($2) l\n                   WHERE l.uscc = e.uscc AND l.valid_from <= $1)\n      AND NOT EXISTS (SELECT 1 FROM creditrisk.licence_as_known($2) l\n                       WHERE l.uscc = e.uscc\n                         AND l.valid_from <= $1\n                         AND (l.valid_to IS NULL OR $1 < l.valid_to)\n                         AND (l.revoked_date IS NULL OR l.revoked_date > $1))\n     THEN 1 ELSE 0\nEND\n"
            },
            {
              "code": "licence_expired_unrenewed_1y",
              "name": "近一年许可到期未延续数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 64.37
              },
              "unit": "count",
              "source": "licence.valid_from, licence.valid_to (licence.kind if recorded)",
              "weight": 0.3,
              "name_en": "Licences expired, not renewed (1 year)",
              "rationale": "The national system names 'licences expired or invalid' (许可证过期/失效); an expiry without a successor is a likely case of unlicensed operation or of quiet exit.",
              "definition": "Licences of the enterprise whose valid_to lies in (D − 1 year, D] and that were not renewed: no other licence of the enterprise (of the same kind, where the records carry a kind) has a valid_from between valid_to − 180 days and D.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.licence_as_known($2) l\n  WHERE l.uscc = e.uscc\n    AND l.valid_to > ($1 - interval '1 year')::date AND l.valid_to <= $1\n    AND NOT EXISTS (SELECT 1 FROM creditrisk.licence_as_known($2) n\n                     WHERE n.uscc = e.uscc AND n.id <> l.id\n                       AND (n.kind = l.kind OR n.kind = '' OR l.kind = '')\n                       AND n.valid_from >= l.valid_to - 180\n                       AND n.valid_from <= $1))\n"
            },
            {
              "code": "licence_revoked_3y",
              "name": "近三年许可被吊销撤销数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 64.37
              },
              "unit": "count",
              "source": "licence.revoked_date",
              "weight": 0.35,
              "name_en": "Licences revoked (3 years)",
              "rationale": "Revocation (吊销) or withdrawal (撤销) of a licence follows a serious violation or a licence obtained by fraud.",
              "definition": "Licences of the enterprise whose revoked_date lies in (D − 3 years, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.licence_as_known($2) l\n  WHERE l.uscc = e.uscc\n    AND l.revoked_date > ($1 - interval '3 years')::date AND l.revoked_date <= $1)\n"
            }
          ]
        }
      ],
      "weight": 0.02,
      "name_en": "Basic attributes"
    },
    {
      "code": "D2",
      "name": "企业动态信息",
      "groups": [
        {
          "code": "D2G1",
          "name": "登记事项变更",
          "weight": 0.2,
          "name_en": "Registration changes",
          "indicators": [
            {
              "code": "legal_rep_changes_1y",
              "name": "近一年法定代表人变更次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "registration_change.change_date, registration_change.kind = legal_representative",
              "weight": 0.3,
              "name_en": "Legal representative changes (1 year)",
              "rationale": "Frequent replacement of the legal representative (频繁变更法定代表人) is a classic sign of nominee representatives (挂名法人), of an enterprise being sold as a shell, or of someone escaping liability. One change is routine.",
              "definition": "Registration changes of kind legal_representative with change_date in (D − 1 year, D] (several records of the same kind on the same day count once).",
              "definition_sql": "\n(SELECT count(DISTINCT c.change_date)\n   FROM creditrisk.registration_change_as_known($2) c\n  WHERE c.uscc = e.uscc AND c.kind = 'legal_representative'\n    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)\n"
            },
            {
              "code": "name_changes_1y",
              "name": "近一年名称变更次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "registration_change.change_date, registration_change.kind = name",
              "weight": 0.15,
              "name_en": "Name changes (1 year)",
              "rationale": "Repeated renaming breaks the link between an enterprise and its reputation and is used to shed complaints.",
              "definition": "Registration changes of kind name with change_date in (D − 1 year, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.registration_change_as_known($2) c\n  WHERE c.uscc = e.uscc AND c.kind = 'name'\n    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)\n"
            },
            {
              "code": "address_changes_1y",
              "name": "近一年住所变更次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "registration_change.change_date, registration_change.kind = address",
              "weight": 0.2,
              "name_en": "Address changes (1 year)",
              "rationale": "Frequent moves (频繁变更住所) go with virtual addresses and evasion of local supervision.",
              "definition": "Registration changes of kind address with change_date in (D − 1 year, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.registration_change_as_known($2) c\n  WHERE c.uscc = e.uscc AND c.kind = 'address'\n    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)\n"
            },
            {
              "code": "scope_changes_1y",
              "name": "近一年经营范围变更次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 64.37
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "registration_change.change_date, registration_change.kind = scope",
              "weight": 0.1,
              "name_en": "Business scope changes (1 year)",
              "rationale": "Scope changes are often legitimate diversification; only repeated changes weigh, and lightly.",
              "definition": "Registration changes of kind scope with change_date in (D − 1 year, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.registration_change_as_known($2) c\n  WHERE c.uscc = e.uscc AND c.kind = 'scope'\n    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)\n"
            },
            {
              "code": "capital_changes_1y",
              "name": "近一年注册资本变更次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 86.83
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "registration_change.change_date, registration_change.kind = capital",
              "weight": 0.1,
              "name_en": "Registered capital changes (1 year)",
              "rationale": "Repeated increases and reductions of capital are used to inflate apparent strength or to withdraw capital before debts fall due.",
              "definition": "Registration changes of kind capital with change_date in (D − 1 year, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.registration_change_as_known($2) c\n  WHERE c.uscc = e.uscc AND c.kind = 'capital'\n    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)\n"
            },
            {
              "code": "changes_total_3y",
              "name": "近三年登记事项变更总次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 3,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "upper": 6,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 6,
                    "upper": 10,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 10,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "registration_change.change_date",
              "weight": 0.15,
              "name_en": "All registration changes (3 years)",
              "rationale": "Captures sustained instability that the one-year counts miss.",
              "definition": "Registration changes of any kind with change_date in (D − 3 years, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.registration_change_as_known($2) c\n  WHERE c.uscc = e.uscc\n    AND c.change_date > ($1 - interval '3 years')::date AND c.change_date <= $1)\n"
            }
          ]
        },
        {
          "code": "D2G2",
          "name": "出资情况",
          "weight": 0.15,
          "name_en": "Capital contribution",
          "indicators": [
            {
              "code": "paid_in_ratio",
              "name": "实缴资本比例",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 0.2,
                    "points": 64.37
                  },
                  {
                    "label": "",
                    "lower": 0.2,
                    "upper": 0.5,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 0.5,
                    "upper": 1,
                    "points": 0
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "points": 0
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 19.44
              },
              "unit": "ratio",
              "source": "register.paid_in_capital, register.registered_capital (register.parent_uscc for a branch)",
              "weight": 0.6,
              "name_en": "Paid-in capital ratio",
              "rationale": "Capital that is subscribed but not paid (认缴未实缴) gives creditors no protection. Zero paid-in capital is common under the subscription system, so the highest bin is only 40.",
              "definition": "Paid-in capital divided by registered capital on D (0-1; above 1 is a data error and scores as 1). Missing when registered capital is 0 or unknown. A branch takes its parent's ratio.",
              "definition_sql": "\n(SELECT CASE WHEN c.registered_capital > 0\n             THEN c.paid_in_capital::double precision / c.registered_capital::double precision\n        END\n   FROM creditrisk.register_at($1, $2) c\n  WHERE c.uscc = coalesce(e.parent_uscc, e.uscc))\n"
            },
            {
              "code": "unpaid_capital",
              "name": "认缴未实缴资本",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 100,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 100,
                    "upper": 1000,
                    "points": 86.83
                  },
                  {
                    "label": "",
                    "lower": 1000,
                    "upper": 5000,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5000,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "10k CNY",
              "source": "register.registered_capital, register.paid_in_capital (register.parent_uscc for a branch)",
              "weight": 0.4,
              "name_en": "Unpaid subscribed capital",
              "rationale": "Large unpaid subscriptions inflate the capital shown to trading partners (虚高注册资本) and are a liability the shareholders may not honour.",
              "definition": "Registered capital minus paid-in capital on D, in 10,000 yuan. A branch takes its parent's value.",
              "definition_sql": "\n(SELECT c.registered_capital - c.paid_in_capital\n   FROM creditrisk.register_at($1, $2) c\n  WHERE c.uscc = coalesce(e.parent_uscc, e.uscc))\n"
            }
          ]
        },
        {
          "code": "D2G3",
          "name": "年度报告",
          "weight": 0.25,
          "name_en": "Annual reports",
          "indicators": [
            {
              "code": "annual_report_latest_missing",
              "name": "最近年度年报未报送",
              "rule": {
                "kind": "boolean",
                "true": 100,
                "false": 19.44,
                "default": 0,
                "missing": 100
              },
              "unit": "flag",
              "source": "annual_report.year, annual_report.filed_on; register.established_date",
              "weight": 0.4,
              "name_en": "Latest annual report missing",
              "rationale": "Failure to file the annual report (未按时公示年报) is the commonest reason for abnormal listing and a strong sign of an enterprise that has stopped operating or stopped caring about compliance. Missing 40: absence of annual-report data is itself a warning.",
              "definition": "The report for year Y is due by 30 June of Y + 1, for every Y from the year of establishment on. The latest due year on D is the last Y whose deadline is before D. 1 if no report for that year was filed on or before D; 0 if it was, or if no year is due yet.",
              "definition_sql": "\n(SELECT CASE WHEN y.due < extract(year FROM e.established_date)::int THEN 0\n             WHEN EXISTS (SELECT 1 FROM creditrisk.annual_report_as_known($2) a\n                           WHERE a.uscc = e.uscc AND a.year = y.due AND a.filed_on <= $1) THEN 0\n             ELSE 1\n        END\n   FROM (SELECT CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30)\n                     THEN extract(year FROM $1)::int - 1\n                     ELSE extract(year FROM $1)::int - 2\n                END AS due) y)\n"
            },
            {
              "code": "annual_reports_missing_3y",
              "name": "近三个年度未报年报数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "annual_report.year, annual_report.filed_on; register.established_date",
              "weight": 0.3,
              "name_en": "Annual reports missing (3 years)",
              "rationale": "Repeated non-filing marks a dormant or abandoned enterprise; three missing years is practically certain.",
              "definition": "Among the last three due years (the latest due year and the two before it, counting only years from the year of establishment on), the number with no report filed on or before D.",
              "definition_sql": "\n(SELECT count(*)\n   FROM (SELECT CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30)\n                     THEN extract(year FROM $1)::int - 1\n                     ELSE extract(year FROM $1)::int - 2\n                END AS due) y,\n        generate_series(y.due - 2, y.due) AS s(year)\n  WHERE s.year >= extract(year FROM e.established_date)::int\n    AND NOT EXISTS (SELECT 1 FROM creditrisk.annual_report_as_known($2) a\n                     WHERE a.uscc = e.uscc AND a.year = s.year AND a.filed_on <= $1))\n"
            },
            {
              "code": "annual_reports_late_3y",
              "name": "近三个年度逾期报送年报数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "annual_report.year, annual_report.filed_on, annual_report.on_time",
              "weight": 0.3,
              "name_en": "Annual reports filed late (3 years)",
              "rationale": "Late filing usually follows an abnormal listing and its removal (补报); a habit of it shows weak compliance.",
              "definition": "Among the same three due years, the number of reports filed on or before D with on_time = false (filed after 30 June of the following year).",
              "definition_sql": "\n(SELECT count(*)\n   FROM (SELECT CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30)\n                     THEN extract(year FROM $1)::int - 1\n                     ELSE extract(year FROM $1)::int - 2\n                END AS due) y,\n        creditrisk.annual_report_as_known($2) a\n  WHERE a.uscc = e.uscc\n    AND a.year BETWEEN y.due - 2 AND y.due\n    AND a.year >= extract(year FROM e.established_date)::int\n    AND a.filed_on <= $1\n    AND NOT a.on_time)\n"
            }
          ]
        },
        {
          "code": "D2G4",
          "name": "股权出质与冻结",
          "weight": 0.2,
          "name_en": "Equity pledges and freezes",
          "indicators": [
            {
              "code": "equity_pledges_current",
              "name": "当前股权出质数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "equity_pledge_freeze.kind = pledge, equity_pledge_freeze.start_date, equity_pledge_freeze.end_date",
              "weight": 0.25,
              "name_en": "Current equity pledges",
              "rationale": "Pledging equity is a normal financing tool, but it shows shareholders borrowing against the enterprise; several pledges at once show financial strain (股权出质 in the national examples).",
              "definition": "Pledges (股权出质) of equity in the enterprise in force on D: records of kind pledge with start_date <= D and end_date empty or after D.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.equity_pledge_freeze_as_known($2) q\n  WHERE q.uscc = e.uscc AND q.kind = 'pledge'\n    AND q.start_date <= $1 AND (q.end_date IS NULL OR q.end_date > $1))\n"
            },
            {
              "code": "equity_freezes_current",
              "name": "当前股权冻结数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "equity_pledge_freeze.kind = freeze, equity_pledge_freeze.start_date, equity_pledge_freeze.end_date",
              "weight": 0.35,
              "name_en": "Current equity freezes",
              "rationale": "A court or authority froze the equity to secure enforcement: the enterprise or its shareholders are in unresolved legal or debt trouble.",
              "definition": "Freezes (股权冻结) of equity in the enterprise in force on D: records of kind freeze with start_date <= D and end_date empty or after D.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.equity_pledge_freeze_as_known($2) q\n  WHERE q.uscc = e.uscc AND q.kind = 'freeze'\n    AND q.start_date <= $1 AND (q.end_date IS NULL OR q.end_date > $1))\n"
            },
            {
              "code": "equity_pledges_1y",
              "name": "近一年新增股权出质数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 4,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 4,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "equity_pledge_freeze.kind = pledge, equity_pledge_freeze.start_date",
              "weight": 0.15,
              "name_en": "New equity pledges (1 year)",
              "rationale": "A burst of new pledges signals a recent need for cash.",
              "definition": "Records of kind pledge with start_date in (D − 1 year, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.equity_pledge_freeze_as_known($2) q\n  WHERE q.uscc = e.uscc AND q.kind = 'pledge'\n    AND q.start_date > ($1 - interval '1 year')::date AND q.start_date <= $1)\n"
            },
            {
              "code": "equity_freezes_3y",
              "name": "近三年股权冻结数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "equity_pledge_freeze.kind = freeze, equity_pledge_freeze.start_date",
              "weight": 0.25,
              "name_en": "Equity freezes (3 years)",
              "rationale": "Freezes that were lifted still show a recent history of enforcement.",
              "definition": "Records of kind freeze with start_date in (D − 3 years, D], whether or not still in force.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.equity_pledge_freeze_as_known($2) q\n  WHERE q.uscc = e.uscc AND q.kind = 'freeze'\n    AND q.start_date > ($1 - interval '3 years')::date AND q.start_date <= $1)\n"
            }
          ]
        },
        {
          "code": "D2G5",
          "name": "司法涉诉",
          "weight": 0.2,
          "name_en": "Litigation",
          "indicators": [
            {
              "code": "lawsuits_defendant_1y",
              "name": "近一年被诉案件数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "upper": 10,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 10,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "lawsuit.filed_date, lawsuit.role = defendant",
              "weight": 0.35,
              "name_en": "Lawsuits as defendant (1 year)",
              "rationale": "Being sued is the most direct public sign of unpaid debts, defective goods or broken contracts; one suit is common in normal business, many are not.",
              "definition": "Lawsuits in which the enterprise is defendant (被告), any kind, with filed_date in (D − 1 year, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.lawsuit_as_known($2) s\n  WHERE s.uscc = e.uscc AND s.role = 'defendant'\n    AND s.filed_date > ($1 - interval '1 year')::date AND s.filed_date <= $1)\n"
            },
            {
              "code": "lawsuits_defendant_3y",
              "name": "近三年被诉案件数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "upper": 10,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 10,
                    "upper": 30,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 30,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "lawsuit.filed_date, lawsuit.role = defendant",
              "weight": 0.25,
              "name_en": "Lawsuits as defendant (3 years)",
              "rationale": "Longer window: persistent litigation rather than a single dispute.",
              "definition": "Lawsuits in which the enterprise is defendant, any kind, with filed_date in (D − 3 years, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.lawsuit_as_known($2) s\n  WHERE s.uscc = e.uscc AND s.role = 'defendant'\n    AND s.filed_date > ($1 - interval '3 years')::date AND s.filed_date <= $1)\n"
            },
            {
              "code": "labour_disputes_defendant_1y",
              "name": "近一年劳动争议被诉数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "lawsuit.filed_date, lawsuit.role = defendant, lawsuit.kind = labour",
              "weight": 0.2,
              "name_en": "Labour disputes as defendant (1 year)",
              "rationale": "Wage arrears and unpaid social insurance surface as labour disputes; they stand in for the tax and social-security indicators of the national system, whose data are not collected here.",
              "definition": "Lawsuits of kind labour (劳动争议) in which the enterprise is defendant, with filed_date in (D − 1 year, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.lawsuit_as_known($2) s\n  WHERE s.uscc = e.uscc AND s.role = 'defendant' AND s.kind = 'labour'\n    AND s.filed_date > ($1 - interval '1 year')::date AND s.filed_date <= $1)\n"
            },
            {
              "code": "criminal_defendant_3y",
              "name": "近三年涉刑事案件数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "lawsuit.filed_date, lawsuit.role = defendant, lawsuit.kind = criminal",
              "weight": 0.2,
              "name_en": "Criminal cases as defendant (3 years)",
              "rationale": "Prosecution of the enterprise itself (fraud, counterfeit goods, illegal fund-raising) is the most serious judicial signal short of a dishonesty listing.",
              "definition": "Lawsuits of kind criminal in which the enterprise is the defendant unit (单位犯罪), with filed_date in (D − 3 years, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.lawsuit_as_known($2) s\n  WHERE s.uscc = e.uscc AND s.role = 'defendant' AND s.kind = 'criminal'\n    AND s.filed_date > ($1 - interval '3 years')::date AND s.filed_date <= $1)\n"
            }
          ]
        }
      ],
      "weight": 0.05,
      "name_en": "Dynamic information"
    },
    {
      "code": "D3",
      "name": "监管信息",
      "groups": [
        {
          "code": "D3G1",
          "name": "经营异常名录",
          "weight": 0.5,
          "name_en": "Abnormal-operation list",
          "indicators": [
            {
              "code": "abnormal_list_current",
              "name": "当前列入经营异常名录",
              "rule": {
                "kind": "boolean",
                "true": 100,
                "false": 19.44,
                "default": 0,
                "missing": 100
              },
              "unit": "flag",
              "source": "abnormal_listing.listed_date, abnormal_listing.removed_date",
              "weight": 0.35,
              "name_en": "Currently on the abnormal-operation list",
              "rationale": "A current abnormal listing (经营异常名录) is the national system's first regulatory example and the strongest everyday signal of an enterprise that is not meeting its obligations; the floor abnormal_list_not_a keeps a listed enterprise out of class A.",
              "definition": "1 if the enterprise has a listing with listed_date <= D and removed_date empty or after D; else 0.",
              "definition_sql": "\nCASE WHEN EXISTS (SELECT 1 FROM creditrisk.abnormal_listing_as_known($2) a\n                   WHERE a.uscc = e.uscc\n                     AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true))\n     THEN 1 ELSE 0\nEND\n"
            },
            {
              "code": "abnormal_list_times_3y",
              "name": "近三年列入经营异常名录次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "abnormal_listing.listed_date",
              "weight": 0.25,
              "name_en": "Abnormal listings (3 years)",
              "rationale": "Repeat listings show a pattern, not an oversight, even when each was repaired.",
              "definition": "Listings with listed_date in (D − 3 years, D], removed or not.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.abnormal_listing_as_known($2) a\n  WHERE a.uscc = e.uscc\n    AND a.listed_date > ($1 - interval '3 years')::date AND a.listed_date <= $1)\n"
            },
            {
              "code": "abnormal_list_reason_current",
              "name": "当前列异原因",
              "rule": {
                "kind": "categories",
                "true": 0,
                "false": 0,
                "default": 100,
                "missing": 100,
                "categories": [
                  {
                    "label": "未列入 not listed",
                    "value": 0,
                    "points": 19.44
                  },
                  {
                    "label": "未按规定公示年度报告 annual report not published",
                    "value": 1,
                    "points": 100
                  },
                  {
                    "label": "未在责令期限内公示信息 did not publish when ordered",
                    "value": 2,
                    "points": 100
                  },
                  {
                    "label": "公示信息隐瞒真实情况、弄虚作假 false information",
                    "value": 3,
                    "points": 100
                  },
                  {
                    "label": "通过登记的住所或者经营场所无法联系 unreachable at registered address",
                    "value": 4,
                    "points": 100
                  }
                ]
              },
              "unit": "code",
              "source": "abnormal_listing.listed_date, abnormal_listing.removed_date, abnormal_listing.reason",
              "weight": 0.2,
              "name_en": "Reason of the current abnormal listing",
              "rationale": "The four statutory reasons differ in gravity: false information and disappearance from the registered address are far worse than a late annual report.",
              "definition": "Reason of the enterprise's current listing(s) on D, as a code: 0 not currently listed, 1 annual report not published on time, 2 information not published within the ordered period, 3 false or concealed information in published information, 4 cannot be reached at the registered address or premises; any other reason 9. With several current listings, the code with the highest points.",
              "definition_sql": "\ncoalesce((SELECT a.reason\n            FROM creditrisk.abnormal_listing_as_known($2) a\n           WHERE a.uscc = e.uscc\n             AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true)\n           ORDER BY CASE a.reason WHEN 1 THEN 1 WHEN 9 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 4 WHEN 4 THEN 5 END DESC\n           LIMIT 1),\n         0)\n"
            },
            {
              "code": "abnormal_list_current_days",
              "name": "当前列异持续天数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 365,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 365,
                    "upper": 730,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 730,
                    "upper": 1095,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 1095,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "days",
              "source": "abnormal_listing.listed_date, abnormal_listing.removed_date",
              "weight": 0.2,
              "name_en": "Days on the abnormal list",
              "rationale": "An enterprise that stays listed does not repair; after three years it is due for transfer to the serious-dishonesty list (SAMR order 44).",
              "definition": "Days the enterprise has been on the abnormal-operation list without interruption on D, counting the day of listing as day 1: D − (earliest listed_date among the current listings) + 1; 0 if not currently listed.",
              "definition_sql": "\ncoalesce($1 - (SELECT min(a.listed_date)\n                 FROM creditrisk.abnormal_listing_as_known($2) a\n                WHERE a.uscc = e.uscc\n                  AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true)) + 1,\n         0)\n"
            }
          ]
        },
        {
          "code": "D3G2",
          "name": "严重违法失信名单",
          "weight": 0.02,
          "name_en": "Serious-dishonesty list",
          "indicators": [
            {
              "code": "serious_dishonesty_current",
              "name": "当前列入严重违法失信名单",
              "rule": {
                "kind": "boolean",
                "true": 100,
                "false": 19.44,
                "default": 0,
                "missing": 100
              },
              "unit": "flag",
              "source": "serious_dishonesty_listing.listed_date, serious_dishonesty_listing.removed_date",
              "weight": 0.5,
              "name_en": "Currently on the serious-dishonesty list",
              "rationale": "The gravest regulatory status. Article 10 puts such an enterprise in class D directly at the classification stage; the score reflects it too, so that the score and the reason codes explain the class.",
              "definition": "1 if the enterprise has a serious-dishonesty listing with listed_date <= D and removed_date empty or after D; else 0.",
              "definition_sql": "\nCASE WHEN EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing_as_known($2) s\n                   WHERE s.uscc = e.uscc\n                     AND s.listed_date <= $1 AND coalesce(creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) > $1, true))\n     THEN 1 ELSE 0\nEND\n"
            },
            {
              "code": "serious_dishonesty_listings_5y",
              "name": "近五年列入严重违法失信名单次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "serious_dishonesty_listing.listed_date",
              "weight": 0.3,
              "name_en": "Serious-dishonesty listings (5 years)",
              "rationale": "A listing lasts up to three years; a five-year window keeps the history visible for a while after it ends.",
              "definition": "Listings with listed_date in (D − 5 years, D], removed or not.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.serious_dishonesty_listing_as_known($2) s\n  WHERE s.uscc = e.uscc\n    AND s.listed_date > ($1 - interval '5 years')::date AND s.listed_date <= $1)\n"
            },
            {
              "code": "serious_dishonesty_removed_2y",
              "name": "近两年移出严重违法失信名单次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "serious_dishonesty_listing.removed_date",
              "weight": 0.2,
              "name_en": "Removed from the serious-dishonesty list (2 years)",
              "rationale": "Recently repaired enterprises relapse more often than others; the points are moderate so that credit repair (信用修复) still pays off.",
              "definition": "Listings with removed_date in (D − 2 years, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM (SELECT creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) AS ended\n           FROM creditrisk.serious_dishonesty_listing_as_known($2) s\n          WHERE s.uscc = e.uscc AND s.listed_date <= $1) s\n  WHERE s.ended > ($1 - interval '2 years')::date AND s.ended <= $1)\n"
            }
          ]
        },
        {
          "code": "D3G3",
          "name": "失信被执行人",
          "weight": 0.02,
          "name_en": "Dishonest judgment debtor",
          "indicators": [
            {
              "code": "judgment_debtor_current",
              "name": "当前为失信被执行人",
              "rule": {
                "kind": "boolean",
                "true": 100,
                "false": 19.44,
                "default": 0,
                "missing": 100
              },
              "unit": "flag",
              "source": "judgment_debtor_listing.listed_date, judgment_debtor_listing.removed_date",
              "weight": 0.5,
              "name_en": "Currently a dishonest judgment debtor",
              "rationale": "The enterprise refuses to perform a court judgment it is able to perform. Article 10 classifies it D directly at the classification stage; the score reflects it as well.",
              "definition": "1 if the enterprise has a dishonest-judgment-debtor listing (失信被执行人) with listed_date <= D and removed_date empty or after D; else 0.",
              "definition_sql": "\nCASE WHEN EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing_as_known($2) j\n                   WHERE j.uscc = e.uscc\n                     AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1))\n     THEN 1 ELSE 0\nEND\n"
            },
            {
              "code": "judgment_debtor_listings_3y",
              "name": "近三年被列为失信被执行人次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "judgment_debtor_listing.listed_date",
              "weight": 0.3,
              "name_en": "Dishonest-debtor listings (3 years)",
              "rationale": "History of refusing to pay judgments, even when later performed.",
              "definition": "Listings with listed_date in (D − 3 years, D], removed or not.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.judgment_debtor_listing_as_known($2) j\n  WHERE j.uscc = e.uscc\n    AND j.listed_date > ($1 - interval '3 years')::date AND j.listed_date <= $1)\n"
            },
            {
              "code": "judgment_debtor_removed_1y",
              "name": "近一年移出失信被执行人名单次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "judgment_debtor_listing.removed_date",
              "weight": 0.2,
              "name_en": "Removed from the dishonest-debtor list (1 year)",
              "rationale": "Recent removal (usually by performing the judgment) leaves elevated risk for a year.",
              "definition": "Listings with removed_date in (D − 1 year, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.judgment_debtor_listing_as_known($2) j\n  WHERE j.uscc = e.uscc\n    AND j.removed_date > ($1 - interval '1 year')::date AND j.removed_date <= $1)\n"
            }
          ]
        },
        {
          "code": "D3G4",
          "name": "行政处罚频次",
          "weight": 0.2,
          "name_en": "Penalty frequency",
          "indicators": [
            {
              "code": "penalties_1y",
              "name": "近一年行政处罚次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "penalty.decision_date, penalty.decision_number",
              "weight": 0.4,
              "name_en": "Administrative penalties (1 year)",
              "rationale": "Recent penalties (行政处罚) are the most direct evidence of violations; repeated penalties within a year show they did not deter.",
              "definition": "Administrative penalty decisions against the enterprise with decision_date in (D − 1 year, D], counted by distinct decision number.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.penalty_as_known($2) p\n  WHERE p.uscc = e.uscc\n    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1\n    AND (p.revoked_on IS NULL OR p.revoked_on > $1))\n"
            },
            {
              "code": "penalties_3y",
              "name": "近三年行政处罚次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "upper": 5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "penalty.decision_date, penalty.decision_number",
              "weight": 0.35,
              "name_en": "Administrative penalties (3 years)",
              "rationale": "Three years matches the longest penalty publicity period of SAMR order 44.",
              "definition": "Penalty decisions with decision_date in (D − 3 years, D], by distinct decision number.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.penalty_as_known($2) p\n  WHERE p.uscc = e.uscc\n    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1\n    AND (p.revoked_on IS NULL OR p.revoked_on > $1))\n"
            },
            {
              "code": "penalties_in_publicity",
              "name": "处于公示期的行政处罚数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "penalty.decision_date, penalty.publicity_end_date",
              "weight": 0.25,
              "name_en": "Penalties still in publicity",
              "rationale": "Ties the score to the publicity rules: a repaired penalty (publicity ended early) stops counting here, so credit repair lowers the score; it is also the condition of the floors penalty_publicised_not_a and serious_penalty_unrepaired.",
              "definition": "Penalty decisions with decision_date <= D and publicity_end_date after D (still publicised: neither expired nor ended early by credit repair).",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.penalty_as_known($2) p\n  WHERE p.uscc = e.uscc\n    AND p.decision_date <= $1 AND (p.revoked_on IS NULL OR p.revoked_on > $1)\n    AND creditrisk.record_end('penalty', p.id, p.decision_date, p.publicity_end_date, $2) > $1)\n"
            }
          ]
        },
        {
          "code": "D3G5",
          "name": "行政处罚严重程度",
          "weight": 0.16,
          "name_en": "Penalty severity",
          "indicators": [
            {
              "code": "penalty_max_severity_3y",
              "name": "近三年最重处罚等级",
              "rule": {
                "kind": "categories",
                "true": 0,
                "false": 0,
                "default": 100,
                "missing": 100,
                "categories": [
                  {
                    "label": "无 none",
                    "value": 0,
                    "points": 19.44
                  },
                  {
                    "label": "轻微 minor",
                    "value": 1,
                    "points": 100
                  },
                  {
                    "label": "一般 general",
                    "value": 2,
                    "points": 100
                  },
                  {
                    "label": "严重 serious",
                    "value": 3,
                    "points": 100
                  }
                ]
              },
              "unit": "code",
              "source": "penalty.decision_date, penalty.severity",
              "weight": 0.3,
              "name_en": "Most severe penalty (3 years)",
              "rationale": "Severity grades follow the publicity regimes (minor 3 months; general and serious longer): a serious penalty means large fines, licence revocation or suspension of production.",
              "definition": "Highest severity among penalty decisions with decision_date in (D − 3 years, D]: 0 none, 1 minor (轻微), 2 general (一般), 3 serious (严重).",
              "definition_sql": "\n(SELECT coalesce(max(CASE p.severity WHEN 'minor' THEN 1 WHEN 'general' THEN 2 WHEN 'serious' THEN 3 END), 0)\n   FROM creditrisk.penalty_as_known($2) p\n  WHERE p.uscc = e.uscc\n    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1\n    AND (p.revoked_on IS NULL OR p.revoked_on > $1))\n"
            },
            {
              "code": "penalties_serious_3y",
              "name": "近三年严重处罚次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "penalty.decision_date, penalty.severity = serious",
              "weight": 0.3,
              "name_en": "Serious penalties (3 years)",
              "rationale": "Serious penalties are the regulatory events most predictive of serious dishonesty listing; two within three years trigger the floor serious_penalties_repeated.",
              "definition": "Penalty decisions of severity serious with decision_date in (D − 3 years, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.penalty_as_known($2) p\n  WHERE p.uscc = e.uscc AND p.severity = 'serious'\n    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1\n    AND (p.revoked_on IS NULL OR p.revoked_on > $1))\n"
            },
            {
              "code": "penalties_general_3y",
              "name": "近三年一般处罚次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "penalty.decision_date, penalty.severity = general",
              "weight": 0.15,
              "name_en": "General penalties (3 years)",
              "rationale": "Ordinary violations; weigh by repetition.",
              "definition": "Penalty decisions of severity general with decision_date in (D − 3 years, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.penalty_as_known($2) p\n  WHERE p.uscc = e.uscc AND p.severity = 'general'\n    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1\n    AND (p.revoked_on IS NULL OR p.revoked_on > $1))\n"
            },
            {
              "code": "penalty_fines_3y",
              "name": "近三年罚款金额",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 0.5,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 0.5,
                    "upper": 5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "upper": 20,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 20,
                    "upper": 100,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 100,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "10k CNY",
              "source": "penalty.decision_date, penalty.fine_amount",
              "weight": 0.25,
              "name_en": "Fines (3 years)",
              "rationale": "Fine size tracks the gain from, and the harm of, the violation. Fines under 5,000 yuan add nothing beyond the count.",
              "definition": "Sum of fine_amount of penalty decisions with decision_date in (D − 3 years, D], in 10,000 yuan (万元).",
              "definition_sql": "\n(SELECT coalesce(sum(p.fine_amount), 0)\n   FROM creditrisk.penalty_as_known($2) p\n  WHERE p.uscc = e.uscc\n    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1\n    AND (p.revoked_on IS NULL OR p.revoked_on > $1))\n"
            }
          ]
        },
        {
          "code": "D3G6",
          "name": "重点领域处罚",
          "weight": 0.02,
          "name_en": "Key-field penalties",
          "indicators": [
            {
              "code": "penalties_key_field_1y",
              "name": "近一年重点领域行政处罚次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "penalty.decision_date, penalty.field in (food, drugs, special_equipment)",
              "weight": 0.4,
              "name_en": "Key-field penalties (1 year)",
              "rationale": "Food, drugs and special equipment (art. 16 key fields) are where violations harm life and health: a recent penalty there is a strong reason for closer supervision, on top of its weight as a penalty.",
              "definition": "Penalty decisions with field food, drugs or special_equipment and decision_date in (D − 1 year, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.penalty_as_known($2) p\n  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment')\n    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1\n    AND (p.revoked_on IS NULL OR p.revoked_on > $1))\n"
            },
            {
              "code": "penalties_key_field_3y",
              "name": "近三年重点领域行政处罚次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "penalty.decision_date, penalty.field in (food, drugs, special_equipment)",
              "weight": 0.35,
              "name_en": "Key-field penalties (3 years)",
              "rationale": "Key-field penalties are publicised for at least one year before repair is allowed; three years keeps the pattern in view.",
              "definition": "Penalty decisions with field food, drugs or special_equipment and decision_date in (D − 3 years, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.penalty_as_known($2) p\n  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment')\n    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1\n    AND (p.revoked_on IS NULL OR p.revoked_on > $1))\n"
            },
            {
              "code": "penalties_key_field_serious_3y",
              "name": "近三年重点领域严重处罚次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "penalty.decision_date, penalty.field in (food, drugs, special_equipment), penalty.severity = serious",
              "weight": 0.25,
              "name_en": "Serious key-field penalties (3 years)",
              "rationale": "A serious violation in a key field (e.g. unsafe food, counterfeit drugs, an uninspected lift) is the case the 'general + professional' approach exists for.",
              "definition": "Penalty decisions with field food, drugs or special_equipment, severity serious and decision_date in (D − 3 years, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.penalty_as_known($2) p\n  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment') AND p.severity = 'serious'\n    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1\n    AND (p.revoked_on IS NULL OR p.revoked_on > $1))\n"
            }
          ]
        },
        {
          "code": "D3G7",
          "name": "抽查检查",
          "weight": 0.08,
          "name_en": "Spot checks and inspections",
          "indicators": [
            {
              "code": "spot_check_refused_1y",
              "name": "近一年拒绝阻碍检查次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "spot_check.check_date, spot_check.refused",
              "weight": 0.25,
              "name_en": "Refused inspection (1 year)",
              "rationale": "Refusing or obstructing an inspection defeats supervision itself; the floor refused_inspection_1y ensures at least class C.",
              "definition": "Spot checks and inspections with check_date in (D − 1 year, D] whose refused flag is set (拒绝、阻碍检查).",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.spot_check_as_known($2) s\n  WHERE s.uscc = e.uscc AND s.refused\n    AND s.check_date > ($1 - interval '1 year')::date AND s.check_date <= $1)\n"
            },
            {
              "code": "spot_check_problems_3y",
              "name": "近三年抽查发现问题次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "spot_check.check_date, spot_check.outcome = problems_found",
              "weight": 0.15,
              "name_en": "Checks with problems found (3 years)",
              "rationale": "Problems found on site are direct evidence; minor ones are common, repeated ones are not.",
              "definition": "Spot checks with check_date in (D − 3 years, D] and outcome problems_found.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.spot_check_as_known($2) s\n  WHERE s.uscc = e.uscc AND s.outcome = 'problems_found'\n    AND s.check_date > ($1 - interval '3 years')::date AND s.check_date <= $1)\n"
            },
            {
              "code": "spot_check_rectification_1y",
              "name": "近一年责令整改次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "spot_check.check_date, spot_check.outcome = rectification_ordered",
              "weight": 0.15,
              "name_en": "Ordered to rectify (1 year)",
              "rationale": "An order to rectify means the problem was material; a repeat within a year means it was not fixed.",
              "definition": "Spot checks with check_date in (D − 1 year, D] and outcome rectification_ordered (责令整改).",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.spot_check_as_known($2) s\n  WHERE s.uscc = e.uscc AND s.outcome = 'rectification_ordered'\n    AND s.check_date > ($1 - interval '1 year')::date AND s.check_date <= $1)\n"
            },
            {
              "code": "spot_check_not_found_3y",
              "name": "近三年通过登记住所无法联系次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "spot_check.check_date, spot_check.outcome = not_found_at_address",
              "weight": 0.2,
              "name_en": "Not found at registered address (3 years)",
              "rationale": "An enterprise that is not where it registered cannot be supervised; such enterprises are listed as abnormal and are often shells.",
              "definition": "Spot checks with check_date in (D − 3 years, D] and outcome not_found_at_address (通过登记的住所或经营场所无法联系).",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.spot_check_as_known($2) s\n  WHERE s.uscc = e.uscc AND s.outcome = 'not_found_at_address'\n    AND s.check_date > ($1 - interval '3 years')::date AND s.check_date <= $1)\n"
            },
            {
              "code": "spot_check_last_outcome",
              "name": "最近一次抽查结果",
              "rule": {
                "kind": "categories",
                "true": 0,
                "false": 0,
                "default": 100,
                "missing": 19.44,
                "categories": [
                  {
                    "label": "合格 pass",
                    "value": 1,
                    "points": 0
                  },
                  {
                    "label": "发现问题 problems found",
                    "value": 2,
                    "points": 100
                  },
                  {
                    "label": "责令整改 rectification ordered",
                    "value": 3,
                    "points": 100
                  },
                  {
                    "label": "无法联系 not found at address",
                    "value": 4,
                    "points": 100
                  },
                  {
                    "label": "拒绝检查 refused",
                    "value": 5,
                    "points": 100
                  }
                ]
              },
              "unit": "code",
              "source": "spot_check.check_date, spot_check.outcome, spot_check.refused",
              "weight": 0.1,
              "name_en": "Outcome of the latest check",
              "rationale": "The latest state matters most; an enterprise never inspected is unverified, hence a small missing value (20).",
              "definition": "Outcome of the enterprise's latest spot check with check_date <= D: 1 pass, 2 problems_found, 3 rectification_ordered, 4 not_found_at_address, 5 refused (refused flag set, whatever the outcome). Missing if the enterprise has never been checked.",
              "definition_sql": "\n(SELECT max(CASE WHEN s.refused THEN 5\n                 WHEN s.outcome = 'pass' THEN 1\n                 WHEN s.outcome = 'problems_found' THEN 2\n                 WHEN s.outcome = 'rectification_ordered' THEN 3\n                 WHEN s.outcome = 'not_found_at_address' THEN 4\n            END)\n   FROM creditrisk.spot_check_as_known($2) s\n  WHERE s.uscc = e.uscc\n    AND s.check_date = (SELECT max(s2.check_date) FROM creditrisk.spot_check_as_known($2) s2\n                         WHERE s2.uscc = e.uscc AND s2.check_date <= $1))\n"
            },
            {
              "code": "spot_check_pass_ratio_3y",
              "name": "近三年抽查合格率",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 0.5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 0.5,
                    "upper": 0.8,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 0.8,
                    "upper": 1,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "points": 0
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 19.44
              },
              "unit": "ratio",
              "source": "spot_check.check_date, spot_check.outcome, spot_check.refused",
              "weight": 0.15,
              "name_en": "Spot-check pass ratio (3 years)",
              "rationale": "A good inspection record over several checks is the best evidence of compliance; a poor one the opposite.",
              "definition": "Checks with check_date in (D − 3 years, D] and outcome pass (refused flag not set), divided by all checks in that window; missing if there was none.",
              "definition_sql": "\n(SELECT (count(*) FILTER (WHERE s.outcome = 'pass' AND NOT s.refused))::double precision\n        / nullif(count(*), 0)\n   FROM creditrisk.spot_check_as_known($2) s\n  WHERE s.uscc = e.uscc\n    AND s.check_date > ($1 - interval '3 years')::date AND s.check_date <= $1)\n"
            }
          ]
        }
      ],
      "weight": 0.9,
      "name_en": "Regulatory information"
    },
    {
      "code": "D4",
      "name": "关联关系信息",
      "groups": [
        {
          "code": "D4G1",
          "name": "关联网络",
          "weight": 0.15,
          "name_en": "Related-party network",
          "indicators": [
            {
              "code": "related_enterprise_count",
              "name": "关联企业数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 10,
                    "points": 0
                  },
                  {
                    "label": "",
                    "lower": 10,
                    "upper": 30,
                    "points": 64.37
                  },
                  {
                    "label": "",
                    "lower": 30,
                    "upper": 100,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 100,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 19.44
              },
              "unit": "count",
              "source": "related_party_link (any kind, either direction)",
              "weight": 0.5,
              "name_en": "Related enterprises",
              "rationale": "A small, ordinary group is the norm; very large webs of linked enterprises make abuse (asset transfers, registration of disposable shells) easier to hide. An isolated enterprise has no group support, hence 15.",
              "definition": "Size of the related set on D: distinct enterprises other than this one linked to it by a related-party link in force on D, of any kind (shareholder in either direction, common legal representative, branch or parent).",
              "definition_sql": "\n(SELECT count(DISTINCT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END)\n   FROM creditrisk.related_party_link_as_known($2) l\n  WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)\n    AND (l.valid_from IS NULL OR l.valid_from <= $1)\n    AND (l.valid_to IS NULL OR l.valid_to > $1))\n"
            },
            {
              "code": "common_legal_rep_count",
              "name": "同一法定代表人关联企业数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 3,
                    "points": 64.37
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "upper": 10,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 10,
                    "upper": 20,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 20,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "related_party_link (kind = common_legal_representative)",
              "weight": 0.5,
              "name_en": "Enterprises with the same legal representative",
              "rationale": "One person acting as legal representative of many enterprises is the pattern of professional nominee representatives (职业法人) and shell factories.",
              "definition": "Distinct enterprises linked to this one on D by a link of kind common_legal_representative.",
              "definition_sql": "\n(SELECT count(DISTINCT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END)\n   FROM creditrisk.related_party_link_as_known($2) l\n  WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc) AND l.kind = 'common_legal_representative'\n    AND (l.valid_from IS NULL OR l.valid_from <= $1)\n    AND (l.valid_to IS NULL OR l.valid_to > $1))\n"
            }
          ]
        },
        {
          "code": "D4G2",
          "name": "关联企业存续状态",
          "weight": 0.25,
          "name_en": "Related enterprises' status",
          "indicators": [
            {
              "code": "related_revoked_count",
              "name": "关联企业被吊销数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "related_party_link; register.status, register.status_date of the related enterprises",
              "weight": 0.35,
              "name_en": "Related enterprises revoked",
              "rationale": "The national system names related enterprises' revocations: the same people tend to run enterprises the same way.",
              "definition": "Enterprises in the related set on D whose registration status on D is revoked (吊销).",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.register_at($1, $2) r\n  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END\n                     FROM creditrisk.related_party_link_as_known($2) l\n                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)\n                      AND (l.valid_from IS NULL OR l.valid_from <= $1)\n                      AND (l.valid_to IS NULL OR l.valid_to > $1))\n    AND r.status = 'revoked' AND r.status_date <= $1)\n"
            },
            {
              "code": "related_revoked_ratio",
              "name": "关联企业吊销比例",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 0.1,
                    "points": 0
                  },
                  {
                    "label": "",
                    "lower": 0.1,
                    "upper": 0.3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 0.3,
                    "upper": 0.5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 0.5,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 19.44
              },
              "unit": "ratio",
              "source": "related_party_link; register.status, register.status_date of the related enterprises",
              "weight": 0.3,
              "name_en": "Share of related enterprises revoked",
              "rationale": "Normalises the count for large groups: one revoked firm among a hundred is not the same as one among two.",
              "definition": "related_revoked_count divided by the size of the related set on D; missing if the set is empty.",
              "definition_sql": "\n(SELECT (count(*) FILTER (WHERE r.status = 'revoked' AND r.status_date <= $1))::double precision\n        / nullif(count(*), 0)\n   FROM creditrisk.register_at($1, $2) r\n  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END\n                     FROM creditrisk.related_party_link_as_known($2) l\n                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)\n                      AND (l.valid_from IS NULL OR l.valid_from <= $1)\n                      AND (l.valid_to IS NULL OR l.valid_to > $1)))\n"
            },
            {
              "code": "related_cancelled_1y",
              "name": "近一年关联企业注销数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 86.83
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "related_party_link; register.status = cancelled, register.status_date of the related enterprises",
              "weight": 0.35,
              "name_en": "Related enterprises cancelled (1 year)",
              "rationale": "A wave of deregistrations around an enterprise can be a 'phoenix' pattern: debts left behind in closed companies and business moved to a surviving one (逃废债).",
              "definition": "Enterprises linked to this one by a link in force at some time in (D − 1 year, D] whose status became cancelled (注销) with status_date in that window.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.register_at($1, $2) r\n  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END\n                     FROM creditrisk.related_party_link_as_known($2) l\n                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)\n                      AND (l.valid_from IS NULL OR l.valid_from <= $1)\n                      AND (l.valid_to IS NULL OR l.valid_to > ($1 - interval '1 year')::date))\n    AND r.status = 'cancelled'\n    AND r.status_date > ($1 - interval '1 year')::date AND r.status_date <= $1)\n"
            }
          ]
        },
        {
          "code": "D4G3",
          "name": "关联企业失信记录",
          "weight": 0.3,
          "name_en": "Related enterprises on lists",
          "indicators": [
            {
              "code": "related_abnormal_current",
              "name": "关联企业当前列异数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "related_party_link; abnormal_listing of the related enterprises",
              "weight": 0.3,
              "name_en": "Related enterprises on the abnormal list",
              "rationale": "Abnormal listings in the group point to the controlling persons' habits.",
              "definition": "Enterprises in the related set on D currently on the abnormal-operation list (listed on or before D, not removed by D).",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.register_at($1, $2) r\n  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END\n                     FROM creditrisk.related_party_link_as_known($2) l\n                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)\n                      AND (l.valid_from IS NULL OR l.valid_from <= $1)\n                      AND (l.valid_to IS NULL OR l.valid_to > $1))\n    AND EXISTS (SELECT 1 FROM creditrisk.abnormal_listing_as_known($2) a\n                 WHERE a.uscc = r.uscc\n                   AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true)))\n"
            },
            {
              "code": "related_serious_dishonesty_current",
              "name": "关联企业当前严重失信数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "related_party_link; serious_dishonesty_listing of the related enterprises",
              "weight": 0.4,
              "name_en": "Related enterprises on the serious-dishonesty list",
              "rationale": "Blacklisted related enterprises (黑名单) are the strongest related-party signal in the national examples; blacklisted people often continue through another enterprise.",
              "definition": "Enterprises in the related set on D currently on the serious-dishonesty list.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.register_at($1, $2) r\n  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END\n                     FROM creditrisk.related_party_link_as_known($2) l\n                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)\n                      AND (l.valid_from IS NULL OR l.valid_from <= $1)\n                      AND (l.valid_to IS NULL OR l.valid_to > $1))\n    AND EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing_as_known($2) s\n                 WHERE s.uscc = r.uscc\n                   AND s.listed_date <= $1 AND coalesce(creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) > $1, true)))\n"
            },
            {
              "code": "related_judgment_debtor_current",
              "name": "关联企业当前失信被执行人数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "related_party_link; judgment_debtor_listing of the related enterprises",
              "weight": 0.3,
              "name_en": "Related enterprises that are dishonest debtors",
              "rationale": "Unpaid judgments in the group may be shifted onto, or paid out of, this enterprise.",
              "definition": "Enterprises in the related set on D that are currently dishonest judgment debtors.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.register_at($1, $2) r\n  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END\n                     FROM creditrisk.related_party_link_as_known($2) l\n                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)\n                      AND (l.valid_from IS NULL OR l.valid_from <= $1)\n                      AND (l.valid_to IS NULL OR l.valid_to > $1))\n    AND EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing_as_known($2) j\n                 WHERE j.uscc = r.uscc\n                   AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1)))\n"
            }
          ]
        },
        {
          "code": "D4G4",
          "name": "关联企业处罚",
          "weight": 0.15,
          "name_en": "Related enterprises' penalties",
          "indicators": [
            {
              "code": "related_penalties_1y",
              "name": "关联企业近一年行政处罚次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "related_party_link; penalty.decision_date of the related enterprises",
              "weight": 0.5,
              "name_en": "Penalties on related enterprises (1 year)",
              "rationale": "Penalties in the group (关联企业受处罚) suggest shared practices.",
              "definition": "Penalty decisions with decision_date in (D − 1 year, D] against enterprises in the related set on D.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.penalty_as_known($2) p\n  WHERE p.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END\n                     FROM creditrisk.related_party_link_as_known($2) l\n                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)\n                      AND (l.valid_from IS NULL OR l.valid_from <= $1)\n                      AND (l.valid_to IS NULL OR l.valid_to > $1))\n    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1\n    AND (p.revoked_on IS NULL OR p.revoked_on > $1))\n"
            },
            {
              "code": "related_serious_penalties_3y",
              "name": "关联企业近三年严重处罚次数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 86.83
              },
              "unit": "count",
              "source": "related_party_link; penalty.decision_date, penalty.severity of the related enterprises",
              "weight": 0.5,
              "name_en": "Serious penalties on related enterprises (3 years)",
              "rationale": "Serious violations in the group weigh more than their number.",
              "definition": "Penalty decisions of severity serious with decision_date in (D − 3 years, D] against enterprises in the related set on D.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.penalty_as_known($2) p\n  WHERE p.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END\n                     FROM creditrisk.related_party_link_as_known($2) l\n                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)\n                      AND (l.valid_from IS NULL OR l.valid_from <= $1)\n                      AND (l.valid_to IS NULL OR l.valid_to > $1))\n    AND p.severity = 'serious'\n    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1\n    AND (p.revoked_on IS NULL OR p.revoked_on > $1))\n"
            }
          ]
        },
        {
          "code": "D4G5",
          "name": "上级单位与股东",
          "weight": 0.15,
          "name_en": "Parent and shareholders",
          "indicators": [
            {
              "code": "parent_adverse",
              "name": "上级单位异常",
              "rule": {
                "kind": "boolean",
                "true": 100,
                "false": 19.44,
                "default": 0,
                "missing": 100
              },
              "unit": "flag",
              "source": "register.is_branch, register.parent_uscc, register.status, register.status_date; abnormal_listing, serious_dishonesty_listing, judgment_debtor_listing of the parent",
              "weight": 0.5,
              "name_en": "Parent in adverse state",
              "rationale": "A branch has no legal personality: its parent's failure is its own.",
              "definition": "For a branch: 1 if on D its parent (register.parent_uscc) is revoked or cancelled, or currently on the abnormal-operation list, the serious-dishonesty list or the dishonest-judgment-debtor list; 0 otherwise. 0 for an enterprise that is not a branch.",
              "definition_sql": "\nCASE WHEN e.parent_uscc IS NULL THEN 0\n     WHEN EXISTS (SELECT 1 FROM creditrisk.register_at($1, $2) pe\n                   WHERE pe.uscc = e.parent_uscc\n                     AND pe.status IN ('revoked', 'cancelled') AND pe.status_date <= $1)\n       OR EXISTS (SELECT 1 FROM creditrisk.abnormal_listing_as_known($2) a\n                   WHERE a.uscc = e.parent_uscc\n                     AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true))\n       OR EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing_as_known($2) s\n                   WHERE s.uscc = e.parent_uscc\n                     AND s.listed_date <= $1 AND coalesce(creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) > $1, true))\n       OR EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing_as_known($2) j\n                   WHERE j.uscc = e.parent_uscc\n                     AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1))\n     THEN 1 ELSE 0\nEND\n"
            },
            {
              "code": "shareholder_listed_current",
              "name": "企业股东当前失信",
              "rule": {
                "kind": "boolean",
                "true": 100,
                "false": 19.44,
                "default": 0,
                "missing": 100
              },
              "unit": "flag",
              "source": "related_party_link (kind = shareholder, to_uscc = enterprise); serious_dishonesty_listing, judgment_debtor_listing of the shareholders",
              "weight": 0.5,
              "name_en": "Enterprise shareholder currently dishonest",
              "rationale": "A dishonest controlling shareholder may strip or use the enterprise to evade enforcement.",
              "definition": "1 if on D any enterprise shareholder of this enterprise (related-party link of kind shareholder with this enterprise as the invested side) is currently on the serious-dishonesty list or a dishonest judgment debtor; else 0.",
              "definition_sql": "\nCASE WHEN EXISTS (SELECT 1\n                    FROM creditrisk.related_party_link_as_known($2) l\n                   WHERE l.to_uscc = e.uscc AND l.kind = 'shareholder'\n                     AND (l.valid_from IS NULL OR l.valid_from <= $1)\n                     AND (l.valid_to IS NULL OR l.valid_to > $1)\n                     AND (EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing_as_known($2) s\n                                   WHERE s.uscc = l.from_uscc\n                                     AND s.listed_date <= $1 AND coalesce(creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) > $1, true))\n                          OR EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing_as_known($2) j\n                                      WHERE j.uscc = l.from_uscc\n                                        AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1))))\n     THEN 1 ELSE 0\nEND\n"
            }
          ]
        }
      ],
      "weight": 0.01,
      "name_en": "Related parties"
    },
    {
      "code": "D5",
      "name": "社会评价信息",
      "groups": [
        {
          "code": "D5G1",
          "name": "投诉",
          "weight": 0.4,
          "name_en": "Complaints",
          "indicators": [
            {
              "code": "complaints_1y",
              "name": "近一年投诉数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "upper": 10,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 10,
                    "upper": 30,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 30,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "complaint.received_date, complaint.kind = complaint",
              "weight": 0.3,
              "name_en": "Complaints (1 year)",
              "rationale": "Consumer complaints in the last year are a national example indicator; a consumer-facing business collects some, so one or two weigh little.",
              "definition": "Complaints (投诉; kind complaint, including those received through the 12345 hotline) about the enterprise with received_date in (D − 1 year, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.complaint_as_known($2) c\n  WHERE c.uscc = e.uscc AND c.kind = 'complaint'\n    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)\n"
            },
            {
              "code": "complaints_3y",
              "name": "近三年投诉数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "upper": 20,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 20,
                    "upper": 60,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 60,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "complaint.received_date, complaint.kind = complaint",
              "weight": 0.15,
              "name_en": "Complaints (3 years)",
              "rationale": "Persistent complaint volume, less sensitive to a single bad month.",
              "definition": "Complaints (kind complaint) with received_date in (D − 3 years, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.complaint_as_known($2) c\n  WHERE c.uscc = e.uscc AND c.kind = 'complaint'\n    AND c.received_date > ($1 - interval '3 years')::date AND c.received_date <= $1)\n"
            },
            {
              "code": "complaints_substantiated_1y",
              "name": "近一年查实投诉数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "complaint.received_date, complaint.kind = complaint, complaint.substantiated",
              "weight": 0.3,
              "name_en": "Substantiated complaints (1 year)",
              "rationale": "Verified complaints filter out malicious and professional complainants (职业打假).",
              "definition": "Complaints (kind complaint) with received_date in (D − 1 year, D] whose substantiated flag is set (查实).",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.complaint_as_known($2) c\n  WHERE c.uscc = e.uscc AND c.kind = 'complaint' AND c.substantiated IS TRUE\n    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)\n"
            },
            {
              "code": "complaints_growth_3m",
              "name": "投诉举报三个月增长率",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 0.5,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 0.5,
                    "upper": 1,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 4,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 4,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 64.37
              },
              "unit": "ratio",
              "source": "complaint.received_date",
              "weight": 0.25,
              "name_en": "Complaint growth (3 months)",
              "rationale": "A sudden rise in complaints (the national 3-month growth indicator) is an early warning (预警) of a new problem, such as a prepaid-card business about to close. The +1 keeps one complaint after a quiet quarter from reading as infinite growth.",
              "definition": "(R − P) / (P + 1), where R is the number of complaints and reports (both kinds) with received_date in (D − 3 months, D] and P the number in (D − 6 months, D − 3 months]. 0 when both are 0.",
              "definition_sql": "\n(SELECT (count(*) FILTER (WHERE c.received_date > ($1 - interval '3 months')::date)\n         - count(*) FILTER (WHERE c.received_date <= ($1 - interval '3 months')::date))::double precision\n        / (count(*) FILTER (WHERE c.received_date <= ($1 - interval '3 months')::date) + 1)\n   FROM creditrisk.complaint_as_known($2) c\n  WHERE c.uscc = e.uscc\n    AND c.received_date > ($1 - interval '6 months')::date AND c.received_date <= $1)\n"
            }
          ]
        },
        {
          "code": "D5G2",
          "name": "举报与查实",
          "weight": 0.3,
          "name_en": "Reports and verification",
          "indicators": [
            {
              "code": "reports_1y",
              "name": "近一年举报数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "complaint.received_date, complaint.kind = report",
              "weight": 0.3,
              "name_en": "Reports (1 year)",
              "rationale": "Reports allege violations of law rather than a consumer dispute and weigh more per item than complaints.",
              "definition": "Reports (举报: allegations of violations, kind report) about the enterprise with received_date in (D − 1 year, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.complaint_as_known($2) c\n  WHERE c.uscc = e.uscc AND c.kind = 'report'\n    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)\n"
            },
            {
              "code": "reports_3y",
              "name": "近三年举报数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 3,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 3,
                    "upper": 10,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 10,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "complaint.received_date, complaint.kind = report",
              "weight": 0.15,
              "name_en": "Reports (3 years)",
              "rationale": "Longer-term pattern of allegations.",
              "definition": "Reports (kind report) with received_date in (D − 3 years, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.complaint_as_known($2) c\n  WHERE c.uscc = e.uscc AND c.kind = 'report'\n    AND c.received_date > ($1 - interval '3 years')::date AND c.received_date <= $1)\n"
            },
            {
              "code": "reports_substantiated_1y",
              "name": "近一年查实举报数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "complaint.received_date, complaint.kind = report, complaint.substantiated",
              "weight": 0.35,
              "name_en": "Substantiated reports (1 year)",
              "rationale": "A verified report is a confirmed violation, often ahead of the penalty decision.",
              "definition": "Reports (kind report) with received_date in (D − 1 year, D] whose substantiated flag is set.",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.complaint_as_known($2) c\n  WHERE c.uscc = e.uscc AND c.kind = 'report' AND c.substantiated IS TRUE\n    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)\n"
            },
            {
              "code": "substantiated_ratio_1y",
              "name": "近一年投诉举报查实率",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 0.2,
                    "points": 0
                  },
                  {
                    "label": "",
                    "lower": 0.2,
                    "upper": 0.5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 0.5,
                    "upper": 0.8,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 0.8,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 19.44
              },
              "unit": "ratio",
              "source": "complaint.received_date, complaint.substantiated",
              "weight": 0.2,
              "name_en": "Share substantiated (1 year)",
              "rationale": "Separates an enterprise that attracts groundless complaints from one whose complaints are mostly justified. Missing (nothing received) is nearly risk-free: 5.",
              "definition": "Complaints and reports (both kinds) with received_date in (D − 1 year, D] that are substantiated, divided by all of them; missing if there were none.",
              "definition_sql": "\n(SELECT (count(*) FILTER (WHERE c.substantiated IS TRUE))::double precision / nullif(count(*), 0)\n   FROM creditrisk.complaint_as_known($2) c\n  WHERE c.uscc = e.uscc\n    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)\n"
            }
          ]
        },
        {
          "code": "D5G3",
          "name": "网络舆情",
          "weight": 0.3,
          "name_en": "Public opinion",
          "indicators": [
            {
              "code": "negative_opinion_1y",
              "name": "近一年负面舆情数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "upper": 20,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 20,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "public_opinion.published_date, public_opinion.sentiment = negative",
              "weight": 0.4,
              "name_en": "Negative public opinion (1 year)",
              "rationale": "Negative public opinion is a national example indicator (internet information, article 7); media exposure often precedes complaints and penalties.",
              "definition": "Public-opinion items (网络舆情) about the enterprise with sentiment negative and published_date in (D − 1 year, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.public_opinion_as_known($2) o\n  WHERE o.uscc = e.uscc AND o.sentiment = 'negative'\n    AND o.published_date > ($1 - interval '1 year')::date AND o.published_date <= $1)\n"
            },
            {
              "code": "negative_opinion_3m",
              "name": "近三个月负面舆情数",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 1,
                    "points": 19.44
                  },
                  {
                    "label": "",
                    "lower": 1,
                    "upper": 2,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 2,
                    "upper": 5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 5,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 100
              },
              "unit": "count",
              "source": "public_opinion.published_date, public_opinion.sentiment = negative",
              "weight": 0.35,
              "name_en": "Negative public opinion (3 months)",
              "rationale": "Recency: a current wave of negative coverage calls for prompt attention.",
              "definition": "Items with sentiment negative and published_date in (D − 3 months, D].",
              "definition_sql": "\n(SELECT count(*)\n   FROM creditrisk.public_opinion_as_known($2) o\n  WHERE o.uscc = e.uscc AND o.sentiment = 'negative'\n    AND o.published_date > ($1 - interval '3 months')::date AND o.published_date <= $1)\n"
            },
            {
              "code": "negative_opinion_share_1y",
              "name": "近一年负面舆情占比",
              "rule": {
                "bins": [
                  {
                    "label": "",
                    "upper": 0.2,
                    "points": 0
                  },
                  {
                    "label": "",
                    "lower": 0.2,
                    "upper": 0.5,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 0.5,
                    "upper": 0.8,
                    "points": 100
                  },
                  {
                    "label": "",
                    "lower": 0.8,
                    "points": 100
                  }
                ],
                "kind": "bins",
                "true": 0,
                "false": 0,
                "default": 0,
                "missing": 19.44
              },
              "unit": "ratio",
              "source": "public_opinion.published_date, public_opinion.sentiment",
              "weight": 0.25,
              "name_en": "Share of negative opinion (1 year)",
              "rationale": "Puts negative items in proportion for enterprises that are much written about.",
              "definition": "Items with sentiment negative divided by all items (any sentiment) with published_date in (D − 1 year, D]; missing if there were none.",
              "definition_sql": "\n(SELECT (count(*) FILTER (WHERE o.sentiment = 'negative'))::double precision / nullif(count(*), 0)\n   FROM creditrisk.public_opinion_as_known($2) o\n  WHERE o.uscc = e.uscc\n    AND o.published_date > ($1 - interval '1 year')::date AND o.published_date <= $1)\n"
            }
          ]
        }
      ],
      "weight": 0.02,
      "name_en": "Social evaluation"
    }
  ],
  "floors": [
    {
      "code": "abnormal_list_not_a",
      "name": "列入经营异常名录不评为A类",
      "when": [
        {
          "op": ">=",
          "value": 1,
          "indicator": "abnormal_list_current"
        }
      ],
      "floor": 200,
      "name_en": "On the abnormal list: not class A",
      "rationale": "Class A means self-governance without proactive on-site inspection (art. 12). An enterprise that is currently on the abnormal-operation list has an unmet statutory obligation and is supervised at least as class B; removal from the list (补报, 移出) lifts the floor."
    },
    {
      "code": "business_licence_revoked",
      "name": "营业执照被吊销",
      "when": [
        {
          "op": ">=",
          "value": 1,
          "indicator": "status_revoked"
        }
      ],
      "floor": 750,
      "name_en": "Business licence revoked",
      "rationale": "An enterprise whose business licence was revoked may no longer operate; if it still trades or holds assets and debts it is a high-risk target (class D) whatever its other records say."
    },
    {
      "code": "penalty_publicised_not_a",
      "name": "一般以上处罚公示期内不评为A类",
      "when": [
        {
          "op": ">=",
          "value": 1,
          "indicator": "penalties_in_publicity"
        },
        {
          "op": ">=",
          "value": 2,
          "indicator": "penalty_max_severity_3y"
        }
      ],
      "floor": 200,
      "name_en": "Penalty still publicised: not class A",
      "rationale": "While a penalty is still publicised and the enterprise has had a general or serious penalty in the last three years, it is not a low-risk enterprise: at least class B. Minor-only records do not trigger it; the end of publicity (by expiry or credit repair) lifts the floor."
    },
    {
      "code": "refused_inspection_1y",
      "name": "近一年拒绝阻碍检查",
      "when": [
        {
          "op": ">=",
          "value": 1,
          "indicator": "spot_check_refused_1y"
        }
      ],
      "floor": 500,
      "name_en": "Refused inspection in the last year",
      "rationale": "Refusing or obstructing an inspection defeats supervision; the enterprise must be checked more often (class C, at least 10%)."
    },
    {
      "code": "serious_penalties_repeated",
      "name": "三年内两次以上严重处罚",
      "when": [
        {
          "op": ">=",
          "value": 2,
          "indicator": "penalties_serious_3y"
        }
      ],
      "floor": 750,
      "name_en": "Repeated serious penalties",
      "rationale": "Two or more serious penalties within three years show that sanctions did not deter; such enterprises are close to serious-dishonesty listing and warrant class D."
    },
    {
      "code": "serious_penalty_unrepaired",
      "name": "严重处罚仍在公示期",
      "when": [
        {
          "op": ">=",
          "value": 1,
          "indicator": "penalties_serious_3y"
        },
        {
          "op": ">=",
          "value": 1,
          "indicator": "penalties_in_publicity"
        }
      ],
      "floor": 500,
      "name_en": "Serious penalty still publicised",
      "rationale": "A serious penalty in the last three years whose publicity has not ended (no credit repair yet) puts the enterprise at least in class C. Repair ends the publicity and lifts this floor."
    }
  ]
}
$reference$::jsonb || '{"status": "published"}');

-- ===========================================================================
-- Current classification per statement (issue 12)
-- ===========================================================================

-- classification_current and classification_domain_current read the history
-- with their reader's rights (security_invoker) under its FORCEd policy, the
-- one and only scope: no security barrier (the policy is a security qual,
-- evaluated before any condition of the caller that is not leakproof), no
-- second copy of the division range.  The view is planned as part of the
-- reader's query, a county's count is one index-only range scan with the
-- policy's two keys.  Before create_roles() (after a restore) the history
-- has no policy, so the views show a reader nothing (fail closed).
-- CREATE OR REPLACE VIEW replaces the options (security_barrier goes).
CREATE OR REPLACE VIEW creditrisk.classification_current WITH (security_invoker = true) AS
SELECT c.uscc, c.division_code, c.score, c.score_class, c.final_class, c.overrides, c.override_details, c.reasons,
       (SELECT d.name FROM creditrisk.division d WHERE d.code = c.division_code) AS division_name,
       (SELECT e.name FROM creditrisk.enterprise e WHERE e.uscc = c.uscc) AS enterprise_name,
       creditrisk.reason_names(c.overrides) AS override_names, creditrisk.reason_names(c.reasons) AS reason_names
  FROM creditrisk.classification_result c
 WHERE (c.as_of, c.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                           ORDER BY r.as_of DESC, r.version DESC LIMIT 1);
COMMENT ON VIEW creditrisk.classification_current IS
    'The classification of the latest run (最新分类结果), one row per enterprise of the reader''s jurisdiction (管辖范围), with the names of its division and of the enterprise and the Chinese names of its override and reason codes; read from the history (classification_result) with the reader''s rights (security_invoker) under its row-level security, always the latest committed run; the date, version and model are in creditrisk.classification_run';

CREATE OR REPLACE VIEW creditrisk.classification_domain_current WITH (security_invoker = true) AS
SELECT c.uscc, c.domain, c.division_code, c.general_class, c.professional_class, c.assessed_date, c.method, c.fused_class,
       d.name AS division_name
  FROM creditrisk.classification_domain_result c
  LEFT JOIN creditrisk.division d ON d.code = c.division_code
 WHERE (c.as_of, c.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                           ORDER BY r.as_of DESC, r.version DESC LIMIT 1);
COMMENT ON VIEW creditrisk.classification_domain_current IS
    'Each enterprise''s class in each domain it belongs to (通用+专业融合, art. 16), latest run, enterprises of the reader''s jurisdiction; read from the history (classification_domain_result) with the reader''s rights (security_invoker) under its row-level security';

-- The partner views (owned by creditrisk_sharing): the reader's agreements
-- cut once per query into disjoint division ranges (shared_ranges()), each an
-- index range scan of the latest run, instead of the run's every division
-- with a function call per row (shared_fields(), shared_for_aggregates(),
-- which go).
CREATE FUNCTION creditrisk.shared_ranges(for_aggregates boolean)
RETURNS TABLE (division_from text, division_to text, fields text[])
LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 10 SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    WITH a AS (
        SELECT d AS lo, creditrisk.division_upper(d) AS hi, s.fields
          FROM creditrisk.sharing_agreement s, unnest(s.divisions) d
         WHERE s.partner = current_user AND s.valid_until >= current_date
           AND (shared_ranges.for_aggregates OR NOT s.aggregates_only)
    ), i AS (
        SELECT p.x AS lo, lead(p.x) OVER (ORDER BY p.x) AS hi
          FROM (SELECT a.lo FROM a UNION SELECT a.hi FROM a) p(x)
    )
    SELECT i.lo, i.hi,
           (SELECT array_agg(DISTINCT f ORDER BY f) FROM a, unnest(a.fields) f WHERE a.lo <= i.lo AND a.hi >= i.hi)
      FROM i
     WHERE i.hi IS NOT NULL AND EXISTS (SELECT 1 FROM a WHERE a.lo <= i.lo AND a.hi >= i.hi)
$$;
COMMENT ON FUNCTION creditrisk.shared_ranges(boolean) IS
    'The division ranges [division_from, division_to) the current role''s unexpired sharing agreements (共享协议) cover, disjoint, each with the union of the fields granted on it; with for_aggregates, aggregates-only agreements count too';

CREATE OR REPLACE VIEW creditrisk.shared_classification WITH (security_barrier = true) AS
SELECT c.uscc, c.division_code, c.final_class, c.as_of AS class_date,
       CASE WHEN 'score' = ANY (g.fields) THEN c.score END AS score,
       CASE WHEN 'score_class' = ANY (g.fields) THEN c.score_class END AS score_class,
       CASE WHEN 'overrides' = ANY (g.fields) THEN c.overrides END AS overrides,
       CASE WHEN 'reasons' = ANY (g.fields) THEN c.reasons END AS reasons
  FROM creditrisk.shared_ranges(false) g
  JOIN creditrisk.classification_result c ON c.division_code >= g.division_from AND c.division_code < g.division_to
 WHERE (c.as_of, c.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                           ORDER BY r.as_of DESC, r.version DESC LIMIT 1);
COMMENT ON VIEW creditrisk.shared_classification IS
    'For partner departments (共享部门): the current classification (latest run) of the enterprises their unexpired sharing agreements cover; fields not granted are NULL';

CREATE OR REPLACE VIEW creditrisk.shared_distribution WITH (security_barrier = true) AS
SELECT c.division_code::text AS division_code, count(*) AS enterprises,
       count(*) FILTER (WHERE c.final_class = 'A') AS a, count(*) FILTER (WHERE c.final_class = 'B') AS b,
       count(*) FILTER (WHERE c.final_class = 'C') AS c, count(*) FILTER (WHERE c.final_class = 'D') AS d,
       c.as_of AS class_date
  FROM creditrisk.shared_ranges(true) g
  JOIN creditrisk.classification_result c ON c.division_code >= g.division_from AND c.division_code < g.division_to
 WHERE (c.as_of, c.version) = (SELECT r.as_of, r.version FROM creditrisk.classification_run r
                           ORDER BY r.as_of DESC, r.version DESC LIMIT 1)
 GROUP BY c.division_code, c.as_of;
COMMENT ON VIEW creditrisk.shared_distribution IS
    'For partner departments (共享部门): final-class counts of the current classification (latest run) per division their unexpired sharing agreements cover (aggregates-only agreements included)';

DROP FUNCTION creditrisk.shared_fields(text);
DROP FUNCTION creditrisk.shared_for_aggregates(text);
REVOKE ALL ON FUNCTION creditrisk.shared_ranges(boolean) FROM PUBLIC;
-- what create_roles() grants on every function, so that partners read on
-- before it is run again
DO $grant$
DECLARE
    r name;
BEGIN
    FOR r IN SELECT rolname FROM pg_catalog.pg_roles
              WHERE rolname IN ('creditrisk_owner', 'creditrisk_admin', 'creditrisk_analyst', 'creditrisk_partner',
                                'creditrisk_auditor', 'creditrisk_loader')
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION creditrisk.shared_ranges(boolean) TO %I', r);
    END LOOP;
END
$grant$;

-- A reporting unit's period check (residual risk R4 until 1.6): the count
-- of the unit's records outside the new period stays the owner's, in every
-- jurisdiction (reporting_unit_stray_records(), SECURITY DEFINER); the
-- trigger now runs with the caller's rights and names only a record the
-- caller may read (reporting_unit_outside()).
CREATE FUNCTION creditrisk.reporting_unit_outside(unit text, active_from date, active_to date)
RETURNS TABLE (table_name text, record text, day date, records bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
DECLARE
    t record;
BEGIN
    -- (a record's key: its id, or the enterprise's USCC where there is none)
    FOR t IN SELECT r.oid::regclass AS tbl, r.relname,
                    EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                             WHERE a.attrelid = r.oid AND a.attname = 'id' AND NOT a.attisdropped) AS has_id,
                    pg_catalog.convert_from(substring(g.tgargs FROM 1 FOR pg_catalog.position(g.tgargs, '\x00'::bytea) - 1), 'UTF8') AS day
               FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class r ON r.oid = g.tgrelid
              WHERE g.tgname = 'reporting_unit_insert' AND r.relnamespace = 'creditrisk'::regnamespace
              ORDER BY r.relname
    LOOP
        RETURN QUERY EXECUTE format($q$
            SELECT %4$L::text, %3$s, (%2$s)::date, count(*) OVER ()
              FROM %1$s n
             WHERE n.reported_by OPERATOR(pg_catalog.=) $1
               AND ((%2$s) OPERATOR(pg_catalog.<) $2 OR (%2$s) OPERATOR(pg_catalog.>=) $3)
             ORDER BY 3, 2
             LIMIT 1$q$,
            t.tbl, t.day, CASE WHEN t.has_id THEN 'n.id::text' ELSE 'n.uscc::text' END, t.relname)
          USING reporting_unit_outside.unit, reporting_unit_outside.active_from,
                coalesce(reporting_unit_outside.active_to, 'infinity'::date);
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_unit_outside(text, date, date) IS
    'The records reported as a reporting unit (报送单位) dated outside a period [active_from, active_to) that the caller may read: per record table, its name, the earliest such record (its id, or USCC where there is none), its date and how many there are';

CREATE FUNCTION creditrisk.reporting_unit_stray_records(unit text) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT coalesce(sum(o.records), 0)::bigint
      FROM creditrisk.reporting_unit u,
           creditrisk.reporting_unit_outside(u.code, u.active_from, u.active_to) o
     WHERE u.code = reporting_unit_stray_records.unit
$$;
COMMENT ON FUNCTION creditrisk.reporting_unit_stray_records(text) IS
    'How many records reported as a reporting unit (报送单位) are dated outside its active period, in every jurisdiction (runs as the owner; 0 but while the period check refuses a change)';

CREATE OR REPLACE FUNCTION creditrisk.reporting_unit_period_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $fn$
DECLARE
    total bigint;
    visible bigint;
    first record;
    outside text;
BEGIN
    total := creditrisk.reporting_unit_stray_records(NEW.code);
    IF total > 0 THEN
        SELECT coalesce(sum(o.records) OVER (), 0) AS visible, o.table_name, o.record, o.day INTO first
          FROM creditrisk.reporting_unit_outside(NEW.code, NEW.active_from, NEW.active_to) o
         ORDER BY o.day, o.table_name
         LIMIT 1;
        visible := coalesce(first.visible, 0);
        outside := format('The new period is from %s%s; %s record%s reported as "%s" %s dated outside it',
                          NEW.active_from,
                          CASE WHEN NEW.active_to IS NULL THEN ' on' ELSE ' until the day before ' || NEW.active_to END,
                          total, CASE WHEN total = 1 THEN '' ELSE 's' END, NEW.code,
                          CASE WHEN total = 1 THEN 'is' ELSE 'are' END);
        RAISE EXCEPTION 'the active period of reporting unit "%" would leave % of its records outside it', NEW.code, total
            USING ERRCODE = 'check_violation',
                  DETAIL = outside || CASE
                      WHEN visible >= total THEN format('; the first: creditrisk.%s %s, dated %s.', first.table_name, first.record, first.day)
                      WHEN visible > 0 THEN format('; %s of them %s of your jurisdiction, the first: creditrisk.%s %s, dated %s.',
                                                  visible, CASE WHEN visible = 1 THEN 'concerns an enterprise' ELSE 'concern enterprises' END,
                                                  first.table_name, first.record, first.day)
                      WHEN total = 1 THEN '; it concerns an enterprise outside your jurisdiction.'
                      ELSE '; none of them concerns an enterprise of your jurisdiction.' END,
                  HINT = CASE WHEN visible >= total
                              THEN 'Keep the period covering every record''s date, or first move those records to the unit that reported them (creditrisk.reporting_unit_merge(), or UPDATE ... SET reported_by).'
                              ELSE 'Keep the period covering every record''s date, or have those records moved to the unit that reported them (creditrisk.reporting_unit_merge(), or UPDATE ... SET reported_by), by the bureaus whose jurisdiction they concern for those outside yours.' END,
                  TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
    END IF;
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION creditrisk.reporting_unit_period_check() IS
    'Trigger: refuses to shorten a reporting unit''s (报送单位) active period, or to end it, when records reported as it would be dated outside the new period (SQLSTATE 23514, with their count in every jurisdiction and the first of them the caller may read)';
REVOKE ALL ON FUNCTION creditrisk.reporting_unit_outside(text, date, date), creditrisk.reporting_unit_stray_records(text)
    FROM PUBLIC;
DO $grant$
DECLARE
    r name;
BEGIN
    FOR r IN SELECT rolname FROM pg_catalog.pg_roles
              WHERE rolname IN ('creditrisk_owner', 'creditrisk_admin', 'creditrisk_analyst', 'creditrisk_partner',
                                'creditrisk_auditor', 'creditrisk_loader')
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION creditrisk.reporting_unit_outside(text, date, date), '
                       'creditrisk.reporting_unit_stray_records(text) TO %I', r);
    END LOOP;
END
$grant$;

-- ===========================================================================
-- Indicator engine cost (issue 11)
-- ===========================================================================
-- compute_indicators no longer plans a query over record_ends() per call: it
-- reads the approved repairs and the rule sets through one cached plan and
-- computes the maximum terms in C (src/compute.c).  Only the comment changes.
COMMENT ON FUNCTION creditrisk.record_ends(timestamptz) IS
    'The ends that credit repairs and maximum terms set, as known at known_at: (kind, record id, end date), several per record possible (the earliest applies, with the record''s own end); compute_indicators computes the same ends in C from the same rows (approved repairs, rule sets), so that C and creditrisk.record_end() agree';

-- ===========================================================================
-- Spot-check draws in one pass (issue 13)
-- ===========================================================================

-- The draw (spot_draw_population, C) probes one set of exclusions per
-- enterprise, tests the scope once per division instead of a LIKE per row,
-- builds the snapshot's array by copying and returns the division as the
-- domain (no check of each stored code against its pattern); the
-- output type changes, so the function is created again.
DROP FUNCTION creditrisk.spot_draw_population(text, bigint);

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
REVOKE ALL ON FUNCTION creditrisk.spot_draw_population(text, bigint) FROM PUBLIC;

-- draw_spot_check() stores the inspectors in index order and looks the
-- unassignable up only when the counts say there are some.
CREATE OR REPLACE FUNCTION creditrisk.draw_spot_check(task bigint, seed text)
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

-- ===========================================================================
-- Explanations through per-enterprise policies (issue 15)
-- ===========================================================================
-- explain_enterprise() reads one enterprise's records through the indexes on
-- uscc; under the 1.6 policies (uscc IN (SELECT uscc FROM enterprise), always
-- hashed) each of its 80-odd subqueries hashed every enterprise of the
-- analyst's jurisdiction first.  The record tables' (and their histories')
-- policies become a correlated EXISTS on the register, which the planner
-- turns into one probe of the register's primary key per record where a
-- query reads few records and into the same hash as before where it reads a
-- whole table; the related-party links' likewise, by either end.  The
-- register's own policy, which applies inside each of those probes, calls
-- scope_from()/scope_to() directly instead of through two InitPlans each
-- (a third of the CPU of reading one enterprise's records).  Same rows
-- as before for every role.  Two shipped definitions compared the register's
-- uscc with coalesce(), which a policy-protected scan cannot use as an index
-- condition (coalesce is not known to be leakproof), so an analyst's
-- explanation scanned the jurisdiction's register for a branch's parent: a
-- CASE says the same; three related-party definitions test "currently
-- listed" with a scalar count instead of EXISTS, which the planner hashed
-- over every listing in force (the explanations' 95th percentile).  The
-- definitions compute the same values (sql/indicators_sample.sql compares
-- them with the C engine on every sample enterprise); reference-v1, sealed,
-- is unchanged.

ALTER TABLE creditrisk.indicator DISABLE TRIGGER indicator_guard;
ALTER TABLE creditrisk.indicator DISABLE TRIGGER indicator_shipped;
ALTER TABLE creditrisk.indicator DISABLE TRIGGER indicator_definition_check;

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT CASE WHEN c.registered_capital > 0
             THEN c.paid_in_capital::double precision / c.registered_capital::double precision
        END
   FROM creditrisk.register_at($1, $2) c
  WHERE c.uscc = CASE WHEN e.parent_uscc IS NULL THEN e.uscc ELSE e.parent_uscc END)
$d$ WHERE code = 'paid_in_ratio';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT c.registered_capital - c.paid_in_capital
   FROM creditrisk.register_at($1, $2) c
  WHERE c.uscc = CASE WHEN e.parent_uscc IS NULL THEN e.uscc ELSE e.parent_uscc END)
$d$ WHERE code = 'unpaid_capital';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.register_at($1, $2) r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND (SELECT count(*) FROM creditrisk.abnormal_listing_as_known($2) a
                 WHERE a.uscc = r.uscc
                   AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true)) > 0)
$d$ WHERE code = 'related_abnormal_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.register_at($1, $2) r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND (SELECT count(*) FROM creditrisk.serious_dishonesty_listing_as_known($2) s
                 WHERE s.uscc = r.uscc
                   AND s.listed_date <= $1 AND coalesce(creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) > $1, true)) > 0)
$d$ WHERE code = 'related_serious_dishonesty_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.register_at($1, $2) r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND (SELECT count(*) FROM creditrisk.judgment_debtor_listing_as_known($2) j
                 WHERE j.uscc = r.uscc
                   AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1)) > 0)
$d$ WHERE code = 'related_judgment_debtor_current';

ALTER TABLE creditrisk.indicator ENABLE TRIGGER indicator_guard;
ALTER TABLE creditrisk.indicator ENABLE TRIGGER indicator_shipped;
ALTER TABLE creditrisk.indicator ENABLE TRIGGER indicator_definition_check;

CREATE OR REPLACE FUNCTION creditrisk.create_roles() RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp SET client_min_messages = warning AS $fn$
DECLARE
    r record;
    t text;
    kinds constant text[] := ARRAY['creditrisk_admin', 'creditrisk_analyst', 'creditrisk_partner', 'creditrisk_auditor',
                                   'creditrisk_loader'];
    model_tables constant text[] := ARRAY['indicator', 'model', 'model_dimension', 'model_group', 'model_indicator',
                                          'model_bin', 'model_category', 'model_floor', 'model_floor_condition'];
    config_tables constant text[] := ARRAY['model_activation', 'high_concern_industry', 'override_rule',
                                           'fusion_rule', 'fusion_matrix', 'supervision_measure', 'population_opt_in',
                                           'repair_rule_set'];
    register_tables constant text[] := ARRAY['enterprise'];
    record_tables constant text[] := ARRAY['licence', 'penalty', 'spot_check', 'complaint', 'abnormal_listing',
                                           'serious_dishonesty_listing', 'judgment_debtor_listing', 'annual_report',
                                           'registration_change', 'equity_pledge_freeze', 'lawsuit',
                                           'public_opinion', 'domain_risk_class', 'enforcement', 'confirmation',
                                           'reward', 'indicator_value', 'credit_commitment', 'credit_repair'];
    result_tables constant text[] := ARRAY['classification_result', 'classification_domain_result',
                                           'classification_correction'];
    -- superseded versions, written only by the trigger record_arrival as the owner
    config_history constant text[] := ARRAY['model_activation_history', 'high_concern_industry_history',
                                            'override_rule_history', 'fusion_rule_history', 'fusion_matrix_history',
                                            'supervision_measure_history', 'population_opt_in_history',
                                            'repair_rule_set_history'];
    record_history constant text[] := ARRAY['licence_history', 'penalty_history', 'spot_check_history',
                                            'complaint_history', 'abnormal_listing_history',
                                            'serious_dishonesty_listing_history', 'judgment_debtor_listing_history',
                                            'annual_report_history', 'registration_change_history',
                                            'equity_pledge_freeze_history', 'lawsuit_history', 'public_opinion_history',
                                            'domain_risk_class_history', 'enforcement_history', 'confirmation_history', 'reward_history',
                                            'indicator_value_history', 'credit_commitment_history', 'credit_repair_history'];
    -- spot checks (extension/supervision.sql): what a bureau plans and keeps,
    -- and what only the draw writes
    spot_plan_tables constant text[] := ARRAY['inspector', 'inspector_conflict', 'spot_check_task', 'spot_check_task_class'];
    spot_draw_tables constant text[] := ARRAY['spot_check_population', 'spot_check_draw', 'spot_check_task_inspector',
                                              'spot_check_task_conflict', 'spot_check_assignment'];
    spot_views constant text[] := ARRAY['spot_check_task_summary', 'spot_check_unassignable', 'spot_check_inspector_load'];
    views constant text[] := ARRAY['classification_current', 'classification_domain_current', 'enterprise_measures',
                                   'enterprise_domain_measures',
                                   'classification_worsened', 'class_transition_latest', 'class_distribution_current',
                                   'score_stability_latest', 'reason_code'];
    in_scope constant text := 'division_code >= (SELECT creditrisk.scope_from()) AND division_code < (SELECT creditrisk.scope_to())';
    -- the register's: the same range, the bounds called directly (C, cached
    -- per backend; an index range's keys are computed once per scan), for
    -- this policy is also applied inside every record table's per-record
    -- probe of the register, where two InitPlans each were a third of the cost
    -- of reading one enterprise's records (issue 15)
    register_scope constant text := 'division_code >= creditrisk.scope_from() AND division_code < creditrisk.scope_to()';
    -- the reporting units whose reporter role the current user is a member of
    own_unit constant text := 'reported_by IN (SELECT u.code FROM creditrisk.reporting_unit u JOIN pg_catalog.pg_roles r '
                              'ON r.rolname = u.reporter_role WHERE pg_catalog.pg_has_role(r.oid, ''MEMBER''))';
BEGIN
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'creditrisk.create_roles() must be run by a superuser'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'It creates roles, changes the owner of the extension''s tables and creates their policies.';
    END IF;

    -- 1. The group roles, NOLOGIN.  A pre-existing role of the same name is
    -- used only if it is as harmless as the one we would create.
    FOR r IN SELECT * FROM unnest(ARRAY['creditrisk_owner', 'creditrisk_sharing'] || kinds,
                                  ARRAY['owns the data and views of creditrisk (NOLOGIN, no member)',
                                        'owns the two partner views shared_classification and shared_distribution (NOLOGIN, no member)',
                                        'creditrisk administrators: models, rules, measures, records, the monthly run, within their jurisdiction',
                                        'creditrisk analysts: read the enterprises, records and results of their jurisdiction',
                                        'partner departments: read what their unexpired sharing agreements grant',
                                        'creditrisk auditors: read results, configuration, jurisdictions, agreements and logs of their jurisdiction',
                                        'creditrisk loaders (报送人员): report the credit records of their own reporting unit, within their jurisdiction'])
                     AS x(name, note)
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r.name) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', r.name);
        ELSIF EXISTS (SELECT 1 FROM pg_catalog.pg_roles
                       WHERE rolname = r.name AND (rolcanlogin OR rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb)) THEN
            RAISE EXCEPTION 'role "%" exists with privileges creditrisk would not give it', r.name
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'A creditrisk group role is NOLOGIN, without SUPERUSER, BYPASSRLS, CREATEROLE or CREATEDB.',
                      HINT = format('ALTER ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB, then run creditrisk.create_roles() again.', r.name);
        END IF;
        EXECUTE format('COMMENT ON ROLE %I IS %L', r.name, r.note);
    END LOOP;
    FOR r IN SELECT x.name FROM unnest(ARRAY['creditrisk_owner', 'creditrisk_sharing']) x(name)
              WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m WHERE m.roleid = x.name::regrole)
    LOOP
        RAISE EXCEPTION 'role % has members', r.name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Its members would see every enterprise and could change the policies.',
                  HINT = format('REVOKE %I FROM them; a DBA uses a superuser role.', r.name);
    END LOOP;

    -- 2. The owner owns the tables, views and materialized views (so FORCEd
    -- row-level security applies to it as to anyone) and the one SECURITY
    -- DEFINER function, which then runs without superuser rights.
    FOR r IN SELECT c.oid::regclass AS rel, c.relkind
               FROM pg_catalog.pg_class c
               JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                                          AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
               JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'creditrisk'
              WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
                -- (an identity column's sequence follows its table)
                AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend s
                                 WHERE s.classid = 'pg_catalog.pg_class'::regclass AND s.objid = c.oid
                                   AND s.deptype IN ('a', 'i'))
              ORDER BY c.oid
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO creditrisk_owner',
                       CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                      WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, r.rel);
    END LOOP;
    ALTER FUNCTION creditrisk.refresh_current_views() OWNER TO creditrisk_owner;
    -- the partner views read the history through the policy for their own
    -- role (4. below), which no analyst's view shares
    ALTER VIEW creditrisk.shared_classification OWNER TO creditrisk_sharing;
    ALTER VIEW creditrisk.shared_distribution OWNER TO creditrisk_sharing;

    -- 3. Grants: every kind uses the schema, the types and the functions (the
    -- comparison operators of uscc and riskclass are functions; every function
    -- but one runs with its caller's rights).  Tables and views narrowly.
    FOREACH t IN ARRAY kinds LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA creditrisk TO %I', t);
        EXECUTE format('GRANT USAGE ON TYPE creditrisk.uscc, creditrisk.riskclass, creditrisk.division_code, creditrisk.industry_code TO %I', t);
        EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA creditrisk TO %I', t);
        EXECUTE format('REVOKE EXECUTE ON FUNCTION creditrisk.create_roles(), creditrisk.enrol(regrole, text, text), creditrisk.unenrol(regrole), '
                       'creditrisk.share(regrole, text[], text[], date, boolean), creditrisk.refresh_current_views(), '
                       'creditrisk.seal_run(date, integer), creditrisk.log_changes_of(regclass) FROM %I', t);
    END LOOP;
    -- the history's verification is the auditor's and the admin's; corrections the admin's
    REVOKE EXECUTE ON FUNCTION creditrisk.verify_history(bytea, boolean) FROM creditrisk_analyst, creditrisk_partner;
    REVOKE EXECUTE ON FUNCTION creditrisk.correct_result(date, creditrisk.uscc, creditrisk.riskclass, text)
        FROM creditrisk_analyst, creditrisk_partner, creditrisk_auditor;
    GRANT EXECUTE ON FUNCTION creditrisk.refresh_current_views() TO creditrisk_admin;
    -- the owner evaluates the policies when it refreshes the views
    GRANT USAGE ON SCHEMA creditrisk TO creditrisk_owner;
    GRANT USAGE ON TYPE creditrisk.uscc, creditrisk.riskclass, creditrisk.division_code, creditrisk.industry_code
        TO creditrisk_owner;
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA creditrisk TO creditrisk_owner;
    REVOKE EXECUTE ON FUNCTION creditrisk.create_roles(), creditrisk.enrol(regrole, text, text), creditrisk.unenrol(regrole),
                               creditrisk.share(regrole, text[], text[], date, boolean) FROM creditrisk_owner;

    -- admin: writes models, configuration, the register, records and results
    -- (rows of its jurisdiction; the run itself only province-wide)
    FOREACH t IN ARRAY model_tables || config_tables || register_tables || record_tables
                       || ARRAY['related_party_link', 'classification_run'] || result_tables LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON creditrisk.%I TO creditrisk_admin', t);
    END LOOP;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA creditrisk TO creditrisk_admin;
    REVOKE ALL ON SEQUENCE creditrisk.sharing_agreement_id_seq FROM creditrisk_admin;
    FOREACH t IN ARRAY views LOOP
        EXECUTE format('GRANT SELECT ON creditrisk.%I TO creditrisk_admin, creditrisk_analyst, creditrisk_auditor', t);
    END LOOP;

    -- analyst and auditor: read models, configuration, register, records and
    -- results (rows of their jurisdiction); of the runs, what identifies them
    -- (the province-wide counts are the admin's and the auditor's)
    FOREACH t IN ARRAY model_tables || config_tables || register_tables || record_tables
                       || ARRAY['related_party_link'] || result_tables LOOP
        EXECUTE format('GRANT SELECT ON creditrisk.%I TO creditrisk_analyst, creditrisk_auditor', t);
    END LOOP;
    -- the histories: read (a run or compute_indicators as known at a past time
    -- reads them), never written but by the trigger
    FOREACH t IN ARRAY config_history || record_history || ARRAY['enterprise_history', 'related_party_link_history'] LOOP
        EXECUTE format('GRANT SELECT ON creditrisk.%I TO creditrisk_admin, creditrisk_analyst, creditrisk_auditor', t);
    END LOOP;
    GRANT SELECT (as_of, version, known_at, model_key, model_revision, started_at, finished_at, run_by)
        ON creditrisk.classification_run TO creditrisk_analyst;
    GRANT SELECT ON creditrisk.classification_run TO creditrisk_auditor;

    -- the divisions are reference data: their names appear in every view
    GRANT SELECT ON creditrisk.division TO creditrisk_admin, creditrisk_analyst, creditrisk_auditor;

    -- everyone enrolled reads its own jurisdiction and agreements (the scope
    -- functions do); the auditor reads all of them
    GRANT SELECT ON creditrisk.jurisdiction, creditrisk.sharing_agreement
        TO creditrisk_admin, creditrisk_analyst, creditrisk_partner, creditrisk_auditor, creditrisk_loader;

    -- reporting units (报送单位): everyone enrolled reads the register (it names
    -- government units, not enterprises); the admin writes those of its
    -- jurisdiction
    GRANT SELECT ON creditrisk.reporting_unit, creditrisk.reporting_unit_history
        TO creditrisk_admin, creditrisk_analyst, creditrisk_auditor, creditrisk_loader;
    GRANT INSERT, UPDATE ON creditrisk.reporting_unit TO creditrisk_admin;

    -- loader (报送人员): reads the register of its jurisdiction, and reads,
    -- reports, corrects and withdraws the records of its own reporting unit
    -- (the policies own_unit below; reporting_unit_check() refuses a record
    -- reported as another unit)
    GRANT SELECT ON creditrisk.enterprise TO creditrisk_loader;
    FOREACH t IN ARRAY record_tables || ARRAY['related_party_link'] LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON creditrisk.%I TO creditrisk_loader', t);
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = format('creditrisk.%I', t)::regclass AND a.attname = 'id' AND a.attidentity <> '') THEN
            EXECUTE format('GRANT USAGE ON SEQUENCE %s TO creditrisk_loader',
                           pg_catalog.pg_get_serial_sequence(format('creditrisk.%I', t), 'id'));
        END IF;
    END LOOP;

    -- partner: the two shared views, nothing else
    GRANT SELECT ON creditrisk.shared_classification, creditrisk.shared_distribution TO creditrisk_partner;
    -- the partner views' owner reads what they read (nobody logs in as it)
    GRANT USAGE ON SCHEMA creditrisk TO creditrisk_sharing;
    GRANT USAGE ON TYPE creditrisk.uscc, creditrisk.riskclass, creditrisk.division_code TO creditrisk_sharing;
    GRANT SELECT ON creditrisk.classification_result, creditrisk.classification_run, creditrisk.sharing_agreement
        TO creditrisk_sharing;

    -- spot checks (双随机、一公开, doc/spotcheck.md): a bureau's admin keeps the
    -- inspectors' library of its jurisdiction, plans tasks and draws them
    -- (draw_spot_check writes the draw tables, running as the admin), records
    -- outcomes; analysts and auditors read; partners nothing
    FOREACH t IN ARRAY spot_plan_tables LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON creditrisk.%I TO creditrisk_admin', t);
        EXECUTE format('GRANT SELECT ON creditrisk.%I TO creditrisk_analyst, creditrisk_auditor', t);
    END LOOP;
    FOREACH t IN ARRAY spot_draw_tables LOOP
        EXECUTE format('GRANT SELECT, INSERT ON creditrisk.%I TO creditrisk_admin', t);
        EXECUTE format('GRANT SELECT ON creditrisk.%I TO creditrisk_analyst, creditrisk_auditor', t);
    END LOOP;
    GRANT UPDATE (check_end, outcome, refused, spot_check_id, publication_deadline, publication_deadline_provisional)
        ON creditrisk.spot_check_draw TO creditrisk_admin;
    FOREACH t IN ARRAY spot_views LOOP
        EXECUTE format('GRANT SELECT ON creditrisk.%I TO creditrisk_admin, creditrisk_analyst, creditrisk_auditor', t);
    END LOOP;
    -- the working-day calendar (reference data, no enterprise in it): the
    -- publication deadline of an outcome is computed from it as the caller
    -- (and the 双公示 deadlines, extension/disclosure.sql; loaders too)
    GRANT SELECT ON creditrisk.calendar_day TO creditrisk_admin, creditrisk_analyst, creditrisk_auditor, creditrisk_loader;

    -- audit (doc/AUDIT.md): the change log and the seals are the auditor's to
    -- read, nobody's to write; the seals' blocks (every USCC of every run) are
    -- read only through verify_history()
    GRANT SELECT ON creditrisk.change_log, creditrisk.classification_seal TO creditrisk_auditor;

    -- 4. Policies (TO PUBLIC: the grants decide who may do what, the policies
    -- which rows).  A range on division_code, whose bounds are computed once
    -- per query, served by the index on division_code.
    FOREACH t IN ARRAY result_tables LOOP
        EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.%I USING (%s) WITH CHECK (%s)', t, in_scope, in_scope);
    END LOOP;
    FOREACH t IN ARRAY register_tables || ARRAY['enterprise_history'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.%I USING (%s) WITH CHECK (%s)', t, register_scope, register_scope);
    END LOOP;
    -- records: of enterprises the caller sees on the register (the
    -- register's policy applies inside).  A correlated EXISTS on the USCC, for
    -- which the planner makes two plans and keeps, per query, the cheaper
    -- for the rows it expects (setrefs.c, AlternativeSubPlan): over a whole
    -- table, one hash of the caller's enterprises; over one enterprise's
    -- records (explain_enterprise(), a query on uscc = ...), one probe of the
    -- register's primary key per record, so that it reads that enterprise's
    -- rows only (issue 15; until 1.6 uscc IN (SELECT ...), always hashed).
    FOREACH t IN ARRAY record_tables || record_history LOOP
        EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.%1$I '
                       'USING (EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.uscc)) '
                       'WITH CHECK (EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.uscc))', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['related_party_link', 'related_party_link_history'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.%1$I '
                       'USING (EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.from_uscc) '
                       'OR EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.to_uscc)) '
                       'WITH CHECK (EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.from_uscc) '
                       'AND EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.to_uscc))', t);
    END LOOP;
    -- a loader sees, corrects and withdraws only its own unit's records (its
    -- new rows are checked by reporting_unit_check(), with a clear error)
    FOREACH t IN ARRAY record_tables || ARRAY['related_party_link'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS own_unit_read ON creditrisk.%I', t);
        EXECUTE format('DROP POLICY IF EXISTS own_unit_update ON creditrisk.%I', t);
        EXECUTE format('DROP POLICY IF EXISTS own_unit_delete ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY own_unit_read ON creditrisk.%I AS RESTRICTIVE FOR SELECT TO creditrisk_loader USING (%s)', t, own_unit);
        EXECUTE format('CREATE POLICY own_unit_update ON creditrisk.%I AS RESTRICTIVE FOR UPDATE TO creditrisk_loader USING (%s) WITH CHECK (true)', t, own_unit);
        EXECUTE format('CREATE POLICY own_unit_delete ON creditrisk.%I AS RESTRICTIVE FOR DELETE TO creditrisk_loader USING (%s)', t, own_unit);
    END LOOP;
    -- reporting units: everyone reads the register; each writes its own area
    DROP POLICY IF EXISTS read ON creditrisk.reporting_unit;
    DROP POLICY IF EXISTS jurisdiction ON creditrisk.reporting_unit;
    CREATE POLICY read ON creditrisk.reporting_unit FOR SELECT USING (true);
    EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.reporting_unit USING (%s) WITH CHECK (%s)', in_scope, in_scope);
    -- the partner views (owned by creditrisk_sharing): the history's rows
    -- while the reader has an unexpired sharing agreement; the views keep
    -- the divisions and fields it grants.  One InitPlan per query: the
    -- analysts' reads (views owned by creditrisk_owner) never see it.
    DROP POLICY IF EXISTS sharing_agreement ON creditrisk.classification_result;
    CREATE POLICY sharing_agreement ON creditrisk.classification_result FOR SELECT TO creditrisk_sharing
        USING (EXISTS (SELECT 1 FROM creditrisk.sharing_agreement s
                        WHERE s.partner = current_user AND s.valid_until >= current_date));
    -- runs: readable by all who may read the table; written (the monthly run)
    -- only by a role whose jurisdiction is a whole province or more
    DROP POLICY IF EXISTS read ON creditrisk.classification_run;
    DROP POLICY IF EXISTS province_wide ON creditrisk.classification_run;
    CREATE POLICY read ON creditrisk.classification_run FOR SELECT USING (true);
    CREATE POLICY province_wide ON creditrisk.classification_run
        USING ((SELECT creditrisk.scope_from()) ~ '0000$' AND (SELECT creditrisk.scope_to()) ~ '0000$')
        WITH CHECK ((SELECT creditrisk.scope_from()) ~ '0000$' AND (SELECT creditrisk.scope_to()) ~ '0000$');
    -- measures: everyone reads every level (an enterprise's measures combine
    -- the province's, the city's and the county's); each writes its own area
    DROP POLICY IF EXISTS read ON creditrisk.supervision_measure;
    DROP POLICY IF EXISTS jurisdiction ON creditrisk.supervision_measure;
    CREATE POLICY read ON creditrisk.supervision_measure FOR SELECT USING (true);
    EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.supervision_measure USING (%s) WITH CHECK (%s)', in_scope, in_scope);
    -- spot checks.  The library and the declared conflicts: by the
    -- inspector's division.  A task and its ratios: written by its organising
    -- bureau (its division in scope; the task's scope lies within it, by
    -- trigger), read also by the bureaus whose jurisdiction its scope covers
    -- in part (a province task concerns every county).  The draw tables: read
    -- in scope (the enterprise's division; the pool by the inspector's);
    -- inserted in scope only into a planned task the inserter organises, so
    -- nothing is added to a drawn task but by a superuser (a restore); the
    -- draw's outcome columns updated in scope; nothing deleted.
    FOREACH t IN ARRAY ARRAY['inspector', 'inspector_conflict'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.%I USING (%s) WITH CHECK (%s)', t, in_scope, in_scope);
    END LOOP;
    DROP POLICY IF EXISTS jurisdiction ON creditrisk.spot_check_task;
    DROP POLICY IF EXISTS covered ON creditrisk.spot_check_task;
    EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.spot_check_task USING (%s) WITH CHECK (%s)', in_scope, in_scope);
    CREATE POLICY covered ON creditrisk.spot_check_task FOR SELECT
        USING (EXISTS (SELECT 1 FROM unnest(scope_divisions) s
                        WHERE s::text < (SELECT creditrisk.scope_to())
                          AND creditrisk.division_upper(s) > (SELECT creditrisk.scope_from())));
    DROP POLICY IF EXISTS jurisdiction ON creditrisk.spot_check_task_class;
    DROP POLICY IF EXISTS covered ON creditrisk.spot_check_task_class;
    EXECUTE format('CREATE POLICY jurisdiction ON creditrisk.spot_check_task_class USING (%s) WITH CHECK (%s)', in_scope, in_scope);
    CREATE POLICY covered ON creditrisk.spot_check_task_class FOR SELECT
        USING (task_id IN (SELECT x.id FROM creditrisk.spot_check_task x));
    FOREACH t IN ARRAY spot_draw_tables LOOP
        EXECUTE format('DROP POLICY IF EXISTS read ON creditrisk.%I', t);
        EXECUTE format('DROP POLICY IF EXISTS draw ON creditrisk.%I', t);
        EXECUTE format('DROP POLICY IF EXISTS outcome ON creditrisk.%I', t);
        EXECUTE format('CREATE POLICY read ON creditrisk.%I FOR SELECT USING (%s)', t, in_scope);
        EXECUTE format('CREATE POLICY draw ON creditrisk.%I FOR INSERT WITH CHECK (%s AND task_id IN '
                       '(SELECT x.id FROM creditrisk.spot_check_task x WHERE x.status = ''planned'' '
                       'AND x.division_code >= (SELECT creditrisk.scope_from()) AND x.division_code < (SELECT creditrisk.scope_to())))',
                       t, in_scope);
    END LOOP;
    EXECUTE format('CREATE POLICY outcome ON creditrisk.spot_check_draw FOR UPDATE USING (%s) WITH CHECK (%s)', in_scope, in_scope);
    -- jurisdictions and agreements: one's own; the auditor all
    DROP POLICY IF EXISTS own ON creditrisk.jurisdiction;
    DROP POLICY IF EXISTS auditor ON creditrisk.jurisdiction;
    CREATE POLICY own ON creditrisk.jurisdiction FOR SELECT USING (role_name = current_user);
    CREATE POLICY auditor ON creditrisk.jurisdiction FOR SELECT TO creditrisk_auditor USING (true);
    DROP POLICY IF EXISTS own ON creditrisk.sharing_agreement;
    DROP POLICY IF EXISTS auditor ON creditrisk.sharing_agreement;
    CREATE POLICY own ON creditrisk.sharing_agreement FOR SELECT USING (partner = current_user);
    CREATE POLICY auditor ON creditrisk.sharing_agreement FOR SELECT TO creditrisk_auditor USING (true);
END
$fn$;

-- Where create_roles() already made the policies, the register's, the
-- records' and the links' policies take their 1.7 form now (the C engine recognises only that form;
-- with the old one it would compute through the SQL definitions, correct but
-- slow); running create_roles() again after the update gives the same.
DO $per_enterprise$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT c.relname,
                    EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                             WHERE a.attrelid = c.oid AND a.attname = 'from_uscc' AND NOT a.attisdropped) AS link
               FROM pg_catalog.pg_policy y
               JOIN pg_catalog.pg_class c ON c.oid = y.polrelid
              WHERE c.relnamespace = 'creditrisk'::regnamespace AND y.polname = 'jurisdiction'
                AND pg_catalog.pg_get_expr(y.polqual, y.polrelid) LIKE '%ANY ( SELECT e.uscc%'
              ORDER BY c.relname
    LOOP
        IF p.link THEN
            EXECUTE format('ALTER POLICY jurisdiction ON creditrisk.%1$I '
                           'USING (EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.from_uscc) '
                           'OR EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.to_uscc)) '
                           'WITH CHECK (EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.from_uscc) '
                           'AND EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.to_uscc))', p.relname);
        ELSE
            EXECUTE format('ALTER POLICY jurisdiction ON creditrisk.%1$I '
                           'USING (EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.uscc)) '
                           'WITH CHECK (EXISTS (SELECT 1 FROM creditrisk.enterprise e WHERE e.uscc OPERATOR(creditrisk.=) %1$I.uscc))', p.relname);
        END IF;
    END LOOP;
    FOR p IN SELECT c.relname
               FROM pg_catalog.pg_policy y
               JOIN pg_catalog.pg_class c ON c.oid = y.polrelid
              WHERE c.relnamespace = 'creditrisk'::regnamespace AND y.polname = 'jurisdiction'
                AND c.relname IN ('enterprise', 'enterprise_history')
              ORDER BY c.relname
    LOOP
        EXECUTE format('ALTER POLICY jurisdiction ON creditrisk.%I '
                       'USING (division_code >= creditrisk.scope_from() AND division_code < creditrisk.scope_to()) '
                       'WITH CHECK (division_code >= creditrisk.scope_from() AND division_code < creditrisk.scope_to())', p.relname);
    END LOOP;
END
$per_enterprise$;
