-- ===========================================================================
-- SQL definitions of the built-in catalogue entries (reference-v1's 81
-- indicators), exactly as documented in doc/reference-model.md.
-- ===========================================================================
--
-- Each definition is a scalar expression over the enterprise row e
-- (creditrisk.enterprise) and the as-of date $1 (date), in the order of the
-- model.  They read the records as known at the knowledge time $2
-- (timestamptz, NULL = now: creditrisk.<table>_as_known($2)) and other
-- enterprises in their register version of $1 (creditrisk.register_at($1,
-- $2)), so that a past run is reproduced (extension/knowledge.sql).
-- Conventions (doc/reference-model.md section 2):
--   * a window "in the last N" is (D - N, D]: date > ($1 - interval 'N')::date
--     AND date <= $1;
--   * "current" on D: listed (started) on or before D and not removed (ended)
--     by D: listed_date <= $1 AND (removed_date IS NULL OR removed_date > $1);
--     for the abnormal-operation and serious-dishonesty lists and a penalty's
--     publicity (since 1.5) the end is creditrisk.record_end(), which also
--     reads approved credit repairs and the maximum term, as known at $2
--     (extension/repair.sql; the C engine reads creditrisk.record_ends());
--   * a penalty revoked (撤销, revoked_on) on or before D does not count, in
--     any penalty indicator (since 1.6), as known at $2 like every fact;
--   * a related-party link is in force on D when (valid_from IS NULL OR
--     valid_from <= $1) AND (valid_to IS NULL OR valid_to > $1); the related
--     set R(E, D) is the distinct enterprises at the other end of such links;
--   * counts are 0 when there are no records; flags are 0 / 1; NULL is a
--     missing value (a ratio without denominator, an outcome that does not
--     exist).
-- Every table is schema-qualified; definitions are compiled and run with
-- search_path = pg_catalog, creditrisk, pg_temp, which resolves the
-- operators of the uscc type (p.uscc = e.uscc) and nothing else.

-- ---------------------------------------------------------------------------
-- D1G1 Enterprise size
-- ---------------------------------------------------------------------------

-- A branch (parent_uscc set) takes its parent's registered capital.
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NULL THEN e.registered_capital
     ELSE (SELECT pe.registered_capital FROM creditrisk.register_at($1, $2) pe WHERE pe.uscc = e.parent_uscc)
END
$d$ WHERE code = 'registered_capital';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT l.from_uscc)
   FROM creditrisk.related_party_link_as_known($2) l
  WHERE l.to_uscc = e.uscc AND l.kind = 'shareholder'
    AND (l.valid_from IS NULL OR l.valid_from <= $1)
    AND (l.valid_to IS NULL OR l.valid_to > $1))
$d$ WHERE code = 'corporate_shareholder_count';

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NOT NULL THEN 0
     ELSE (SELECT count(*)
             FROM creditrisk.register_at($1, $2) b
            WHERE b.parent_uscc = e.uscc
              AND b.established_date <= $1
              AND NOT (b.status IN ('revoked', 'cancelled') AND b.status_date <= $1))
END
$d$ WHERE code = 'branch_count';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT l.to_uscc)
   FROM creditrisk.related_party_link_as_known($2) l
  WHERE l.from_uscc = e.uscc AND l.kind = 'shareholder'
    AND (l.valid_from IS NULL OR l.valid_from <= $1)
    AND (l.valid_to IS NULL OR l.valid_to > $1))
$d$ WHERE code = 'outbound_investment_count';

-- ---------------------------------------------------------------------------
-- D1G2 Age and registration status
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
($1 - e.established_date)::double precision / 365.25
$d$ WHERE code = 'years_in_operation';

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.status = 'revoked' AND e.status_date <= $1 THEN 1 ELSE 0 END
$d$ WHERE code = 'status_revoked';

-- ---------------------------------------------------------------------------
-- D1G3 Entity type
-- ---------------------------------------------------------------------------

-- The register's code 1..9 as stored; a branch takes its parent's.
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NULL THEN e.entity_type
     ELSE (SELECT pe.entity_type FROM creditrisk.register_at($1, $2) pe WHERE pe.uscc = e.parent_uscc)
END
$d$ WHERE code = 'entity_type_class';

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NOT NULL THEN 1 ELSE 0 END
$d$ WHERE code = 'is_branch';

