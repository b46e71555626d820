/*
 * model.c
 *		Compile scoring models from the model tables, and cache them.
 *
 * A model lives in the tables creditrisk.model, model_dimension,
 * model_group, model_indicator, model_bin, model_category, model_floor and
 * model_floor_condition.  Scoring never reads those tables per row: the
 * first call at a call site looks the model up once (its status and
 * revision), takes the compiled form from a per-backend cache when the
 * revision matches, or compiles it with a few SPI queries otherwise.  Each
 * content change gives the model a new revision (triggers in the install
 * script), so a cached model is never stale, even for a draft edited in the
 * same session.  Parallel workers are backends too and keep their own cache.
 *
 * A compiled model that a newer revision replaces may still be in use by a
 * running query, so it is freed at the end of the transaction, not at once.
 */
#include "postgres.h"

#include <math.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "model.h"

/*
 * The backend's local transaction id: MyProc->lxid up to PostgreSQL 16,
 * MyProc->vxid.lxid from 17 on.
 */
#if PG_VERSION_NUM >= 170000
#define CURRENT_LXID() (MyProc->vxid.lxid)
#else
#define CURRENT_LXID() (MyProc->lxid)
#endif

#define MODEL_KEY_MAX 64

typedef struct ModelCacheEntry
{
	char		key[MODEL_KEY_MAX];
	CompiledModel *model;
} ModelCacheEntry;

static HTAB *model_cache = NULL;
static List *models_to_free = NIL;
static bool xact_callback_registered = false;

/* Free replaced models once no query of this transaction can use them. */
static void
model_xact_callback(XactEvent event, void *arg)
{
	ListCell   *lc;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT && event != XACT_EVENT_PARALLEL_ABORT)
		return;
	foreach(lc, models_to_free)
		MemoryContextDelete((MemoryContext) lfirst(lc));
	list_free(models_to_free);
	models_to_free = NIL;
}

static void
model_cache_init(void)
{
	HASHCTL		ctl;

	ctl.keysize = MODEL_KEY_MAX;
	ctl.entrysize = sizeof(ModelCacheEntry);
	ctl.hcxt = TopMemoryContext;
	model_cache = hash_create("creditrisk model cache", 16, &ctl,
							  HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	if (!xact_callback_registered)
	{
		RegisterXactCallback(model_xact_callback, NULL);
		xact_callback_registered = true;
	}
}

/* ---------------------------------------------------------------------
 * SPI helpers
 * ---------------------------------------------------------------------
 */

static void
run_query(const char *sql, const char *key)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	int			rc;

	values[0] = CStringGetTextDatum(key);
	rc = SPI_execute_with_args(sql, 1, argtypes, values, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: model query failed: %s", SPI_result_code_string(rc));
}

static char *
get_text(int row, int col, MemoryContext mcxt)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);

	if (isnull)
		return MemoryContextStrdup(mcxt, "");
	return MemoryContextStrdup(mcxt, TextDatumGetCString(d));
}

static double
get_float(int row, int col, double if_null)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);

	return isnull ? if_null : DatumGetFloat8(d);
}

static int
get_int(int row, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);

	return isnull ? 0 : DatumGetInt32(d);
}

static bool
get_bool(int row, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);

	return !isnull && DatumGetBool(d);
}

/* ---------------------------------------------------------------------
 * Compiling
 * ---------------------------------------------------------------------
 */

static void
report_invalid_model(const char *key, int problems)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
			 errmsg("model \"%s\" is not valid: %d problem%s", key, problems,
					problems == 1 ? "" : "s"),
			 errhint("SELECT * FROM creditrisk.model_validate('%s') lists them.", key)));
}

static CondOp
parse_op(const char *op)
{
	if (strcmp(op, "<") == 0)
		return OP_LT;
	if (strcmp(op, "<=") == 0)
		return OP_LE;
	if (strcmp(op, "=") == 0)
		return OP_EQ;
	if (strcmp(op, ">=") == 0)
		return OP_GE;
	if (strcmp(op, ">") == 0)
		return OP_GT;
	if (strcmp(op, "<>") == 0)
		return OP_NE;
	elog(ERROR, "creditrisk: unknown condition operator \"%s\"", op);
	pg_unreachable();
}

