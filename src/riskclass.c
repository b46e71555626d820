/*
 * riskclass.c
 *		The riskclass type: credit-risk classes A (low), B (general),
 *		C (higher) and D (high), ordered by risk (Henan measures art. 9).
 *
 * A fixed-size, pass-by-value type of one byte with btree and hash support,
 * in the manner of contrib/isn: text and binary I/O, the six comparison
 * operators, a btree comparison function with sort support, and standard
 * and extended hash functions (so that hash joins, hash aggregation and hash
 * partitioning work).
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/sortsupport.h"

#include "riskclass.h"

#define VALID_CLASSES_HINT \
	"Valid risk classes are A (low), B (general), C (higher) and D (high); case does not matter."

/*
 * Parse the text form of a risk class: exactly one letter A-D, in either
 * case.  Anything else is a syntax error naming the bad value.
 */
static RiskClass
riskclass_parse(const char *str)
{
	if (str[0] != '\0' && str[1] == '\0')
	{
		char		c = str[0];

		if (c >= 'a' && c <= 'd')
			return (RiskClass) (c - 'a');
		if (c >= 'A' && c <= 'D')
			return (RiskClass) (c - 'A');
	}

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type riskclass: \"%s\"", str),
			 errdetail("A risk class is a single letter, without spaces."),
			 errhint(VALID_CLASSES_HINT)));
	pg_unreachable();
}

PG_FUNCTION_INFO_V1(riskclass_in);
Datum
riskclass_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_RISKCLASS(riskclass_parse(PG_GETARG_CSTRING(0)));
}

PG_FUNCTION_INFO_V1(riskclass_out);
Datum
riskclass_out(PG_FUNCTION_ARGS)
{
	RiskClass	rc = PG_GETARG_RISKCLASS(0);
	char	   *result = palloc(2);

	result[0] = riskclass_letter(rc);
	result[1] = '\0';
	PG_RETURN_CSTRING(result);
}

/*
 * Binary form: the upper-case letter as one byte.  The receiver validates it
 * like text input, so a corrupt or hostile client cannot store an
 * out-of-range class.
 */
PG_FUNCTION_INFO_V1(riskclass_recv);
Datum
riskclass_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			c = pq_getmsgbyte(buf);

	if (c < 'A' || c > 'D')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external riskclass value: byte %d", c),
				 errdetail("The binary form of a risk class is one byte: the letter A, B, C or D.")));
	PG_RETURN_RISKCLASS((RiskClass) (c - 'A'));
}

PG_FUNCTION_INFO_V1(riskclass_send);
Datum
riskclass_send(PG_FUNCTION_ARGS)
{
	RiskClass	rc = PG_GETARG_RISKCLASS(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, riskclass_letter(rc));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Comparison operators; they cannot fail, so they are LEAKPROOF. */
#define RISKCLASS_CMP_FUNC(name, op) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(PG_GETARG_RISKCLASS(0) op PG_GETARG_RISKCLASS(1)); \
}

RISKCLASS_CMP_FUNC(riskclass_eq, ==)
RISKCLASS_CMP_FUNC(riskclass_ne, !=)
RISKCLASS_CMP_FUNC(riskclass_lt, <)
RISKCLASS_CMP_FUNC(riskclass_le, <=)
RISKCLASS_CMP_FUNC(riskclass_gt, >)
RISKCLASS_CMP_FUNC(riskclass_ge, >=)

static inline int
riskclass_compare(RiskClass a, RiskClass b)
{
	return (int) a - (int) b;
}

PG_FUNCTION_INFO_V1(riskclass_cmp);
Datum
riskclass_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(riskclass_compare(PG_GETARG_RISKCLASS(0),
									  PG_GETARG_RISKCLASS(1)));
}

static int
riskclass_fastcmp(Datum x, Datum y, SortSupport ssup)
{
	return riskclass_compare(DatumGetRiskClass(x), DatumGetRiskClass(y));
}

PG_FUNCTION_INFO_V1(riskclass_sortsupport);
Datum
riskclass_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = riskclass_fastcmp;
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(riskclass_hash);
Datum
riskclass_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_RISKCLASS(0));
}

PG_FUNCTION_INFO_V1(riskclass_hash_extended);
Datum
riskclass_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_RISKCLASS(0),
								PG_GETARG_INT64(1));
}

/* Support functions of the min() and max() aggregates. */
PG_FUNCTION_INFO_V1(riskclass_smaller);
Datum
riskclass_smaller(PG_FUNCTION_ARGS)
{
	RiskClass	a = PG_GETARG_RISKCLASS(0);
	RiskClass	b = PG_GETARG_RISKCLASS(1);

	PG_RETURN_RISKCLASS(a < b ? a : b);
}

PG_FUNCTION_INFO_V1(riskclass_larger);
Datum
riskclass_larger(PG_FUNCTION_ARGS)
{
	RiskClass	a = PG_GETARG_RISKCLASS(0);
	RiskClass	b = PG_GETARG_RISKCLASS(1);

	PG_RETURN_RISKCLASS(a > b ? a : b);
}