-- ---------------------------------------------------------------------------
-- D1G4 Industry
-- ---------------------------------------------------------------------------

-- Section letter A..T as 1..20.
UPDATE creditrisk.indicator SET definition_sql = $d$
ascii(left(e.industry_code, 1)) - 64
$d$ WHERE code = 'industry_section_class';

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.industry_code LIKE ANY (ARRAY['C13%', 'C14%', 'C15%', 'F512%', 'F521%', 'F522%', 'H62%',
                                          'C27%', 'F515%', 'F525%',
                                          'C341%', 'C343%'])
       OR EXISTS (SELECT 1 FROM creditrisk.domain_risk_class_as_known($2) d
                   WHERE d.uscc = e.uscc AND d.assessed_date <= $1)
     THEN 1 ELSE 0
END
$d$ WHERE code = 'key_field_industry';

-- ---------------------------------------------------------------------------
-- D1G5 Licences.  A licence is valid on D when valid_from <= D < valid_to
-- (NULL valid_to: open-ended) and it was not revoked on or before D.
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.licence_as_known($2) l
                   WHERE l.uscc = e.uscc AND l.valid_from <= $1)
      AND NOT EXISTS (SELECT 1 FROM creditrisk.licence_as_known($2) l
                       WHERE l.uscc = e.uscc
                         AND l.valid_from <= $1
                         AND (l.valid_to IS NULL OR $1 < l.valid_to)
                         AND (l.revoked_date IS NULL OR l.revoked_date > $1))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'licence_lapsed';

-- Renewed: another licence of the enterprise (same kind when both carry one)
-- valid from no earlier than 180 days before the expiry, and by D.
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.licence_as_known($2) l
  WHERE l.uscc = e.uscc
    AND l.valid_to > ($1 - interval '1 year')::date AND l.valid_to <= $1
    AND NOT EXISTS (SELECT 1 FROM creditrisk.licence_as_known($2) n
                     WHERE n.uscc = e.uscc AND n.id <> l.id
                       AND (n.kind = l.kind OR n.kind = '' OR l.kind = '')
                       AND n.valid_from >= l.valid_to - 180
                       AND n.valid_from <= $1))
$d$ WHERE code = 'licence_expired_unrenewed_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.licence_as_known($2) l
  WHERE l.uscc = e.uscc
    AND l.revoked_date > ($1 - interval '3 years')::date AND l.revoked_date <= $1)
$d$ WHERE code = 'licence_revoked_3y';

-- ---------------------------------------------------------------------------
-- D2G1 Registration changes (record counts; legal-representative changes
-- by distinct day, as the catalogue says)
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT c.change_date)
   FROM creditrisk.registration_change_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'legal_representative'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'legal_rep_changes_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'name'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'name_changes_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'address'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'address_changes_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'scope'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'scope_changes_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'capital'
    AND c.change_date > ($1 - interval '1 year')::date AND c.change_date <= $1)
$d$ WHERE code = 'capital_changes_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.registration_change_as_known($2) c
  WHERE c.uscc = e.uscc
    AND c.change_date > ($1 - interval '3 years')::date AND c.change_date <= $1)
$d$ WHERE code = 'changes_total_3y';

-- ---------------------------------------------------------------------------
-- D2G2 Capital contribution (a branch takes its parent's capital)
-- ---------------------------------------------------------------------------

-- Raw ratio (may exceed 1); missing when registered capital is 0 or unknown
-- or paid-in capital unknown.
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

-- ---------------------------------------------------------------------------
-- D2G3 Annual reports.  The latest due year on D is the last year Y whose
-- deadline, 30 June of Y + 1, is before D; only years from the year of
-- establishment on are due.
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT CASE WHEN y.due < extract(year FROM e.established_date)::int THEN 0
             WHEN EXISTS (SELECT 1 FROM creditrisk.annual_report_as_known($2) a
                           WHERE a.uscc = e.uscc AND a.year = y.due AND a.filed_on <= $1) THEN 0
             ELSE 1
        END
   FROM (SELECT CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30)
                     THEN extract(year FROM $1)::int - 1
                     ELSE extract(year FROM $1)::int - 2
                END AS due) y)