static int
cmp_by_code(const void *a, const void *b, void *arg)
{
	const CompiledModel *m = (const CompiledModel *) arg;

	return strcmp(m->ind[*(const int *) a].code, m->ind[*(const int *) b].code);
}

static void
load_indicators(CompiledModel *m, const char *key)
{
	MemoryContext mcxt = m->mcxt;

	/*
	 * The coefficient 10 * w1 * w2 * w3 is exact, in numeric from the
	 * weights' decimal values, as in model_to_sql() and model_validate().
	 */
	run_query("SELECT i.position, i.code, c.name, d.name, g.name, i.rule, "
			  "       d.weight::numeric * g.weight::numeric * i.weight::numeric * 10, i.missing_points, "
			  "       i.default_points, i.true_points, i.false_points, "
			  "       (d.weight::numeric * g.weight::numeric * i.weight::numeric)::float8 "
			  "  FROM creditrisk.model_indicator i "
			  "  JOIN creditrisk.indicator c ON c.code = i.code "
			  "  JOIN creditrisk.model_group g ON g.model_key = i.model_key AND g.code = i.group_code "
			  "  JOIN creditrisk.model_dimension d ON d.model_key = g.model_key AND d.code = g.dimension_code "
			  " WHERE i.model_key = $1 ORDER BY i.position", key);

	m->n = (int) SPI_processed;
	m->ind = MemoryContextAllocZero(mcxt, sizeof(CompiledIndicator) * Max(m->n, 1));
	for (int r = 0; r < m->n; r++)
	{
		CompiledIndicator *ci = &m->ind[r];
		char	   *rule = get_text(r, 6, mcxt);

		if (get_int(r, 1) != r + 1)
			report_invalid_model(key, 1);
		ci->code = get_text(r, 2, mcxt);
		ci->name = get_text(r, 3, mcxt);
		ci->dimension = get_text(r, 4, mcxt);
		ci->group = get_text(r, 5, mcxt);
		ci->rule = strcmp(rule, "bins") == 0 ? RULE_BINS :
			strcmp(rule, "categories") == 0 ? RULE_CATEGORIES : RULE_BOOLEAN;
		{
			bool		isnull;
			Datum		d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 7, &isnull);
			MemoryContext old;

			if (isnull)
				report_invalid_model(key, 1);
			old = MemoryContextSwitchTo(mcxt);

			ci->coef = DatumGetNumeric(datumCopy(d, false, -1));
			MemoryContextSwitchTo(old);
		}
		ci->weight = get_float(r, 12, 0);
		ci->missing_points = get_float(r, 8, 0);
		ci->default_points = get_float(r, 9, 0);
		ci->true_points = get_float(r, 10, 0);
		ci->false_points = get_float(r, 11, 0);
		ci->min_points = ci->missing_points;	/* lowered by add_segment() */
	}

	m->by_code = MemoryContextAlloc(mcxt, sizeof(int) * Max(m->n, 1));
	for (int i = 0; i < m->n; i++)
		m->by_code[i] = i;
	qsort_arg(m->by_code, m->n, sizeof(int), cmp_by_code, m);
}

/* Append a segment [.., upper) with the given points to an indicator. */
static void
add_segment(CompiledIndicator *ci, int *cap, MemoryContext mcxt,
			double upper, double points, const char *label)
{
	if (ci->nseg == *cap)
	{
		*cap = Max(8, *cap * 2);
		if (ci->seg_upper == NULL)
		{
			ci->seg_upper = MemoryContextAlloc(mcxt, sizeof(double) * *cap);
			ci->seg_points = MemoryContextAlloc(mcxt, sizeof(double) * *cap);
			ci->seg_label = MemoryContextAlloc(mcxt, sizeof(char *) * *cap);
		}
		else
		{
			ci->seg_upper = repalloc(ci->seg_upper, sizeof(double) * *cap);
			ci->seg_points = repalloc(ci->seg_points, sizeof(double) * *cap);
			ci->seg_label = repalloc(ci->seg_label, sizeof(char *) * *cap);
		}
	}
	ci->seg_upper[ci->nseg] = upper;
	ci->seg_points[ci->nseg] = points;
	ci->seg_label[ci->nseg] = label;
	ci->nseg++;
	ci->min_points = Min(ci->min_points, points);
}

