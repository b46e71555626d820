/*
 * uscc.c
 *		The uscc type: unified social credit code (统一社会信用代码).
 *
 * GB 32100-2015: 18 characters from the code set 0-9 A-H J-N P-R T U W-Y
 * (31 characters, no I, O, S, V, Z): registration authority (1), entity
 * type (1), administrative division (6), organization code (9), and a check
 * character computed from the first 17 with weights 3^i mod 31.  The
 * entity type (character 2) and the division (characters 3-8) are digits:
 * a letter there is refused, so a random 18-character string is no longer
 * accepted one time in 31.  uscc_clean() removes spaces and hyphens (and
 * turns full-width characters into ASCII) before the same validation.
 *
 * Input is case-insensitive; output is upper case.  Storage is 11 bytes
 * (see uscc.h); comparison is byte order, which equals text order, with
 * sort support and abbreviated keys for large sorts, and btree and hash
 * operator classes.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/sortsupport.h"

#include "uscc.h"

static const char uscc_code_set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

#define USCC_RADIX 31

static const int uscc_weights[USCC_BODY_LEN] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
};

/* What is wrong with a text that is not a valid code. */
typedef enum UsccStatus
{
	USCC_OK,
	USCC_BAD_LENGTH,
	USCC_BAD_CHARACTER,
	USCC_BAD_STRUCTURE,			/* a letter where a digit belongs */
	USCC_BAD_CHECK
} UsccStatus;

typedef struct UsccParse
{
	UsccStatus	status;
	uint8		digits[USCC_LEN];	/* code-set index of each character */
	int			length;			/* length in characters */
	int			bad_position;	/* 1-based, for USCC_BAD_CHARACTER */
	const char *bad_char;		/* points into the input */
	int			bad_char_len;	/* bytes of that character */
	char		expected_check;
} UsccParse;

/* Index of an ASCII character in the code set, case-insensitive, or -1. */
static int
code_index(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
	{
		const char *p = strchr(uscc_code_set + 10, c);

		return p ? (int) (p - uscc_code_set) : -1;
	}
	return -1;
}

static int
check_index(const uint8 *digits)
{
	int			sum = 0;

	for (int i = 0; i < USCC_BODY_LEN; i++)
		sum += digits[i] * uscc_weights[i];
	return (USCC_RADIX - sum % USCC_RADIX) % USCC_RADIX;
}

/*
 * Check a NUL-terminated string in the database encoding.  Never errors: the
 * caller decides whether a bad code is an error (uscc_in) or just false
 * (uscc_is_valid).  The length is counted in characters, so that a code
 * typed with a full-width or Chinese character is reported as a bad
 * character rather than a bad length.
 */
static void
uscc_parse(const char *str, int len, UsccParse *res)
{
	const char *p = str;
	const char *end = str + len;
	int			pos = 0;

	memset(res, 0, sizeof(*res));
	res->length = pg_mbstrlen_with_len(str, len);
	if (res->length != USCC_LEN)
	{
		res->status = USCC_BAD_LENGTH;
		return;
	}

	while (p < end)
	{
		int			clen = pg_mblen(p);
		int			idx = (clen == 1) ? code_index((unsigned char) *p) : -1;

		if (idx < 0)
		{
			res->status = USCC_BAD_CHARACTER;
			res->bad_position = pos + 1;
			res->bad_char = p;
			res->bad_char_len = clen;
			return;
		}
		res->digits[pos++] = (uint8) idx;
		p += clen;
	}

	/* GB 32100: character 2 (entity type) and 3-8 (division) are digits */
	for (int i = 1; i < 8; i++)
		if (res->digits[i] > 9)
		{
			res->status = USCC_BAD_STRUCTURE;
			res->bad_position = i + 1;
			res->bad_char = str + i;	/* every character is ASCII here */
			res->bad_char_len = 1;
			return;
		}

	res->expected_check = uscc_code_set[check_index(res->digits)];
	res->status = (uscc_code_set[res->digits[USCC_BODY_LEN]] == res->expected_check)
		? USCC_OK : USCC_BAD_CHECK;
}

