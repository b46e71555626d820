/*
 * bench_floor.c
 *		The floor of the scoring benchmark: read every element of an
 *		indicator array exactly once and return their sum, NULL elements
 *		skipped.  A scorer has to touch every value too, so the time of
 *		sum(bench_floor(ind)) is what scoring costs when the arithmetic is
 *		free: the scan, the tuple deforming, one function call per row and
 *		one pass over the array data.
 *
 * The array is read in place (no deconstruct_array, no allocation).  NULLs
 * are not stored in the data area, only in the bitmap: a present element is
 * the next packed value.  The load is unconditional (data[present - 1]: when
 * the element is absent this reads the previous element or the array header,
 * inside the array) so that no branch depends on where the NULLs are, the
 * same technique as the creditrisk scorer.  The additions are done in order
 * into one double, as a scorer that must reproduce an exact sum does.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"

PG_MODULE_MAGIC;

static int
check_array(ArrayType *arr, Oid elemtype)
{
	if (ARR_ELEMTYPE(arr) != elemtype)
		elog(ERROR, "bench_floor: unexpected array element type %u", ARR_ELEMTYPE(arr));
	return ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
}

#define FLOOR_SUM(elemtype_c) \
	do { \
		const elemtype_c *data = (const elemtype_c *) ARR_DATA_PTR(arr); \
		const bits8 *bitmap = ARR_NULLBITMAP(arr); \
		\
		if (bitmap == NULL) \
		{ \
			for (int i = 0; i < n; i++) \
				sum += data[i]; \
		} \
		else \
		{ \
			for (int i = 0; i < n; i++) \
			{ \
				int			present = (bitmap[i >> 3] >> (i & 7)) & 1; \
				double		loaded = data[present - 1]; \
				uint64		bits; \
				\
				/* 0.0 when absent, by a mask: no branch, no NaN */ \
				memcpy(&bits, &loaded, sizeof(bits)); \
				bits &= -(uint64) present; \
				memcpy(&loaded, &bits, sizeof(bits)); \
				data += present; \
				sum += loaded; \
			} \
		} \
	} while (0)

PG_FUNCTION_INFO_V1(bench_floor);
Datum
bench_floor(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	int			n = check_array(arr, FLOAT8OID);
	double		sum = 0.0;

	FLOOR_SUM(float8);
	PG_RETURN_FLOAT8(sum);
}

PG_FUNCTION_INFO_V1(bench_floor4);
Datum
bench_floor4(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	int			n = check_array(arr, FLOAT4OID);
	double		sum = 0.0;

	FLOOR_SUM(float4);
	PG_RETURN_FLOAT8(sum);
}