/* Bins, in order of their lower bound: [-inf, u1), [u1, u2), ... [uk, +inf). */
static void
load_bins(CompiledModel *m, const char *key)
{
	MemoryContext mcxt = m->mcxt;
	int			cap = 0;
	int			current = -1;

	run_query("SELECT i.position, b.upper, b.points, "
			  "       CASE WHEN b.label <> '' THEN b.label ELSE "
			  "         '[' || coalesce(b.lower::text, '-inf') || ', ' || coalesce(b.upper::text, '+inf') || ')' END "
			  "  FROM creditrisk.model_bin b "
			  "  JOIN creditrisk.model_indicator i ON i.model_key = b.model_key AND i.code = b.indicator_code "
			  " WHERE b.model_key = $1 AND i.rule = 'bins' "
			  " ORDER BY i.position, b.lower NULLS FIRST", key);

	for (int r = 0; r < (int) SPI_processed; r++)
	{
		int			pos = get_int(r, 1);

		if (pos != current)
		{
			current = pos;
			cap = 0;
		}
		add_segment(&m->ind[pos - 1], &cap, mcxt,
					get_float(r, 2, INFINITY),	/* the last bin ends at +inf */
					get_float(r, 3, 0), get_text(r, 4, mcxt));
	}
}

/*
 * Categories: each listed value v is the segment [v, nextafter(v, +inf)),
 * and the gaps between them give the default points.
 */
static void
load_categories(CompiledModel *m, const char *key)
{
	MemoryContext mcxt = m->mcxt;
	int			cap = 0;
	int			current = -1;

	run_query("SELECT i.position, k.value, k.points, "
			  "       CASE WHEN k.label <> '' THEN k.label ELSE k.value::text END "
			  "  FROM creditrisk.model_category k "
			  "  JOIN creditrisk.model_indicator i ON i.model_key = k.model_key AND i.code = k.indicator_code "
			  " WHERE k.model_key = $1 AND i.rule = 'categories' "
			  " ORDER BY i.position, k.value", key);

	for (int r = 0; r < (int) SPI_processed; r++)
	{
		int			pos = get_int(r, 1);
		CompiledIndicator *ci = &m->ind[pos - 1];
		double		value = get_float(r, 2, 0);
		double		after = nextafter(value, INFINITY);

		if (pos != current)
		{
			current = pos;
			cap = 0;
		}
		/* the gap below this value (empty when the previous one ends here) */
		if (ci->nseg == 0 || ci->seg_upper[ci->nseg - 1] < value)
			add_segment(ci, &cap, mcxt, value, ci->default_points, "(other)");
		add_segment(ci, &cap, mcxt, after, get_float(r, 3, 0), get_text(r, 4, mcxt));
		/* close with the default up to +inf after the last value */
		if (r + 1 == (int) SPI_processed || get_int(r + 1, 1) != pos)
			add_segment(ci, &cap, mcxt, INFINITY, ci->default_points, "(other)");
	}
}

/* Boolean: false on [0, nextafter(0)) (so -0 too), true elsewhere. */
static void
build_boolean_segments(CompiledModel *m)
{
	for (int i = 0; i < m->n; i++)
	{
		CompiledIndicator *ci = &m->ind[i];
		int			cap = 0;

		if (ci->rule != RULE_BOOLEAN)
			continue;
		add_segment(ci, &cap, m->mcxt, 0.0, ci->true_points, "true");
		add_segment(ci, &cap, m->mcxt, nextafter(0.0, INFINITY), ci->false_points, "false");
		add_segment(ci, &cap, m->mcxt, INFINITY, ci->true_points, "true");
	}
}