static void
report_bad_uscc(const char *str, const UsccParse *res)
{
	switch (res->status)
	{
		case USCC_BAD_LENGTH:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid unified social credit code \"%s\": wrong length", str),
					 errdetail("It has %d characters; a unified social credit code (统一社会信用代码) has %d.",
							   res->length, USCC_LEN),
					 errhint("Remove spaces and separators, and check that no character was dropped or repeated.")));
			break;
		case USCC_BAD_CHARACTER:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid unified social credit code \"%s\": invalid character", str),
					 errdetail("Character \"%.*s\" at position %d is not in the GB 32100-2015 code set.",
							   res->bad_char_len, res->bad_char, res->bad_position),
					 errhint("The code set is the digits and the letters A-Z except I, O, S, V and Z.")));
			break;
		case USCC_BAD_STRUCTURE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid unified social credit code \"%s\": letter where a digit belongs", str),
					 errdetail("Character \"%.*s\" at position %d is a letter; character 2 (entity type) and characters 3-8 (the six-digit administrative division code) are digits.",
							   res->bad_char_len, res->bad_char, res->bad_position),
					 errhint("Check for a letter O typed for the digit 0, or I for 1.")));
			break;
		case USCC_BAD_CHECK:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid unified social credit code \"%s\": wrong check character", str),
					 errdetail("The check character is \"%c\"; for the first 17 characters it should be \"%c\".",
							   uscc_code_set[res->digits[USCC_BODY_LEN]],
							   res->expected_check),
					 errhint("A character of the code was probably mistyped.")));
			break;
		case USCC_OK:
			elog(ERROR, "report_bad_uscc called for a valid code");
	}
}

/* Pack the 17 body digits, 5 bits each, most significant first. */
static void
uscc_pack(const uint8 *digits, Uscc *code)
{
	uint32		acc = 0;
	int			bits = 0;
	int			out = 0;

	memset(code, 0, sizeof(*code));
	for (int i = 0; i < USCC_BODY_LEN; i++)
	{
		acc = (acc << 5) | digits[i];
		bits += 5;
		while (bits >= 8)
		{
			bits -= 8;
			code->packed[out++] = (uint8) (acc >> bits);
		}
	}
	if (bits > 0)
		code->packed[out] = (uint8) (acc << (8 - bits));
}

void
uscc_format(const Uscc *code, char *out)
{
	/*
	 * The digits as uscc_pack() writes them (digit i is bits 5i..5i+4 of the
	 * packed bytes, most significant first), read as two big-endian words:
	 * digits 0-11 lie in the first 8 bytes, 12-16 in bytes 7-10.  The check
	 * character is summed on the way.  A fraction of the instructions of a
	 * bit-by-bit loop, which matters where every code of a population is
	 * formatted (the draw keys of sampling.c).
	 */
	const uint8 *p = code->packed;
	uint64		w = ((uint64) p[0] << 56) | ((uint64) p[1] << 48) | ((uint64) p[2] << 40) |
		((uint64) p[3] << 32) | ((uint64) p[4] << 24) | ((uint64) p[5] << 16) |
		((uint64) p[6] << 8) | (uint64) p[7];
	uint32		w2 = ((uint32) p[7] << 24) | ((uint32) p[8] << 16) | ((uint32) p[9] << 8) | (uint32) p[10];
	int			sum = 0;

	StaticAssertStmt(USCC_PACKED_LEN == 11 && USCC_BODY_LEN == 17, "packed layout");
	for (int i = 0; i < 12; i++)
	{
		int			d = (int) (w >> (59 - 5 * i)) & 0x1F;

		out[i] = uscc_code_set[d];
		sum += d * uscc_weights[i];
	}
	for (int i = 12; i < USCC_BODY_LEN; i++)
	{
		int			d = (int) (w2 >> (83 - 5 * i)) & 0x1F;

		out[i] = uscc_code_set[d];
		sum += d * uscc_weights[i];
	}
	out[USCC_BODY_LEN] = uscc_code_set[(USCC_RADIX - sum % USCC_RADIX) % USCC_RADIX];
	out[USCC_LEN] = '\0';
}

static Uscc *
uscc_from_cstring(const char *str)
{
	UsccParse	res;
	Uscc	   *code;

	uscc_parse(str, strlen(str), &res);
	if (res.status != USCC_OK)
		report_bad_uscc(str, &res);
	code = palloc(sizeof(Uscc));
	uscc_pack(res.digits, code);
	return code;
}

