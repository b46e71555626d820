-- ===========================================================================
-- Credit-information collection (归集, Henan measures art. 7; since 1.1): the
-- enterprise register and one table per kind of credit record.
--
-- Every record names the enterprise (uscc, which must be on the register),
-- the reporting unit that reported it (reported_by, a code of the register
-- creditrisk.reporting_unit, checked by reporting_unit_check, since 1.5) and
-- when it arrived
-- (received_at), so that collection timeliness can be measured.
--
-- Time semantics: a window "in the N before D" is (D - N, D]; a listing is
-- *current* on D when it was listed on or before D and not removed by D
-- (removed_date IS NULL OR removed_date > D).  creditrisk.is_current() says so.
-- ===========================================================================

CREATE DOMAIN creditrisk.industry_code AS text
    CONSTRAINT industry_code_format
    CHECK (VALUE ~ '^[A-T]([0-9]{2}([0-9]{1,2})?)?$');
COMMENT ON DOMAIN creditrisk.industry_code IS
    'Industry code (国民经济行业分类, GB/T 4754-2017): section letter A-T, optionally followed by the 2-digit division, 3-digit group or 4-digit class, e.g. C1391';

-- The date predicates of WHERE clauses (is_current() here, in_population()
-- in indicators.sql) have SQL-standard bodies, so that they inline.  A SET
-- clause would keep the planner from inlining a function, so every row would
-- pay a function call: 2.3 s to test the 1M enterprises of the sample
-- register, against 0.12 s inlined (bench/compute).  A BEGIN ATOMIC body is
-- parsed when the function is created and stored with its operators already
-- resolved, so a caller's search_path cannot redirect it (sql/security.sql
-- tries), and the planner substitutes the expression into the query, where
-- it can use indexes on the columns.  Every operator is still written
-- schema-qualified, as the extension script's search_path is not the
-- caller's concern either.
CREATE FUNCTION creditrisk.is_current(listed date, removed date, as_of date) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT listed OPERATOR(pg_catalog.<=) as_of
       AND (removed IS NULL OR removed OPERATOR(pg_catalog.>) as_of);
END;
COMMENT ON FUNCTION creditrisk.is_current(date, date, date) IS
    'Whether a listing is current on as_of: listed on or before it and not removed by it';

