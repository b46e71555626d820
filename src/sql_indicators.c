/*
 * sql_indicators.c
 *		The indicators computed by their SQL definitions
 *		(creditrisk.indicator.definition_sql): which of a model's entries
 *		are built in and which are not, the values of the SQL-defined
 *		entries (one query per role they run as: their author's, in a
 *		security-restricted operation, see stored_sql.c), and the whole
 *		computation through the SQL definitions where row-level security
 *		applies to the caller.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "indicator_registry.h"
#include "model.h"
#include "stored_sql.h"
#include "uscc.h"

/*
 * The two lookups of load_model_columns(), planned once per session and
 * kept (SPI_keepplan: the plan cache re-plans them after a change to the
 * tables, a role change where row-level security applies, or a new
 * search_path; the names are qualified anyway).  Planning them on every
 * call was 11 % of one explanation's indicators (compute_enterprise_indicators(),
 * one call per enterprise), where the model is loaded each time.
 */
static SPIPlanPtr model_exists_plan = NULL;
static SPIPlanPtr model_columns_plan = NULL;

static SPIPlanPtr
model_lookup_plan(SPIPlanPtr *kept, const char *sql)
{
	if (*kept == NULL)
	{
		Oid			argtypes[1] = {TEXTOID};
		SPIPlanPtr	plan = SPI_prepare(sql, 1, argtypes);

		if (plan == NULL)
			elog(ERROR, "creditrisk: SPI_prepare failed for a model lookup: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "creditrisk: SPI_keepplan failed");
		*kept = plan;
	}
	return *kept;
}

/*
 * The model's entries in its order: code, whether built in (registry id),
 * SQL definition.  Refuses a model one of whose entries is neither built in
 * nor defined in SQL.
 */
void
load_model_columns(const char *model, ModelColumns *mc, MemoryContext outer)
{
	Datum		args[1];
	StringInfoData missing;

	args[0] = CStringGetTextDatum(model);
	if (SPI_execute_plan(model_lookup_plan(&model_exists_plan,
										   "SELECT 1 FROM creditrisk.model WHERE model_key = $1"),
						 args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: model lookup failed");
	if (SPI_processed == 0)
		report_model_not_found(model);

	if (SPI_execute_plan(model_lookup_plan(&model_columns_plan,
										   "SELECT mi.code, i.builtin AND i.shipped, i.definition_sql, i.shipped, i.owner"
										   "  FROM creditrisk.model_indicator mi"
										   "  JOIN creditrisk.indicator i ON i.code = mi.code"
										   " WHERE mi.model_key = $1 ORDER BY mi.position"),
						 args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: model indicators lookup failed");

	mc->n = (int) SPI_processed;
	mc->builtin = MemoryContextAlloc(outer, sizeof(int) * (mc->n + 1));
	mc->code = MemoryContextAlloc(outer, sizeof(char *) * (mc->n + 1));
	mc->definition = MemoryContextAlloc(outer, sizeof(char *) * (mc->n + 1));
	mc->custom_pos = MemoryContextAlloc(outer, sizeof(int) * (mc->n + 1));
	mc->shipped = MemoryContextAlloc(outer, sizeof(bool) * (mc->n + 1));
	mc->run_as = MemoryContextAlloc(outer, sizeof(Oid) * (mc->n + 1));
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
		mc->shipped[i] = DatumGetBool(SPI_getbinval(tup, desc, 4, &isnull));
		mc->run_as[i] = InvalidOid;
		if (mc->builtin[i] < 0)
		{
			if (def == NULL)
				appendStringInfo(&missing, "%s%s", missing.len ? ", " : "", mc->code[i]);
			mc->custom_pos[mc->ncustom++] = i;
		}
	}
	/* Who each SQL definition runs as; refused before anything runs. */
	for (int i = 0; i < mc->n; i++)
	{
		bool		owner_isnull;
		Oid			owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
														   5, &owner_isnull));

		if (mc->builtin[i] < 0 && mc->definition[i] != NULL)
			mc->run_as[i] = stored_sql_run_as(psprintf("SQL definition of indicator \"%s\"", mc->code[i]),
											  mc->shipped[i], owner_isnull, owner);
	}
	if (missing.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" uses indicators without an SQL definition", model),
				 errdetail("Without a definition: %s.", missing.data),
				 errhint("Set creditrisk.indicator.definition_sql, or load their values into creditrisk.indicator_value and score those.")));
}

