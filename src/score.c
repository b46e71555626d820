/*
 * score.c
 *		The scorer: risk scores 0-1000 from indicator values, with
 *		explanations and reason codes.
 *
 * score = round(max(sum over level-3 indicators of coef_i * points_i,
 *                   floor of every qualitative rule whose conditions all hold), 2)
 *
 * where coef_i = 10 * w_dimension * w_group * w_indicator (sibling weights
 * sum to 1, points lie in [0,100], and publication checks exactly that no
 * input can score above 1000) and points_i comes from the indicator's rule:
 * numeric bins, categories or boolean, or its missing-value points.  The
 * arithmetic is exact (see SCORE_SCALE in model.h): contributions are
 * integers of 1e-12 score units, summed in int64, and the total is rounded
 * half-up to 2 decimal places, as model_to_sql()'s numeric expression does;
 * so a score of exactly 500 is 500, class C (art. 9), never 499.99999999999994.
 *
 * Indicator values come as a double precision[] in the model's order (NULL
 * elements are missing) or as a jsonb object keyed by indicator code
 * (absent keys and JSON nulls are missing).
 */
#include "postgres.h"

#include <math.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#endif

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "model.h"

/* Values of one enterprise, in model order. */
typedef struct IndicatorValues
{
	const double *values;
	const bool *isnull;			/* NULL when no value is missing */

	/*
	 * An array with NULLs is read in place by the scoring loop (or expanded
	 * first, on the AVX2 path), which fills values and isnull (scratch
	 * space) for the floor rules.
	 */
	const double *packed;		/* the array's non-null elements */
	const bits8 *bitmap;		/* its null bitmap */

	/* scratch space of the call site, padded to whole blocks */
	double	   *scratch_values;
	bool	   *scratch_isnull;
	int64	   *scratch_contrib;
} IndicatorValues;

#define VALUE_MISSING(iv, i) ((iv)->isnull != NULL && (iv)->isnull[i])

/* What each indicator contributed, for explanations and reason codes. */
typedef struct IndicatorDetail
{
	double		points;
	int64		contrib;		/* fixed-point score units */
	const char *matched;
} IndicatorDetail;

/* ---------------------------------------------------------------------
 * Rules
 * ---------------------------------------------------------------------
 */

static void report_nonfinite(const CompiledModel *m, int i, double v) pg_attribute_noreturn();

static void
report_nonfinite(const CompiledModel *m, int i, double v)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("indicator \"%s\" (position %d) of model \"%s\" has the value %s",
					m->ind[i].code, i + 1, m->key, float8out_internal(v)),
			 errdetail("Indicator values must be finite numbers within the range of double precision."),
			 errhint("Use NULL for a missing value.")));
	pg_unreachable();
}

/*
 * Points of a present (finite) value: the segment it falls in.  The last
 * segment ends at +infinity, so the scan always stops.
 */
static inline int
segment_of(const CompiledIndicator *ci, double v)
{
	const double *upper = ci->seg_upper;
	int			k = 0;

	/*
	 * Count the bounds at or below v instead of stopping at the first one
	 * above it: no data-dependent branch, so no misprediction per value.
	 */
	for (int j = 0; j < ci->nseg - 1; j++)
		k += (v >= upper[j]);
	return k;
}

static inline bool
condition_holds(const CompiledCondition *c, const IndicatorValues *iv)
{
	double		v;

	if (VALUE_MISSING(iv, c->indicator))
		return false;
	v = iv->values[c->indicator];
	switch (c->op)
	{
		case OP_LT:
			return v < c->value;
		case OP_LE:
			return v <= c->value;
		case OP_EQ:
			return v == c->value;
		case OP_GE:
			return v >= c->value;
		case OP_GT:
			return v > c->value;
		case OP_NE:
			return v != c->value;
	}
	return false;
}

static bool
floor_holds(const CompiledFloor *f, const IndicatorValues *iv)
{
	bool		holds = true;

	/* every condition, without stopping early: no branch on the data */
	for (int k = 0; k < f->nconds; k++)
		holds &= condition_holds(&f->conds[k], iv);
	return holds;
}