PG_FUNCTION_INFO_V1(uscc_in);
Datum
uscc_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_USCC_P(uscc_from_cstring(PG_GETARG_CSTRING(0)));
}

PG_FUNCTION_INFO_V1(uscc_out);
Datum
uscc_out(PG_FUNCTION_ARGS)
{
	char	   *out = palloc(USCC_LEN + 1);

	uscc_format(PG_GETARG_USCC_P(0), out);
	PG_RETURN_CSTRING(out);
}

/*
 * Binary form: the 18 upper-case ASCII characters, so that clients need no
 * knowledge of the packed storage.  The receiver validates them fully.
 */
PG_FUNCTION_INFO_V1(uscc_recv);
Datum
uscc_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	char		str[USCC_LEN + 1];

	if (buf->len - buf->cursor != USCC_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external uscc value: %d bytes", buf->len - buf->cursor),
				 errdetail("The binary form of a unified social credit code is its %d ASCII characters.",
						   USCC_LEN)));
	pq_copymsgbytes(buf, str, USCC_LEN);
	str[USCC_LEN] = '\0';
	if (strlen(str) != USCC_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external uscc value: embedded zero byte")));
	PG_RETURN_USCC_P(uscc_from_cstring(str));
}

PG_FUNCTION_INFO_V1(uscc_send);
Datum
uscc_send(PG_FUNCTION_ARGS)
{
	char		str[USCC_LEN + 1];
	StringInfoData buf;

	uscc_format(PG_GETARG_USCC_P(0), str);
	pq_begintypsend(&buf);
	pq_sendbytes(&buf, str, USCC_LEN);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(uscc_is_valid);
Datum
uscc_is_valid(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	UsccParse	res;

	uscc_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &res);
	PG_RETURN_BOOL(res.status == USCC_OK);
}

/* The six leading characters after the first two: 行政区划代码. */
PG_FUNCTION_INFO_V1(uscc_region);
Datum
uscc_region(PG_FUNCTION_ARGS)
{
	char		str[USCC_LEN + 1];

	uscc_format(PG_GETARG_USCC_P(0), str);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(str + 2, 6));
}

/* Registration authority and entity type, e.g. 91 (工商, enterprise). */
PG_FUNCTION_INFO_V1(uscc_entity_type);
Datum
uscc_entity_type(PG_FUNCTION_ARGS)
{
	char		str[USCC_LEN + 1];

	uscc_format(PG_GETARG_USCC_P(0), str);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(str, 2));
}

/* Comparison: byte order of the packed form, which is text order. */
static inline int
uscc_compare(const Uscc *a, const Uscc *b)
{
	return memcmp(a->packed, b->packed, USCC_PACKED_LEN);
}

#define USCC_CMP_FUNC(name, op) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(uscc_compare(PG_GETARG_USCC_P(0), PG_GETARG_USCC_P(1)) op 0); \
}

USCC_CMP_FUNC(uscc_eq, ==)
USCC_CMP_FUNC(uscc_ne, !=)
USCC_CMP_FUNC(uscc_lt, <)
USCC_CMP_FUNC(uscc_le, <=)
USCC_CMP_FUNC(uscc_gt, >)
USCC_CMP_FUNC(uscc_ge, >=)

PG_FUNCTION_INFO_V1(uscc_cmp);
Datum
uscc_cmp(PG_FUNCTION_ARGS)
{
	int			c = uscc_compare(PG_GETARG_USCC_P(0), PG_GETARG_USCC_P(1));

	PG_RETURN_INT32(c < 0 ? -1 : (c > 0 ? 1 : 0));
}

static int
uscc_fastcmp(Datum x, Datum y, SortSupport ssup)
{
	return uscc_compare(DatumGetUsccP(x), DatumGetUsccP(y));
}

/*
 * Abbreviated key: the first 8 packed bytes as an unsigned integer, which
 * covers the authority, entity type, division and about five characters of
 * the organization code.  Ties fall back to the full comparison.
 */
static Datum
uscc_abbrev_convert(Datum original, SortSupport ssup)
{
	uint64		prefix;

	memcpy(&prefix, DatumGetUsccP(original)->packed, sizeof(prefix));
	return UInt64GetDatum(pg_ntoh64(prefix));
}

