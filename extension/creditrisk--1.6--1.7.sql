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
