/*
 * amount.c
 *		Amounts of money (numeric(16,4) columns: capital, fines) as exact
 *		int64 counts of 1/10000 yuan-units, for the indicator engine.
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "fmgr.h"
#include "utils/builtins.h"

#include "engine.h"

/*
 * Amounts (numeric(16,4) columns: capital, fines) are read exactly, as
 * integer counts of 1/10000 yuan-units, from numeric's stored form (the
 * on-disk format, stable across releases: a 2-byte short header or a
 * 4-byte long one, then base-10000 digits with trailing zeros stripped).
 * Sums and differences are then exact, and units / 10000.0 is the correctly
 * rounded double, as numeric::double precision gives in SQL.
 */
bool
numeric_to_units(Datum d, int64 *units)
{
	struct varlena *v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(d));
	const char *p = VARDATA_ANY(v);
	int			len = VARSIZE_ANY_EXHDR(v);
	uint16		header;
	int			weight;
	bool		negative;
	int			first;
	int64		acc = 0;

	if (len < 2)
		return false;
	memcpy(&header, p, sizeof(header));
	if ((header & 0xC000) == 0xC000)
		return false;			/* NaN or infinity */
	if (header & 0x8000)
	{
		/* short: sign 0x2000, weight in 6 bits with sign bit 0x0040 */
		negative = (header & 0x2000) != 0;
		weight = (header & 0x0040) ? (~0x003F | (header & 0x003F)) : (header & 0x003F);
		first = 2;
	}
	else
	{
		int16		w;

		if (len < 4)
			return false;
		negative = (header & 0xC000) == 0x4000;
		memcpy(&w, p + 2, sizeof(w));
		weight = w;
		first = 4;
	}
	for (int i = 0; first + 2 * i + 1 < len; i++)
	{
		int16		digit;
		int			exponent = weight + 1 - i;	/* power of 10000 of this digit, in units */
		int64		term = 1;

		memcpy(&digit, p + first + 2 * i, sizeof(digit));
		if (digit == 0)
			continue;
		if (exponent < 0 || exponent > 4)
			return false;		/* finer than 1/10000, or too large */
		for (int k = 0; k < exponent; k++)
			term *= 10000;
		if (pg_mul_s64_overflow(term, digit, &term) || pg_add_s64_overflow(acc, term, &acc))
			return false;
	}
	*units = negative ? -acc : acc;
	return true;
}

/* An amount as exact units; falls back to rounding where it cannot be exact. */
int64
amount_units(Datum d)
{
	int64		units;

	if (numeric_to_units(d, &units))
		return units;
	return (int64) rint(DatumGetFloat8(DirectFunctionCall1(numeric_float8, d)) * AMOUNT_SCALE);
}