/* The highest floor that holds, or -1 when none does. */
static int
binding_floor(const CompiledModel *m, const IndicatorValues *iv)
{
	int			best = -1;

	for (int f = 0; f < m->nfloors; f++)
		if (floor_holds(&m->floors[f], iv) &&
			(best < 0 || m->floors[f].floor > m->floors[best].floor))
			best = f;
	return best;
}

/*
 * The contribution (score units) of a present value: a direct lookup for
 * small integers, else the segment it falls in.
 */
static pg_attribute_always_inline int64
contribution(const CompiledModel *m, const CompiledIndicator *ci,
			 const int64 *small, int i, double v)
{
	if (v >= 0 && v < SMALL_VALUES)
	{
		int			j = (int) v;

		if ((double) j == v)
			return small[j];
	}
	if (unlikely(isinf(v) || isnan(v)))
		report_nonfinite(m, i, v);
	return ci->seg_contrib[segment_of(ci, v)];
}

/*
 * The weighted sum of points, in indicator order.  Always inlined, so that
 * the common case (no missing value, no detail) compiles to a tight loop.
 */
static pg_attribute_always_inline int64
weighted_sum(const CompiledModel *m, const double *values, const bool *isnull,
			 IndicatorDetail *detail)
{
	int64		sum = 0;

	for (int i = 0; i < m->n; i++)
	{
		const CompiledIndicator *ci = &m->ind[i];
		bool		missing = isnull != NULL && isnull[i];

		if (detail == NULL)
			sum += missing ? ci->missing_contrib
				: contribution(m, ci, &m->small_contrib[i * SMALL_VALUES], i, values[i]);
		else if (missing)
		{
			sum += ci->missing_contrib;
			detail[i].contrib = ci->missing_contrib;
			detail[i].points = ci->missing_points;
			detail[i].matched = "(missing)";
		}
		else
		{
			double		v = values[i];
			int			k;

			if (unlikely(isinf(v) || isnan(v)))
				report_nonfinite(m, i, v);
			k = segment_of(ci, v);
			sum += ci->seg_contrib[k];
			detail[i].contrib = ci->seg_contrib[k];
			detail[i].points = ci->seg_points[k];
			detail[i].matched = ci->seg_label[k];
		}
	}
	return sum;
}

/*
 * The weighted sum over an array with NULLs, read in place: element i is
 * present when its bitmap bit is set, and the present ones are packed.  The
 * load is made unconditional (data[-1] when absent, which lies inside the
 * array: its header or the previous element) so that no branch depends on
 * where the NULLs are.  values and isnull are filled for the floor rules.
 */
static int64
weighted_sum_packed(const CompiledModel *m, const double *data, const bits8 *bitmap,
					double *values, bool *isnull)
{
	/*
	 * Locals, not m->...: PostgreSQL compiles with -fno-strict-aliasing, so
	 * every store into values[] would otherwise force these to be reloaded.
	 */
	const CompiledIndicator *ind = m->ind;
	const int64 *small = m->small_contrib;
	const int	n = m->n;
	int64		sum = 0;
	int			i = 0;

	while (i < n)
	{
		int			end = Min(i + 8, n);

		if (bitmap[i >> 3] == 0xFF && end == i + 8)
		{
			/* eight values present, as is usual: read them straight */
			for (; i < end; i++)
			{
				double		v = *data++;

				values[i] = v;
				isnull[i] = false;
				sum += contribution(m, &ind[i], &small[i * SMALL_VALUES], i, v);
			}
			continue;
		}
		for (; i < end; i++)
		{
			int			present = (bitmap[i >> 3] >> (i & 7)) & 1;
			double		loaded = data[present - 1];
			double		v = present ? loaded : 0.0;

			data += present;
			values[i] = v;
			isnull[i] = !present;
			sum += present ? contribution(m, &ind[i], &small[i * SMALL_VALUES], i, v)
				: ind[i].missing_contrib;
		}
	}
	return sum;
}