$d$ WHERE code = 'annual_report_latest_missing';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM (SELECT CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30)
                     THEN extract(year FROM $1)::int - 1
                     ELSE extract(year FROM $1)::int - 2
                END AS due) y,
        generate_series(y.due - 2, y.due) AS s(year)
  WHERE s.year >= extract(year FROM e.established_date)::int
    AND NOT EXISTS (SELECT 1 FROM creditrisk.annual_report_as_known($2) a
                     WHERE a.uscc = e.uscc AND a.year = s.year AND a.filed_on <= $1))
$d$ WHERE code = 'annual_reports_missing_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM (SELECT CASE WHEN $1 > make_date(extract(year FROM $1)::int, 6, 30)
                     THEN extract(year FROM $1)::int - 1
                     ELSE extract(year FROM $1)::int - 2
                END AS due) y,
        creditrisk.annual_report_as_known($2) a
  WHERE a.uscc = e.uscc
    AND a.year BETWEEN y.due - 2 AND y.due
    AND a.year >= extract(year FROM e.established_date)::int
    AND a.filed_on <= $1
    AND NOT a.on_time)
$d$ WHERE code = 'annual_reports_late_3y';

-- ---------------------------------------------------------------------------
-- D2G4 Equity pledges and freezes
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.equity_pledge_freeze_as_known($2) q
  WHERE q.uscc = e.uscc AND q.kind = 'pledge'
    AND q.start_date <= $1 AND (q.end_date IS NULL OR q.end_date > $1))
$d$ WHERE code = 'equity_pledges_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.equity_pledge_freeze_as_known($2) q
  WHERE q.uscc = e.uscc AND q.kind = 'freeze'
    AND q.start_date <= $1 AND (q.end_date IS NULL OR q.end_date > $1))
$d$ WHERE code = 'equity_freezes_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.equity_pledge_freeze_as_known($2) q
  WHERE q.uscc = e.uscc AND q.kind = 'pledge'
    AND q.start_date > ($1 - interval '1 year')::date AND q.start_date <= $1)
$d$ WHERE code = 'equity_pledges_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.equity_pledge_freeze_as_known($2) q
  WHERE q.uscc = e.uscc AND q.kind = 'freeze'
    AND q.start_date > ($1 - interval '3 years')::date AND q.start_date <= $1)
$d$ WHERE code = 'equity_freezes_3y';

-- ---------------------------------------------------------------------------
-- D2G5 Litigation
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.lawsuit_as_known($2) s
  WHERE s.uscc = e.uscc AND s.role = 'defendant'
    AND s.filed_date > ($1 - interval '1 year')::date AND s.filed_date <= $1)
$d$ WHERE code = 'lawsuits_defendant_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.lawsuit_as_known($2) s
  WHERE s.uscc = e.uscc AND s.role = 'defendant'
    AND s.filed_date > ($1 - interval '3 years')::date AND s.filed_date <= $1)
$d$ WHERE code = 'lawsuits_defendant_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.lawsuit_as_known($2) s
  WHERE s.uscc = e.uscc AND s.role = 'defendant' AND s.kind = 'labour'
    AND s.filed_date > ($1 - interval '1 year')::date AND s.filed_date <= $1)
$d$ WHERE code = 'labour_disputes_defendant_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.lawsuit_as_known($2) s
  WHERE s.uscc = e.uscc AND s.role = 'defendant' AND s.kind = 'criminal'
    AND s.filed_date > ($1 - interval '3 years')::date AND s.filed_date <= $1)
$d$ WHERE code = 'criminal_defendant_3y';

-- ---------------------------------------------------------------------------
-- D3G1 Abnormal-operation list
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.abnormal_listing_as_known($2) a
                   WHERE a.uscc = e.uscc
                     AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'abnormal_list_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.abnormal_listing_as_known($2) a
  WHERE a.uscc = e.uscc
    AND a.listed_date > ($1 - interval '3 years')::date AND a.listed_date <= $1)
$d$ WHERE code = 'abnormal_list_times_3y';

-- The gravest reason among the current listings: 1 < 9 < 2 < 3 < 4.
UPDATE creditrisk.indicator SET definition_sql = $d$
coalesce((SELECT a.reason
            FROM creditrisk.abnormal_listing_as_known($2) a
           WHERE a.uscc = e.uscc
             AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true)
           ORDER BY CASE a.reason WHEN 1 THEN 1 WHEN 9 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 4 WHEN 4 THEN 5 END DESC
           LIMIT 1),
         0)