/*
 * JIT off while the engine plans the SQL definitions (compute_custom(),
 * compute_by_sql()): a query holding the definitions of a model, 80-odd
 * correlated subqueries, is estimated costly enough for the planner to
 * JIT-compile it with inlining and optimisation, and compiling took 95 % of
 * the call (157 s against 7 s for a province admin's query under row-level
 * security, 1.9's test/shell/engine_scope.sh).  The setting is restored at
 * the end, as a function's SET clause would (and by an error's abort).
 */
static int
jit_off_begin(void)
{
	int			nestlevel = NewGUCNestLevel();

	(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return nestlevel;
}

static void
jit_off_end(int nestlevel)
{
	AtEOXact_GUC(true, nestlevel);
}

/*
 * Values of the SQL-defined entries, custom[slot * ncustom + k]: one query
 * per role they run as (their author's, or the caller's for shipped ones),
 * each run as that role in a security-restricted operation.
 */
void
compute_custom(ComputeState *st, const ModelColumns *mc, double *custom, bool *custom_null)
{
	bool	   *done = palloc0(sizeof(bool) * (mc->ncustom + 1));
	int		   *ks = palloc(sizeof(int) * (mc->ncustom + 1));
	int			jit_level = jit_off_begin();

	for (int first = 0; first < mc->ncustom; first++)
	{
		Oid			role = mc->run_as[mc->custom_pos[first]];
		StringInfoData sql;
		Oid			argtypes[2] = {DATEOID, TIMESTAMPTZOID};
		Datum		args[2] = {DateADTGetDatum(st->w.d), TimestampTzGetDatum(st->known_at)};
		char		argnulls[2] = {' ', st->known_given ? ' ' : 'n'};
		List	   *exprs = NIL;
		int			nk = 0;
		SPIPlanPtr	plan;
		Portal		portal;
		StoredSqlContext ctx;

		if (done[first])
			continue;
		initStringInfo(&sql);
		appendStringInfoString(&sql, "SELECT e.uscc");
		for (int k = first; k < mc->ncustom; k++)
		{
			int			pos = mc->custom_pos[k];

			if (done[k] || mc->run_as[pos] != role)
				continue;
			done[k] = true;
			ks[nk++] = k;
			exprs = lappend(exprs, stored_sql_parse(STORED_SQL_DEFINITION, mc->code[pos], mc->definition[pos]));
			appendStringInfo(&sql, ",\n " STORED_SQL_DEFINITION_OPEN "%s" STORED_SQL_DEFINITION_CLOSE,
							 mc->definition[pos]);
		}
		appendStringInfoString(&sql, "\n FROM creditrisk.register_at($1, $2) e"
							   " WHERE creditrisk.in_population(e.established_date, e.status, e.status_date, $1)");
		stored_sql_verify_definitions(mc->code[mc->custom_pos[first]], sql.data, exprs, 1);

		stored_sql_enter(&ctx, role);
		plan = SPI_prepare(sql.data, 2, argtypes);
		if (plan == NULL)
			elog(ERROR, "creditrisk: SPI_prepare failed for the SQL-defined indicators: %s",
				 SPI_result_code_string(SPI_result));
		portal = SPI_cursor_open(NULL, plan, args, argnulls, true);
		for (;;)
		{
			SPI_cursor_fetch(portal, true, 10000);
			if (SPI_processed == 0)
				break;
			for (uint64 r = 0; r < SPI_processed; r++)
			{
				HeapTuple	tup = SPI_tuptable->vals[r];
				TupleDesc	desc = SPI_tuptable->tupdesc;
				bool		isnull;
				int32		s = index_lookup(st, DatumGetUsccP(SPI_getbinval(tup, desc, 1, &isnull)));

				if (s < 0)
					continue;
				for (int j = 0; j < nk; j++)
				{
					int			k = ks[j];
					Datum		d = SPI_getbinval(tup, desc, j + 2, &isnull);

					custom_null[(Size) s * mc->ncustom + k] = isnull;
					custom[(Size) s * mc->ncustom + k] = isnull ? 0 : DatumGetFloat8(d);
				}
			}
			SPI_freetuptable(SPI_tuptable);
		}
		SPI_cursor_close(portal);
		stored_sql_leave(&ctx);
	}
	jit_off_end(jit_level);
}

/*
 * The whole computation through the SQL definitions (honours policies), as
 * the caller: allowed only while every SQL definition in it runs as the
 * caller (shipped ones, or written by the caller), and only if the
 * assembled query holds each definition exactly as parsed alone.
 */
static void
verify_assembled(const ModelColumns *mc, const char *sql)
{
	List	   *stmts = raw_parser(sql, RAW_PARSE_DEFAULT);
	SelectStmt *s;
	ResTarget  *rt;
	A_ArrayExpr *arr;

	for (int i = 0; i < mc->n; i++)
		if (mc->builtin[i] < 0 && mc->definition[i] != NULL && mc->run_as[i] != GetUserId())
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("indicator \"%s\" cannot be computed under row-level security as role \"%s\"",
							mc->code[i], GetUserNameFromId(GetUserId(), false)),
					 errdetail("Its SQL definition runs as its author, role \"%s\"; under row-level security every definition runs as the caller.",
							   GetUserNameFromId(mc->run_as[i], false)),
					 errhint("Compute it as a role exempt from the policies, or as its author.")));
	if (list_length(stmts) != 1 || !IsA(linitial_node(RawStmt, stmts)->stmt, SelectStmt))
		elog(ERROR, "creditrisk: indicators_to_sql() gave more than one statement");
	s = (SelectStmt *) linitial_node(RawStmt, stmts)->stmt;
	if (list_length(s->targetList) != 2)
		elog(ERROR, "creditrisk: indicators_to_sql() gave an unexpected query");
	rt = lsecond_node(ResTarget, s->targetList);
	if (!IsA(rt->val, A_ArrayExpr) || list_length(((A_ArrayExpr *) rt->val)->elements) != mc->n)
		elog(ERROR, "creditrisk: indicators_to_sql() gave an unexpected query");
	arr = (A_ArrayExpr *) rt->val;
	for (int i = 0; i < mc->n; i++)
	{
		Node	   *el = list_nth(arr->elements, i);
		Node	   *alone = stored_sql_parse(STORED_SQL_DEFINITION, mc->code[i], mc->definition[i]);

		if (!IsA(el, TypeCast) || !equal(((TypeCast *) el)->arg, alone))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("SQL definition of indicator \"%s\" is not a single expression", mc->code[i]),
					 errdetail("It does not stay inside the statement that runs it.")));
	}
}

