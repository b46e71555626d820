/*
 * indicator_registry.c
 *		The registry of built-in indicators (indicator_registry.h): the
 *		table generated from the list, the derivations of the entries that
 *		are not plain counters, and engine_indicator_codes() for SQL.
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/datetime.h"

#include "indicator_registry.h"

/*
 * Every counter must be an int32 field of Enterprise: the output loop reads
 * it as one.
 */
#ifdef HAVE__BUILTIN_TYPES_COMPATIBLE_P
#define IS_INT32_FIELD(field) \
	__builtin_types_compatible_p(__typeof__(((Enterprise *) 0)->field), int32)
#else
#define IS_INT32_FIELD(field) (sizeof(((Enterprise *) 0)->field) == sizeof(int32))
#endif

#define CHECK_COUNTER(code, tables, field) \
	StaticAssertDecl(IS_INT32_FIELD(field), "counter of " #code " is not an int32 field of Enterprise");
#define CHECK_DERIVED(code, tables)
BUILTIN_INDICATORS(CHECK_COUNTER, CHECK_DERIVED)
#undef CHECK_COUNTER
#undef CHECK_DERIVED

const BuiltinIndicator builtin_indicators[BI_COUNT] = {
#define ENTRY_COUNTER(code_, tables_, field) \
	[BI_##code_] = {.code = #code_, .tables = (tables_), .counter = offsetof(Enterprise, field)},
#define ENTRY_DERIVED(code_, tables_) \
	[BI_##code_] = {.code = #code_, .tables = (tables_), .counter = -1},
	BUILTIN_INDICATORS(ENTRY_COUNTER, ENTRY_DERIVED)
#undef ENTRY_COUNTER
#undef ENTRY_DERIVED
};

int
builtin_find(const char *code)
{
	for (int i = 0; i < BI_COUNT; i++)
		if (strcmp(builtin_indicators[i].code, code) == 0)
			return i;
	return -1;
}

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
	static bool \
	derive_##code(const ComputeState *st, const Enterprise *e, const EnterpriseRegister *basis, double *v)

/* Gravity of an abnormal-listing reason (indicator_rules.c) back to the reason: 1 < 9 < 2 < 3 < 4. */
static const uint8 gravity_reason[6] = {0, 1, 9, 2, 3, 4};

static int
popcount3(uint8 bits)
{
	return (bits & 1) + ((bits >> 1) & 1) + ((bits >> 2) & 1);
}

/* Due years Y, Y-1, Y-2 that count for the enterprise (from its establishment year). */
static uint8
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
	Assert(e->abnormal_gravity < lengthof(gravity_reason));
	*v = gravity_reason[e->abnormal_gravity];
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

bool
builtin_value(const ComputeState *st, const Enterprise *e, int id, double *out)
{
	/* capital, legal form */
	/*
	 * (an Enterprise begins with the members of an EnterpriseRegister, in
	 * the same layout, engine.h; PostgreSQL builds without strict aliasing)
	 */
	const EnterpriseRegister *basis = !e->has_parent ? (const EnterpriseRegister *) e :
		e->parent >= 0 && st->reg[e->parent].seen ? &st->reg[e->parent] : NULL;

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

/*
 * Built-in indicators added after 1.4, with the extension version whose
 * catalogue brings their entry (every other code is in reference-v1, 1.4).
 * The install and update scripts compare the catalogue with the codes of the
 * version being installed: the frozen 1.3 -> 1.4 script runs with this
 * module and must not see a code whose entry only 1.5 adds.
 */
static const struct
{
	const char *code;
	int			major;
	int			minor;
}			builtin_since[] = {
	{.code = "commitment_breaches_3y", .major = 1, .minor = 5},
	{.code = "enforcement_in_force", .major = 1, .minor = 6},
	{.code = "enforcement_2y", .major = 1, .minor = 6},
	{.code = "confirmations_valid", .major = 1, .minor = 6},
	{.code = "rewards_3y", .major = 1, .minor = 6},
	{.code = "reward_level_3y", .major = 1, .minor = 6},
};

/* The installed (or being installed) version of creditrisk, as major * 1000 + minor. */
static int
catalogue_version(void)
{
	int			major = 0;
	int			minor = 0;
	bool		found = false;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	if (SPI_execute("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'creditrisk'", true, 1) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: reading the extension's version failed");
	if (SPI_processed == 1)
	{
		char	   *v = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		found = v != NULL && sscanf(v, "%d.%d", &major, &minor) == 2;
	}
	SPI_finish();
	/* not installed (or an unusual version string): every code */
	return found ? major * 1000 + minor : INT_MAX;
}

/*
 * engine_indicator_codes() RETURNS SETOF text: the codes of the registry, in
 * its order, that the catalogue of the installed version has.  The install
 * script compares them with the catalogue.
 */
PG_FUNCTION_INFO_V1(engine_indicator_codes);
Datum
engine_indicator_codes(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			version = catalogue_version();

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	for (int i = 0; i < BI_COUNT; i++)
	{
		Datum		value = CStringGetTextDatum(builtin_indicators[i].code);
		bool		isnull = false;
		bool		later = false;

		for (int j = 0; j < lengthof(builtin_since); j++)
			if (strcmp(builtin_since[j].code, builtin_indicators[i].code) == 0 &&
				builtin_since[j].major * 1000 + builtin_since[j].minor > version)
				later = true;
		if (later)
			continue;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	}
	return (Datum) 0;
}
