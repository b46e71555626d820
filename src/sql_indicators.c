/*
 * sql_indicators.c
 *		The indicators computed by their SQL definitions
 *		(creditrisk.indicator.definition_sql): which of a model's entries
 *		are built in and which are not, the values of the SQL-defined
 *		entries in one query, and the whole computation through the SQL
 *		definitions where row-level security applies to the caller.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "indicator_registry.h"
#include "model.h"

/*
 * The model's entries in its order: code, whether built in (registry id),
 * SQL definition.  Refuses a model one of whose entries is neither built in
 * nor defined in SQL.
 */
void
load_model_columns(const char *model, ModelColumns *mc, MemoryContext outer)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	StringInfoData missing;

	args[0] = CStringGetTextDatum(model);
	if (SPI_execute_with_args("SELECT 1 FROM creditrisk.model WHERE model_key = $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: model lookup failed");
	if (SPI_processed == 0)
		report_model_not_found(model);

	if (SPI_execute_with_args("SELECT mi.code, i.builtin, i.definition_sql"
							  "  FROM creditrisk.model_indicator mi"
							  "  JOIN creditrisk.indicator i ON i.code = mi.code"
							  " WHERE mi.model_key = $1 ORDER BY mi.position",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: model indicators lookup failed");

	mc->n = (int) SPI_processed;
	mc->builtin = MemoryContextAlloc(outer, sizeof(int) * (mc->n + 1));
	mc->code = MemoryContextAlloc(outer, sizeof(char *) * (mc->n + 1));
	mc->definition = MemoryContextAlloc(outer, sizeof(char *) * (mc->n + 1));
	mc->custom_pos = MemoryContextAlloc(outer, sizeof(int) * (mc->n + 1));
	mc->ncustom = 0;
	initStringInfo(&missing);
	for (int i = 0; i < mc->n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		bool		builtin = DatumGetBool(SPI_getbinval(tup, desc, 2, &isnull));
		char	   *def = SPI_getvalue(tup, desc, 3);

		mc->code[i] = MemoryContextStrdup(outer, SPI_getvalue(tup, desc, 1));
		mc->definition[i] = def ? MemoryContextStrdup(outer, def) : NULL;
		mc->builtin[i] = builtin ? builtin_find(mc->code[i]) : -1;
		if (mc->builtin[i] < 0)
		{
			if (def == NULL)
				appendStringInfo(&missing, "%s%s", missing.len ? ", " : "", mc->code[i]);
			mc->custom_pos[mc->ncustom++] = i;
		}
	}
	if (missing.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" uses indicators without an SQL definition", model),
				 errdetail("Without a definition: %s.", missing.data),
				 errhint("Set creditrisk.indicator.definition_sql, or load their values into creditrisk.indicator_value and score those.")));
}

/* Called with each row of a query run by for_each_row(). */
typedef void (*RowCallback) (HeapTuple tup, TupleDesc desc, void *arg);

/* Run a query with parameters $1 (date) and $2 (timestamptz), row by row through a cursor. */
static void
for_each_row(const char *sql, const char *what, Datum *args, const char *nulls, RowCallback fn, void *arg)
{
	Oid			argtypes[2] = {DATEOID, TIMESTAMPTZOID};
	SPIPlanPtr	plan = SPI_prepare(sql, 2, argtypes);
	Portal		portal;

	if (plan == NULL)
		elog(ERROR, "creditrisk: SPI_prepare failed for %s: %s", what, SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, args, nulls, true);
	for (;;)
	{
		SPI_cursor_fetch(portal, true, 10000);
		if (SPI_processed == 0)
			break;
		for (uint64 r = 0; r < SPI_processed; r++)
			fn(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, arg);
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
}

typedef struct CustomValues
{
	ComputeState *st;
	const ModelColumns *mc;
	double	   *custom;
	bool	   *custom_null;
} CustomValues;

static void
store_custom_row(HeapTuple tup, TupleDesc desc, void *arg)
{
	CustomValues *cv = arg;
	int			ncustom = cv->mc->ncustom;
	bool		isnull;
	int32		s = index_lookup(cv->st, DatumGetUsccP(SPI_getbinval(tup, desc, 1, &isnull)));

	if (s < 0)
		return;
	for (int k = 0; k < ncustom; k++)
	{
		Datum		d = SPI_getbinval(tup, desc, k + 2, &isnull);

		cv->custom_null[(Size) s * ncustom + k] = isnull;
		cv->custom[(Size) s * ncustom + k] = isnull ? 0 : DatumGetFloat8(d);
	}
}

/*
 * Values of the SQL-defined entries, in one query: custom[slot * ncustom + k].
 */
void
compute_custom(ComputeState *st, const ModelColumns *mc, double *custom, bool *custom_null)
{
	StringInfoData sql;
	Datum		args[2] = {DateADTGetDatum(st->w.d), TimestampTzGetDatum(st->known_at)};
	char		argnulls[2] = {' ', st->known_given ? ' ' : 'n'};
	CustomValues cv = {st, mc, custom, custom_null};

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT e.uscc");
	for (int k = 0; k < mc->ncustom; k++)
		appendStringInfo(&sql, ",\n (%s)::double precision", mc->definition[mc->custom_pos[k]]);
	appendStringInfoString(&sql, "\n FROM creditrisk.register_at($1, $2) e"
						   " WHERE creditrisk.in_population(e.established_date, e.status, e.status_date, $1)");
	for_each_row(sql.data, "the SQL-defined indicators", args, argnulls, store_custom_row, &cv);
}

static void
store_result_row(HeapTuple tup, TupleDesc desc, void *arg)
{
	tuplestore_puttuple((Tuplestorestate *) arg, tup);
}

/* The whole computation through the SQL definitions (honours policies). */
void
compute_by_sql(const char *model, DateADT as_of, bool known_given, TimestampTz known_at, Tuplestorestate *ts)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(model)};
	Datum		dargs[2] = {DateADTGetDatum(as_of), TimestampTzGetDatum(known_at)};
	char		dnulls[2] = {' ', known_given ? ' ' : 'n'};

	if (SPI_execute_with_args("SELECT creditrisk.indicators_to_sql($1)", 1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: indicators_to_sql failed");
	for_each_row(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), "indicators_to_sql()",
				 dargs, dnulls, store_result_row, ts);
}
