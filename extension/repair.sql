-- ===========================================================================
-- Credit repair (信用修复) and credit commitments (信用承诺) (issue 14; 1.5)
--
-- An enterprise may ask for the publicity of an administrative penalty, its
-- listing in the abnormal-operation list (经营异常名录) or its listing in the
-- serious-dishonesty list (严重违法失信名单) to end early.  The rules come from
-- dated rule sets kept as data (creditrisk.repair_rule_set: SAMR 2021 and
-- NDRC 2026); the rule set in force on the application date applies.
--
-- An approved repair is a record of its own (creditrisk.credit_repair, with
-- its decision date), never an edit of the penalty or the listing: the
-- currency of a listing and the publicity of a penalty read it
-- (creditrisk.record_end()), as known at the run's knowledge time, so a run
-- whose knowledge time is before the repair was recorded still sees the
-- listing, and a re-run reproduces it.  A serious-dishonesty listing without
-- a removal date also ends by itself after its maximum term (3 years).
--
-- No fee can be recorded (the plan's item 五: 不得以任何形式收取费用): the
-- application table has no column for one, and only its owner could add one
-- (doc/repair.md says what "impossible" means here).
--
-- Credit commitments (信用承诺): what an enterprise signed and published, its
-- term, fulfilment or breach; under the 2026 regime a repair requires a
-- published commitment.
-- ===========================================================================

-- ---------------------------------------------------------------------------
-- Rule sets (修复规则), dated
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.repair_rule_set (
    regime                  text PRIMARY KEY
                            CONSTRAINT repair_rule_set_regime_format CHECK (regime ~ '^[a-z][a-z0-9_]{1,39}$'),
    name                    text NOT NULL CONSTRAINT repair_rule_set_name_nonempty CHECK (name <> ''),
    basis                   text NOT NULL CONSTRAINT repair_rule_set_basis_nonempty CHECK (basis <> ''),
    effective_from          date NOT NULL UNIQUE
                            CONSTRAINT repair_rule_set_effective_from_finite CHECK (pg_catalog.isfinite(effective_from)),
    penalty_min_minor       interval NOT NULL,
    penalty_min_general     interval NOT NULL,
    penalty_min_serious     interval NOT NULL,
    penalty_min_key_field   interval NOT NULL,
    unrepairable_sanctions  text[] NOT NULL,
    abnormal_min_listing    interval NOT NULL,
    serious_min_listing     interval NOT NULL,
    serious_max_term        interval NOT NULL,
    commitment_required     boolean NOT NULL,
    shipped                 boolean NOT NULL DEFAULT false,
    recorded_at             timestamptz NOT NULL,
    CONSTRAINT repair_rule_set_periods_nonnegative
        CHECK (penalty_min_minor >= '0' AND penalty_min_general >= '0' AND penalty_min_serious >= '0'
               AND penalty_min_key_field >= '0' AND abnormal_min_listing >= '0' AND serious_min_listing >= '0'),
    CONSTRAINT repair_rule_set_term_after_minimum CHECK (serious_max_term > serious_min_listing),
    CONSTRAINT repair_rule_set_sanctions_known
        CHECK (unrepairable_sanctions OPERATOR(pg_catalog.<@) ARRAY['warning', 'criticism', 'fine', 'confiscation',
               'licence_suspended', 'qualification_lowered', 'licence_revoked', 'business_licence_revoked',
               'activity_restricted', 'production_stopped', 'closure', 'practice_restricted', 'other']
               AND pg_catalog.array_position(unrepairable_sanctions, NULL) IS NULL)
);
COMMENT ON TABLE creditrisk.repair_rule_set IS
    'Credit-repair rule sets (信用修复规则), dated: the one with the latest effective_from on or before a date is in force on it (an application is judged by the set in force on its application date; a serious-dishonesty listing''s maximum term by the set in force on its listing date, or the earliest set for older listings). Shipped: SAMR 2021 and NDRC 2026; add a new set with one INSERT';
COMMENT ON COLUMN creditrisk.repair_rule_set.regime IS 'Key of the rule set, e.g. samr_2021, ndrc_2026';
COMMENT ON COLUMN creditrisk.repair_rule_set.effective_from IS 'First day the rule set is in force (施行日期); it is in force until the next set''s effective_from';
COMMENT ON COLUMN creditrisk.repair_rule_set.penalty_min_minor IS 'Minimum publicity (最短公示期) of a minor (轻微) penalty before its publicity may end early by repair';
COMMENT ON COLUMN creditrisk.repair_rule_set.penalty_min_general IS 'Minimum publicity of a general (一般) penalty before repair';
COMMENT ON COLUMN creditrisk.repair_rule_set.penalty_min_serious IS 'Minimum publicity of a serious (严重) penalty before repair';
COMMENT ON COLUMN creditrisk.repair_rule_set.penalty_min_key_field IS 'Minimum publicity before repair of a penalty in food, drugs or special equipment (食品、药品、特种设备), when longer than its severity''s';
COMMENT ON COLUMN creditrisk.repair_rule_set.unrepairable_sanctions IS 'Sanctions (creditrisk.penalty.sanctions) whose penalties cannot be repaired: the gravest (吊销许可证件、吊销营业执照、责令停产停业、限制从业)';
COMMENT ON COLUMN creditrisk.repair_rule_set.abnormal_min_listing IS 'Minimum time on the abnormal-operation list (经营异常名录) before removal by repair (0: once the cause is corrected)';
COMMENT ON COLUMN creditrisk.repair_rule_set.serious_min_listing IS 'Minimum time on the serious-dishonesty list (严重违法失信名单) before early removal (提前移出) by repair';
COMMENT ON COLUMN creditrisk.repair_rule_set.serious_max_term IS 'Maximum term of a serious-dishonesty listing: a listing with no removal date is no longer current from listed_date + this term (届满自动移出)';
COMMENT ON COLUMN creditrisk.repair_rule_set.commitment_required IS 'Repair requires a published credit commitment (信用承诺) of kind repair, in force on the application date';
COMMENT ON COLUMN creditrisk.repair_rule_set.shipped IS 'Shipped with the extension; frozen';
COMMENT ON COLUMN creditrisk.repair_rule_set.recorded_at IS
    'Knowledge time: when this version became known to the database; set by the trigger record_arrival';

INSERT INTO creditrisk.repair_rule_set (regime, name, basis, effective_from, penalty_min_minor, penalty_min_general,
                                        penalty_min_serious, penalty_min_key_field, unrepairable_sanctions,
                                        abnormal_min_listing, serious_min_listing, serious_max_term,
                                        commitment_required, shipped, recorded_at) VALUES
('samr_2021', '市场监督管理信用修复管理办法', 'SAMR, 国市监信规〔2021〕3号, in force 2021-09-01 (with SAMR order 44, 2021): publicity of a penalty may end after 6 months, 1 year in food, drugs and special equipment; not for licence or business-licence revocation, orders to stop production or business, restrictions from practice; serious-dishonesty list: early removal after 1 year, at most 3 years; free of charge',
 '2021-09-01', '6 months', '6 months', '6 months', '1 year',
 ARRAY['licence_revoked', 'business_licence_revoked', 'production_stopped', 'practice_restricted'],
 '0 days', '1 year', '3 years', false, true, '-infinity'),
('ndrc_2026', '失信行为纠正后的信用信息修复管理办法', 'NDRC order 36, in force 2026-04-01: publicity minor at most 3 months, general 3-12 months, serious 1-3 years; repair after the minimum publicity and a public credit commitment (信用承诺); the gravest sanctions and the food, drugs and special-equipment year kept from the 2021 rules; free of charge',
 '2026-04-01', '0 days', '3 months', '1 year', '1 year',
 ARRAY['licence_revoked', 'business_licence_revoked', 'production_stopped', 'practice_restricted'],
 '0 days', '1 year', '3 years', true, true, '-infinity');

-- (Its shipped rows are frozen by the trigger repair_rule_set_shipped, created
-- with creditrisk.shipped_row_guard() in extension/classification.sql; its
-- changes are logged, extension/audit.sql.)
SELECT creditrisk.keep_history('creditrisk.repair_rule_set');

-- ---------------------------------------------------------------------------
-- Credit commitments (信用承诺)
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.credit_commitment (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc            creditrisk.uscc NOT NULL,
    kind            text NOT NULL
                    CONSTRAINT credit_commitment_kind_valid CHECK (kind IN ('application', 'repair', 'industry_self_discipline')),
    signed_date     date NOT NULL,
    published_date  date,
    term_end        date,
    fulfilled_date  date,
    breached_date   date,
    breach_detail   text,
    reported_by     text NOT NULL CONSTRAINT credit_commitment_reported_by_nonempty CHECK (reported_by <> ''),
    received_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at     timestamptz NOT NULL,
    CONSTRAINT credit_commitment_published_after_signed CHECK (published_date >= signed_date),
    CONSTRAINT credit_commitment_term_after_signed CHECK (term_end > signed_date),
    CONSTRAINT credit_commitment_fulfilled_after_signed CHECK (fulfilled_date >= signed_date),
    CONSTRAINT credit_commitment_breached_after_signed CHECK (breached_date >= signed_date),
    CONSTRAINT credit_commitment_fulfilled_or_breached CHECK (fulfilled_date IS NULL OR breached_date IS NULL),
    CONSTRAINT credit_commitment_breach_described
        CHECK ((breached_date IS NULL) = (breach_detail IS NULL) AND breach_detail <> ''),
    CONSTRAINT credit_commitment_signed_date_finite CHECK (pg_catalog.isfinite(signed_date)),
    CONSTRAINT credit_commitment_published_date_finite CHECK (pg_catalog.isfinite(published_date)),
    CONSTRAINT credit_commitment_term_end_finite CHECK (pg_catalog.isfinite(term_end)),
    CONSTRAINT credit_commitment_fulfilled_date_finite CHECK (pg_catalog.isfinite(fulfilled_date)),
    CONSTRAINT credit_commitment_breached_date_finite CHECK (pg_catalog.isfinite(breached_date)),
    CONSTRAINT credit_commitment_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX credit_commitment_uscc_idx ON creditrisk.credit_commitment (uscc, signed_date);
COMMENT ON TABLE creditrisk.credit_commitment IS
    'Credit commitments (信用承诺书) signed by enterprises: in an application (审批替代型/申请承诺), for credit repair (信用修复承诺) or for industry self-discipline (行业自律承诺); published (公示) on the credit website, fulfilled (履约) or breached (失信/违诺)';
COMMENT ON COLUMN creditrisk.credit_commitment.kind IS 'application (申请类承诺), repair (信用修复承诺), industry_self_discipline (行业自律承诺)';
COMMENT ON COLUMN creditrisk.credit_commitment.signed_date IS 'Day the enterprise signed the commitment (签订)';
COMMENT ON COLUMN creditrisk.credit_commitment.published_date IS 'Day it was published on the credit website (公示, 信用中国); NULL = not published';
COMMENT ON COLUMN creditrisk.credit_commitment.term_end IS 'First day the commitment no longer binds (承诺期限, exclusive); NULL = open-ended';
COMMENT ON COLUMN creditrisk.credit_commitment.fulfilled_date IS 'Day its fulfilment was confirmed (履约)';
COMMENT ON COLUMN creditrisk.credit_commitment.breached_date IS 'Day the breach was established (违背承诺): a record the indicators can use';
COMMENT ON COLUMN creditrisk.credit_commitment.breach_detail IS 'What was breached (required with breached_date)';
COMMENT ON COLUMN creditrisk.credit_commitment.received_at IS 'When the record arrived';

-- ---------------------------------------------------------------------------
-- Credit-repair applications (信用修复申请), one procedure online and offline
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.credit_repair (
    id                              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc                            creditrisk.uscc NOT NULL,
    target                          text NOT NULL
                                    CONSTRAINT credit_repair_target_valid
                                    CHECK (target IN ('penalty', 'abnormal_listing', 'serious_dishonesty_listing')),
    penalty_id                      bigint,
    abnormal_listing_id             bigint,
    serious_dishonesty_listing_id   bigint,
    channel                         text NOT NULL
                                    CONSTRAINT credit_repair_channel_valid CHECK (channel IN ('online', 'offline')),
    applied_date                    date NOT NULL,
    accepted_date                   date,
    decided_date                    date,
    decision                        text
                                    CONSTRAINT credit_repair_decision_valid CHECK (decision IN ('approved', 'rejected')),
    reasons                         text,
    regime                          text,
    commitment_id                   bigint,
    reported_by                     text NOT NULL CONSTRAINT credit_repair_reported_by_nonempty CHECK (reported_by <> ''),
    received_at                     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at                     timestamptz NOT NULL,
    CONSTRAINT credit_repair_one_target CHECK (
        pg_catalog.num_nonnulls(penalty_id, abnormal_listing_id, serious_dishonesty_listing_id) = 1
        AND CASE target WHEN 'penalty' THEN penalty_id IS NOT NULL
                        WHEN 'abnormal_listing' THEN abnormal_listing_id IS NOT NULL
                        ELSE serious_dishonesty_listing_id IS NOT NULL END),
    CONSTRAINT credit_repair_accepted_after_applied CHECK (accepted_date >= applied_date),
    CONSTRAINT credit_repair_decided_after_accepted CHECK (decided_date >= accepted_date),
    CONSTRAINT credit_repair_decision_dated CHECK ((decision IS NULL) = (decided_date IS NULL)),
    CONSTRAINT credit_repair_decided_when_accepted CHECK (decided_date IS NULL OR accepted_date IS NOT NULL),
    CONSTRAINT credit_repair_decision_reasoned
        CHECK (decision IS NULL OR (reasons IS NOT NULL AND reasons <> '' AND regime IS NOT NULL)),
    CONSTRAINT credit_repair_applied_date_finite CHECK (pg_catalog.isfinite(applied_date)),
    CONSTRAINT credit_repair_accepted_date_finite CHECK (pg_catalog.isfinite(accepted_date)),
    CONSTRAINT credit_repair_decided_date_finite CHECK (pg_catalog.isfinite(decided_date)),
    CONSTRAINT credit_repair_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX credit_repair_uscc_idx ON creditrisk.credit_repair (uscc, applied_date);
-- Both refer to the register by references that pg_restore -j can load in
-- any order (extension/references.sql), like every record table.
SELECT creditrisk.add_reference('credit_commitment_uscc_fkey', 'creditrisk.credit_commitment', 'uscc',
                                'creditrisk.enterprise', 'uscc');
SELECT creditrisk.add_reference('credit_repair_uscc_fkey', 'creditrisk.credit_repair', 'uscc',
                                'creditrisk.enterprise', 'uscc');
CREATE UNIQUE INDEX credit_repair_one_approval ON creditrisk.credit_repair
    (target, (coalesce(penalty_id, abnormal_listing_id, serious_dishonesty_listing_id)))
    WHERE decision = 'approved';
-- The record, the rule set and the commitment an application names are
-- checked by the trigger credit_repair_check at every write, not by foreign
-- keys: the extension's tables are loaded in any order by a parallel
-- restore (pg_restore -j), and foreign keys among them fail it
-- (test/shell/dump_restore.sh).  The applicant is a foreign key to the
-- register, as in every record table.
COMMENT ON TABLE creditrisk.credit_repair IS
    'Credit-repair applications (信用修复申请) for a penalty''s publicity, an abnormal-operation listing or a serious-dishonesty listing, online or offline through one procedure, free of charge (no fee can be recorded): dates, decision, reasons and the rule set applied. An approved repair ends the publicity or listing on its decided_date (creditrisk.record_end())';
COMMENT ON COLUMN creditrisk.credit_repair.target IS 'What is to be repaired: penalty (行政处罚信息公示), abnormal_listing (经营异常名录), serious_dishonesty_listing (严重违法失信名单)';
COMMENT ON COLUMN creditrisk.credit_repair.penalty_id IS 'The penalty whose publicity is to end (target penalty)';
COMMENT ON COLUMN creditrisk.credit_repair.abnormal_listing_id IS 'The abnormal-operation listing to end (target abnormal_listing)';
COMMENT ON COLUMN creditrisk.credit_repair.serious_dishonesty_listing_id IS 'The serious-dishonesty listing to end (target serious_dishonesty_listing)';
COMMENT ON COLUMN creditrisk.credit_repair.channel IS 'online (国家企业信用信息公示系统) or offline (窗口); the same procedure and rules either way';
COMMENT ON COLUMN creditrisk.credit_repair.applied_date IS 'Day the application was made (申请日期); the rule set in force on it applies';
COMMENT ON COLUMN creditrisk.credit_repair.accepted_date IS 'Day it was accepted for examination (受理日期)';
COMMENT ON COLUMN creditrisk.credit_repair.decided_date IS 'Day of the decision (决定日期); an approval ends the publicity or listing on this day';
COMMENT ON COLUMN creditrisk.credit_repair.decision IS 'approved (准予修复) or rejected (不予修复); NULL = pending; set by creditrisk.repair_decide()';
COMMENT ON COLUMN creditrisk.credit_repair.reasons IS 'Reasons of the decision (理由)';
COMMENT ON COLUMN creditrisk.credit_repair.regime IS 'The rule set the decision applied (in force on the application date)';
COMMENT ON COLUMN creditrisk.credit_repair.commitment_id IS 'The published credit commitment (信用承诺) the repair relied on, where the rule set requires one';
COMMENT ON COLUMN creditrisk.credit_repair.received_at IS 'When the record arrived';

-- A breach is a record the indicators can use: the built-in catalogue entry
-- commitment_breaches_3y (computed in C, src/indicator_rules.c), for models
-- that choose it (reference-v1 does not).
INSERT INTO creditrisk.indicator (code, name, name_en, unit, definition, source, builtin, shipped, owner, definition_sql)
VALUES ('commitment_breaches_3y', '近三年违背信用承诺次数', 'Credit commitments breached (3 years)', 'count',
        'Credit commitments whose breach was established with breached_date in (D - 3 years, D].',
        'credit_commitment.breached_date', true, true, NULL, $d$
(SELECT count(*)
   FROM creditrisk.credit_commitment_as_known($2) c
  WHERE c.uscc = e.uscc
    AND c.breached_date > ($1 - interval '3 years')::date AND c.breached_date <= $1)
$d$);

SELECT creditrisk.keep_history('creditrisk.credit_commitment');
SELECT creditrisk.keep_history('creditrisk.credit_repair');

-- Both name their reporting unit (报送单位) like every record (since 1.6;
-- extension/units.sql): on the register, active on the commitment's signing
-- day and the application's day, and a loader's own unit.
SELECT creditrisk.reporting_unit_attach('creditrisk.credit_commitment', 'n.signed_date');
SELECT creditrisk.reporting_unit_attach('creditrisk.credit_repair', 'n.applied_date');

CREATE TRIGGER dates_not_future BEFORE INSERT OR UPDATE ON creditrisk.credit_commitment
    FOR EACH ROW EXECUTE FUNCTION creditrisk.dates_not_future('signed_date', 'published_date', 'fulfilled_date', 'breached_date');
CREATE TRIGGER dates_not_future BEFORE INSERT OR UPDATE ON creditrisk.credit_repair
    FOR EACH ROW EXECUTE FUNCTION creditrisk.dates_not_future('applied_date', 'accepted_date', 'decided_date');

-- The record an application names must be the applicant's, and known.
CREATE FUNCTION creditrisk.credit_repair_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp SET datestyle = 'ISO, YMD' AS $$
DECLARE
    owner_uscc creditrisk.uscc;
    rec_id bigint := coalesce(NEW.penalty_id, NEW.abnormal_listing_id, NEW.serious_dishonesty_listing_id);
    ok boolean;
    why text;
    why_detail text;
BEGIN
    -- A row restored or imported with its own recorded_at (which only the
    -- tables' owner may give: pg_restore) was checked when it was recorded; a
    -- parallel restore loads the tables it names in any order.
    IF TG_OP = 'INSERT' AND NEW.recorded_at IS NOT NULL THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.uscc, NEW.target, rec_id) IS DISTINCT FROM
                            (OLD.uscc, OLD.target, coalesce(OLD.penalty_id, OLD.abnormal_listing_id, OLD.serious_dishonesty_listing_id)) THEN
        RAISE EXCEPTION 'the record a credit-repair application concerns cannot change'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Application %s concerns %s %s of %s.', OLD.id, OLD.target,
                                  coalesce(OLD.penalty_id, OLD.abnormal_listing_id, OLD.serious_dishonesty_listing_id), OLD.uscc),
                  HINT = 'Record a new application for the other record.';
    END IF;
    IF NEW.target = 'penalty' THEN
        SELECT p.uscc INTO owner_uscc FROM creditrisk.penalty p WHERE p.id = NEW.penalty_id;
    ELSIF NEW.target = 'abnormal_listing' THEN
        SELECT a.uscc INTO owner_uscc FROM creditrisk.abnormal_listing a WHERE a.id = NEW.abnormal_listing_id;
    ELSE
        SELECT s.uscc INTO owner_uscc FROM creditrisk.serious_dishonesty_listing s WHERE s.id = NEW.serious_dishonesty_listing_id;
    END IF;
    IF owner_uscc IS DISTINCT FROM NEW.uscc THEN
        RAISE EXCEPTION 'credit-repair application for a record of another enterprise'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('%s %s belongs to %s, not to the applicant %s.', NEW.target, rec_id,
                                  coalesce(owner_uscc::text, '(no visible enterprise)'), NEW.uscc),
                  HINT = 'An enterprise applies for the repair of its own penalties and listings.';
    END IF;
    -- A decision stands (a later one is a new application) ...
    IF TG_OP = 'UPDATE' AND OLD.decision IS NOT NULL
       AND (NEW.decision, NEW.decided_date, NEW.regime, NEW.reasons) IS DISTINCT FROM
           (OLD.decision, OLD.decided_date, OLD.regime, OLD.reasons) THEN
        RAISE EXCEPTION 'credit-repair application % is already decided', OLD.id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('It was %s on %s.', OLD.decision, OLD.decided_date),
                  HINT = 'A decision stands; a new application is a new row.';
    END IF;
    -- ... and an approval, however written, needs an eligible record (rows
    -- restored with their own recorded_at, which only the owner may give,
    -- were judged when they were recorded).
    IF NEW.decision = 'approved' AND (TG_OP = 'UPDATE' OR NEW.recorded_at IS NULL)
       AND (TG_OP = 'INSERT' OR OLD.decision IS NULL) THEN
        SELECT e.eligible, e.rule, e.detail INTO ok, why, why_detail
          FROM creditrisk.repair_eligibility(NEW.target, rec_id, NEW.applied_date) e;
        IF NOT ok THEN
            RAISE EXCEPTION 'credit-repair application cannot be approved: %', why
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = why_detail,
                      HINT = 'Check creditrisk.repair_eligibility() for the application date; reject the application with its reasons.';
        END IF;
    END IF;
    IF NEW.regime IS NOT NULL AND NOT EXISTS (SELECT 1 FROM creditrisk.repair_rule_set r WHERE r.regime = NEW.regime) THEN
        RAISE EXCEPTION 'unknown credit-repair rule set %', NEW.regime
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'SELECT regime FROM creditrisk.repair_rule_set lists them.';
    END IF;
    IF NEW.commitment_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM creditrisk.credit_commitment c
                                                      WHERE c.id = NEW.commitment_id AND c.uscc = NEW.uscc) THEN
        RAISE EXCEPTION 'credit-repair application relies on a commitment of another enterprise'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Commitment %s is not one of %s.', NEW.commitment_id, NEW.uscc),
                  HINT = 'Name a commitment the applicant signed.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION creditrisk.credit_repair_check() IS
    'Trigger: a credit-repair application (信用修复申请) concerns a penalty or listing of the applicant itself (which exists), which cannot change afterwards, relies only on the applicant''s own commitments and a known rule set, is approved only when the record is eligible (creditrisk.repair_eligibility on the application date), and its decision stands; rows restored with their own recorded_at are not judged again';
CREATE TRIGGER credit_repair_check BEFORE INSERT OR UPDATE ON creditrisk.credit_repair
    FOR EACH ROW EXECUTE FUNCTION creditrisk.credit_repair_check();

-- ---------------------------------------------------------------------------
-- When a publicity or listing ends: its own end date, an approved repair, or
-- (serious-dishonesty listings) the maximum term.  These functions are the
-- one definition; the C engine reads what record_ends() reads (the approved
-- repairs and the rule sets as known, src/compute.c) and computes the same
-- ends, the shipped override rule and the SQL definitions of the built-in
-- indicators call record_end().
-- ---------------------------------------------------------------------------

-- The rule set in force on a date, as known at a moment (NULL = now).
CREATE FUNCTION creditrisk.repair_rule_set_on(on_date date, known_at timestamptz DEFAULT NULL)
RETURNS SETOF creditrisk.repair_rule_set
LANGUAGE sql STABLE PARALLEL SAFE ROWS 1
BEGIN ATOMIC
    SELECT r.* FROM creditrisk.repair_rule_set_as_known(known_at) r
     WHERE r.effective_from <= on_date
     ORDER BY r.effective_from DESC
     LIMIT 1;
END;
COMMENT ON FUNCTION creditrisk.repair_rule_set_on(date, timestamptz) IS
    'The credit-repair rule set (信用修复规则) in force on on_date, as known at known_at (NULL = now); no row before the first set';

-- The end of a listing by its maximum term: for a serious-dishonesty listing,
-- listed + the term of the rule set in force on its listing date (the
-- earliest set for a listing made before any); NULL for other kinds.
CREATE FUNCTION creditrisk.listing_term_end(kind text, listed date, known_at timestamptz DEFAULT NULL)
RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN kind = 'serious_dishonesty_listing' THEN
               (listed + coalesce((SELECT r.serious_max_term FROM creditrisk.repair_rule_set_as_known(known_at) r
                                    WHERE r.effective_from <= listed ORDER BY r.effective_from DESC LIMIT 1),
                                  (SELECT r.serious_max_term FROM creditrisk.repair_rule_set_as_known(known_at) r
                                    ORDER BY r.effective_from LIMIT 1)))::date
           END;
END;
COMMENT ON FUNCTION creditrisk.listing_term_end(text, date, timestamptz) IS
    'End of a listing by its maximum term (届满自动移出): for a serious-dishonesty listing, listed + serious_max_term of the rule set in force on the listing date (the earliest set for older listings), as known at known_at; NULL for other kinds (no automatic end)';

-- The earliest approved repair of a record, as known at a moment.
CREATE FUNCTION creditrisk.repair_end(kind text, record_id bigint, known_at timestamptz DEFAULT NULL)
RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT min(r.decided_date) FROM creditrisk.credit_repair_as_known(known_at) r
     WHERE r.decision = 'approved' AND r.target = kind
       AND coalesce(r.penalty_id, r.abnormal_listing_id, r.serious_dishonesty_listing_id) = record_id;
END;
COMMENT ON FUNCTION creditrisk.repair_end(text, bigint, timestamptz) IS
    'The decision date of the approved credit repair (信用修复) of a record (kind penalty, abnormal_listing or serious_dishonesty_listing), as known at known_at (NULL = now); NULL when none';

-- The effective end of a penalty's publicity or of a listing.
CREATE FUNCTION creditrisk.record_end(kind text, record_id bigint, start date, recorded_end date,
                                      known_at timestamptz DEFAULT NULL)
RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN kind = 'penalty' AND recorded_end IS NULL THEN NULL
                ELSE LEAST(recorded_end, creditrisk.repair_end(kind, record_id, known_at),
                                      creditrisk.listing_term_end(kind, start, known_at)) END;
END;
COMMENT ON FUNCTION creditrisk.record_end(text, bigint, date, date, timestamptz) IS
    'Effective end (exclusive) of a penalty''s publicity or a listing, as known at known_at: the earliest of its recorded end (publicity_end_date, removed_date), the decision date of an approved credit repair, and the maximum term of a serious-dishonesty listing; NULL = open (a penalty without a publicity end stays without one). Current on D: start <= D AND (end IS NULL OR end > D)';

-- Every cut, for the C engine: (kind, record, end) for each record whose end
-- an approved repair or a maximum term sets; the engine takes the earliest
-- with the record's own end, as record_end() does.
CREATE FUNCTION creditrisk.record_ends(known_at timestamptz DEFAULT NULL)
RETURNS TABLE (kind text, record_id bigint, end_date date)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT r.target, coalesce(r.penalty_id, r.abnormal_listing_id, r.serious_dishonesty_listing_id), r.decided_date
      FROM creditrisk.credit_repair_as_known(known_at) r
     WHERE r.decision = 'approved'
    UNION ALL
    SELECT 'serious_dishonesty_listing', l.id, creditrisk.listing_term_end('serious_dishonesty_listing', l.listed_date, known_at)
      FROM creditrisk.serious_dishonesty_listing_as_known(known_at) l;
END;
COMMENT ON FUNCTION creditrisk.record_ends(timestamptz) IS
    'The ends that credit repairs and maximum terms set, as known at known_at: (kind, record id, end date), several per record possible (the earliest applies, with the record''s own end); compute_indicators computes the same ends in C from the same rows (approved repairs, rule sets), so that C and creditrisk.record_end() agree';

-- ---------------------------------------------------------------------------
-- Eligibility and decision
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.repair_eligibility(kind text, record_id bigint, on_date date, known_at timestamptz DEFAULT NULL)
RETURNS TABLE (eligible boolean, eligible_from date, regime text, rule text, detail text, commitment_id bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, creditrisk, pg_temp SET datestyle = 'ISO, YMD' SET intervalstyle = 'postgres' AS $$
DECLARE
    rs creditrisk.repair_rule_set;
    r_uscc creditrisk.uscc;
    r_start date;
    r_end date;
    r_eff date;
    p creditrisk.penalty;
    min_period interval;
    commitment bigint;
BEGIN
    IF kind IS NULL OR kind NOT IN ('penalty', 'abnormal_listing', 'serious_dishonesty_listing') THEN
        RAISE EXCEPTION 'unknown kind of record for credit repair: %', coalesce(kind, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use penalty, abnormal_listing or serious_dishonesty_listing.';
    END IF;
    IF on_date IS NULL OR NOT pg_catalog.isfinite(on_date) THEN
        RAISE EXCEPTION 'credit-repair eligibility needs a calendar date, not %', coalesce(on_date::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the application date.';
    END IF;
    IF kind = 'penalty' THEN
        SELECT x.* INTO p FROM creditrisk.penalty_as_known(known_at) x WHERE x.id = record_id;
        r_uscc := p.uscc; r_start := p.decision_date; r_end := p.publicity_end_date;
    ELSIF kind = 'abnormal_listing' THEN
        SELECT x.uscc, x.listed_date, x.removed_date INTO r_uscc, r_start, r_end
          FROM creditrisk.abnormal_listing_as_known(known_at) x WHERE x.id = record_id;
    ELSE
        SELECT x.uscc, x.listed_date, x.removed_date INTO r_uscc, r_start, r_end
          FROM creditrisk.serious_dishonesty_listing_as_known(known_at) x WHERE x.id = record_id;
    END IF;
    IF r_uscc IS NULL THEN
        RAISE EXCEPTION 'no % with id %', kind, coalesce(record_id::text, 'NULL')
            USING ERRCODE = 'no_data_found',
                  DETAIL = CASE WHEN known_at IS NULL THEN 'It is not on record (or not in your jurisdiction).'
                                ELSE format('It was not on record at %s (or is not in your jurisdiction).', known_at) END,
                  HINT = format('Look the id up in creditrisk.%s.', kind);
    END IF;

    SELECT x.* INTO rs FROM creditrisk.repair_rule_set_on(on_date, known_at) x;
    IF rs.regime IS NULL THEN
        RETURN QUERY SELECT false, NULL::date, NULL::text, 'no_rule_set'::text,
            format('No credit-repair rule set was in force on %s.', on_date), NULL::bigint;
        RETURN;
    END IF;
    IF r_start > on_date THEN
        RETURN QUERY SELECT false, NULL::date, rs.regime, 'not_yet_recorded'::text,
            format('The %s dates from %s, after %s.', kind, r_start, on_date), NULL::bigint;
        RETURN;
    END IF;
    r_eff := creditrisk.record_end(kind, record_id, r_start, r_end, known_at);

    IF kind = 'penalty' THEN
        IF p.sanctions && rs.unrepairable_sanctions THEN
            RETURN QUERY SELECT false, NULL::date, rs.regime, 'gravest_penalty'::text,
                format('%s: a penalty with %s cannot be repaired.', rs.regime,
                       array_to_string(ARRAY(SELECT unnest(p.sanctions) INTERSECT SELECT unnest(rs.unrepairable_sanctions) ORDER BY 1), ', ')),
                NULL::bigint;
            RETURN;
        END IF;
        IF r_eff IS NULL OR r_eff <= on_date THEN
            RETURN QUERY SELECT false, NULL::date, rs.regime, 'not_publicised'::text,
                CASE WHEN r_eff IS NULL THEN 'The penalty has no publicity period on record.'
                     ELSE format('Its publicity ended on %s: nothing to repair on %s.', r_eff, on_date) END, NULL::bigint;
            RETURN;
        END IF;
        min_period := CASE p.severity WHEN 'minor' THEN rs.penalty_min_minor
                                      WHEN 'general' THEN rs.penalty_min_general
                                      ELSE rs.penalty_min_serious END;
        IF p.field <> 'other' AND rs.penalty_min_key_field > min_period THEN
            min_period := rs.penalty_min_key_field;
            rule := 'minimum_publicity_key_field';
        ELSE
            rule := 'minimum_publicity';
        END IF;
        detail := format('%s: a %s penalty%s may end its publicity %s (decided %s).', rs.regime, p.severity,
                         CASE WHEN p.field <> 'other' THEN format(' in %s', p.field) ELSE '' END,
                         CASE WHEN min_period = '0' THEN 'at any time' ELSE 'after ' || min_period END, r_start);
    ELSE
        IF NOT creditrisk.is_current(r_start, r_eff, on_date) THEN
            RETURN QUERY SELECT false, NULL::date, rs.regime, 'not_listed'::text,
                format('The listing ended on %s: nothing to repair on %s.', r_eff, on_date), NULL::bigint;
            RETURN;
        END IF;
        min_period := CASE kind WHEN 'abnormal_listing' THEN rs.abnormal_min_listing ELSE rs.serious_min_listing END;
        rule := CASE kind WHEN 'abnormal_listing' THEN 'abnormal_correction' ELSE 'serious_early_removal' END;
        detail := format('%s: a listing on the %s list may end early %s (listed %s).', rs.regime,
                         CASE kind WHEN 'abnormal_listing' THEN 'abnormal-operation' ELSE 'serious-dishonesty' END,
                         CASE WHEN min_period = '0' THEN 'once its cause is corrected' ELSE 'after ' || min_period END,
                         r_start);
    END IF;

    eligible_from := (r_start + min_period)::date;
    IF on_date < eligible_from THEN
        RETURN QUERY SELECT false, eligible_from, rs.regime, rule, detail, NULL::bigint;
        RETURN;
    END IF;
    IF rs.commitment_required THEN
        SELECT c.id INTO commitment
          FROM creditrisk.credit_commitment_as_known(known_at) c
         WHERE c.uscc = r_uscc AND c.kind = 'repair' AND c.published_date <= on_date
           AND (c.term_end IS NULL OR c.term_end > on_date)
           AND (c.breached_date IS NULL OR c.breached_date > on_date)
         ORDER BY c.published_date DESC, c.id DESC
         LIMIT 1;
        IF commitment IS NULL THEN
            RETURN QUERY SELECT false, eligible_from, rs.regime, 'commitment_required'::text,
                format('%s: repair requires a published credit commitment (信用承诺) of kind repair, in force and not breached on %s.',
                       rs.regime, on_date), NULL::bigint;
            RETURN;
        END IF;
    END IF;
    RETURN QUERY SELECT true, eligible_from, rs.regime, rule, detail, commitment;
END
$$;
COMMENT ON FUNCTION creditrisk.repair_eligibility(text, bigint, date, timestamptz) IS
    'Whether a penalty''s publicity or a listing (kind penalty, abnormal_listing, serious_dishonesty_listing; record id) may be repaired (信用修复) on on_date (the application date) under the rule set in force then, as known at known_at (NULL = now): eligible, from when, the rule set, the rule that decides (minimum_publicity, minimum_publicity_key_field, gravest_penalty, not_publicised, abnormal_correction, serious_early_removal, not_listed, commitment_required, no_rule_set, not_yet_recorded), an explanation and the commitment relied on';

CREATE FUNCTION creditrisk.repair_decide(application bigint, decision text, decided date, reasons text)
RETURNS creditrisk.credit_repair
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, creditrisk, pg_temp SET datestyle = 'ISO, YMD' AS $$
DECLARE
    a creditrisk.credit_repair;
    e record;
    result creditrisk.credit_repair;
BEGIN
    IF decision IS NULL OR decision NOT IN ('approved', 'rejected') THEN
        RAISE EXCEPTION 'a credit-repair decision is approved or rejected, not %', coalesce(decision, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF decided IS NULL OR NOT pg_catalog.isfinite(decided) THEN
        RAISE EXCEPTION 'a credit-repair decision needs its date'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Give the day of the decision (决定日期).';
    END IF;
    IF reasons IS NULL OR pg_catalog.btrim(reasons) = '' THEN
        RAISE EXCEPTION 'a credit-repair decision needs its reasons'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'State the reasons (理由) of the decision.';
    END IF;
    SELECT x.* INTO a FROM creditrisk.credit_repair x WHERE x.id = application FOR UPDATE;
    IF a.id IS NULL THEN
        RAISE EXCEPTION 'no credit-repair application %', coalesce(application::text, 'NULL')
            USING ERRCODE = 'no_data_found', DETAIL = 'It is not on record (or not in your jurisdiction).';
    END IF;
    IF a.decision IS NOT NULL THEN
        RAISE EXCEPTION 'credit-repair application % is already decided', application
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('It was %s on %s.', a.decision, a.decided_date),
                  HINT = 'A decision stands; a new application is a new row.';
    END IF;
    IF a.accepted_date IS NULL THEN
        RAISE EXCEPTION 'credit-repair application % has not been accepted', application
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Record the acceptance (受理) first: UPDATE creditrisk.credit_repair SET accepted_date = ….';
    END IF;
    IF decided < a.accepted_date THEN
        RAISE EXCEPTION 'credit-repair decision dated before the acceptance'
            USING ERRCODE = 'check_violation',
                  DETAIL = format('Decided %s, accepted %s.', decided, a.accepted_date);
    END IF;
    SELECT x.* INTO e FROM creditrisk.repair_eligibility(a.target,
        coalesce(a.penalty_id, a.abnormal_listing_id, a.serious_dishonesty_listing_id), a.applied_date) x;
    IF decision = 'approved' AND NOT e.eligible THEN
        RAISE EXCEPTION 'credit-repair application % cannot be approved: %', application, e.rule
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = e.detail,
                  HINT = CASE WHEN e.eligible_from > a.applied_date
                              THEN format('The record may be repaired on an application made on or after %s.', e.eligible_from)
                              ELSE 'Reject it, with its reasons.' END;
    END IF;
    UPDATE creditrisk.credit_repair x
       SET decision = repair_decide.decision, decided_date = decided, reasons = repair_decide.reasons,
           regime = coalesce(e.regime, (SELECT r.regime FROM creditrisk.repair_rule_set r ORDER BY r.effective_from LIMIT 1)),
           commitment_id = coalesce(x.commitment_id, e.commitment_id)
     WHERE x.id = application
    RETURNING x.* INTO result;
    RETURN result;
END
$$;
COMMENT ON FUNCTION creditrisk.repair_decide(bigint, text, date, text) IS
    'Records the decision (approved 准予修复 / rejected 不予修复) on an accepted credit-repair application with its date and reasons, under the rule set in force on the application date; an approval of an ineligible record is refused (55000, with the rule); an approved repair ends the publicity or listing on its decision date';

-- ---------------------------------------------------------------------------
-- Row-level security, dump, privileges
-- ---------------------------------------------------------------------------
DO $rls$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['credit_commitment', 'credit_repair', 'credit_commitment_history', 'credit_repair_history']
    LOOP
        EXECUTE format('ALTER TABLE creditrisk.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE creditrisk.%I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END
$rls$;

SELECT pg_catalog.pg_extension_config_dump('creditrisk.repair_rule_set', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.credit_commitment', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.credit_commitment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.credit_repair', '');
SELECT pg_catalog.pg_extension_config_dump('creditrisk.credit_repair_id_seq', '');

REVOKE ALL ON TABLE creditrisk.repair_rule_set, creditrisk.credit_commitment, creditrisk.credit_repair FROM PUBLIC;
REVOKE ALL ON SEQUENCE creditrisk.credit_commitment_id_seq, creditrisk.credit_repair_id_seq FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.credit_repair_check(), creditrisk.repair_rule_set_on(date, timestamptz),
                       creditrisk.listing_term_end(text, date, timestamptz), creditrisk.repair_end(text, bigint, timestamptz),
                       creditrisk.record_end(text, bigint, date, date, timestamptz), creditrisk.record_ends(timestamptz),
                       creditrisk.repair_eligibility(text, bigint, date, timestamptz),
                       creditrisk.repair_decide(bigint, text, date, text) FROM PUBLIC;
