/*
 * indicator_derive.h
 *		The derivations of the built-in entries that are not plain counters
 *		(indicator_registry.h), inline: the output loop of compute.c
 *		evaluates them in place, its basis (capital, legal form) found once
 *		per enterprise, rather than through an out-of-line call per value
 *		(issue 11).  indicator_registry.c's builtin_value() is the same
 *		switch out of line.
 */
#ifndef CREDITRISK_INDICATOR_DERIVE_H
#define CREDITRISK_INDICATOR_DERIVE_H

#include "utils/datetime.h"

#include "indicator_registry.h"

/* ------------------------------------------------------------------------
 * Derivations
 *
 * DERIVE(code) opens the derivation of a DERIVED entry: it sets *v and
 * returns true, or returns false when the value is missing.  e is the
 * enterprise, basis the one whose capital and legal form count (the parent
 * of a branch; NULL when the branch's parent is not on the register on D,
 * or hidden by the caller's policies: those values are then missing, as
 * the SQL definitions' lookups find nothing), st->w the windows.
 * ------------------------------------------------------------------------ */

#define DERIVE(code) \
	static pg_attribute_always_inline bool \
	derive_##code(const ComputeState *st, const Enterprise *e, const EnterpriseRegister *basis, double *v)

/* Gravity of an abnormal-listing reason (indicator_rules.c) back to the reason: 1 < 9 < 2 < 3 < 4. */
static const uint8 derive_gravity_reason[6] = {0, 1, 9, 2, 3, 4};

static inline int
popcount3(uint8 bits)
{
	return (bits & 1) + ((bits >> 1) & 1) + ((bits >> 2) & 1);
}

/* Due years Y, Y-1, Y-2 that count for the enterprise (from its establishment year). */
static inline uint8
due_years(const Windows *w, const Enterprise *e)
{
	int			est_year;
	int			month;
	int			day;
	uint8		mask = 0;

	j2date(e->established + POSTGRES_EPOCH_JDATE, &est_year, &month, &day);
	for (int k = 0; k < 3; k++)
		if (w->latest_due_year - k >= est_year)
			mask |= 1 << k;
	return mask;
}

DERIVE(registered_capital)
{
	if (basis == NULL || basis->registered_capital_null)
		return false;
	*v = amount_to_double(basis->registered_capital);
	return true;
}

DERIVE(branch_count)
{
	*v = e->has_parent ? 0 : e->branches;
	return true;
}

DERIVE(years_in_operation)
{
	*v = (double) (st->w.d - e->established) / 365.25;
	return true;
}

DERIVE(status_revoked)
{
	*v = e->status == ST_REVOKED && e->status_date <= st->w.d;
	return true;
}

DERIVE(entity_type_class)
{
	if (basis == NULL)
		return false;
	*v = basis->entity_type;
	return true;
}

DERIVE(is_branch)
{
	*v = e->has_parent;
	return true;
}

DERIVE(industry_section_class)
{
	*v = e->section;
	return true;
}

DERIVE(key_field_industry)
{
	*v = e->key_field_industry || e->domain_class;
	return true;
}

DERIVE(licence_lapsed)
{
	*v = e->licence_lapsed;
	return true;
}

DERIVE(paid_in_ratio)
{
	if (basis == NULL || basis->registered_capital_null || basis->paid_in_capital_null ||
		basis->registered_capital == 0)
		return false;
	*v = amount_to_double(basis->paid_in_capital) / amount_to_double(basis->registered_capital);
	return true;
}

DERIVE(unpaid_capital)
{
	if (basis == NULL || basis->registered_capital_null || basis->paid_in_capital_null)
		return false;
	*v = amount_to_double(basis->registered_capital - basis->paid_in_capital);
	return true;
}

DERIVE(annual_report_latest_missing)
{
	*v = (due_years(&st->w, e) & 1) && !(e->reports_filed & 1);
	return true;
}

DERIVE(annual_reports_missing_3y)
{
	*v = popcount3(due_years(&st->w, e) & ~e->reports_filed);
	return true;
}

DERIVE(annual_reports_late_3y)
{
	*v = popcount3(due_years(&st->w, e) & e->reports_late);
	return true;
}

DERIVE(abnormal_list_current)
{
	*v = e->abnormal_current;
	return true;
}