$d$ WHERE code = 'abnormal_list_reason_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
coalesce($1 - (SELECT min(a.listed_date)
                 FROM creditrisk.abnormal_listing_as_known($2) a
                WHERE a.uscc = e.uscc
                  AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true)) + 1,
         0)
$d$ WHERE code = 'abnormal_list_current_days';

-- ---------------------------------------------------------------------------
-- D3G2 Serious-dishonesty list
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing_as_known($2) s
                   WHERE s.uscc = e.uscc
                     AND s.listed_date <= $1 AND coalesce(creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) > $1, true))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'serious_dishonesty_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.serious_dishonesty_listing_as_known($2) s
  WHERE s.uscc = e.uscc
    AND s.listed_date > ($1 - interval '5 years')::date AND s.listed_date <= $1)
$d$ WHERE code = 'serious_dishonesty_listings_5y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM (SELECT creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) AS ended
           FROM creditrisk.serious_dishonesty_listing_as_known($2) s
          WHERE s.uscc = e.uscc AND s.listed_date <= $1) s
  WHERE s.ended > ($1 - interval '2 years')::date AND s.ended <= $1)
$d$ WHERE code = 'serious_dishonesty_removed_2y';

-- ---------------------------------------------------------------------------
-- D3G3 Dishonest judgment debtor
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing_as_known($2) j
                   WHERE j.uscc = e.uscc
                     AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'judgment_debtor_current';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.judgment_debtor_listing_as_known($2) j
  WHERE j.uscc = e.uscc
    AND j.listed_date > ($1 - interval '3 years')::date AND j.listed_date <= $1)
$d$ WHERE code = 'judgment_debtor_listings_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.judgment_debtor_listing_as_known($2) j
  WHERE j.uscc = e.uscc
    AND j.removed_date > ($1 - interval '1 year')::date AND j.removed_date <= $1)
$d$ WHERE code = 'judgment_debtor_removed_1y';

-- ---------------------------------------------------------------------------
-- D3G4 Penalty frequency (decision_number is unique: one row per decision)
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_3y';

-- Still publicised on D: not past its publicity end, nor ended early by an
-- approved credit repair (creditrisk.record_end()); a NULL publicity_end_date
-- is not counted.
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date <= $1 AND (p.revoked_on IS NULL OR p.revoked_on > $1)
    AND creditrisk.record_end('penalty', p.id, p.decision_date, p.publicity_end_date, $2) > $1)
$d$ WHERE code = 'penalties_in_publicity';

-- ---------------------------------------------------------------------------
-- D3G5 Penalty severity
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT coalesce(max(CASE p.severity WHEN 'minor' THEN 1 WHEN 'general' THEN 2 WHEN 'serious' THEN 3 END), 0)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalty_max_severity_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.severity = 'serious'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_serious_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.severity = 'general'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_general_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT coalesce(sum(p.fine_amount), 0)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalty_fines_3y';

-- ---------------------------------------------------------------------------
-- D3G6 Key-field penalties
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment')
    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_key_field_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment')
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_key_field_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc = e.uscc AND p.field IN ('food', 'drugs', 'special_equipment') AND p.severity = 'serious'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'penalties_key_field_serious_3y';

-- ---------------------------------------------------------------------------
-- D3G7 Spot checks
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.spot_check_as_known($2) s
  WHERE s.uscc = e.uscc AND s.refused
    AND s.check_date > ($1 - interval '1 year')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_refused_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.spot_check_as_known($2) s
  WHERE s.uscc = e.uscc AND s.outcome = 'problems_found'
    AND s.check_date > ($1 - interval '3 years')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_problems_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.spot_check_as_known($2) s
  WHERE s.uscc = e.uscc AND s.outcome = 'rectification_ordered'
    AND s.check_date > ($1 - interval '1 year')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_rectification_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.spot_check_as_known($2) s
  WHERE s.uscc = e.uscc AND s.outcome = 'not_found_at_address'
    AND s.check_date > ($1 - interval '3 years')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_not_found_3y';

-- The latest check on or before D: 5 refused, else 1 pass, 2 problems_found,
-- 3 rectification_ordered, 4 not_found_at_address; the highest code among
-- checks on that day; NULL if never checked.
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT max(CASE WHEN s.refused THEN 5
                 WHEN s.outcome = 'pass' THEN 1
                 WHEN s.outcome = 'problems_found' THEN 2
                 WHEN s.outcome = 'rectification_ordered' THEN 3
                 WHEN s.outcome = 'not_found_at_address' THEN 4
            END)
   FROM creditrisk.spot_check_as_known($2) s
  WHERE s.uscc = e.uscc
    AND s.check_date = (SELECT max(s2.check_date) FROM creditrisk.spot_check_as_known($2) s2
                         WHERE s2.uscc = e.uscc AND s2.check_date <= $1))