void
compute_by_sql(const char *model, const ModelColumns *mc, DateADT as_of, bool known_given, TimestampTz known_at,
			   Tuplestorestate *ts)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(model)};
	Oid			dargtypes[2] = {DATEOID, TIMESTAMPTZOID};
	Datum		dargs[2] = {DateADTGetDatum(as_of), TimestampTzGetDatum(known_at)};
	char		dnulls[2] = {' ', known_given ? ' ' : 'n'};
	char	   *sql;
	SPIPlanPtr	plan;
	Portal		portal;
	int			jit_level = jit_off_begin();

	if (SPI_execute_with_args("SELECT creditrisk.indicators_to_sql($1)", 1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: indicators_to_sql failed");
	sql = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	verify_assembled(mc, sql);
	/* in USCC order, as the engine returns its rows (the uscc type's btree order) */
	sql = psprintf("SELECT q.uscc, q.indicators FROM (\n%s\n) q ORDER BY q.uscc", sql);
	plan = SPI_prepare(sql, 2, dargtypes);
	if (plan == NULL)
		elog(ERROR, "creditrisk: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, dargs, dnulls, true);
	for (;;)
	{
		SPI_cursor_fetch(portal, true, 10000);
		if (SPI_processed == 0)
			break;
		for (uint64 r = 0; r < SPI_processed; r++)
			tuplestore_puttuple(ts, SPI_tuptable->vals[r]);
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	jit_off_end(jit_level);
}

/*
 * Plans of the single-enterprise queries, kept for the backend: planning the
 * 81 definitions of the reference model costs far more than running them for
 * one enterprise, so each query (its text, which holds every definition, and
 * the role it runs as) is planned once, as a generic plan over ($1 date, $2
 * knowledge time, $3 USCC), and reused; the plan cache replans it when a
 * table it reads changes.  A changed definition is a different text.
 */
typedef struct OnePlan
{
	char	   *sql;
	Oid			role;
	SPIPlanPtr	plan;
} OnePlan;

#define ONE_PLANS 8
static OnePlan one_plans[ONE_PLANS];
static int	one_plans_next = 0;

static SPIPlanPtr
one_plan_find(const char *sql, Oid role)
{
	for (int i = 0; i < ONE_PLANS; i++)
		if (one_plans[i].sql != NULL && one_plans[i].role == role && strcmp(one_plans[i].sql, sql) == 0)
			return one_plans[i].plan;
	return NULL;
}

static SPIPlanPtr
one_plan_make(const char *sql, Oid role, Oid *argtypes)
{
	SPIPlanPtr	plan = SPI_prepare_cursor(sql, 3, argtypes, CURSOR_OPT_GENERIC_PLAN);
	OnePlan    *slot;

	if (plan == NULL)
		elog(ERROR, "creditrisk: SPI_prepare failed for one enterprise's indicators: %s",
			 SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "creditrisk: SPI_keepplan failed");
	slot = &one_plans[one_plans_next];
	one_plans_next = (one_plans_next + 1) % ONE_PLANS;
	if (slot->sql != NULL)
	{
		SPI_freeplan(slot->plan);
		pfree(slot->sql);
	}
	slot->sql = MemoryContextStrdup(TopMemoryContext, sql);
	slot->role = role;
	slot->plan = plan;
	return plan;
}

/*
 * One enterprise's indicator values (explain_enterprise, issue 15): every
 * entry of the model by its SQL definition, evaluated for that enterprise
 * alone, so that each definition reaches the enterprise's records through
 * the indexes on uscc instead of scanning the record tables.  One query per
 * role the definitions run as, as in compute_custom(): shipped definitions
 * (the built-in entries' included) as the caller, under the caller's
 * privileges and row-level security; others as their author, in a
 * security-restricted operation, after the trust rule (load_model_columns).
 * The definitions agree with the C engine bit for bit (sql/indicators.sql),
 * so the values are those a run computes.
 *
 * Returns false when the caller's query does not find the enterprise in the
 * population on the date (not registered, not established yet, cancelled,
 * or outside the caller's jurisdiction).
 */
static bool
compute_one_by_sql(const ModelColumns *mc, const char *uscc, DateADT as_of, bool known_given,
				   TimestampTz known_at, Datum *values, bool *nulls)
{
	bool	   *done = palloc0(sizeof(bool) * (mc->n + 1));
	int		   *ks = palloc(sizeof(int) * (mc->n + 1));
	bool		found = true;
	Oid			me = GetUserId();

	for (int i = 0; i < mc->n; i++)
		nulls[i] = true;
	/* the caller's own query first: it decides whether the enterprise is seen */
	for (int pass = 0; pass < 2 && found; pass++)
		for (int first = 0; first < mc->n && found; first++)
		{
			Oid			role = OidIsValid(mc->run_as[first]) ? mc->run_as[first] : me;
			StringInfoData sql;
			Oid			argtypes[3] = {DATEOID, TIMESTAMPTZOID, TEXTOID};
			Datum		args[3] = {DateADTGetDatum(as_of), TimestampTzGetDatum(known_at), CStringGetTextDatum(uscc)};
			char		argnulls[3] = {' ', known_given ? ' ' : 'n', ' '};
			List	   *exprs = NIL;
			int			nk = 0;
			SPIPlanPtr	plan;
			StoredSqlContext ctx;

			if (done[first] || (pass == 0) != (role == me))
				continue;
			initStringInfo(&sql);
			appendStringInfoString(&sql, "SELECT e.uscc");
			for (int k = first; k < mc->n; k++)
			{
				Oid			r = OidIsValid(mc->run_as[k]) ? mc->run_as[k] : me;

				if (done[k] || r != role)
					continue;
				done[k] = true;
				ks[nk++] = k;
				appendStringInfo(&sql, ",\n " STORED_SQL_DEFINITION_OPEN "%s" STORED_SQL_DEFINITION_CLOSE,
								 mc->definition[k]);
			}
			appendStringInfoString(&sql, "\n FROM creditrisk.register_at($1, $2) e"
								   " WHERE e.uscc OPERATOR(creditrisk.=) $3::creditrisk.uscc"
								   " AND creditrisk.in_population(e.established_date, e.status, e.status_date, $1)");
			plan = one_plan_find(sql.data, role);
			if (plan == NULL)
			{
				/* each definition stays in its place: checked before it is first planned */
				for (int j = 0; j < nk; j++)
					exprs = lappend(exprs, stored_sql_parse(STORED_SQL_DEFINITION, mc->code[ks[j]], mc->definition[ks[j]]));
				stored_sql_verify_definitions(mc->code[first], sql.data, exprs, 1);
			}
			stored_sql_enter(&ctx, role);
			if (plan == NULL)
				plan = one_plan_make(sql.data, role, argtypes);
			if (SPI_execute_plan(plan, args, argnulls, true, 2) != SPI_OK_SELECT)
				elog(ERROR, "creditrisk: one enterprise's indicators: query failed");
			if (SPI_processed > 1)
				elog(ERROR, "creditrisk: one enterprise's indicators: more than one register entry");
			if (SPI_processed == 0)
			{
				if (role == me)
					found = false;
			}
			else
				for (int j = 0; j < nk; j++)
					values[ks[j]] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, j + 2, &nulls[ks[j]]);
			stored_sql_leave(&ctx);
		}
	return found;
}

/*
 * compute_enterprise_indicators(model text, uscc uscc, as_of date,
 *								 known_at timestamptz DEFAULT NULL)
 *		RETURNS double precision[]
 * The row compute_indicators(model, as_of, known_at) gives for that one
 * enterprise, or NULL when it is not in the population on the date or not in
 * the caller's jurisdiction.
 */
PG_FUNCTION_INFO_V1(compute_enterprise_indicators);
Datum
compute_enterprise_indicators(PG_FUNCTION_ARGS)
{
	char	   *model;
	char		code[USCC_LEN + 1];
	DateADT		as_of;
	bool		known_given;
	TimestampTz known_at = 0;
	ModelColumns mc;
	MemoryContext callcxt;
	MemoryContext oldcxt;
	Datum	   *values;
	bool	   *nulls;
	bool		found;
	ArrayType  *result = NULL;
	int			dims[1];
	int			lbs[1] = {1};

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	model = text_to_cstring(PG_GETARG_TEXT_PP(0));
	uscc_format(PG_GETARG_USCC_P(1), code);
	as_of = PG_GETARG_DATEADT(2);
	if (DATE_NOT_FINITE(as_of))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("indicators cannot be computed as of %s", as_of == DATEVAL_NOBEGIN ? "-infinity" : "infinity"),
				 errhint("Give a calendar date, e.g. the last day of the month being classified.")));
	known_given = PG_NARGS() > 3 && !PG_ARGISNULL(3);
	if (known_given)
		known_at = PG_GETARG_TIMESTAMPTZ(3);

	callcxt = AllocSetContextCreate(CurrentMemoryContext, "creditrisk compute_enterprise_indicators",
									ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(callcxt);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	load_model_columns(model, &mc, callcxt);
	values = palloc(sizeof(Datum) * (mc.n + 1));
	nulls = palloc(sizeof(bool) * (mc.n + 1));
	found = compute_one_by_sql(&mc, code, as_of, known_given, known_at, values, nulls);
	if (found)
	{
		/* float8 is passed by value: the values outlive SPI_finish() */
		MemoryContextSwitchTo(oldcxt);
		dims[0] = mc.n;
		result = mc.n > 0 ? construct_md_array(values, nulls, 1, dims, lbs, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)
			: construct_empty_array(FLOAT8OID);
		MemoryContextSwitchTo(callcxt);
	}
	SPI_finish();
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(callcxt);
	if (!found)
		PG_RETURN_NULL();
	PG_RETURN_ARRAYTYPE_P(result);
}
