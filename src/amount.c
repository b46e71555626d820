/*
 * amount.c
 *		Amounts of money (numeric(16,4) columns: capital, fines) as exact
 *		int64 counts of 1/10000 yuan-units, for the indicator engine.
 *
 * units = value * 10000.  The columns have scale 4, so units is an integer,
 * and |units| < 10^16 fits an int64.  Sums and differences of units are then
 * exact, and amount_to_double() gives the correctly rounded double, as
 * numeric::double precision gives in SQL: the C engine and the SQL
 * definitions agree bit for bit (sql/indicators.sql, "Amounts").
 *
 * The reference is numeric's own arithmetic, units_by_numeric(): value *
 * 10000 by numeric_mul_opt_error(), then numeric_int8().  It costs about
 * 220 ns a value (a multiplication into a palloc'd numeric, a detoasted copy,
 * a conversion), 20 times the work of reading the value's digits, and the
 * register alone holds two amounts per enterprise: at a million enterprises
 * that is 0.4 s of a 2.2 s computation.  So units_from_digits() reads the
 * digits instead, and falls back to units_by_numeric() for anything it does
 * not handle.  An assertion-enabled build (make ASSERTS=1, as CI builds)
 * checks every value it reads against units_by_numeric().
 */
#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "engine.h"

/* 10000 as a numeric, made once per backend. */
static Numeric
amount_scale(void)
{
	static Numeric scale = NULL;

	if (scale == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		scale = int64_to_numeric((int64) AMOUNT_SCALE);
		MemoryContextSwitchTo(old);
	}
	return scale;
}

/* value * 10000 by numeric's arithmetic; an error for NaN and infinities. */
static int64
units_by_numeric(Datum d)
{
	Numeric		value = DatumGetNumeric(d); /* a copy when stored short */
	Numeric		scaled;
	int64		units;

	if (numeric_is_nan(value) || numeric_is_inf(value))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("an amount is %s", numeric_is_nan(value) ? "NaN" : "infinite"),
				 errdetail("compute_indicators reads registered and paid-in capital and fines as amounts of money."),
				 errhint("Correct the record: NaN and infinities are not amounts.")));
	scaled = numeric_mul_opt_error(value, amount_scale(), NULL);
	/* an integer for scale-4 columns; rounded (half away from zero) otherwise */
	units = DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(scaled)));
	pfree(scaled);
	if ((Pointer) value != DatumGetPointer(d))
		pfree(value);
	return units;
}

/* 10000^exponent for 0 <= exponent <= 4 (up to 10^16 units), else 0. */
static inline int64
digit_value_scale(int exponent)
{
	static const int64 powers[] = {
		1, 10000, 100000000, INT64CONST(1000000000000), INT64CONST(10000000000000000)
	};

	return exponent >= 0 && exponent < (int) lengthof(powers) ? powers[exponent] : 0;
}

/*
 * value * 10000 from the value's base-10000 digits, or false when the value
 * is not in the form this reads (then units_by_numeric() decides).
 *
 * The form read, as src/backend/utils/adt/numeric.c defines it (it is the
 * on-disk format, which pg_upgrade keeps, so it cannot change between major
 * versions): after the varlena header, a uint16 header word; when its two
 * top bits are 10 (NUMERIC_SHORT) it holds the sign (0x2000) and a 7-bit
 * two's-complement weight (0x007F, sign bit 0x0040), and the digits follow
 * it.  Digits are int16 in base 10000 (NBASE), most significant first, the
 * first one worth 10000^weight, trailing zero digits not stored.  Every value
 * of a numeric(16,4) column is stored short by PostgreSQL 14 and later; the
 * long form, NaN and infinities (top bits 00, 01, 11) are left to
 * units_by_numeric().
 */
static bool
units_from_digits(Datum d, int64 *units)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(d);
	const char *p;
	int			len;
	uint16		header;
	int			weight;
	int64		acc = 0;

	if (VARATT_IS_EXTERNAL(v) || VARATT_IS_COMPRESSED(v))
		return false;			/* not an amount's size; detoasted by the API */
	p = VARDATA_ANY(v);
	len = VARSIZE_ANY_EXHDR(v);
	if (len < (int) sizeof(uint16) || len % sizeof(int16) != 0)
		return false;
	memcpy(&header, p, sizeof(header));
	if ((header & 0xC000) != 0x8000)
		return false;			/* not the short form */
	weight = (header & 0x0040) ? (int) (header & 0x007F) - 0x80 : (int) (header & 0x007F);

	for (int i = 0; (i + 1) * (int) sizeof(int16) < len; i++)
	{
		int16		digit;
		int			exponent = weight + 1 - i;	/* power of 10000 of this digit, in units */
		int64		term = digit_value_scale(exponent);

		memcpy(&digit, p + (i + 1) * sizeof(int16), sizeof(digit));
		if (digit < 0 || digit >= 10000)
			return false;
		if (digit == 0)
			continue;
		if (term == 0 || pg_mul_s64_overflow(term, digit, &term) || pg_add_s64_overflow(acc, term, &acc))
			return false;		/* finer than 1/10000, or too large */
	}
	*units = (header & 0x2000) ? -acc : acc;
	return true;
}

int64
amount_units(Datum d)
{
	int64		units;

	if (!units_from_digits(d, &units))
		return units_by_numeric(d);
	Assert(units == units_by_numeric(d));
	return units;
}

/*
 * units / 10000 as the correctly rounded double.  Up to 2^53 units (about
 * 900 billion yuan-units) both operands of units / 10000.0 are exact, so the
 * division rounds once, correctly; above, (double) units would round first,
 * so numeric converts the exact quotient (numeric_float8, as SQL does).
 */
double
amount_to_double(int64 units)
{
	const int64 exact = INT64CONST(1) << 53;

	if (units >= -exact && units <= exact)
		return (double) units / AMOUNT_SCALE;
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8,
											  NumericGetDatum(int64_div_fast_to_numeric(units, 4))));
}