DERIVE(abnormal_list_reason_current)
{
	Assert(e->abnormal_gravity < lengthof(derive_gravity_reason));
	*v = derive_gravity_reason[e->abnormal_gravity];
	return true;
}

DERIVE(abnormal_list_current_days)
{
	*v = e->abnormal_current ? st->w.d - e->abnormal_first_current + 1 : 0;
	return true;
}

DERIVE(serious_dishonesty_current)
{
	*v = e->serious_current;
	return true;
}

DERIVE(judgment_debtor_current)
{
	*v = e->debtor_current;
	return true;
}

DERIVE(penalty_max_severity_3y)
{
	*v = e->penalty_max_severity_3y;
	return true;
}

DERIVE(penalty_fines_3y)
{
	*v = amount_to_double(e->fines_3y);
	return true;
}

DERIVE(spot_check_last_outcome)
{
	if (e->last_check_outcome == 0)
		return false;
	*v = e->last_check_outcome;
	return true;
}

DERIVE(spot_check_pass_ratio_3y)
{
	if (e->checks_3y == 0)
		return false;
	*v = (double) e->checks_pass_3y / e->checks_3y;
	return true;
}

DERIVE(related_revoked_ratio)
{
	if (e->related_seen == 0)
		return false;
	*v = (double) e->related_revoked / e->related_seen;
	return true;
}

DERIVE(parent_adverse)
{
	const EnterpriseRegister *p;
	RelatedFacts pf;

	if (e->parent < 0)
	{
		*v = 0;
		return true;
	}
	p = register_facts(st, e->parent);
	related_facts(st, e->parent, &pf);
	/* (its register facts when the caller's policies show them; records count only then anyway) */
	*v = (p->seen && p->status != ST_IN_BUSINESS && p->status_date <= st->w.d) ||
		pf.abnormal_current || pf.serious_current || pf.debtor_current;
	return true;
}

DERIVE(shareholder_listed_current)
{
	*v = e->shareholder_listed;
	return true;
}

DERIVE(complaints_growth_3m)
{
	*v = (double) (e->received_3m - e->received_prev_3m) / (e->received_prev_3m + 1);
	return true;
}

DERIVE(substantiated_ratio_1y)
{
	if (e->received_1y == 0)
		return false;
	*v = (double) e->substantiated_1y / e->received_1y;
	return true;
}

DERIVE(negative_opinion_share_1y)
{
	if (e->opinions_1y == 0)
		return false;
	*v = (double) e->negative_1y / e->opinions_1y;
	return true;
}

/* A positive signal: the highest level of the rewards counted by rewards_3y. */
DERIVE(reward_level_3y)
{
	*v = e->reward_level_3y;
	return true;
}

/*
 * The enterprise whose capital and legal form count for e: itself, or the
 * parent of a branch; NULL when that parent is not on the register on D or
 * hidden by the caller's policies.
 */
static inline const EnterpriseRegister *
derive_basis(const ComputeState *st, const Enterprise *e)
{
	/*
	 * (an Enterprise begins with the members of an EnterpriseRegister, in
	 * the same layout, engine.h; PostgreSQL builds without strict aliasing)
	 */
	return !e->has_parent ? (const EnterpriseRegister *) e :
		e->parent >= 0 && st->reg[e->parent].seen ? &st->reg[e->parent] : NULL;
}

/* A derived entry's value: false when missing. */
static pg_attribute_always_inline bool
builtin_derive(const ComputeState *st, const Enterprise *e, const EnterpriseRegister *basis, int id, double *out)
{
	Assert(id >= 0 && id < BI_COUNT);
	switch ((BuiltinId) id)
	{
#define CASE_COUNTER(code, tables, field)
#define CASE_DERIVED(code, tables) \
		case BI_##code: return derive_##code(st, e, basis, out);
			BUILTIN_INDICATORS(CASE_COUNTER, CASE_DERIVED)
#undef CASE_COUNTER
#undef CASE_DERIVED
		default:
			/* the counters are read directly (builtin_indicators[id].counter) */
			elog(ERROR, "creditrisk: built-in indicator %s is a counter, not derived",
				 builtin_indicators[id].code);
	}
	pg_unreachable();
}

#endif							/* CREDITRISK_INDICATOR_DERIVE_H */
