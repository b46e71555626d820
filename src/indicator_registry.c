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

#include "indicator_derive.h"

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

bool
builtin_value(const ComputeState *st, const Enterprise *e, int id, double *out)
{
	return builtin_derive(st, e, derive_basis(st, e), id, out);
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