static void
load_floors(CompiledModel *m, const char *key)
{
	MemoryContext mcxt = m->mcxt;
	int			r = 0;
	int			nf = 0;

	run_query("SELECT f.code, f.name, f.floor, i.position, c.op, c.value "
			  "  FROM creditrisk.model_floor f "
			  "  JOIN creditrisk.model_floor_condition c ON c.model_key = f.model_key AND c.floor_code = f.code "
			  "  JOIN creditrisk.model_indicator i ON i.model_key = c.model_key AND i.code = c.indicator_code "
			  " WHERE f.model_key = $1 ORDER BY f.code, c.position", key);

	m->floors = MemoryContextAllocZero(mcxt, sizeof(CompiledFloor) * Max(SPI_processed, 1));
	while (r < (int) SPI_processed)
	{
		char	   *code = get_text(r, 1, mcxt);
		int			start = r;
		CompiledFloor *cf = &m->floors[nf++];

		while (r < (int) SPI_processed && strcmp(get_text(r, 1, CurrentMemoryContext), code) == 0)
			r++;
		cf->code = code;
		cf->name = get_text(start, 2, mcxt);
		cf->floor = get_float(start, 3, 0);
		cf->floor_fixed = score_fixed_from_numeric(DatumGetNumeric(DirectFunctionCall1(float8_numeric,
																					Float8GetDatum(cf->floor))));
		cf->nconds = r - start;
		cf->conds = MemoryContextAlloc(mcxt, sizeof(CompiledCondition) * cf->nconds);
		for (int k = 0; k < cf->nconds; k++)
		{
			cf->conds[k].indicator = get_int(start + k, 4) - 1;
			cf->conds[k].op = parse_op(get_text(start + k, 5, CurrentMemoryContext));
			cf->conds[k].value = get_float(start + k, 6, 0);
		}
	}
	m->nfloors = nf;
}

/* Fixed-point score units (1e-12) of a numeric value, rounded half-up. */
int64
score_fixed_from_numeric(Numeric value)
{
	Datum		rounded = DirectFunctionCall2(numeric_round, NumericGetDatum(value),
											  Int32GetDatum(SCORE_FIXED_DECIMALS));
	Datum		scale = DirectFunctionCall1(int8_numeric, Int64GetDatum(SCORE_SCALE));
	Datum		units = DirectFunctionCall2(numeric_mul, rounded, scale);

	return DatumGetInt64(DirectFunctionCall1(numeric_int8, units));
}

/*
 * The exact contribution coef * points.  points::numeric is the double's
 * decimal value as PostgreSQL's float8 -> numeric cast gives it, so that
 * model_to_sql() and model_validate() compute the same.
 */
int64
score_fixed_contribution(Numeric coef, double points)
{
	Datum		p = DirectFunctionCall1(float8_numeric, Float8GetDatum(points));
	Datum		prod = DirectFunctionCall2(numeric_mul, NumericGetDatum(coef), p);

	return score_fixed_from_numeric(DatumGetNumeric(prod));
}

/*
 * Contributions in fixed-point score units, computed once, exactly as
 * model_to_sql()'s numeric literals.
 */
static void
build_contributions(CompiledModel *m)
{
	m->small_contrib = MemoryContextAlloc(m->mcxt, sizeof(int64) * SMALL_VALUES * Max(m->n, 1));
	for (int i = 0; i < m->n; i++)
	{
		CompiledIndicator *ci = &m->ind[i];

		ci->missing_contrib = score_fixed_contribution(ci->coef, ci->missing_points);
		ci->min_contrib = ci->missing_contrib;
		ci->seg_contrib = MemoryContextAlloc(m->mcxt, sizeof(int64) * ci->nseg);
		for (int k = 0; k < ci->nseg; k++)
		{
			ci->seg_contrib[k] = score_fixed_contribution(ci->coef, ci->seg_points[k]);
			ci->min_contrib = Min(ci->min_contrib, ci->seg_contrib[k]);
		}
		for (int j = 0, k = 0; j < SMALL_VALUES; j++)
		{
			while (j >= ci->seg_upper[k])
				k++;
			m->small_contrib[i * SMALL_VALUES + j] = ci->seg_contrib[k];
		}
	}
}