#ifdef HAVE_AVX2_PATH
/*
 * The weighted sum with AVX2, four indicators at a time: each lane's
 * segment is found by blending in the next segment's contribution wherever
 * the value reaches the next bound, so no branch depends on the data (the
 * contributions are int64, blended as raw 64-bit lanes).  Integer sums are
 * exact, so the order of the additions does not matter.
 */
__attribute__((target("avx2")))
static int64
weighted_sum_avx2(const CompiledModel *m, const double *values, const bool *isnull,
				  int64 *contrib)
{
	const double *upper = m->blk_upper;
	const double *segc = (const double *) m->blk_contrib;
	const __m256d sign = _mm256_set1_pd(-0.0);
	const __m256d inf = _mm256_set1_pd(INFINITY);
	__m256d		bad = _mm256_setzero_pd();
	__m256i		acc = _mm256_setzero_si256();
	int64		lanes[BLOCK_LANES];
	int64		sum = 0;

	for (int b = 0; b < m->nblocks; b++)
	{
		__m256d		v = _mm256_loadu_pd(values + b * BLOCK_LANES);
		__m256d		c = _mm256_loadu_pd(segc);

		for (int j = 0; j < BLOCK_BOUNDS; j++)
		{
			__m256d		reached = _mm256_cmp_pd(v, _mm256_loadu_pd(upper + j * BLOCK_LANES), _CMP_GE_OQ);

			c = _mm256_blendv_pd(c, _mm256_loadu_pd(segc + (j + 1) * BLOCK_LANES), reached);
		}
		if (isnull != NULL)
		{
			/* missing values get the missing-value contribution */
			uint32		four;
			__m256i		flags;

			memcpy(&four, isnull + b * BLOCK_LANES, sizeof(four));
			flags = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128((int) four));
			c = _mm256_blendv_pd(c, _mm256_loadu_pd((const double *) (m->missing_contrib + b * BLOCK_LANES)),
								 _mm256_castsi256_pd(_mm256_cmpgt_epi64(flags, _mm256_setzero_si256())));
		}
		/* NaN, or +-infinity */
		bad = _mm256_or_pd(bad, _mm256_cmp_pd(v, v, _CMP_UNORD_Q));
		bad = _mm256_or_pd(bad, _mm256_cmp_pd(_mm256_andnot_pd(sign, v), inf, _CMP_EQ_OQ));
		_mm256_storeu_pd((double *) (contrib + b * BLOCK_LANES), c);
		upper += BLOCK_BOUNDS * BLOCK_LANES;
		segc += (BLOCK_BOUNDS + 1) * BLOCK_LANES;
	}
	if (unlikely(_mm256_movemask_pd(bad) != 0))
	{
		for (int i = 0; i < m->n; i++)
			if (isinf(values[i]) || isnan(values[i]))
				report_nonfinite(m, i, values[i]);
	}
	for (int w = 0; w < m->nwide; w++)
	{
		int			i = m->wide[w];

		if (isnull == NULL || !isnull[i])
			contrib[i] = contribution(m, &m->ind[i], &m->small_contrib[i * SMALL_VALUES], i, values[i]);
	}

	/* padding lanes hold 0 */
	for (int b = 0; b < m->nblocks; b++)
		acc = _mm256_add_epi64(acc, _mm256_loadu_si256((const __m256i *) (contrib + b * BLOCK_LANES)));
	_mm256_storeu_si256((__m256i *) lanes, acc);
	for (int l = 0; l < BLOCK_LANES; l++)
		sum += lanes[l];
	return sum;
}

/*
 * Dense, padded values (NULL -> 0) of an array with NULLs, for the vector
 * path: a bitmap byte with all eight values present, the usual case, is
 * copied in one go.
 */
__attribute__((target("avx2")))
static void
expand_packed(const CompiledModel *m, const double *data, const bits8 *bitmap,
			  double *values, bool *isnull)
{
	for (int base = 0; base < m->n; base += 8)
	{
		int			count = Min(8, m->n - base);
		bits8		bits = bitmap[base >> 3];

		if (bits == 0xFF && count == 8)
		{
			uint64		none = 0;

			_mm256_storeu_pd(values + base, _mm256_loadu_pd(data));
			_mm256_storeu_pd(values + base + 4, _mm256_loadu_pd(data + 4));
			memcpy(isnull + base, &none, sizeof(none));
			data += 8;
			continue;
		}
		for (int k = 0; k < count; k++)
		{
			if ((bits >> k) & 1)
			{
				values[base + k] = *data++;
				isnull[base + k] = false;
			}
			else
			{
				values[base + k] = 0.0;
				isnull[base + k] = true;
			}
		}
	}
}
#endif

