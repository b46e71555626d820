/*
 * classify.c
 *		From a risk score to a risk class, and what a class means.
 *
 * Henan measures (豫市监办〔2022〕100号) art. 9: scores run from 0 to 1000,
 * higher is riskier, and the classes are the half-open bands
 * A [0,200), B [200,500), C [500,750), D [750,1000].  Other provinces use
 * other bands, so a second form of classify() takes the three cut-offs.
 * Art. 12-15 set the minimum random spot-check ratio of each class.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "riskclass.h"

#define SCORE_MIN	0.0
#define SCORE_MAX	1000.0
#define NUM_CUTOFFS	(RISKCLASS_COUNT - 1)

/* Henan bands: lower bounds of classes B, C and D. */
static const float8 henan_cutoffs[NUM_CUTOFFS] = {200.0, 500.0, 750.0};

/* Minimum random spot-check ratio by class (Henan art. 12-15). */
static const char *const min_ratio_text[RISKCLASS_COUNT] = {
	"0.01", "0.03", "0.10", "0.20"
};

/* Labels used by the Henan measures (信用风险低 ... 信用风险高). */
static const char *const class_label_text[RISKCLASS_COUNT] = {
	"信用风险低", "信用风险一般", "信用风险较高", "信用风险高"
};

/*
 * Reject a score outside [0, 1000], NaN and the infinities included.
 * -0.0 compares equal to 0 and is accepted.
 */
static void
check_score(float8 score)
{
	if (isnan(score) || score < SCORE_MIN || score > SCORE_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("risk score %s is out of range",
						float8out_internal(score)),
				 errdetail("Risk scores lie between 0 and 1000 inclusive; higher is riskier.")));
}

static RiskClass
band_of(float8 score, const float8 *cutoffs)
{
	RiskClass	rc = RISKCLASS_A;

	while (rc < RISKCLASS_D && score >= cutoffs[rc])
		rc++;
	return rc;
}

/* The class of a score by the Henan bands (the monthly run's single pass, compute.c). */
RiskClass
riskclass_of_score(float8 score)
{
	check_score(score);
	return band_of(score, henan_cutoffs);
}

PG_FUNCTION_INFO_V1(classify_score);
Datum
classify_score(PG_FUNCTION_ARGS)
{
	float8		score = PG_GETARG_FLOAT8(0);

	check_score(score);
	PG_RETURN_RISKCLASS(band_of(score, henan_cutoffs));
}

/*
 * Read and validate a caller's cut-off array: three finite, strictly
 * increasing values inside (0, 1000), the lower bounds of B, C and D.
 */
static void
read_cutoffs(ArrayType *arr, float8 *cutoffs)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("cut-off array must be one-dimensional"),
				 errhint("Give the lower bounds of classes B, C and D, as in '{200,500,750}'.")));

	deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, &nulls, &n);

	if (n != NUM_CUTOFFS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cut-off array must have exactly %d elements", NUM_CUTOFFS),
				 errdetail("The array has %d.", n),
				 errhint("Give the lower bounds of classes B, C and D, as in '{200,500,750}'.")));

	for (int i = 0; i < NUM_CUTOFFS; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("cut-off %d is null", i + 1)));
		cutoffs[i] = DatumGetFloat8(elems[i]);
		if (isnan(cutoffs[i]) || cutoffs[i] <= SCORE_MIN || cutoffs[i] >= SCORE_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cut-off %d (%s) is not strictly between 0 and 1000",
							i + 1, float8out_internal(cutoffs[i]))));
		if (i > 0 && cutoffs[i] <= cutoffs[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cut-offs must be strictly increasing"),
					 errdetail("Cut-off %d (%s) is not greater than cut-off %d (%s).",
							   i + 1, float8out_internal(cutoffs[i]),
							   i, float8out_internal(cutoffs[i - 1]))));
	}
	pfree(elems);
	pfree(nulls);
}

PG_FUNCTION_INFO_V1(classify_score_cutoffs);
Datum
classify_score_cutoffs(PG_FUNCTION_ARGS)
{
	float8		score = PG_GETARG_FLOAT8(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	float8		cutoffs[NUM_CUTOFFS];

	read_cutoffs(arr, cutoffs);
	check_score(score);
	PG_RETURN_RISKCLASS(band_of(score, cutoffs));
}

/*
 * Not used by 1.4, whose min_spot_check_ratio() reads the supervision
 * measures in force (creditrisk.supervision_measure); kept because the
 * released 1.0-1.3 scripts, installed and upgraded from, name the symbol.
 */
PG_FUNCTION_INFO_V1(riskclass_min_spot_check_ratio);
Datum
riskclass_min_spot_check_ratio(PG_FUNCTION_ARGS)
{
	RiskClass	rc = PG_GETARG_RISKCLASS(0);

	return DirectFunctionCall3(numeric_in,
							   CStringGetDatum(min_ratio_text[rc]),
							   ObjectIdGetDatum(InvalidOid),
							   Int32GetDatum(-1));
}

PG_FUNCTION_INFO_V1(riskclass_label);
Datum
riskclass_label(PG_FUNCTION_ARGS)
{
	RiskClass	rc = PG_GETARG_RISKCLASS(0);

	PG_RETURN_TEXT_P(cstring_to_text(class_label_text[rc]));
}