/* The vector form (see CompiledModel.use_avx2). */
static void
build_blocks(CompiledModel *m)
{
	int			stride_u = BLOCK_BOUNDS * BLOCK_LANES;
	int			stride_c = (BLOCK_BOUNDS + 1) * BLOCK_LANES;

#if defined(__x86_64__) && defined(__GNUC__)
	m->use_avx2 = __builtin_cpu_supports("avx2");
#else
	m->use_avx2 = false;
#endif
	m->nblocks = PADDED_N(m->n) / BLOCK_LANES;
	m->missing_contrib = MemoryContextAllocZero(m->mcxt, sizeof(int64) * Max(PADDED_N(m->n), BLOCK_LANES));
	for (int i = 0; i < m->n; i++)
		m->missing_contrib[i] = m->ind[i].missing_contrib;
	m->blk_upper = MemoryContextAlloc(m->mcxt, sizeof(double) * stride_u * Max(m->nblocks, 1));
	m->blk_contrib = MemoryContextAllocZero(m->mcxt, sizeof(int64) * stride_c * Max(m->nblocks, 1));
	m->wide = MemoryContextAlloc(m->mcxt, sizeof(int) * Max(m->n, 1));
	m->nwide = 0;
	for (int i = 0; i < m->nblocks * BLOCK_LANES; i++)
	{
		int			b = i / BLOCK_LANES;
		int			lane = i % BLOCK_LANES;
		const CompiledIndicator *ci = (i < m->n) ? &m->ind[i] : NULL;
		bool		narrow = ci != NULL && ci->nseg <= BLOCK_BOUNDS + 1;

		if (ci != NULL && !narrow)
			m->wide[m->nwide++] = i;
		for (int j = 0; j < BLOCK_BOUNDS; j++)
			m->blk_upper[b * stride_u + j * BLOCK_LANES + lane] =
				(narrow && j < ci->nseg - 1) ? ci->seg_upper[j] : INFINITY;
		for (int k = 0; k <= BLOCK_BOUNDS; k++)
			m->blk_contrib[b * stride_c + k * BLOCK_LANES + lane] =
				(narrow && k < ci->nseg) ? ci->seg_contrib[k] : 0;
	}
}

/*
 * Compile a model (SPI must be connected).  Drafts are validated first;
 * published models were validated when published, and must be what was
 * sealed then: complete (a partly restored model has fewer rows than its
 * seal) and with the same content digest (not refilled with other rows).
 */
static CompiledModel *
compile_model(const char *key, int64 revision, bool published)
{
	MemoryContext mcxt;
	CompiledModel *m;

	if (published)
	{
		run_query("SELECT (m.seal - 'sha256') = creditrisk.model_content_counts(m.model_key),"
				  "       NOT m.seal ? 'sha256' OR m.seal ->> 'sha256' = creditrisk.model_content_digest(m.model_key)"
				  "  FROM creditrisk.model m WHERE m.model_key = $1", key);
		if (SPI_processed != 1 || !get_bool(0, 1))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("published model \"%s\" is incomplete", key),
					 errdetail("Its content has fewer rows than were sealed when it was published."),
					 errhint("Restore the model tables completely before scoring.")));
		if (!get_bool(0, 2))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("published model \"%s\" differs from its seal", key),
					 errdetail("The sha256 digest of its content is not the one sealed when it was published: its rows were replaced (for example refilled after a partial restore)."),
					 errhint("Restore the model tables from the dump the model came from; a published model cannot be changed, only copied (creditrisk.model_copy).")));
	}
	else
	{
		run_query("SELECT count(*)::int FROM creditrisk.model_validate($1)", key);
		if (get_int(0, 1) > 0)
			report_invalid_model(key, get_int(0, 1));
	}

	mcxt = AllocSetContextCreate(TopMemoryContext, "creditrisk compiled model",
								 ALLOCSET_SMALL_SIZES);
	m = MemoryContextAllocZero(mcxt, sizeof(CompiledModel));
	m->mcxt = mcxt;
	m->key = MemoryContextStrdup(mcxt, key);
	m->revision = revision;
	m->published = published;

	/* Lasting parts go to mcxt explicitly; temporaries die with SPI. */
	PG_TRY();
	{
		load_indicators(m, key);
		load_bins(m, key);
		load_categories(m, key);
		build_boolean_segments(m);
		for (int i = 0; i < m->n; i++)
			if (m->ind[i].nseg == 0 || !isinf(m->ind[i].seg_upper[m->ind[i].nseg - 1]))
				report_invalid_model(key, 1);
		build_contributions(m);
		build_blocks(m);
		load_floors(m, key);
	}
	PG_CATCH();
	{
		MemoryContextDelete(mcxt);
		PG_RE_THROW();
	}
	PG_END_TRY();
	return m;
}

void
report_model_not_found(const char *key)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("model \"%s\" does not exist", key),
			 errhint("SELECT model_key, status FROM creditrisk.model lists the models.")));
}