$d$ WHERE code = 'spot_check_last_outcome';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE s.outcome = 'pass' AND NOT s.refused))::double precision
        / nullif(count(*), 0)
   FROM creditrisk.spot_check_as_known($2) s
  WHERE s.uscc = e.uscc
    AND s.check_date > ($1 - interval '3 years')::date AND s.check_date <= $1)
$d$ WHERE code = 'spot_check_pass_ratio_3y';

-- ---------------------------------------------------------------------------
-- D4 Related parties, from creditrisk.related_party_link only.  The related
-- set R(E, D) is written out in each definition as
--   SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
--     FROM creditrisk.related_party_link l
--    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc) AND <in force on $1>
-- A related party "currently listed" is tested with a scalar count of its
-- listings, > 0, not EXISTS: the planner pulls an EXISTS up into a semi-join
-- and, not knowing that R(E, D) holds a few enterprises, may hash every
-- listing in force on D instead (record_end() on each: 45 ms at 100,000
-- enterprises for one explanation, issue 15); a scalar subquery stays one
-- probe of the listing's index on uscc per related party.
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END)
   FROM creditrisk.related_party_link_as_known($2) l
  WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
    AND (l.valid_from IS NULL OR l.valid_from <= $1)
    AND (l.valid_to IS NULL OR l.valid_to > $1))
$d$ WHERE code = 'related_enterprise_count';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(DISTINCT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END)
   FROM creditrisk.related_party_link_as_known($2) l
  WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc) AND l.kind = 'common_legal_representative'
    AND (l.valid_from IS NULL OR l.valid_from <= $1)
    AND (l.valid_to IS NULL OR l.valid_to > $1))
$d$ WHERE code = 'common_legal_rep_count';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.register_at($1, $2) r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND r.status = 'revoked' AND r.status_date <= $1)
$d$ WHERE code = 'related_revoked_count';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE r.status = 'revoked' AND r.status_date <= $1))::double precision
        / nullif(count(*), 0)
   FROM creditrisk.register_at($1, $2) r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1)))
$d$ WHERE code = 'related_revoked_ratio';

-- Linked at some time in (D - 1 year, D], cancelled in that window.
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.register_at($1, $2) r
  WHERE r.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > ($1 - interval '1 year')::date))
    AND r.status = 'cancelled'
    AND r.status_date > ($1 - interval '1 year')::date AND r.status_date <= $1)
$d$ WHERE code = 'related_cancelled_1y';

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

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND p.decision_date > ($1 - interval '1 year')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'related_penalties_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.penalty_as_known($2) p
  WHERE p.uscc IN (SELECT CASE WHEN l.from_uscc = e.uscc THEN l.to_uscc ELSE l.from_uscc END
                     FROM creditrisk.related_party_link_as_known($2) l
                    WHERE (l.from_uscc = e.uscc OR l.to_uscc = e.uscc)
                      AND (l.valid_from IS NULL OR l.valid_from <= $1)
                      AND (l.valid_to IS NULL OR l.valid_to > $1))
    AND p.severity = 'serious'
    AND p.decision_date > ($1 - interval '3 years')::date AND p.decision_date <= $1
    AND (p.revoked_on IS NULL OR p.revoked_on > $1))
$d$ WHERE code = 'related_serious_penalties_3y';

-- A branch's parent revoked or cancelled by D, or currently on the abnormal,
-- serious-dishonesty or judgment-debtor list; 0 for a non-branch.
UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN e.parent_uscc IS NULL THEN 0
     WHEN EXISTS (SELECT 1 FROM creditrisk.register_at($1, $2) pe
                   WHERE pe.uscc = e.parent_uscc
                     AND pe.status IN ('revoked', 'cancelled') AND pe.status_date <= $1)
       OR EXISTS (SELECT 1 FROM creditrisk.abnormal_listing_as_known($2) a
                   WHERE a.uscc = e.parent_uscc
                     AND a.listed_date <= $1 AND coalesce(creditrisk.record_end('abnormal_listing', a.id, a.listed_date, a.removed_date, $2) > $1, true))
       OR EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing_as_known($2) s
                   WHERE s.uscc = e.parent_uscc
                     AND s.listed_date <= $1 AND coalesce(creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) > $1, true))
       OR EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing_as_known($2) j
                   WHERE j.uscc = e.parent_uscc
                     AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'parent_adverse';