/*
 * The exact score before rounding, in fixed-point score units.  When detail
 * is given, it receives each indicator's points and matched bin or
 * category; when sum_out is given, it receives the weighted sum alone.
 */
static int64
compute_score_fixed(const CompiledModel *m, const IndicatorValues *iv, IndicatorDetail *detail,
					int64 *sum_out)
{
	int64		sum;
	int			f;

#ifdef HAVE_AVX2_PATH
	if (m->use_avx2 && creditrisk_simd && detail == NULL)
	{
		if (iv->bitmap != NULL)
		{
			expand_packed(m, iv->packed, iv->bitmap, iv->scratch_values, iv->scratch_isnull);
			sum = weighted_sum_avx2(m, iv->scratch_values, iv->scratch_isnull, iv->scratch_contrib);
		}
		else if (iv->values == iv->scratch_values)
			sum = weighted_sum_avx2(m, iv->values, iv->isnull, iv->scratch_contrib);
		else
		{
			/* an array without NULLs: copy it into the padded scratch */
			memcpy(iv->scratch_values, iv->values, sizeof(double) * m->n);
			sum = weighted_sum_avx2(m, iv->scratch_values, NULL, iv->scratch_contrib);
		}
	}
	else
#endif
	if (iv->bitmap != NULL && detail == NULL)
		sum = weighted_sum_packed(m, iv->packed, iv->bitmap,
								  (double *) iv->values, (bool *) iv->isnull);
	else if (iv->isnull == NULL && detail == NULL)
		sum = weighted_sum(m, iv->values, NULL, NULL);
	else
		sum = weighted_sum(m, iv->values, iv->isnull, detail);

	if (sum_out)
		*sum_out = sum;
	f = binding_floor(m, iv);
	if (f >= 0 && m->floors[f].floor_fixed > sum)
		return m->floors[f].floor_fixed;
	return sum;
}

/* The score: the exact total rounded half-up to 2 decimal places. */
static inline double
compute_score(const CompiledModel *m, const IndicatorValues *iv)
{
	return score_from_fixed(compute_score_fixed(m, iv, NULL, NULL));
}

/* ---------------------------------------------------------------------
 * Reading the indicator values
 * ---------------------------------------------------------------------
 */

/*
 * Values from a double precision[] in model order.  Without NULLs the array
 * data are used in place.
 */
static void
values_from_array(const CompiledModel *m, ArrayType *arr, IndicatorValues *iv,
				  double *scratch_values, bool *scratch_isnull, bool want_expanded)
{
	int			nitems;

	if (ARR_ELEMTYPE(arr) != FLOAT8OID)
		elog(ERROR, "creditrisk: indicator array is not double precision[]");
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("indicator array must be one-dimensional")));
	nitems = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	if (nitems != m->n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("model \"%s\" has %d indicators, but the array has %d elements",
						m->key, m->n, nitems),
				 errhint("creditrisk.model_indicators('%s') lists the indicators in array order.", m->key)));

	iv->packed = NULL;
	iv->bitmap = NULL;
	iv->scratch_values = scratch_values;
	iv->scratch_isnull = scratch_isnull;
	iv->scratch_contrib = NULL;		/* set by the scorers that use it */
	if (!ARR_HASNULL(arr))
	{
		iv->values = (const double *) ARR_DATA_PTR(arr);
		iv->isnull = NULL;
	}
	else if (!want_expanded)
	{
		/* the scoring loop reads it in place and fills the scratch arrays */
		iv->packed = (const double *) ARR_DATA_PTR(arr);
		iv->bitmap = ARR_NULLBITMAP(arr);
		iv->values = scratch_values;
		iv->isnull = scratch_isnull;
	}
	else
	{
		bits8	   *bitmap = ARR_NULLBITMAP(arr);
		const double *data = (const double *) ARR_DATA_PTR(arr);

		for (int i = 0; i < nitems; i++)
		{
			bool		present = (bitmap[i >> 3] >> (i & 7)) & 1;

			scratch_isnull[i] = !present;
			scratch_values[i] = present ? *data++ : 0.0;
		}
		iv->values = scratch_values;
		iv->isnull = scratch_isnull;
	}
}