/*
 * Look the model up (status and revision) and return its compiled form,
 * from the cache when current.
 */
static CompiledModel *
lookup_model(const char *key, bool require_published)
{
	ModelCacheEntry *entry;
	CompiledModel *m;
	bool		found;
	bool		isnull;
	char	   *status;
	int64		revision;
	int			save_nestlevel;

	if (model_cache == NULL)
		model_cache_init();

	/*
	 * The model queries name every relation with its schema; the search
	 * path is pinned too, so that no operator or function on the caller's
	 * path can capture them.  (GUC_ACTION_SAVE is allowed in parallel
	 * workers, as for a function's SET clause.)
	 */
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");

	run_query("SELECT status, revision FROM creditrisk.model WHERE model_key = $1", key);
	if (SPI_processed == 0)
		report_model_not_found(key);
	status = get_text(0, 1, CurrentMemoryContext);
	revision = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));

	if (require_published && strcmp(status, "draft") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" is a draft", key),
				 errdetail("score() takes only published models, which cannot change."),
				 errhint("Publish it with creditrisk.model_publish('%s'), or score the draft with creditrisk.score_draft().", key)));

	entry = (ModelCacheEntry *) hash_search(model_cache, key, HASH_FIND, NULL);
	if (entry != NULL && entry->model->revision == revision)
	{
		SPI_finish();
		AtEOXact_GUC(true, save_nestlevel);
		return entry->model;
	}

	m = compile_model(key, revision, strcmp(status, "draft") != 0);
	SPI_finish();
	AtEOXact_GUC(true, save_nestlevel);

	entry = (ModelCacheEntry *) hash_search(model_cache, key, HASH_ENTER, &found);
	if (found)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		models_to_free = lappend(models_to_free, entry->model->mcxt);
		MemoryContextSwitchTo(old);
	}
	entry->model = m;
	return m;
}

CompiledModel *
model_for_call(FunctionCallInfo fcinfo, text *key, bool require_published)
{
	ModelCallCache *cc = (ModelCallCache *) fcinfo->flinfo->fn_extra;
	char	   *keystr;

	/*
	 * A published model cannot change, so the call site keeps it.  A draft
	 * can, even between calls of one expression (a PL/pgSQL loop that edits
	 * and rescores), so it is kept only while no command has run since.
	 */
	if (cc != NULL && VARSIZE_ANY(cc->key) == VARSIZE_ANY(key) &&
		memcmp(cc->key, key, VARSIZE_ANY(key)) == 0 &&
		(cc->model->published ||
		 (cc->lxid == CURRENT_LXID() && cc->cid == GetCurrentCommandId(false))))
		return cc->model;

	if (VARSIZE_ANY_EXHDR(key) >= MODEL_KEY_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", text_to_cstring(key)),
				 errdetail("Model keys have at most %d characters.", MODEL_KEY_MAX - 1)));
	keystr = text_to_cstring(key);

	if (cc == NULL)
	{
		cc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ModelCallCache));
		fcinfo->flinfo->fn_extra = cc;
	}
	cc->model = lookup_model(keystr, require_published);
	if (cc->values)
	{
		pfree(cc->values);
		pfree(cc->isnull);
		pfree(cc->contrib);
	}
	cc->values = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
										sizeof(double) * Max(PADDED_N(cc->model->n), BLOCK_LANES));
	cc->isnull = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
										sizeof(bool) * Max(PADDED_N(cc->model->n), BLOCK_LANES));
	cc->contrib = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
										 sizeof(int64) * Max(PADDED_N(cc->model->n), BLOCK_LANES));
	cc->lxid = CURRENT_LXID();
	cc->cid = GetCurrentCommandId(false);
	if (cc->key)
		pfree(cc->key);
	cc->key = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE_ANY(key));
	memcpy(cc->key, key, VARSIZE_ANY(key));
	return cc->model;
}

int
model_find_code(const CompiledModel *model, const char *code, int len)
{
	int			lo = 0;
	int			hi = model->n - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		const char *c = model->ind[model->by_code[mid]].code;
		int			cmp = strncmp(c, code, len);

		if (cmp == 0 && c[len] != '\0')
			cmp = 1;
		if (cmp == 0)
			return model->by_code[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}