UPDATE creditrisk.indicator SET definition_sql = $d$
CASE WHEN EXISTS (SELECT 1
                    FROM creditrisk.related_party_link_as_known($2) l
                   WHERE l.to_uscc = e.uscc AND l.kind = 'shareholder'
                     AND (l.valid_from IS NULL OR l.valid_from <= $1)
                     AND (l.valid_to IS NULL OR l.valid_to > $1)
                     AND (EXISTS (SELECT 1 FROM creditrisk.serious_dishonesty_listing_as_known($2) s
                                   WHERE s.uscc = l.from_uscc
                                     AND s.listed_date <= $1 AND coalesce(creditrisk.record_end('serious_dishonesty_listing', s.id, s.listed_date, s.removed_date, $2) > $1, true))
                          OR EXISTS (SELECT 1 FROM creditrisk.judgment_debtor_listing_as_known($2) j
                                      WHERE j.uscc = l.from_uscc
                                        AND j.listed_date <= $1 AND (j.removed_date IS NULL OR j.removed_date > $1))))
     THEN 1 ELSE 0
END
$d$ WHERE code = 'shareholder_listed_current';

-- ---------------------------------------------------------------------------
-- D5G1 Complaints (kind complaint) and D5G2 reports (kind report);
-- substantiated IS TRUE counts as substantiated (NULL: not yet handled).
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'complaint'
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'complaints_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'complaint'
    AND c.received_date > ($1 - interval '3 years')::date AND c.received_date <= $1)
$d$ WHERE code = 'complaints_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'complaint' AND c.substantiated IS TRUE
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'complaints_substantiated_1y';

-- (R - P) / (P + 1): R both kinds in (D - 3 months, D], P in
-- (D - 6 months, D - 3 months].
UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE c.received_date > ($1 - interval '3 months')::date)
         - count(*) FILTER (WHERE c.received_date <= ($1 - interval '3 months')::date))::double precision
        / (count(*) FILTER (WHERE c.received_date <= ($1 - interval '3 months')::date) + 1)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc
    AND c.received_date > ($1 - interval '6 months')::date AND c.received_date <= $1)
$d$ WHERE code = 'complaints_growth_3m';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'report'
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'reports_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'report'
    AND c.received_date > ($1 - interval '3 years')::date AND c.received_date <= $1)
$d$ WHERE code = 'reports_3y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc AND c.kind = 'report' AND c.substantiated IS TRUE
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'reports_substantiated_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE c.substantiated IS TRUE))::double precision / nullif(count(*), 0)
   FROM creditrisk.complaint_as_known($2) c
  WHERE c.uscc = e.uscc
    AND c.received_date > ($1 - interval '1 year')::date AND c.received_date <= $1)
$d$ WHERE code = 'substantiated_ratio_1y';

-- ---------------------------------------------------------------------------
-- D5G3 Public opinion
-- ---------------------------------------------------------------------------

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.public_opinion_as_known($2) o
  WHERE o.uscc = e.uscc AND o.sentiment = 'negative'
    AND o.published_date > ($1 - interval '1 year')::date AND o.published_date <= $1)
$d$ WHERE code = 'negative_opinion_1y';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT count(*)
   FROM creditrisk.public_opinion_as_known($2) o
  WHERE o.uscc = e.uscc AND o.sentiment = 'negative'
    AND o.published_date > ($1 - interval '3 months')::date AND o.published_date <= $1)
$d$ WHERE code = 'negative_opinion_3m';

UPDATE creditrisk.indicator SET definition_sql = $d$
(SELECT (count(*) FILTER (WHERE o.sentiment = 'negative'))::double precision / nullif(count(*), 0)
   FROM creditrisk.public_opinion_as_known($2) o
  WHERE o.uscc = e.uscc
    AND o.published_date > ($1 - interval '1 year')::date AND o.published_date <= $1)
$d$ WHERE code = 'negative_opinion_share_1y';

