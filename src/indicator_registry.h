/*
 * indicator_registry.h
 *		The built-in indicators: the catalogue entries compute_indicators()
 *		computes in C, each declared once, in the list below.
 *
 * An entry of the list is one of
 *
 *	COUNTER(code, tables, field)
 *		the value is the int32 counter Enterprise.field (engine.h), as the
 *		row functions leave it; checked at compile time to be an int32;
 *	DERIVED(code, tables)
 *		the value is computed by derive_<code>() in indicator_registry.c,
 *		which must exist (the build fails without it);
 *
 * code is the catalogue's code (creditrisk.indicator.code), tables the set
 * of record tables it reads (R(ID) | ..., engine.h; the register is always
 * read).  The install script checks that the catalogue's built-in entries
 * are exactly these codes (creditrisk.engine_indicator_codes()), so a
 * misspelled code fails CREATE EXTENSION instead of falling back to SQL.
 */
#ifndef CREDITRISK_INDICATOR_REGISTRY_H
#define CREDITRISK_INDICATOR_REGISTRY_H

#include "engine.h"

#define BUILTIN_INDICATORS(COUNTER, DERIVED) \
	DERIVED(registered_capital, 0) \
	COUNTER(corporate_shareholder_count, R(LINK), shareholders) \
	DERIVED(branch_count, 0) \
	COUNTER(outbound_investment_count, R(LINK), investments) \
	DERIVED(years_in_operation, 0) \
	DERIVED(status_revoked, 0) \
	DERIVED(entity_type_class, 0) \
	DERIVED(is_branch, 0) \
	DERIVED(industry_section_class, 0) \
	DERIVED(key_field_industry, R(DOMAIN_CLASS)) \
	DERIVED(licence_lapsed, R(LICENCE)) \
	COUNTER(licence_expired_unrenewed_1y, R(LICENCE), licences_unrenewed_1y) \
	COUNTER(licence_revoked_3y, R(LICENCE), licences_revoked_3y) \
	COUNTER(legal_rep_changes_1y, R(CHANGE), changes_legal_rep_1y) \
	COUNTER(name_changes_1y, R(CHANGE), changes_name_1y) \
	COUNTER(address_changes_1y, R(CHANGE), changes_address_1y) \
	COUNTER(scope_changes_1y, R(CHANGE), changes_scope_1y) \
	COUNTER(capital_changes_1y, R(CHANGE), changes_capital_1y) \
	COUNTER(changes_total_3y, R(CHANGE), changes_3y) \
	DERIVED(paid_in_ratio, 0) \
	DERIVED(unpaid_capital, 0) \
	DERIVED(annual_report_latest_missing, R(ANNUAL_REPORT)) \
	DERIVED(annual_reports_missing_3y, R(ANNUAL_REPORT)) \
	DERIVED(annual_reports_late_3y, R(ANNUAL_REPORT)) \
	COUNTER(equity_pledges_current, R(EQUITY), pledges_current) \
	COUNTER(equity_freezes_current, R(EQUITY), freezes_current) \
	COUNTER(equity_pledges_1y, R(EQUITY), pledges_1y) \
	COUNTER(equity_freezes_3y, R(EQUITY), freezes_3y) \
	COUNTER(lawsuits_defendant_1y, R(LAWSUIT), defendant_1y) \
	COUNTER(lawsuits_defendant_3y, R(LAWSUIT), defendant_3y) \
	COUNTER(labour_disputes_defendant_1y, R(LAWSUIT), labour_defendant_1y) \
	COUNTER(criminal_defendant_3y, R(LAWSUIT), criminal_defendant_3y) \
	DERIVED(abnormal_list_current, R(ABNORMAL)) \
	COUNTER(abnormal_list_times_3y, R(ABNORMAL), abnormal_times_3y) \
	DERIVED(abnormal_list_reason_current, R(ABNORMAL)) \
	DERIVED(abnormal_list_current_days, R(ABNORMAL)) \
	DERIVED(serious_dishonesty_current, R(SERIOUS)) \
	COUNTER(serious_dishonesty_listings_5y, R(SERIOUS), serious_listings_5y) \
	COUNTER(serious_dishonesty_removed_2y, R(SERIOUS), serious_removed_2y) \
	DERIVED(judgment_debtor_current, R(JUDGMENT)) \
	COUNTER(judgment_debtor_listings_3y, R(JUDGMENT), debtor_listings_3y) \
	COUNTER(judgment_debtor_removed_1y, R(JUDGMENT), debtor_removed_1y) \
	COUNTER(penalties_1y, R(PENALTY), penalties_1y) \
	COUNTER(penalties_3y, R(PENALTY), penalties_3y) \
	COUNTER(penalties_in_publicity, R(PENALTY), penalties_in_publicity) \
	DERIVED(penalty_max_severity_3y, R(PENALTY)) \
	COUNTER(penalties_serious_3y, R(PENALTY), penalties_serious_3y) \
	COUNTER(penalties_general_3y, R(PENALTY), penalties_general_3y) \
	DERIVED(penalty_fines_3y, R(PENALTY)) \
	COUNTER(penalties_key_field_1y, R(PENALTY), penalties_key_1y) \
	COUNTER(penalties_key_field_3y, R(PENALTY), penalties_key_3y) \
	COUNTER(penalties_key_field_serious_3y, R(PENALTY), penalties_key_serious_3y) \
	COUNTER(spot_check_refused_1y, R(SPOT_CHECK), checks_refused_1y) \
	COUNTER(spot_check_problems_3y, R(SPOT_CHECK), checks_problems_3y) \
	COUNTER(spot_check_rectification_1y, R(SPOT_CHECK), checks_rectification_1y) \
	COUNTER(spot_check_not_found_3y, R(SPOT_CHECK), checks_not_found_3y) \
	DERIVED(spot_check_last_outcome, R(SPOT_CHECK)) \
	DERIVED(spot_check_pass_ratio_3y, R(SPOT_CHECK)) \
	COUNTER(related_enterprise_count, R(LINK), related) \
	COUNTER(common_legal_rep_count, R(LINK), related_common_rep) \
	COUNTER(related_revoked_count, R(LINK), related_revoked) \
	DERIVED(related_revoked_ratio, R(LINK)) \
	COUNTER(related_cancelled_1y, R(LINK), related_cancelled_1y) \
	COUNTER(related_abnormal_current, R(LINK) | R(ABNORMAL), related_abnormal) \
	COUNTER(related_serious_dishonesty_current, R(LINK) | R(SERIOUS), related_serious) \
	COUNTER(related_judgment_debtor_current, R(LINK) | R(JUDGMENT), related_debtor) \
	COUNTER(related_penalties_1y, R(LINK) | R(PENALTY), related_penalties_1y) \
	COUNTER(related_serious_penalties_3y, R(LINK) | R(PENALTY), related_serious_penalties_3y) \
	DERIVED(parent_adverse, R(ABNORMAL) | R(SERIOUS) | R(JUDGMENT)) \
	DERIVED(shareholder_listed_current, R(LINK) | R(SERIOUS) | R(JUDGMENT)) \
	COUNTER(complaints_1y, R(COMPLAINT), complaints_1y) \
	COUNTER(complaints_3y, R(COMPLAINT), complaints_3y) \
	COUNTER(complaints_substantiated_1y, R(COMPLAINT), complaints_substantiated_1y) \
	DERIVED(complaints_growth_3m, R(COMPLAINT)) \
	COUNTER(reports_1y, R(COMPLAINT), reports_1y) \
	COUNTER(reports_3y, R(COMPLAINT), reports_3y) \
	COUNTER(reports_substantiated_1y, R(COMPLAINT), reports_substantiated_1y) \
	DERIVED(substantiated_ratio_1y, R(COMPLAINT)) \
	COUNTER(negative_opinion_1y, R(OPINION), negative_1y) \
	COUNTER(negative_opinion_3m, R(OPINION), negative_3m) \
	DERIVED(negative_opinion_share_1y, R(OPINION)) \
	COUNTER(commitment_breaches_3y, R(COMMITMENT), commitment_breaches_3y) \
	COUNTER(enforcement_in_force, R(ENFORCEMENT), enforcement_in_force) \
	COUNTER(enforcement_2y, R(ENFORCEMENT), enforcement_2y) \
	COUNTER(confirmations_valid, R(CONFIRMATION), confirmations_valid) \
	COUNTER(rewards_3y, R(REWARD), rewards_3y) \
	DERIVED(reward_level_3y, R(REWARD))

typedef enum BuiltinId
{
#define BUILTIN_ID_COUNTER(code, tables, field) BI_##code,
#define BUILTIN_ID_DERIVED(code, tables) BI_##code,
	BUILTIN_INDICATORS(BUILTIN_ID_COUNTER, BUILTIN_ID_DERIVED)
#undef BUILTIN_ID_COUNTER
#undef BUILTIN_ID_DERIVED
	BI_COUNT
} BuiltinId;

typedef struct BuiltinIndicator
{
	const char *code;
	uint32		tables;			/* record tables it reads (the register always) */
	int			counter;		/* offset of its int32 counter in Enterprise; -1: derived */
} BuiltinIndicator;

extern const BuiltinIndicator builtin_indicators[BI_COUNT];

/* The id of a built-in code, or -1. */
extern int	builtin_find(const char *code);

/* The value of a derived built-in indicator; false when it is missing. */
extern bool builtin_value(const ComputeState *st, const Enterprise *e, int id, double *out);

#endif							/* CREDITRISK_INDICATOR_REGISTRY_H */