/* Values from a jsonb object keyed by indicator code. */
static void
values_from_jsonb(const CompiledModel *m, Jsonb *jb, IndicatorValues *iv,
				  double *values, bool *isnull)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			idx = -1;

	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("indicator values must be a JSON object keyed by indicator code"),
				 errhint("For example '{\"registered_capital\": 50, \"years_in_operation\": 3}'.")));

	for (int i = 0; i < m->n; i++)
	{
		values[i] = 0.0;
		isnull[i] = true;
	}

	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			idx = model_find_code(m, v.val.string.val, v.val.string.len);
			if (idx < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("model \"%s\" has no indicator \"%.*s\"",
								m->key, v.val.string.len, v.val.string.val),
						 errhint("creditrisk.model_indicators('%s') lists its indicator codes.", m->key)));
		}
		else if (tok == WJB_VALUE)
		{
			const CompiledIndicator *ci = &m->ind[idx];

			switch (v.type)
			{
				case jbvNull:
					break;
				case jbvNumeric:
					values[idx] = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
																	 NumericGetDatum(v.val.numeric)));
					isnull[idx] = false;
					break;
				case jbvBool:
					if (ci->rule == RULE_BOOLEAN)
					{
						values[idx] = v.val.boolean ? 1.0 : 0.0;
						isnull[idx] = false;
						break;
					}
					/* FALLTHROUGH */
				default:
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("indicator \"%s\" of model \"%s\" must be a number",
									ci->code, m->key),
							 errdetail("The value given is a JSON %s.",
									   v.type == jbvString ? "string" :
									   v.type == jbvBool ? "boolean" : "array or object"),
							 errhint("Use a JSON number, or null for a missing value.")));
			}
		}
	}
	iv->values = values;
	iv->isnull = isnull;
	iv->packed = NULL;
	iv->bitmap = NULL;
	iv->scratch_values = values;
	iv->scratch_isnull = isnull;
	iv->scratch_contrib = NULL;		/* set by the scorers that use it */
}

/* ---------------------------------------------------------------------
 * SQL-callable scorers
 * ---------------------------------------------------------------------
 */

/*
 * Per-row scratch space for indicator values, kept with the call site's
 * model so that scoring a row allocates nothing.
 */
#define SCRATCH(fcinfo) ((ModelCallCache *) (fcinfo)->flinfo->fn_extra)

static Datum
score_array_common(FunctionCallInfo fcinfo, bool require_published)
{
	CompiledModel *m = model_for_call(fcinfo, PG_GETARG_TEXT_PP(0), require_published);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	IndicatorValues iv;

	values_from_array(m, arr, &iv, SCRATCH(fcinfo)->values, SCRATCH(fcinfo)->isnull, false);
	iv.scratch_contrib = SCRATCH(fcinfo)->contrib;
	PG_RETURN_FLOAT8(compute_score(m, &iv));
}

static Datum
score_jsonb_common(FunctionCallInfo fcinfo, bool require_published)
{
	CompiledModel *m = model_for_call(fcinfo, PG_GETARG_TEXT_PP(0), require_published);
	IndicatorValues iv;

	values_from_jsonb(m, PG_GETARG_JSONB_P(1), &iv, SCRATCH(fcinfo)->values, SCRATCH(fcinfo)->isnull);
	iv.scratch_contrib = SCRATCH(fcinfo)->contrib;
	PG_RETURN_FLOAT8(compute_score(m, &iv));
}

PG_FUNCTION_INFO_V1(score_array);
Datum
score_array(PG_FUNCTION_ARGS)
{
	return score_array_common(fcinfo, true);
}