static bool
uscc_abbrev_abort(int memtupcount, SortSupport ssup)
{
	return false;
}

PG_FUNCTION_INFO_V1(uscc_sortsupport);
Datum
uscc_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = uscc_fastcmp;
#if SIZEOF_DATUM >= 8
	if (ssup->abbreviate)
	{
		ssup->abbrev_converter = uscc_abbrev_convert;
		ssup->abbrev_abort = uscc_abbrev_abort;
		ssup->abbrev_full_comparator = uscc_fastcmp;
		ssup->comparator = ssup_datum_unsigned_cmp;
	}
#endif
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(uscc_hash);
Datum
uscc_hash(PG_FUNCTION_ARGS)
{
	return hash_any(PG_GETARG_USCC_P(0)->packed, USCC_PACKED_LEN);
}

PG_FUNCTION_INFO_V1(uscc_hash_extended);
Datum
uscc_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_any_extended(PG_GETARG_USCC_P(0)->packed, USCC_PACKED_LEN,
							 PG_GETARG_INT64(1));
}

/*
 * uscc_clean(text): a code as typed or pasted -- spaces, tabs, line breaks
 * and hyphens anywhere, lower case, full-width characters (ＡＢ１２, the
 * ideographic space, the full-width hyphen) -- cleaned, then validated.  A
 * text that is still not a valid code is an error, as for uscc input, so
 * that nothing is dropped silently (test first with
 * uscc_is_valid(uscc_clean_text(...)) where bad codes are expected); NULL
 * gives NULL (STRICT).
 */
static void
clean_text(text *t, StringInfo buf)
{
	const unsigned char *p = (const unsigned char *) VARDATA_ANY(t);
	const unsigned char *end = p + VARSIZE_ANY_EXHDR(t);
	bool		utf8 = GetDatabaseEncoding() == PG_UTF8;

	initStringInfo(buf);
	while (p < end)
	{
		int			clen = pg_mblen((const char *) p);

		if (clen > end - p)
			clen = end - p;
		if (clen == 1)
		{
			unsigned char c = *p;

			if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '-')
				;				/* dropped */
			else if (c >= 'a' && c <= 'z')
				appendStringInfoChar(buf, (char) (c - 'a' + 'A'));
			else
				appendStringInfoChar(buf, (char) c);
		}
		else if (utf8 && clen == 3 && p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99)
			appendStringInfoChar(buf, (char) ('0' + p[2] - 0x90));	/* ０-９ */
		else if (utf8 && clen == 3 && p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0xA1 && p[2] <= 0xBA)
			appendStringInfoChar(buf, (char) ('A' + p[2] - 0xA1));	/* Ａ-Ｚ */
		else if (utf8 && clen == 3 && p[0] == 0xEF && p[1] == 0xBD && p[2] >= 0x81 && p[2] <= 0x9A)
			appendStringInfoChar(buf, (char) ('A' + p[2] - 0x81));	/* ａ-ｚ */
		else if (utf8 && clen == 3 &&
				 ((p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) ||	/* ideographic space */
				  (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8D) ||	/* full-width hyphen */
				  (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x90 && p[2] <= 0x95) ||	/* dashes */
				  (p[0] == 0xE2 && p[1] == 0x88 && p[2] == 0x92)))	/* minus sign */
			;					/* dropped */
		else
			appendBinaryStringInfo(buf, (const char *) p, clen);
		p += clen;
	}
}

PG_FUNCTION_INFO_V1(uscc_clean_text);
Datum
uscc_clean_text(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	clean_text(PG_GETARG_TEXT_PP(0), &buf);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf.data, buf.len));
}

PG_FUNCTION_INFO_V1(uscc_clean);
Datum
uscc_clean(PG_FUNCTION_ARGS)
{
	StringInfoData buf;
	UsccParse	res;
	Uscc	   *code;

	clean_text(PG_GETARG_TEXT_PP(0), &buf);
	uscc_parse(buf.data, buf.len, &res);
	if (res.status != USCC_OK)
		report_bad_uscc(buf.data, &res);
	code = palloc(sizeof(Uscc));
	uscc_pack(res.digits, code);
	PG_RETURN_USCC_P(code);
}