-- ---------------------------------------------------------------------------
-- Administrative enforcement, confirmations and rewards (强制、确认、奖励,
-- record kinds of 1.5, read by the C engine since 1.6; not in reference-v1:
-- built-in catalogue entries for the models that choose them).  Rewards and
-- valid confirmations are positive signals (守信激励): a higher value means
-- a lower risk, so a model's rule gives them lower scores as they rise.
-- ---------------------------------------------------------------------------
INSERT INTO creditrisk.indicator (code, name, name_en, unit, definition, source, builtin, shipped, owner, definition_sql)
VALUES
('enforcement_in_force', '在执行的行政强制措施数', 'Administrative enforcement measures in force', 'count',
 'Administrative enforcement measures (行政强制) in force on D: decided on or before D and not lifted by D (lifted_date NULL or after D).',
 'enforcement.decision_date, enforcement.lifted_date', true, true, NULL, $d$
(SELECT count(*)
   FROM creditrisk.enforcement_as_known($2) f
  WHERE f.uscc = e.uscc
    AND f.decision_date <= $1 AND (f.lifted_date IS NULL OR f.lifted_date > $1))
$d$),
('enforcement_2y', '近两年行政强制次数', 'Administrative enforcement decisions (2 years)', 'count',
 'Administrative enforcement decisions (行政强制) with decision_date in (D - 2 years, D], lifted or not.',
 'enforcement.decision_date', true, true, NULL, $d$
(SELECT count(*)
   FROM creditrisk.enforcement_as_known($2) f
  WHERE f.uscc = e.uscc
    AND f.decision_date > ($1 - interval '2 years')::date AND f.decision_date <= $1)
$d$),
('confirmations_valid', '有效行政确认数', 'Valid administrative confirmations', 'count',
 'Administrative confirmations (行政确认, e.g. 高新技术企业认定) valid on D: confirmed on or before D and valid_to NULL or after D. A positive signal: a higher value means a lower risk.',
 'confirmation.confirmed_date, confirmation.valid_to', true, true, NULL, $d$
(SELECT count(*)
   FROM creditrisk.confirmation_as_known($2) c
  WHERE c.uscc = e.uscc
    AND c.confirmed_date <= $1 AND (c.valid_to IS NULL OR c.valid_to > $1))
$d$),
('rewards_3y', '近三年行政奖励次数', 'Administrative rewards (3 years)', 'count',
 'Administrative rewards (行政奖励) with award_date in (D - 3 years, D], not revoked on or before D. A positive signal: a higher value means a lower risk.',
 'reward.award_date, reward.revoked_date', true, true, NULL, $d$
(SELECT count(*)
   FROM creditrisk.reward_as_known($2) r
  WHERE r.uscc = e.uscc
    AND r.award_date > ($1 - interval '3 years')::date AND r.award_date <= $1
    AND (r.revoked_date IS NULL OR r.revoked_date > $1))
$d$),
('reward_level_3y', '近三年最高奖励级别', 'Highest reward level (3 years)', 'level',
 'The highest level of the rewards counted by rewards_3y: 0 none, 1 county (县级), 2 city (市级), 3 provincial (省级), 4 national (国家级). A positive signal: a higher value means a lower risk.',
 'reward.level, reward.award_date, reward.revoked_date', true, true, NULL, $d$
(SELECT coalesce(max(CASE r.level WHEN 'county' THEN 1 WHEN 'city' THEN 2 WHEN 'provincial' THEN 3 WHEN 'national' THEN 4 END), 0)
   FROM creditrisk.reward_as_known($2) r
  WHERE r.uscc = e.uscc
    AND r.award_date > ($1 - interval '3 years')::date AND r.award_date <= $1
    AND (r.revoked_date IS NULL OR r.revoked_date > $1))
$d$);

-- ---------------------------------------------------------------------------
-- Every built-in catalogue entry must have its definition.
-- ---------------------------------------------------------------------------
DO $check$
DECLARE
    missing text;
BEGIN
    SELECT string_agg(i.code, ', ' ORDER BY i.code) INTO missing
      FROM creditrisk.indicator i
     WHERE i.builtin AND i.definition_sql IS NULL;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'built-in indicators without an SQL definition: %', missing;
    END IF;
END
$check$;

-- ---------------------------------------------------------------------------
-- The built-in catalogue entries are exactly the codes the C engine computes
-- (creditrisk.engine_indicator_codes()): a code misspelled on either side
-- fails the install instead of falling back silently to the SQL definition.
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