PG_FUNCTION_INFO_V1(score_jsonb);
Datum
score_jsonb(PG_FUNCTION_ARGS)
{
	return score_jsonb_common(fcinfo, true);
}

PG_FUNCTION_INFO_V1(score_draft_array);
Datum
score_draft_array(PG_FUNCTION_ARGS)
{
	return score_array_common(fcinfo, false);
}

PG_FUNCTION_INFO_V1(score_draft_jsonb);
Datum
score_draft_jsonb(PG_FUNCTION_ARGS)
{
	return score_jsonb_common(fcinfo, false);
}

/* ---------------------------------------------------------------------
 * Explanations
 * ---------------------------------------------------------------------
 */

#define EXPLAIN_COLS 10

static void
explain_values(FunctionCallInfo fcinfo, CompiledModel *m, const IndicatorValues *iv)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	IndicatorDetail *detail = palloc(sizeof(IndicatorDetail) * Max(m->n, 1));
	int64		sum;
	int64		total = compute_score_fixed(m, iv, detail, &sum);
	int			binding;
	Datum		values[EXPLAIN_COLS];
	bool		nulls[EXPLAIN_COLS];

	InitMaterializedSRF(fcinfo, 0);

	for (int i = 0; i < m->n; i++)
	{
		const CompiledIndicator *ci = &m->ind[i];
		double		contribution = (double) detail[i].contrib / (double) SCORE_SCALE;

		memset(nulls, 0, sizeof(nulls));
		values[0] = Int32GetDatum(i + 1);
		values[1] = CStringGetTextDatum(ci->code);
		values[2] = CStringGetTextDatum(ci->name);
		values[3] = CStringGetTextDatum(ci->dimension);
		values[4] = CStringGetTextDatum(ci->group);
		if (VALUE_MISSING(iv, i))
			nulls[5] = true;
		else
			values[5] = Float8GetDatum(iv->values[i]);
		values[6] = CStringGetTextDatum(detail[i].matched);
		values[7] = Float8GetDatum(detail[i].points);
		values[8] = Float8GetDatum(ci->weight);
		values[9] = Float8GetDatum(contribution);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}

	/* Floor rules that held: the binding one carries the adjustment. */
	binding = binding_floor(m, iv);
	for (int f = 0; f < m->nfloors; f++)
	{
		const CompiledFloor *cf = &m->floors[f];

		if (!floor_holds(cf, iv))
			continue;
		memset(nulls, 0, sizeof(nulls));
		nulls[0] = nulls[5] = nulls[8] = true;
		values[1] = CStringGetTextDatum(cf->code);
		values[2] = CStringGetTextDatum(cf->name);
		values[3] = CStringGetTextDatum("定性判定 qualitative judgement");
		values[4] = CStringGetTextDatum("floor");
		values[6] = CStringGetTextDatum(psprintf("score raised to at least %s",
												 float8out_internal(cf->floor)));
		values[7] = Float8GetDatum(cf->floor);
		values[9] = Float8GetDatum(f == binding ? (double) (total - sum) / (double) SCORE_SCALE : 0.0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

PG_FUNCTION_INFO_V1(score_explain_jsonb);
Datum
score_explain_jsonb(PG_FUNCTION_ARGS)
{
	CompiledModel *m = model_for_call(fcinfo, PG_GETARG_TEXT_PP(0), false);
	IndicatorValues iv;

	values_from_jsonb(m, PG_GETARG_JSONB_P(1), &iv, SCRATCH(fcinfo)->values, SCRATCH(fcinfo)->isnull);
	explain_values(fcinfo, m, &iv);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(score_explain_array);
Datum
score_explain_array(PG_FUNCTION_ARGS)
{
	CompiledModel *m = model_for_call(fcinfo, PG_GETARG_TEXT_PP(0), false);
	IndicatorValues iv;

	values_from_array(m, PG_GETARG_ARRAYTYPE_P(1), &iv, SCRATCH(fcinfo)->values, SCRATCH(fcinfo)->isnull, true);
	explain_values(fcinfo, m, &iv);
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * Reason codes
 * ---------------------------------------------------------------------
 */

typedef struct Reason
{
	const char *code;
	int64		excess;			/* fixed-point score units above the indicator's lowest */
	int			order;
} Reason;

static int
cmp_reason(const void *a, const void *b)
{
	const Reason *ra = (const Reason *) a;
	const Reason *rb = (const Reason *) b;

	if (ra->excess != rb->excess)
		return ra->excess > rb->excess ? -1 : 1;
	return ra->order - rb->order;
}

/*
 * The n reason codes (a text[]) of one enterprise's values; *total_out, when
 * given, receives the exact score in fixed-point units (the same evaluation).
 */
static Datum
reasons_and_total(CompiledModel *m, const IndicatorValues *iv, int n, int64 *total_out)
{
	IndicatorDetail *detail = palloc(sizeof(IndicatorDetail) * Max(m->n, 1));
	Reason	   *reasons = palloc(sizeof(Reason) * (m->n + 1));
	Datum	   *elems;
	int			nreasons = 0;
	int64		sum;
	int64		total;
	int			binding;

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of reasons must not be negative")));

	total = compute_score_fixed(m, iv, detail, &sum);
	for (int i = 0; i < m->n; i++)
	{
		const CompiledIndicator *ci = &m->ind[i];
		int64		excess = detail[i].contrib - ci->min_contrib;

		if (excess > 0)
		{
			reasons[nreasons].code = ci->code;
			reasons[nreasons].excess = excess;
			reasons[nreasons].order = i + 1;
			nreasons++;
		}
	}
	/* A floor that raised the score is a reason in its own right. */
	binding = binding_floor(m, iv);
	if (binding >= 0 && total > sum)
	{
		reasons[nreasons].code = m->floors[binding].code;
		reasons[nreasons].excess = total - sum;
		reasons[nreasons].order = 0;
		nreasons++;
	}

	if (total_out)
		*total_out = total;
	qsort(reasons, nreasons, sizeof(Reason), cmp_reason);
	n = Min(n, nreasons);
	elems = palloc(sizeof(Datum) * Max(n, 1));
	for (int k = 0; k < n; k++)
		elems[k] = CStringGetTextDatum(reasons[k].code);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

static Datum
reasons_values(CompiledModel *m, const IndicatorValues *iv, int n)
{
	return reasons_and_total(m, iv, n, NULL);
}

/*
 * For the monthly run's single pass (compute.c, score_population()): the
 * score of one enterprise's values in model order (isnull: missing; both
 * arrays padded as ModelCallCache's scratch) and its n reason codes, from
 * one evaluation: what score() and score_reasons() give for the same array.
 */
double
score_with_reasons(CompiledModel *m, double *values, bool *isnull, int n, Datum *reasons)
{
	IndicatorValues iv;
	int64		total;

	iv.values = values;
	iv.isnull = isnull;
	iv.packed = NULL;
	iv.bitmap = NULL;
	iv.scratch_values = values;
	iv.scratch_isnull = isnull;
	iv.scratch_contrib = NULL;
	*reasons = reasons_and_total(m, &iv, n, &total);
	return score_from_fixed(total);
}

PG_FUNCTION_INFO_V1(score_reasons_jsonb);
Datum
score_reasons_jsonb(PG_FUNCTION_ARGS)
{
	CompiledModel *m = model_for_call(fcinfo, PG_GETARG_TEXT_PP(0), false);
	IndicatorValues iv;

	values_from_jsonb(m, PG_GETARG_JSONB_P(1), &iv, SCRATCH(fcinfo)->values, SCRATCH(fcinfo)->isnull);
	return reasons_values(m, &iv, PG_GETARG_INT32(2));
}

PG_FUNCTION_INFO_V1(score_reasons_array);
Datum
score_reasons_array(PG_FUNCTION_ARGS)
{
	CompiledModel *m = model_for_call(fcinfo, PG_GETARG_TEXT_PP(0), false);
	IndicatorValues iv;

	values_from_array(m, PG_GETARG_ARRAYTYPE_P(1), &iv, SCRATCH(fcinfo)->values, SCRATCH(fcinfo)->isnull, true);
	return reasons_values(m, &iv, PG_GETARG_INT32(2));
}