-- ---------------------------------------------------------------------------
-- The enterprise register (企业登记)
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.enterprise (
    uscc               creditrisk.uscc PRIMARY KEY,
    name               text NOT NULL CONSTRAINT enterprise_name_nonempty CHECK (name <> ''),
    division_code      creditrisk.division_code NOT NULL,
    industry_code      creditrisk.industry_code NOT NULL,
    entity_type        smallint NOT NULL
                       CONSTRAINT enterprise_entity_type_code CHECK (entity_type BETWEEN 1 AND 9),
    established_date   date NOT NULL,
    registered_capital numeric(16, 4)
                       CONSTRAINT enterprise_registered_capital_nonnegative CHECK (registered_capital >= 0),
    paid_in_capital    numeric(16, 4)
                       CONSTRAINT enterprise_paid_in_capital_nonnegative CHECK (paid_in_capital >= 0),
    status             text NOT NULL DEFAULT 'in_business'
                       CONSTRAINT enterprise_status_valid CHECK (status IN ('in_business', 'revoked', 'cancelled')),
    status_date        date,
    parent_uscc        creditrisk.uscc REFERENCES creditrisk.enterprise,
    reported_by        text NOT NULL CONSTRAINT enterprise_reported_by_nonempty CHECK (reported_by <> ''),
    received_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    valid_from         date NOT NULL DEFAULT '-infinity'
                       CONSTRAINT enterprise_valid_from_finite CHECK (valid_from < 'infinity'),
    recorded_at        timestamptz NOT NULL,
    CONSTRAINT enterprise_status_dated
        CHECK ((status = 'in_business') = (status_date IS NULL)),
    CONSTRAINT enterprise_status_after_establishment
        CHECK (status_date IS NULL OR status_date >= established_date),
    CONSTRAINT enterprise_not_own_branch CHECK (parent_uscc <> uscc),
    CONSTRAINT enterprise_established_date_finite CHECK (pg_catalog.isfinite(established_date)),
    CONSTRAINT enterprise_status_date_finite CHECK (pg_catalog.isfinite(status_date)),
    CONSTRAINT enterprise_registered_capital_finite CHECK (registered_capital OPERATOR(pg_catalog.<>) 'NaN'::numeric),
    CONSTRAINT enterprise_paid_in_capital_finite CHECK (paid_in_capital OPERATOR(pg_catalog.<>) 'NaN'::numeric),
    CONSTRAINT enterprise_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX enterprise_division_idx ON creditrisk.enterprise (division_code);
CREATE INDEX enterprise_parent_idx ON creditrisk.enterprise (parent_uscc) WHERE parent_uscc IS NOT NULL;
COMMENT ON TABLE creditrisk.enterprise IS
    'The enterprise register (企业登记) of the jurisdiction: one row per enterprise or branch, keyed by USCC';
COMMENT ON COLUMN creditrisk.enterprise.entity_type IS
    'Legal form: 1 state-owned or collective, 2 joint-stock, 3 LLC (2+ shareholders), 4 single-shareholder LLC, 5 foreign-invested, 6 sole proprietorship, 7 partnership, 8 farmers'' cooperative, 9 other';
COMMENT ON COLUMN creditrisk.enterprise.registered_capital IS 'Registered capital (注册资本), 10,000 CNY';
COMMENT ON COLUMN creditrisk.enterprise.paid_in_capital IS 'Paid-in capital (实缴资本), 10,000 CNY';
COMMENT ON COLUMN creditrisk.enterprise.status IS 'in_business (存续), revoked (吊销), cancelled (注销); status_date is when it became revoked or cancelled';
COMMENT ON COLUMN creditrisk.enterprise.parent_uscc IS 'For a branch (分支机构): the enterprise it belongs to';
COMMENT ON COLUMN creditrisk.enterprise.reported_by IS 'The reporting unit (报送单位) that reported the entry: a code of creditrisk.reporting_unit';
COMMENT ON COLUMN creditrisk.enterprise.received_at IS 'When the record arrived';
COMMENT ON COLUMN creditrisk.enterprise.valid_from IS
    'Valid time: the day from which this version of the register entry is true (a move, a change of industry); -infinity = always. An UPDATE that leaves it unchanged corrects the version; one that sets a later day records a change, and the earlier facts stay valid before it (creditrisk.enterprise_history)';
COMMENT ON COLUMN creditrisk.enterprise.recorded_at IS
    'Knowledge time: when this version became known to the database (set by the database, see creditrisk.record_arrival())';

-- ---------------------------------------------------------------------------
-- Credit records.  Each has the same first and last columns:
--   id, uscc (on the register), ..., reported_by, received_at
-- ---------------------------------------------------------------------------

CREATE TABLE creditrisk.licence (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc          creditrisk.uscc NOT NULL,
    licence_number text NOT NULL CONSTRAINT licence_number_nonempty CHECK (licence_number <> ''),
    kind          text NOT NULL DEFAULT '',
    valid_from    date NOT NULL,
    valid_to      date,
    revoked_date  date,
    reported_by   text NOT NULL CONSTRAINT licence_reported_by_nonempty CHECK (reported_by <> ''),
    received_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at   timestamptz NOT NULL,
    -- 双公示 (since 1.5; after recorded_at, where the 1.5 update adds them)
    decision_date        date,
    platform_reported_on date,
    published_on         date,
    withdrawn_on         date,
    CONSTRAINT licence_valid_to_after_from CHECK (valid_to >= valid_from),
    CONSTRAINT licence_reported_after_decision CHECK (platform_reported_on >= decision_date),
    CONSTRAINT licence_published_after_decision CHECK (published_on >= decision_date),
    CONSTRAINT licence_withdrawn_after_decision CHECK (withdrawn_on >= decision_date),
    CONSTRAINT licence_decision_date_finite CHECK (pg_catalog.isfinite(decision_date)),
    CONSTRAINT licence_platform_reported_on_finite CHECK (pg_catalog.isfinite(platform_reported_on)),
    CONSTRAINT licence_published_on_finite CHECK (pg_catalog.isfinite(published_on)),
    CONSTRAINT licence_withdrawn_on_finite CHECK (pg_catalog.isfinite(withdrawn_on)),
    CONSTRAINT licence_revoked_after_from CHECK (revoked_date >= valid_from),
    CONSTRAINT licence_valid_from_finite CHECK (pg_catalog.isfinite(valid_from)),
    CONSTRAINT licence_valid_to_finite CHECK (pg_catalog.isfinite(valid_to)),
    CONSTRAINT licence_revoked_date_finite CHECK (pg_catalog.isfinite(revoked_date)),
    CONSTRAINT licence_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX licence_uscc_idx ON creditrisk.licence (uscc, valid_from);
COMMENT ON TABLE creditrisk.licence IS 'Administrative licences (行政许可): validity and revocation';
COMMENT ON COLUMN creditrisk.licence.valid_to IS
    'End of validity: the licence is valid on the days before it, [valid_from, valid_to); NULL = open-ended';
COMMENT ON COLUMN creditrisk.licence.kind IS 'Kind of licence (e.g. food business licence), used to match renewals';
COMMENT ON COLUMN creditrisk.licence.decision_date IS
    'Date of the licensing decision (许可决定日期), from which the 双公示 deadline runs (7 working days); NULL for licences loaded before 1.5 until filled in';
COMMENT ON COLUMN creditrisk.licence.revoked_date IS
    'The licence (or its licensing decision) was revoked (撤销、吊销) on this day; a decision already reported to the credit platform must be withdrawn within 3 working days';
COMMENT ON COLUMN creditrisk.licence.platform_reported_on IS
    'Day the reporting unit reported the decision to the credit platform (报送信用平台日期; 双公示: within 7 working days of the decision); NULL = not yet reported';
COMMENT ON COLUMN creditrisk.licence.published_on IS 'Day the decision was published (公示日期) on the credit platform or website; NULL = not yet published';
COMMENT ON COLUMN creditrisk.licence.withdrawn_on IS
    'Day the published decision was withdrawn (撤下): after a revocation within 3 working days; a withdrawal without revocation marks an erroneous report';

CREATE TABLE creditrisk.penalty (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc               creditrisk.uscc NOT NULL,
    decision_number    text NOT NULL UNIQUE CONSTRAINT penalty_decision_number_nonempty CHECK (decision_number <> ''),
    decision_date      date NOT NULL,
    severity           text NOT NULL
                       CONSTRAINT penalty_severity_valid CHECK (severity IN ('minor', 'general', 'serious')),
    fine_amount        numeric(16, 4) NOT NULL DEFAULT 0
                       CONSTRAINT penalty_fine_nonnegative CHECK (fine_amount >= 0),
    publicity_end_date date,
    field              text NOT NULL DEFAULT 'other'
                       CONSTRAINT penalty_field_valid CHECK (field IN ('food', 'drugs', 'special_equipment', 'other')),
    reported_by        text NOT NULL CONSTRAINT penalty_reported_by_nonempty CHECK (reported_by <> ''),
    received_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at        timestamptz NOT NULL,
    -- 双公示 (since 1.5; after recorded_at, where the 1.5 update adds them)
    revoked_on           date,
    platform_reported_on date,
    published_on         date,
    withdrawn_on         date,
    sanctions          text[] NOT NULL DEFAULT '{}'
                       CONSTRAINT penalty_sanctions_known
                       CHECK (sanctions OPERATOR(pg_catalog.<@) ARRAY['warning', 'criticism', 'fine', 'confiscation',
                              'licence_suspended', 'qualification_lowered', 'licence_revoked', 'business_licence_revoked',
                              'activity_restricted', 'production_stopped', 'closure', 'practice_restricted', 'other']
                              AND pg_catalog.array_position(sanctions, NULL) IS NULL),
    CONSTRAINT penalty_publicity_after_decision CHECK (publicity_end_date >= decision_date),
    CONSTRAINT penalty_revoked_after_decision CHECK (revoked_on >= decision_date),
    CONSTRAINT penalty_reported_after_decision CHECK (platform_reported_on >= decision_date),
    CONSTRAINT penalty_published_after_decision CHECK (published_on >= decision_date),
    CONSTRAINT penalty_withdrawn_after_decision CHECK (withdrawn_on >= decision_date),
    CONSTRAINT penalty_revoked_on_finite CHECK (pg_catalog.isfinite(revoked_on)),
    CONSTRAINT penalty_platform_reported_on_finite CHECK (pg_catalog.isfinite(platform_reported_on)),
    CONSTRAINT penalty_published_on_finite CHECK (pg_catalog.isfinite(published_on)),
    CONSTRAINT penalty_withdrawn_on_finite CHECK (pg_catalog.isfinite(withdrawn_on)),
    CONSTRAINT penalty_decision_date_finite CHECK (pg_catalog.isfinite(decision_date)),
    CONSTRAINT penalty_fine_amount_finite CHECK (fine_amount OPERATOR(pg_catalog.<>) 'NaN'::numeric),
    CONSTRAINT penalty_publicity_end_date_finite CHECK (pg_catalog.isfinite(publicity_end_date)),
    CONSTRAINT penalty_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX penalty_uscc_idx ON creditrisk.penalty (uscc, decision_date);
COMMENT ON TABLE creditrisk.penalty IS 'Administrative penalties (行政处罚), 双公示 within 7 working days of the decision';
COMMENT ON COLUMN creditrisk.penalty.fine_amount IS 'Fine and confiscation, 10,000 CNY';
COMMENT ON COLUMN creditrisk.penalty.publicity_end_date IS 'Actual end of publicity (公示期满), earlier when repaired (信用修复)';
COMMENT ON COLUMN creditrisk.penalty.field IS 'Field: food, drugs, special_equipment (通用+专业 key fields) or other';
COMMENT ON COLUMN creditrisk.penalty.revoked_on IS
    'The penalty decision was revoked (行政处罚决定被撤销: on review, by a court) on this day; a decision already reported must be withdrawn within 3 working days';
COMMENT ON COLUMN creditrisk.penalty.platform_reported_on IS
    'Day the reporting unit reported the decision to the credit platform (报送信用平台日期; 双公示: within 7 working days of the decision); NULL = not yet reported';
COMMENT ON COLUMN creditrisk.penalty.published_on IS 'Day the decision was published (公示日期) on the credit platform or website; NULL = not yet published';
COMMENT ON COLUMN creditrisk.penalty.withdrawn_on IS
    'Day the published decision was withdrawn (撤下): after a revocation within 3 working days; a withdrawal without revocation marks an erroneous report';
COMMENT ON COLUMN creditrisk.penalty.sanctions IS
    'Kinds of sanction the decision imposes (行政处罚种类, 行政处罚法 art. 9): warning 警告, criticism 通报批评, fine 罚款, confiscation 没收, licence_suspended 暂扣许可证件, qualification_lowered 降低资质等级, licence_revoked 吊销许可证件, business_licence_revoked 吊销营业执照, activity_restricted 限制开展生产经营活动, production_stopped 责令停产停业, closure 责令关闭, practice_restricted 限制从业, other; the gravest ones rule out credit repair (creditrisk.repair_rule_set.unrepairable_sanctions)';

CREATE TABLE creditrisk.spot_check (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc         creditrisk.uscc NOT NULL,
    check_date   date NOT NULL,
    outcome      text NOT NULL
                 CONSTRAINT spot_check_outcome_valid
                 CHECK (outcome IN ('pass', 'problems_found', 'rectification_ordered', 'not_found_at_address')),
    refused      boolean NOT NULL DEFAULT false,
    reported_by  text NOT NULL CONSTRAINT spot_check_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at  timestamptz NOT NULL,
    CONSTRAINT spot_check_check_date_finite CHECK (pg_catalog.isfinite(check_date)),
    CONSTRAINT spot_check_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX spot_check_uscc_idx ON creditrisk.spot_check (uscc, check_date);
COMMENT ON TABLE creditrisk.spot_check IS 'Random spot-check results (双随机抽查结果); refused = refused or obstructed the inspection';

CREATE TABLE creditrisk.complaint (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc           creditrisk.uscc NOT NULL,
    received_date  date NOT NULL,
    kind           text NOT NULL CONSTRAINT complaint_kind_valid CHECK (kind IN ('complaint', 'report')),
    substantiated  boolean,
    reported_by    text NOT NULL CONSTRAINT complaint_reported_by_nonempty CHECK (reported_by <> ''),
    received_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at    timestamptz NOT NULL,
    CONSTRAINT complaint_received_date_finite CHECK (pg_catalog.isfinite(received_date)),
    CONSTRAINT complaint_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX complaint_uscc_idx ON creditrisk.complaint (uscc, received_date);
COMMENT ON TABLE creditrisk.complaint IS 'Complaints (投诉) and reports (举报), e.g. from 12345/12315; substantiated NULL = not yet handled';

CREATE TABLE creditrisk.abnormal_listing (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc          creditrisk.uscc NOT NULL,
    listed_date   date NOT NULL,
    removed_date  date,
    reason        smallint NOT NULL
                  CONSTRAINT abnormal_listing_reason_code CHECK (reason IN (1, 2, 3, 4, 9)),
    reported_by   text NOT NULL CONSTRAINT abnormal_listing_reported_by_nonempty CHECK (reported_by <> ''),
    received_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at   timestamptz NOT NULL,
    CONSTRAINT abnormal_listing_removed_after_listed CHECK (removed_date >= listed_date),
    CONSTRAINT abnormal_listing_listed_date_finite CHECK (pg_catalog.isfinite(listed_date)),
    CONSTRAINT abnormal_listing_removed_date_finite CHECK (pg_catalog.isfinite(removed_date)),
    CONSTRAINT abnormal_listing_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX abnormal_listing_uscc_idx ON creditrisk.abnormal_listing (uscc, listed_date);
COMMENT ON TABLE creditrisk.abnormal_listing IS 'Abnormal-operation list (经营异常名录) listings and removals';
COMMENT ON COLUMN creditrisk.abnormal_listing.reason IS
    '1 annual report not filed, 2 did not disclose when ordered, 3 false information, 4 unreachable at the registered address, 9 other';

CREATE TABLE creditrisk.serious_dishonesty_listing (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc          creditrisk.uscc NOT NULL,
    listed_date   date NOT NULL,
    removed_date  date,
    reported_by   text NOT NULL CONSTRAINT serious_dishonesty_reported_by_nonempty CHECK (reported_by <> ''),
    received_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at   timestamptz NOT NULL,
    CONSTRAINT serious_dishonesty_removed_after_listed CHECK (removed_date >= listed_date),
    CONSTRAINT serious_dishonesty_listing_listed_date_finite CHECK (pg_catalog.isfinite(listed_date)),
    CONSTRAINT serious_dishonesty_listing_removed_date_finite CHECK (pg_catalog.isfinite(removed_date)),
    CONSTRAINT serious_dishonesty_listing_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX serious_dishonesty_uscc_idx ON creditrisk.serious_dishonesty_listing (uscc, listed_date);
COMMENT ON TABLE creditrisk.serious_dishonesty_listing IS
    'Serious-dishonesty list (严重违法失信名单, SAMR order 44): listings and removals; current ones force class D (art. 10)';

CREATE TABLE creditrisk.judgment_debtor_listing (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc          creditrisk.uscc NOT NULL,
    listed_date   date NOT NULL,
    removed_date  date,
    reported_by   text NOT NULL CONSTRAINT judgment_debtor_reported_by_nonempty CHECK (reported_by <> ''),
    received_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at   timestamptz NOT NULL,
    CONSTRAINT judgment_debtor_removed_after_listed CHECK (removed_date >= listed_date),
    CONSTRAINT judgment_debtor_listing_listed_date_finite CHECK (pg_catalog.isfinite(listed_date)),
    CONSTRAINT judgment_debtor_listing_removed_date_finite CHECK (pg_catalog.isfinite(removed_date)),
    CONSTRAINT judgment_debtor_listing_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX judgment_debtor_uscc_idx ON creditrisk.judgment_debtor_listing (uscc, listed_date);
COMMENT ON TABLE creditrisk.judgment_debtor_listing IS
    'Dishonest judgment debtors (失信被执行人), listed by courts: listings and removals; current ones force class D (art. 10)';

CREATE TABLE creditrisk.annual_report (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc         creditrisk.uscc NOT NULL,
    year         smallint NOT NULL CONSTRAINT annual_report_year_range CHECK (year BETWEEN 2013 AND 2100),
    filed_on     date NOT NULL,
    on_time      boolean NOT NULL GENERATED ALWAYS AS (filed_on <= make_date(year + 1, 6, 30)) STORED,
    reported_by  text NOT NULL CONSTRAINT annual_report_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at  timestamptz NOT NULL,
    CONSTRAINT annual_report_filed_after_year CHECK (filed_on > make_date(year, 12, 31)),
    CONSTRAINT annual_report_once_a_year UNIQUE (uscc, year),
    CONSTRAINT annual_report_filed_on_finite CHECK (pg_catalog.isfinite(filed_on)),
    CONSTRAINT annual_report_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
COMMENT ON TABLE creditrisk.annual_report IS
    'Annual reports (年度报告): the report for a year is due by 30 June of the next year (on_time)';

CREATE TABLE creditrisk.registration_change (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc         creditrisk.uscc NOT NULL,
    change_date  date NOT NULL,
    kind         text NOT NULL
                 CONSTRAINT registration_change_kind_valid
                 CHECK (kind IN ('legal_representative', 'name', 'address', 'scope', 'capital')),
    old_value    text,
    new_value    text,
    reported_by  text NOT NULL CONSTRAINT registration_change_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at  timestamptz NOT NULL,
    CONSTRAINT registration_change_change_date_finite CHECK (pg_catalog.isfinite(change_date)),
    CONSTRAINT registration_change_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX registration_change_uscc_idx ON creditrisk.registration_change (uscc, change_date);
COMMENT ON TABLE creditrisk.registration_change IS
    'Registration changes (变更登记): legal representative, name, address, business scope, capital';

CREATE TABLE creditrisk.related_party_link (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_uscc    creditrisk.uscc NOT NULL,
    to_uscc      creditrisk.uscc NOT NULL,
    kind         text NOT NULL
                 CONSTRAINT related_party_kind_valid
                 CHECK (kind IN ('shareholder', 'common_legal_representative', 'branch')),
    valid_from   date,
    valid_to     date,
    reported_by  text NOT NULL CONSTRAINT related_party_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at  timestamptz NOT NULL,
    CONSTRAINT related_party_not_self CHECK (from_uscc <> to_uscc),
    CONSTRAINT related_party_valid_to_after_from CHECK (valid_to >= valid_from),
    CONSTRAINT related_party_link_valid_from_finite CHECK (pg_catalog.isfinite(valid_from)),
    CONSTRAINT related_party_link_valid_to_finite CHECK (pg_catalog.isfinite(valid_to)),
    CONSTRAINT related_party_link_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX related_party_from_idx ON creditrisk.related_party_link (from_uscc);
CREATE INDEX related_party_to_idx ON creditrisk.related_party_link (to_uscc);
COMMENT ON TABLE creditrisk.related_party_link IS
    'Related parties (关联关系): shareholder = from invests in to; branch = from is the parent of to; common_legal_representative is symmetric';

CREATE TABLE creditrisk.equity_pledge_freeze (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc         creditrisk.uscc NOT NULL,
    kind         text NOT NULL CONSTRAINT equity_kind_valid CHECK (kind IN ('pledge', 'freeze')),
    start_date   date NOT NULL,
    end_date     date,
    amount       numeric(16, 4) CONSTRAINT equity_amount_nonnegative CHECK (amount >= 0),
    reported_by  text NOT NULL CONSTRAINT equity_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at  timestamptz NOT NULL,
    CONSTRAINT equity_end_after_start CHECK (end_date >= start_date),
    CONSTRAINT equity_pledge_freeze_start_date_finite CHECK (pg_catalog.isfinite(start_date)),
    CONSTRAINT equity_pledge_freeze_end_date_finite CHECK (pg_catalog.isfinite(end_date)),
    CONSTRAINT equity_pledge_freeze_amount_finite CHECK (amount OPERATOR(pg_catalog.<>) 'NaN'::numeric),
    CONSTRAINT equity_pledge_freeze_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX equity_pledge_freeze_uscc_idx ON creditrisk.equity_pledge_freeze (uscc, start_date);
COMMENT ON TABLE creditrisk.equity_pledge_freeze IS
    'Equity pledges (股权出质) and freezes (股权冻结) of the enterprise''s equity; amount in 10,000 CNY';

CREATE TABLE creditrisk.lawsuit (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc         creditrisk.uscc NOT NULL,
    filed_date   date NOT NULL,
    role         text NOT NULL CONSTRAINT lawsuit_role_valid CHECK (role IN ('plaintiff', 'defendant', 'third_party')),
    kind         text NOT NULL
                 CONSTRAINT lawsuit_kind_valid CHECK (kind IN ('civil', 'labour', 'administrative', 'criminal', 'other')),
    reported_by  text NOT NULL CONSTRAINT lawsuit_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at  timestamptz NOT NULL,
    CONSTRAINT lawsuit_filed_date_finite CHECK (pg_catalog.isfinite(filed_date)),
    CONSTRAINT lawsuit_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX lawsuit_uscc_idx ON creditrisk.lawsuit (uscc, filed_date);
COMMENT ON TABLE creditrisk.lawsuit IS 'Lawsuits (司法诉讼) the enterprise is party to';

CREATE TABLE creditrisk.public_opinion (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc            creditrisk.uscc NOT NULL,
    published_date  date NOT NULL,
    sentiment       text NOT NULL
                    CONSTRAINT public_opinion_sentiment_valid CHECK (sentiment IN ('negative', 'neutral', 'positive')),
    source          text NOT NULL DEFAULT '',
    reported_by     text NOT NULL CONSTRAINT public_opinion_reported_by_nonempty CHECK (reported_by <> ''),
    received_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at     timestamptz NOT NULL,
    CONSTRAINT public_opinion_published_date_finite CHECK (pg_catalog.isfinite(published_date)),
    CONSTRAINT public_opinion_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX public_opinion_uscc_idx ON creditrisk.public_opinion (uscc, published_date);
COMMENT ON TABLE creditrisk.public_opinion IS 'Internet public-opinion items (网络舆情) about the enterprise';

CREATE TABLE creditrisk.domain_risk_class (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc           creditrisk.uscc NOT NULL,
    domain         text NOT NULL CONSTRAINT domain_risk_class_domain_format CHECK (domain ~ '^[a-z][a-z_]{1,39}$'),
    class          creditrisk.riskclass NOT NULL,
    assessed_date  date NOT NULL,
    reported_by    text NOT NULL CONSTRAINT domain_risk_class_reported_by_nonempty CHECK (reported_by <> ''),
    received_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at    timestamptz NOT NULL,
    CONSTRAINT domain_risk_class_once_a_day UNIQUE (uscc, domain, assessed_date),
    CONSTRAINT domain_risk_class_assessed_date_finite CHECK (pg_catalog.isfinite(assessed_date)),
    CONSTRAINT domain_risk_class_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
COMMENT ON TABLE creditrisk.domain_risk_class IS
    'Professional (domain) risk classes (专业风险分类) for food, drugs, special equipment and other key fields, fused with the general class (通用+专业, art. 16); the latest assessment on or before a date applies';

-- ---------------------------------------------------------------------------
-- Record kinds the work plan names besides art. 7's (item 一; since 1.5):
-- administrative enforcement (行政强制), confirmation (行政确认) and rewards
-- (行政奖励, a positive signal).
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.enforcement (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc            creditrisk.uscc NOT NULL,
    decision_number text NOT NULL CONSTRAINT enforcement_decision_number_nonempty CHECK (decision_number <> ''),
    decision_date   date NOT NULL,
    measure         text NOT NULL
                    CONSTRAINT enforcement_measure_valid
                    CHECK (measure IN ('seal_up', 'seizure', 'freeze', 'execution', 'other')),
    lifted_date     date,
    reported_by     text NOT NULL CONSTRAINT enforcement_reported_by_nonempty CHECK (reported_by <> ''),
    received_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at     timestamptz NOT NULL,
    CONSTRAINT enforcement_lifted_after_decision CHECK (lifted_date >= decision_date),
    CONSTRAINT enforcement_decision_date_finite CHECK (pg_catalog.isfinite(decision_date)),
    CONSTRAINT enforcement_lifted_date_finite CHECK (pg_catalog.isfinite(lifted_date)),
    CONSTRAINT enforcement_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX enforcement_uscc_idx ON creditrisk.enforcement (uscc, decision_date);
COMMENT ON TABLE creditrisk.enforcement IS
    'Administrative enforcement (行政强制): compulsory measures and enforcement against the enterprise, from the decision until lifted';
COMMENT ON COLUMN creditrisk.enforcement.measure IS
    'seal_up (查封场所、设施或者财物), seizure (扣押财物), freeze (冻结存款、汇款), execution (强制执行: 加处罚款或滞纳金、划拨、拍卖), other';
COMMENT ON COLUMN creditrisk.enforcement.lifted_date IS 'Day the measure was lifted (解除) or the enforcement completed; NULL = in force';

CREATE TABLE creditrisk.confirmation (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc            creditrisk.uscc NOT NULL,
    decision_number text NOT NULL DEFAULT '',
    kind            text NOT NULL CONSTRAINT confirmation_kind_nonempty CHECK (kind <> ''),
    confirmed_date  date NOT NULL,
    valid_to        date,
    reported_by     text NOT NULL CONSTRAINT confirmation_reported_by_nonempty CHECK (reported_by <> ''),
    received_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at     timestamptz NOT NULL,
    CONSTRAINT confirmation_valid_to_after_confirmed CHECK (valid_to > confirmed_date),
    CONSTRAINT confirmation_confirmed_date_finite CHECK (pg_catalog.isfinite(confirmed_date)),
    CONSTRAINT confirmation_valid_to_finite CHECK (pg_catalog.isfinite(valid_to)),
    CONSTRAINT confirmation_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX confirmation_uscc_idx ON creditrisk.confirmation (uscc, confirmed_date);
COMMENT ON TABLE creditrisk.confirmation IS
    'Administrative confirmations (行政确认): a status or fact the authority confirmed for the enterprise (e.g. 高新技术企业认定, 纳税信用A级), valid from the confirmation until valid_to';
COMMENT ON COLUMN creditrisk.confirmation.kind IS 'What was confirmed (确认事项), as the authority names it';
COMMENT ON COLUMN creditrisk.confirmation.valid_to IS 'First day the confirmation no longer holds (exclusive); NULL = open-ended';

CREATE TABLE creditrisk.reward (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uscc            creditrisk.uscc NOT NULL,
    title           text NOT NULL CONSTRAINT reward_title_nonempty CHECK (title <> ''),
    level           text NOT NULL CONSTRAINT reward_level_valid CHECK (level IN ('national', 'provincial', 'city', 'county')),
    award_date      date NOT NULL,
    revoked_date    date,
    reported_by     text NOT NULL CONSTRAINT reward_reported_by_nonempty CHECK (reported_by <> ''),
    received_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at     timestamptz NOT NULL,
    CONSTRAINT reward_revoked_after_award CHECK (revoked_date >= award_date),
    CONSTRAINT reward_award_date_finite CHECK (pg_catalog.isfinite(award_date)),
    CONSTRAINT reward_revoked_date_finite CHECK (pg_catalog.isfinite(revoked_date)),
    CONSTRAINT reward_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
CREATE INDEX reward_uscc_idx ON creditrisk.reward (uscc, award_date);
COMMENT ON TABLE creditrisk.reward IS
    'Administrative rewards (行政奖励): honours and awards the enterprise received (守信激励), a positive credit signal; revoked_date when withdrawn';
COMMENT ON COLUMN creditrisk.reward.level IS 'Level of the awarding authority: national, provincial, city, county';
COMMENT ON COLUMN creditrisk.reward.revoked_date IS 'Day the reward was revoked (撤销); it no longer counts from then';

-- ---------------------------------------------------------------------------
-- Indicator values computed elsewhere, loaded directly (by USCC, date and
-- indicator code), to be scored instead of computed ones.
-- ---------------------------------------------------------------------------
CREATE TABLE creditrisk.indicator_value (
    uscc         creditrisk.uscc NOT NULL,
    as_of        date NOT NULL,
    code         text NOT NULL,
    value        double precision
                 CONSTRAINT indicator_value_finite CHECK (value <> 'NaN' AND value > '-Infinity' AND value < 'Infinity'),
    reported_by  text NOT NULL CONSTRAINT indicator_value_reported_by_nonempty CHECK (reported_by <> ''),
    received_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    recorded_at  timestamptz NOT NULL,
    PRIMARY KEY (as_of, uscc, code),
    CONSTRAINT indicator_value_as_of_finite CHECK (pg_catalog.isfinite(as_of)),
    CONSTRAINT indicator_value_received_at_finite CHECK (pg_catalog.isfinite(received_at))
);
COMMENT ON TABLE creditrisk.indicator_value IS
    'Indicator values computed outside creditrisk, loaded by USCC, as-of date and catalogue code; NULL value = known to be missing';

CREATE FUNCTION creditrisk.loaded_indicators(model text, as_of date)
RETURNS TABLE (uscc creditrisk.uscc, indicators jsonb)
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT v.uscc, jsonb_object_agg(v.code, v.value)
      FROM creditrisk.indicator_value v
      JOIN creditrisk.model_indicator mi ON mi.code = v.code AND mi.model_key = loaded_indicators.model
     WHERE v.as_of = loaded_indicators.as_of
     GROUP BY v.uscc
$$;
COMMENT ON FUNCTION creditrisk.loaded_indicators(text, date) IS
    'Loaded indicator values of a model as of a date, one JSON object per enterprise, ready for score(model, jsonb); absent codes are missing values';

-- ---------------------------------------------------------------------------
-- Knowledge time (since 1.4, see extension/knowledge.sql): every record
-- keeps its superseded versions; the register is bitemporal.
-- ---------------------------------------------------------------------------

-- The register's versions: valid time [valid_from, valid_to) and knowledge
-- time [recorded_at, superseded_at).  creditrisk.enterprise holds the
-- current version (valid from valid_from on, known since recorded_at);
-- enterprise_history every other one: versions no longer known (superseded)
-- and known versions of earlier validity (a move recorded with a later
-- valid_from leaves the old facts valid before it).
CREATE TABLE creditrisk.enterprise_history (
    LIKE creditrisk.enterprise,
    valid_to      date,
    superseded_at timestamptz,
    CONSTRAINT enterprise_history_valid_period CHECK (valid_to > valid_from),
    CONSTRAINT enterprise_history_known_period CHECK (superseded_at >= recorded_at)
);
CREATE INDEX enterprise_history_uscc_idx ON creditrisk.enterprise_history (uscc);
COMMENT ON TABLE creditrisk.enterprise_history IS
    'Versions of the register (登记历史) other than the current one: each was valid from valid_from to valid_to (exclusive, NULL = open) and known from recorded_at to superseded_at (NULL = still known); written only by the trigger record_history';
COMMENT ON COLUMN creditrisk.enterprise_history.valid_to IS 'First day this version is no longer valid (NULL = open)';
COMMENT ON COLUMN creditrisk.enterprise_history.superseded_at IS 'When this version stopped being known (NULL = still known: a version of earlier validity)';

-- Called by the trigger record_history (as the table owner) when version o
-- is replaced by n (NULL: deleted) at t.
CREATE FUNCTION creditrisk.register_history_write(o creditrisk.enterprise, n creditrisk.enterprise, t timestamptz)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, creditrisk, pg_temp AS $$
BEGIN
    IF n.uscc IS NOT NULL AND n.uscc <> o.uscc THEN
        RAISE EXCEPTION 'the USCC of an enterprise cannot change'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('%s would become %s.', o.uscc, n.uscc),
                  HINT = 'A USCC identifies the enterprise for life (GB 32100); register the other code as an enterprise of its own.';
    END IF;
    -- The replaced current version is no longer known from t.
    INSERT INTO creditrisk.enterprise_history
    SELECT (pg_catalog.jsonb_populate_record(NULL::creditrisk.enterprise_history,
                pg_catalog.to_jsonb(o) || pg_catalog.jsonb_build_object('superseded_at', t))).*;
    IF n IS NULL THEN
        -- Deleted: nothing of the enterprise is known any more.
        UPDATE creditrisk.enterprise_history h SET superseded_at = t WHERE h.uscc = o.uscc AND h.superseded_at IS NULL;
        RETURN;
    END IF;
    -- Known versions of earlier validity that the new one overlaps are no
    -- longer known as they were; what precedes the new version stays.
    WITH closed AS (
        UPDATE creditrisk.enterprise_history h SET superseded_at = t
         WHERE h.uscc = o.uscc AND h.superseded_at IS NULL AND (h.valid_to IS NULL OR h.valid_to > n.valid_from)
        RETURNING h.*
    )
    INSERT INTO creditrisk.enterprise_history
    SELECT (pg_catalog.jsonb_populate_record(NULL::creditrisk.enterprise_history,
                pg_catalog.to_jsonb(c) || pg_catalog.jsonb_build_object('recorded_at', t, 'valid_to', n.valid_from,
                                                                        'superseded_at', NULL))).*
      FROM closed c
     WHERE c.valid_from < n.valid_from;
    -- A change from a later day: the replaced facts stay valid before it.
    IF n.valid_from > o.valid_from THEN
        INSERT INTO creditrisk.enterprise_history
        SELECT (pg_catalog.jsonb_populate_record(NULL::creditrisk.enterprise_history,
                    pg_catalog.to_jsonb(o) || pg_catalog.jsonb_build_object('recorded_at', t, 'valid_to', n.valid_from))).*;
    END IF;
END
$$;
COMMENT ON FUNCTION creditrisk.register_history_write(creditrisk.enterprise, creditrisk.enterprise, timestamptz) IS
    'Called by the trigger record_history of creditrisk.enterprise: keeps the replaced version of a register entry (登记历史) and splits the known versions by valid time';

CREATE TRIGGER record_arrival BEFORE INSERT OR UPDATE OR DELETE ON creditrisk.enterprise
    FOR EACH ROW EXECUTE FUNCTION creditrisk.record_arrival();
CREATE TRIGGER record_history AFTER UPDATE OR DELETE ON creditrisk.enterprise
    FOR EACH ROW EXECUTE FUNCTION creditrisk.record_arrival();
CREATE TRIGGER history_truncate AFTER TRUNCATE ON creditrisk.enterprise
    FOR EACH STATEMENT EXECUTE FUNCTION creditrisk.history_truncate();

-- The register as it was on a date, as known at a moment.
-- (The branches of the UNION ALL carry no WHERE clause, so that the planner
-- flattens it and a join on uscc reaches both tables' indexes.)
CREATE FUNCTION creditrisk.register_at(as_of date, known_at timestamptz DEFAULT NULL)
RETURNS SETOF creditrisk.enterprise
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT h.uscc, h.name, h.division_code, h.industry_code, h.entity_type, h.established_date, h.registered_capital,
           h.paid_in_capital, h.status, h.status_date, h.parent_uscc, h.reported_by, h.received_at, h.valid_from,
           h.recorded_at
      FROM (SELECT e.*, NULL::date AS valid_to, NULL::timestamptz AS superseded_at FROM creditrisk.enterprise e
            UNION ALL
            SELECT h.* FROM creditrisk.enterprise_history h) h
     WHERE h.valid_from <= as_of AND (h.valid_to IS NULL OR h.valid_to > as_of)
       AND CASE WHEN known_at IS NULL THEN h.superseded_at IS NULL
                ELSE h.recorded_at <= known_at AND (h.superseded_at IS NULL OR h.superseded_at > known_at) END;
END;
COMMENT ON FUNCTION creditrisk.register_at(date, timestamptz) IS
    'The register (企业登记) as it was on as_of (valid time), as known at known_at (knowledge time; NULL = now): one version per enterprise, its division and industry of that day';

-- Each record table: <table>_history, its triggers, <table>_as_known(T).
DO $history$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['licence', 'penalty', 'spot_check', 'complaint', 'abnormal_listing',
                             'serious_dishonesty_listing', 'judgment_debtor_listing', 'annual_report',
                             'registration_change', 'related_party_link', 'equity_pledge_freeze', 'lawsuit',
                             'public_opinion', 'domain_risk_class', 'enforcement', 'confirmation', 'reward',
                             'indicator_value']
    LOOP
        PERFORM creditrisk.keep_history(format('creditrisk.%I', t)::regclass);
    END LOOP;
END
$history$;

-- Dates and amounts are data (issue 11): no NaN, no +-infinity, and no event
-- in the future.
--
-- Every date, timestamp and amount of the register and the records is
-- finite: 'NaN' >= 0 is true for numeric and 'infinity' passes any range
-- check, so each column has a CHECK of its own (<table>_<column>_finite, in
-- its CREATE TABLE above), immutable, so that it holds for restores too.
--
-- "Not in the future" depends on the clock, so it is not a CHECK (a CHECK is
-- re-evaluated by every restore, and a server whose clock is behind would
-- refuse yesterday's dump): the trigger creditrisk.dates_not_future() checks
-- the named dates against current_date when a record becomes known (an
-- INSERT that leaves recorded_at to the database) and when an UPDATE changes
-- them; a row restored or imported with its own recorded_at (which only the
-- tables' owner may give, see record_arrival()) is not compared with this
-- server's clock.  The trigger is named dates_not_future on every table, so
-- that it fires before record_arrival, which stamps recorded_at.
-- ---------------------------------------------------------------------------
CREATE FUNCTION creditrisk.dates_not_future() RETURNS trigger
    AS 'MODULE_PATHNAME', 'dates_not_future' LANGUAGE C;
COMMENT ON FUNCTION creditrisk.dates_not_future() IS
    'Trigger: the dates named as arguments are not after current_date when a record becomes known or is changed (rows restored or imported with their own recorded_at are not compared with the clock)';

DO $triggers$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT t, cols
          FROM (VALUES ('enterprise', ARRAY['established_date']),
                       ('licence', ARRAY['revoked_date', 'decision_date', 'platform_reported_on', 'published_on', 'withdrawn_on']),
                       ('penalty', ARRAY['decision_date', 'revoked_on', 'platform_reported_on', 'published_on', 'withdrawn_on']),
                       ('spot_check', ARRAY['check_date']),
                       ('complaint', ARRAY['received_date']), ('abnormal_listing', ARRAY['listed_date', 'removed_date']),
                       ('serious_dishonesty_listing', ARRAY['listed_date', 'removed_date']),
                       ('judgment_debtor_listing', ARRAY['listed_date', 'removed_date']),
                       ('annual_report', ARRAY['filed_on']), ('registration_change', ARRAY['change_date']),
                       ('equity_pledge_freeze', ARRAY['start_date']), ('lawsuit', ARRAY['filed_date']),
                       ('public_opinion', ARRAY['published_date']), ('domain_risk_class', ARRAY['assessed_date']),
                       ('enforcement', ARRAY['decision_date', 'lifted_date']), ('confirmation', ARRAY['confirmed_date']),
                       ('reward', ARRAY['award_date', 'revoked_date'])) v(t, cols)
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON creditrisk.%I FOR EACH ROW '
                       'EXECUTE FUNCTION creditrisk.dates_not_future(%s)',
                       'dates_not_future', c.t,
                       (SELECT string_agg(quote_literal(x), ', ') FROM unnest(c.cols) x));
    END LOOP;
END
$triggers$;

-- Every record names a reporting unit on the register, active on the
-- record's date (the date below, as an expression over the new row n); a
-- loader reports only as its own unit (extension/units.sql: a checked
-- reference, not a foreign key, so that pg_restore -j can load the tables in
-- any order).  The register
-- entry's date is the day it was reported (in China Standard Time).
DO $units$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT t, day
          FROM (VALUES ('enterprise', '(n.received_at AT TIME ZONE ''Asia/Shanghai'')::date'),
                       ('licence', 'n.valid_from'), ('penalty', 'n.decision_date'), ('spot_check', 'n.check_date'),
                       ('complaint', 'n.received_date'), ('abnormal_listing', 'n.listed_date'),
                       ('serious_dishonesty_listing', 'n.listed_date'), ('judgment_debtor_listing', 'n.listed_date'),
                       ('annual_report', 'n.filed_on'), ('registration_change', 'n.change_date'),
                       ('related_party_link', 'coalesce(n.valid_from, (n.received_at AT TIME ZONE ''Asia/Shanghai'')::date)'),
                       ('equity_pledge_freeze', 'n.start_date'), ('lawsuit', 'n.filed_date'),
                       ('public_opinion', 'n.published_date'), ('domain_risk_class', 'n.assessed_date'),
                       ('enforcement', 'n.decision_date'), ('confirmation', 'n.confirmed_date'),
                       ('reward', 'n.award_date'), ('indicator_value', 'n.as_of')) v(t, day)
    LOOP
        PERFORM creditrisk.reporting_unit_attach(format('creditrisk.%I', c.t)::regclass, c.day);
    END LOOP;
END
$units$;

-- User data survives pg_dump (one call per statement: each updates pg_extension).
DO $dump$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['enterprise', 'licence', 'penalty', 'spot_check', 'complaint', 'abnormal_listing',
                             'serious_dishonesty_listing', 'judgment_debtor_listing', 'annual_report',
                             'registration_change', 'related_party_link', 'equity_pledge_freeze', 'lawsuit',
                             'public_opinion', 'domain_risk_class', 'enforcement', 'confirmation', 'reward',
                             'indicator_value', 'enterprise_history']
    LOOP
        PERFORM pg_catalog.pg_extension_config_dump(format('creditrisk.%I', t)::regclass, '');
        IF t NOT IN ('enterprise', 'indicator_value', 'enterprise_history') THEN
            PERFORM pg_catalog.pg_extension_config_dump(
                pg_catalog.pg_get_serial_sequence(format('creditrisk.%I', t), 'id')::regclass, '');
        END IF;
    END LOOP;
END
$dump$;

-- Loaded indicator values as known at a moment (knowledge time, like the
-- other readers of a run: values loaded or corrected after known_at do not
-- count; NULL = as known now).
CREATE FUNCTION creditrisk.loaded_indicators(model text, as_of date, known_at timestamptz)
RETURNS TABLE (uscc creditrisk.uscc, indicators jsonb)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, creditrisk, pg_temp AS $$
    SELECT v.uscc, jsonb_object_agg(v.code, v.value)
      FROM creditrisk.indicator_value_as_known(loaded_indicators.known_at) v
      JOIN creditrisk.model_indicator mi ON mi.code = v.code AND mi.model_key = loaded_indicators.model
     WHERE v.as_of = loaded_indicators.as_of
     GROUP BY v.uscc
$$;
COMMENT ON FUNCTION creditrisk.loaded_indicators(text, date, timestamptz) IS
    'Loaded indicator values (外部导入的指标值) of a model as of a date, as known at known_at (NULL = now), one JSON object per enterprise, ready for score(model, jsonb)';

REVOKE ALL ON ALL TABLES IN SCHEMA creditrisk FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA creditrisk FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA creditrisk FROM PUBLIC;
REVOKE ALL ON DOMAIN creditrisk.industry_code FROM PUBLIC;
REVOKE ALL ON FUNCTION creditrisk.register_history_write(creditrisk.enterprise, creditrisk.enterprise, timestamptz),
                       creditrisk.register_at(date, timestamptz) FROM PUBLIC;

-- Each record (and indicator value) refers to its enterprise on the register,
-- and an indicator value to its catalogue entry: references that pg_restore -j
-- can load in any order (extension/references.sql); the names are those of
-- the foreign keys they replace (1.4 and before).
DO $references$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['licence', 'penalty', 'spot_check', 'complaint', 'abnormal_listing',
                             'serious_dishonesty_listing', 'judgment_debtor_listing', 'annual_report',
                             'registration_change', 'equity_pledge_freeze', 'lawsuit', 'public_opinion',
                             'domain_risk_class', 'indicator_value', 'enforcement', 'confirmation', 'reward']
    LOOP
        PERFORM creditrisk.add_reference(t || '_uscc_fkey', format('creditrisk.%I', t)::regclass, 'uscc',
                                         'creditrisk.enterprise', 'uscc');
    END LOOP;
    PERFORM creditrisk.add_reference('related_party_link_from_uscc_fkey', 'creditrisk.related_party_link', 'from_uscc',
                                     'creditrisk.enterprise', 'uscc');
    PERFORM creditrisk.add_reference('related_party_link_to_uscc_fkey', 'creditrisk.related_party_link', 'to_uscc',
                                     'creditrisk.enterprise', 'uscc');
    PERFORM creditrisk.add_reference('indicator_value_code_fkey', 'creditrisk.indicator_value', 'code',
                                     'creditrisk.indicator', 'code', 'restrict', 'shipped');
END
$references$;
