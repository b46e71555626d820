/*
 * sampling.c
 *		Verifiable random draws for 双随机、一公开 spot checks (issue 13).
 *
 * The draw is a pure function of a revealed seed and a stored population:
 *
 *   key(seed, uscc)        = SHA-256( UTF-8(seed) || 0x00 || uscc's 18 characters )
 *   key(seed, certificate) = SHA-256( UTF-8(seed) || 0x01 || UTF-8(certificate) )
 *
 * spot_sample(seed, uscc, k) is an aggregate that keeps, per group (a class
 * of the population), the k enterprises with the smallest key (ties, which
 * SHA-256 makes practically impossible, by the USCC), in a bounded max-heap:
 * O(N log k) time, O(k) memory.  Its result is ordered by key, so the
 * position in the array is the enterprise's rank.
 *
 * spot_assign(seed, drawn, inspectors, conflict pairs, per_check) gives each
 * drawn enterprise, in key order, per_check inspectors: repeatedly the
 * least-loaded inspector of the pool that is not conflicted with the
 * enterprise, ties broken by the inspector's key.  An enterprise for which
 * fewer than per_check eligible inspectors exist gets none (it is reported).
 *
 * Both are re-derivable by anyone: creditrisk.verify_draw() recomputes the
 * sample in plain SQL with the built-in sha256(); doc/spotcheck.md states the
 * algorithm and why it is unbiased.  SHA-256 is implemented here (FIPS 180-4)
 * so that the hot loop needs no allocation per row; the regression tests check
 * it against PostgreSQL's sha256().
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "model.h"				/* creditrisk.simd */
#include "riskclass.h"
#include "uscc.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHA_NI_PATH 1
#endif

#define SHA256_LEN 32
#define KEY_ENTERPRISE 0x00
#define KEY_INSPECTOR 0x01

/* ------------------------------------------------------------------------
 * SHA-256 (FIPS 180-4)
 * ------------------------------------------------------------------------ */
static const uint32 sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
sha256_block_portable(uint32 *h, const uint8 *p)
{
	uint32		w[64];
	uint32		a, b, c, d, e, f, g, hh;

	for (int i = 0; i < 16; i++)
		w[i] = ((uint32) p[4 * i] << 24) | ((uint32) p[4 * i + 1] << 16) |
			((uint32) p[4 * i + 2] << 8) | (uint32) p[4 * i + 3];
	for (int i = 16; i < 64; i++)
	{
		uint32		s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32		s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; hh = h[7];
	for (int i = 0; i < 64; i++)
	{
		uint32		t1 = hh + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
		uint32		t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));

		hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

#ifdef HAVE_SHA_NI_PATH
/*
 * The same compression with the x86 SHA extensions (SHA-NI): four rounds per
 * pair of sha256rnds2, the message schedule with sha256msg1/msg2.  State
 * words are kept as ABEF / CDGH, as the instructions expect.  Chosen at run
 * time when the CPU has SHA, SSSE3 and SSE4.1; the regression tests compare
 * the keys with PostgreSQL's sha256() either way.
 */
__attribute__((target("sha,ssse3,sse4.1")))
static void
sha256_block_shani(uint32 *h, const uint8 *p)
{
	const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i		state0,
				state1,
				msg,
				tmp,
				abef,
				cdgh;
	__m128i		m[4];

	tmp = _mm_loadu_si128((const __m128i *) &h[0]);
	state1 = _mm_loadu_si128((const __m128i *) &h[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xB1);		/* CDAB */
	state1 = _mm_shuffle_epi32(state1, 0x1B);	/* EFGH */
	state0 = _mm_alignr_epi8(tmp, state1, 8);	/* ABEF */
	state1 = _mm_blend_epi16(state1, tmp, 0xF0);	/* CDGH */
	abef = state0;
	cdgh = state1;

	for (int g = 0; g < 16; g++)
	{
		__m128i    *cur = &m[g & 3];
		__m128i    *prev = &m[(g + 3) & 3];
		__m128i    *next = &m[(g + 1) & 3];

		if (g < 4)
			*cur = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 16 * g)), mask);
		msg = _mm_add_epi32(*cur, _mm_loadu_si128((const __m128i *) &sha256_k[4 * g]));
		state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
		if (g >= 3 && g <= 14)
		{
			tmp = _mm_alignr_epi8(*cur, *prev, 4);
			*next = _mm_add_epi32(*next, tmp);
			*next = _mm_sha256msg2_epu32(*next, *cur);
		}
		msg = _mm_shuffle_epi32(msg, 0x0E);
		state0 = _mm_sha256rnds2_epu32(state0, state1, msg);
		if (g >= 1 && g <= 12)
			*prev = _mm_sha256msg1_epu32(*prev, *cur);
	}

	state0 = _mm_add_epi32(state0, abef);
	state1 = _mm_add_epi32(state1, cdgh);
	tmp = _mm_shuffle_epi32(state0, 0x1B);	/* FEBA */
	state1 = _mm_shuffle_epi32(state1, 0xB1);	/* DCHG */
	state0 = _mm_blend_epi16(tmp, state1, 0xF0);	/* DCBA */
	state1 = _mm_alignr_epi8(state1, tmp, 8);	/* ABEF */
	_mm_storeu_si128((__m128i *) &h[0], state0);
	_mm_storeu_si128((__m128i *) &h[4], state1);
}

/* 1 = SHA-NI, 0 = portable, -1 = not yet decided */
static int	use_shani = -1;

static bool
cpu_has_shani(void)
{
	unsigned int a,
				b,
				c,
				d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return false;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return (b & bit_SHA) != 0;
}
#endif

static inline void
sha256_block(uint32 *h, const uint8 *p)
{
#ifdef HAVE_SHA_NI_PATH
	if (unlikely(use_shani < 0))
		use_shani = cpu_has_shani() ? 1 : 0;
	if (use_shani && creditrisk_simd)
	{
		sha256_block_shani(h, p);
		return;
	}
#endif
	sha256_block_portable(h, p);
}

/* SHA-256 of the concatenation of two byte strings. */
static void
sha256_2(const uint8 *m1, size_t n1, const uint8 *m2, size_t n2, uint8 *out)
{
	uint32		h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	uint8		block[64];
	size_t		fill = 0;
	uint64		bits = (uint64) (n1 + n2) * 8;
	const uint8 *parts[2] = {m1, m2};
	size_t		lens[2] = {n1, n2};

	for (int k = 0; k < 2; k++)
	{
		const uint8 *p = parts[k];
		size_t		n = lens[k];

		while (n > 0)
		{
			size_t		take = Min(n, 64 - fill);

			memcpy(block + fill, p, take);
			fill += take;
			p += take;
			n -= take;
			if (fill == 64)
			{
				sha256_block(h, block);
				fill = 0;
			}
		}
	}
	block[fill++] = 0x80;
	if (fill > 56)
	{
		memset(block + fill, 0, 64 - fill);
		sha256_block(h, block);
		fill = 0;
	}
	memset(block + fill, 0, 56 - fill);
	for (int i = 0; i < 8; i++)
		block[56 + i] = (uint8) (bits >> (56 - 8 * i));
	sha256_block(h, block);
	for (int i = 0; i < 8; i++)
	{
		out[4 * i] = (uint8) (h[i] >> 24);
		out[4 * i + 1] = (uint8) (h[i] >> 16);
		out[4 * i + 2] = (uint8) (h[i] >> 8);
		out[4 * i + 3] = (uint8) h[i];
	}
}

/*
 * The key prefix of a seed: UTF-8(seed) || tag, in memory of the given
 * context.  Errors for a NULL or empty seed are the caller's.
 */
static uint8 *
seed_prefix(text *seed, uint8 tag, int *len)
{
	const char *s = VARDATA_ANY(seed);
	int			n = VARSIZE_ANY_EXHDR(seed);
	char	   *u = pg_server_to_any(s, n, PG_UTF8);
	uint8	   *p;

	if (u != s)
		n = strlen(u);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the seed of a draw must not be empty"),
				 errhint("Use a secret of at least 128 bits, e.g. encode(gen_random_bytes(16), 'hex'), or a named public value.")));
	p = palloc(n + 1);
	memcpy(p, u, n);
	p[n] = tag;
	*len = n + 1;
	return p;
}

static void
enterprise_key(const uint8 *prefix, int plen, const Uscc *code, uint8 *out)
{
	char		txt[USCC_LEN + 1];

	uscc_format(code, txt);
	sha256_2(prefix, plen, (const uint8 *) txt, USCC_LEN, out);
}

static text *
check_seed_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the seed of a draw must not be NULL")));
	return PG_GETARG_TEXT_PP(argno);
}

/*
 * spot_key(seed text, uscc) -> bytea: an enterprise's key, the value the
 * sample is ordered by (equal to sha256(convert_to(seed, 'UTF8') || '\x00'
 * || convert_to(uscc::text, 'UTF8'))).
 */
PG_FUNCTION_INFO_V1(spot_key);
Datum
spot_key(PG_FUNCTION_ARGS)
{
	text	   *seed = check_seed_arg(fcinfo, 0);
	int			plen;
	uint8	   *prefix;
	bytea	   *res;

	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	prefix = seed_prefix(seed, KEY_ENTERPRISE, &plen);
	res = palloc(VARHDRSZ + SHA256_LEN);
	SET_VARSIZE(res, VARHDRSZ + SHA256_LEN);
	enterprise_key(prefix, plen, PG_GETARG_USCC_P(1), (uint8 *) VARDATA(res));
	PG_RETURN_BYTEA_P(res);
}

/* ------------------------------------------------------------------------
 * spot_sample: the k smallest keys of a group
 * ------------------------------------------------------------------------ */
typedef struct SampleItem
{
	uint8		key[SHA256_LEN];
	Uscc		code;
} SampleItem;

typedef struct SampleState
{
	int64		k;
	int64		n;				/* items in the heap */
	uint8	   *prefix;
	int			plen;
	text	   *seed;			/* as first given, to refuse a change */
	Oid			elemtype;
	SampleItem *heap;			/* max-heap on (key, code) */
} SampleState;

static inline int
item_cmp(const SampleItem *a, const SampleItem *b)
{
	int			c = memcmp(a->key, b->key, SHA256_LEN);

	return c != 0 ? c : memcmp(a->code.packed, b->code.packed, USCC_PACKED_LEN);
}

static void
heap_sift_down(SampleItem *heap, int64 n, int64 i)
{
	for (;;)
	{
		int64		l = 2 * i + 1,
					r = l + 1,
					m = i;
		SampleItem	t;

		if (l < n && item_cmp(&heap[l], &heap[m]) > 0)
			m = l;
		if (r < n && item_cmp(&heap[r], &heap[m]) > 0)
			m = r;
		if (m == i)
			return;
		t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
}

static void
heap_sift_up(SampleItem *heap, int64 i)
{
	while (i > 0)
	{
		int64		p = (i - 1) / 2;
		SampleItem	t;

		if (item_cmp(&heap[i], &heap[p]) <= 0)
			return;
		t = heap[i];
		heap[i] = heap[p];
		heap[p] = t;
		i = p;
	}
}

#define MAX_SAMPLE ((int64) (MaxAllocSize / sizeof(SampleItem)))

/* Add one item to a state's bounded heap. */
static void
sample_add(SampleState *st, const SampleItem *item)
{
	if (st->n < st->k)
	{
		st->heap[st->n] = *item;
		heap_sift_up(st->heap, st->n);
		st->n++;
	}
	else if (st->k > 0 && item_cmp(item, &st->heap[0]) < 0)
	{
		st->heap[0] = *item;
		heap_sift_down(st->heap, st->n, 0);
	}
}

static SampleState *
sample_state_new(MemoryContext cxt, int64 k, text *seed, Oid elemtype)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	SampleState *st = palloc0(sizeof(SampleState));

	st->k = k;
	st->seed = (text *) PG_DETOAST_DATUM_COPY(PointerGetDatum(seed));
	st->prefix = seed_prefix(st->seed, KEY_ENTERPRISE, &st->plen);
	st->elemtype = elemtype;
	st->heap = palloc(sizeof(SampleItem) * Max(k, 1));
	MemoryContextSwitchTo(old);
	return st;
}

static void
sample_check_same(const SampleState *a, const SampleState *b)
{
	if (a->k != b->k || VARSIZE_ANY_EXHDR(a->seed) != VARSIZE_ANY_EXHDR(b->seed) ||
		memcmp(VARDATA_ANY(a->seed), VARDATA_ANY(b->seed), VARSIZE_ANY_EXHDR(a->seed)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("seed and sample size must be the same for every row of a group")));
}

PG_FUNCTION_INFO_V1(spot_sample_trans);
Datum
spot_sample_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	SampleState *st;
	SampleItem	item;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "spot_sample_trans called in non-aggregate context");

	if (PG_ARGISNULL(0))
	{
		int64		k;

		(void) check_seed_arg(fcinfo, 1);
		if (PG_ARGISNULL(3))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the sample size of a draw must not be NULL")));
		k = PG_GETARG_INT64(3);
		if (k < 0 || k > MAX_SAMPLE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sample size %lld is out of range", (long long) k),
					 errdetail("The sample size must lie between 0 and %lld.", (long long) MAX_SAMPLE)));
		st = sample_state_new(aggcontext, k, PG_GETARG_TEXT_PP(1), get_fn_expr_argtype(fcinfo->flinfo, 2));
	}
	else
	{
		st = (SampleState *) PG_GETARG_POINTER(0);
		if (PG_ARGISNULL(1) || PG_ARGISNULL(3) || PG_GETARG_INT64(3) != st->k ||
			VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(1)) != VARSIZE_ANY_EXHDR(st->seed) ||
			memcmp(VARDATA_ANY(PG_GETARG_TEXT_PP(1)), VARDATA_ANY(st->seed), VARSIZE_ANY_EXHDR(st->seed)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("seed and sample size must be the same for every row of a group")));
	}

	if (PG_ARGISNULL(2) || st->k == 0)
		PG_RETURN_POINTER(st);

	item.code = *PG_GETARG_USCC_P(2);
	enterprise_key(st->prefix, st->plen, &item.code, item.key);
	sample_add(st, &item);
	PG_RETURN_POINTER(st);
}

/* Parallel aggregation: the k smallest of two partial heaps. */
PG_FUNCTION_INFO_V1(spot_sample_combine);
Datum
spot_sample_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	SampleState *a = PG_ARGISNULL(0) ? NULL : (SampleState *) PG_GETARG_POINTER(0);
	SampleState *b = PG_ARGISNULL(1) ? NULL : (SampleState *) PG_GETARG_POINTER(1);

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "spot_sample_combine called in non-aggregate context");
	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		a = sample_state_new(aggcontext, b->k, b->seed, b->elemtype);
	else
		sample_check_same(a, b);
	for (int64 i = 0; i < b->n; i++)
		sample_add(a, &b->heap[i]);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(spot_sample_serialize);
Datum
spot_sample_serialize(PG_FUNCTION_ARGS)
{
	SampleState *st = (SampleState *) PG_GETARG_POINTER(0);
	int32		seedlen = VARSIZE_ANY_EXHDR(st->seed);
	Size		len = VARHDRSZ + sizeof(int64) * 2 + sizeof(Oid) + sizeof(int32) + seedlen + sizeof(SampleItem) * st->n;
	bytea	   *out = palloc(len);
	char	   *p = VARDATA(out);

	SET_VARSIZE(out, len);
	memcpy(p, &st->k, sizeof(int64)); p += sizeof(int64);
	memcpy(p, &st->n, sizeof(int64)); p += sizeof(int64);
	memcpy(p, &st->elemtype, sizeof(Oid)); p += sizeof(Oid);
	memcpy(p, &seedlen, sizeof(int32)); p += sizeof(int32);
	memcpy(p, VARDATA_ANY(st->seed), seedlen); p += seedlen;
	memcpy(p, st->heap, sizeof(SampleItem) * st->n);
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(spot_sample_deserialize);
Datum
spot_sample_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	int64		k,
				n;
	Oid			elemtype;
	int32		seedlen;
	text	   *seed;
	SampleState *st;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "spot_sample_deserialize called in non-aggregate context");
	memcpy(&k, p, sizeof(int64)); p += sizeof(int64);
	memcpy(&n, p, sizeof(int64)); p += sizeof(int64);
	memcpy(&elemtype, p, sizeof(Oid)); p += sizeof(Oid);
	memcpy(&seedlen, p, sizeof(int32)); p += sizeof(int32);
	seed = cstring_to_text_with_len(p, seedlen);
	p += seedlen;
	st = sample_state_new(aggcontext, k, seed, elemtype);
	Assert(n <= k);
	memcpy(st->heap, p, sizeof(SampleItem) * n);
	st->n = n;
	PG_RETURN_POINTER(st);
}

static int
item_qsort_cmp(const void *a, const void *b)
{
	return item_cmp((const SampleItem *) a, (const SampleItem *) b);
}

PG_FUNCTION_INFO_V1(spot_sample_final);
Datum
spot_sample_final(PG_FUNCTION_ARGS)
{
	SampleState *st;
	Datum	   *elems;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (SampleState *) PG_GETARG_POINTER(0);
	/* Sort a copy: the final function may be called more than once. */
	{
		SampleItem *sorted = palloc(sizeof(SampleItem) * Max(st->n, 1));

		memcpy(sorted, st->heap, sizeof(SampleItem) * st->n);
		qsort(sorted, st->n, sizeof(SampleItem), item_qsort_cmp);
		elems = palloc(sizeof(Datum) * Max(st->n, 1));
		for (int64 i = 0; i < st->n; i++)
		{
			Uscc	   *c = palloc(sizeof(Uscc));

			*c = sorted[i].code;
			elems[i] = UsccPGetDatum(c);
		}
	}
	get_typlenbyvalalign(st->elemtype, &typlen, &typbyval, &typalign);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, (int) st->n, st->elemtype, typlen, typbyval, typalign));
}

/* ------------------------------------------------------------------------
 * spot_sample_task: the whole sample of a task in one pass
 * ------------------------------------------------------------------------
 *
 * spot_sample_task(seed, task) reads the task's stored population snapshot
 * (creditrisk.spot_check_population, one array per division and class) and
 * its quotas (spot_check_task_class.quota), with the caller's rights, and
 * returns per class the quota enterprises with the smallest key, in key
 * order: (uscc, division_code, class, rank).  It is the same sample as
 * spot_sample() per class over the unnested snapshot (one bounded max-heap
 * per class, O(N log k)), without unnesting the arrays into rows, and it
 * carries each enterprise's division from the snapshot.
 */
typedef struct StrataItem
{
	SampleItem	item;
	int32		division;		/* index into the divisions seen */
} StrataItem;

static inline int
strata_cmp(const StrataItem *a, const StrataItem *b)
{
	return item_cmp(&a->item, &b->item);
}

static void
strata_sift_down(StrataItem *heap, int64 n, int64 i)
{
	for (;;)
	{
		int64		l = 2 * i + 1,
					r = l + 1,
					m = i;
		StrataItem	t;

		if (l < n && strata_cmp(&heap[l], &heap[m]) > 0)
			m = l;
		if (r < n && strata_cmp(&heap[r], &heap[m]) > 0)
			m = r;
		if (m == i)
			return;
		t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
}

static void
strata_sift_up(StrataItem *heap, int64 i)
{
	while (i > 0)
	{
		int64		p = (i - 1) / 2;
		StrataItem	t;

		if (strata_cmp(&heap[i], &heap[p]) <= 0)
			return;
		t = heap[i];
		heap[i] = heap[p];
		heap[p] = t;
		i = p;
	}
}

static int
strata_qsort_cmp(const void *a, const void *b)
{
	return strata_cmp((const StrataItem *) a, (const StrataItem *) b);
}

typedef struct Stratum
{
	int64		k;				/* the quota; -1 = not seen yet */
	int64		n;
	StrataItem *heap;
} Stratum;

/* The snapshot and quotas of a task; every name and operator qualified. */
static const char *const strata_query =
"SELECT p.class, p.division_code::pg_catalog.text, p.usccs, q.quota"
"  FROM creditrisk.spot_check_population p"
"  JOIN creditrisk.spot_check_task_class q"
"    ON q.task_id OPERATOR(pg_catalog.=) p.task_id AND q.class OPERATOR(creditrisk.=) p.class"
" WHERE p.task_id OPERATOR(pg_catalog.=) $1";

PG_FUNCTION_INFO_V1(spot_sample_task);
Datum
spot_sample_task(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *seed = check_seed_arg(fcinfo, 0);
	int64		task;
	uint8	   *prefix;
	int			plen;
	Stratum		strata[RISKCLASS_COUNT];
	char	  **divisions;
	int			ndivisions;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1];
	MemoryContext callcxt = CurrentMemoryContext;
	uint64		nrows;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the task of a draw must not be NULL")));
	task = PG_GETARG_INT64(1);
	prefix = seed_prefix(seed, KEY_ENTERPRISE, &plen);
	for (int c = 0; c < RISKCLASS_COUNT; c++)
	{
		strata[c].k = -1;
		strata[c].n = 0;
		strata[c].heap = NULL;
	}

	InitMaterializedSRF(fcinfo, 0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "spot_sample_task: SPI_connect failed");
	args[0] = Int64GetDatum(task);
	if (SPI_execute_with_args(strata_query, 1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "spot_sample_task: could not read the population of task " INT64_FORMAT, task);
	nrows = SPI_processed;
	divisions = MemoryContextAlloc(callcxt, sizeof(char *) * Max(nrows, 1));
	ndivisions = 0;

	for (uint64 r = 0; r < nrows; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		RiskClass	rc;
		Stratum    *st;
		int64		k;
		ArrayType  *arr;
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;
		int16		typlen;
		bool		typbyval;
		char		typalign;
		int32		div;

		CHECK_FOR_INTERRUPTS();
		rc = DatumGetRiskClass(SPI_getbinval(tup, desc, 1, &isnull));
		if (isnull || rc >= RISKCLASS_COUNT)
			elog(ERROR, "spot_sample_task: invalid class in the population of task " INT64_FORMAT, task);
		st = &strata[rc];
		k = DatumGetInt64(SPI_getbinval(tup, desc, 4, &isnull));
		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("class %c of spot-check task " INT64_FORMAT " has no quota", riskclass_letter(rc), task),
					 errhint("The quota is set when the population is taken (draw_spot_check).")));
		if (k < 0 || k > MAX_SAMPLE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sample size %lld is out of range", (long long) k),
					 errdetail("The sample size must lie between 0 and %lld.", (long long) MAX_SAMPLE)));
		if (st->k < 0)
		{
			st->k = k;
			st->heap = MemoryContextAlloc(callcxt, sizeof(StrataItem) * Max(k, 1));
		}
		divisions[ndivisions] = MemoryContextStrdup(callcxt,
													TextDatumGetCString(SPI_getbinval(tup, desc, 2, &isnull)));
		div = ndivisions++;
		if (k == 0)
			continue;

		arr = DatumGetArrayTypeP(SPI_getbinval(tup, desc, 3, &isnull));
		if (isnull || ARR_NDIM(arr) > 1)
			elog(ERROR, "spot_sample_task: invalid population array in task " INT64_FORMAT, task);
		get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
		deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign, &elems, &nulls, &nelems);
		for (int i = 0; i < nelems; i++)
		{
			StrataItem	x;

			if (nulls[i])
				elog(ERROR, "spot_sample_task: NULL in the population of task " INT64_FORMAT, task);
			x.item.code = *DatumGetUsccP(elems[i]);
			x.division = div;
			enterprise_key(prefix, plen, &x.item.code, x.item.key);
			if (st->n < st->k)
			{
				st->heap[st->n] = x;
				strata_sift_up(st->heap, st->n);
				st->n++;
			}
			else if (strata_cmp(&x, &st->heap[0]) < 0)
			{
				st->heap[0] = x;
				strata_sift_down(st->heap, st->n, 0);
			}
		}
		pfree(elems);
		pfree(nulls);
	}
	SPI_finish();

	for (int c = 0; c < RISKCLASS_COUNT; c++)
	{
		Stratum    *st = &strata[c];

		qsort(st->heap, st->n, sizeof(StrataItem), strata_qsort_cmp);
		for (int64 i = 0; i < st->n; i++)
		{
			Datum		values[4];
			bool		nulls[4] = {false, false, false, false};

			values[0] = UsccPGetDatum(&st->heap[i].item.code);
			values[1] = CStringGetTextDatum(divisions[st->heap[i].division]);
			values[2] = RiskClassGetDatum((RiskClass) c);
			values[3] = Int32GetDatum((int32) (i + 1));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

/* ------------------------------------------------------------------------
 * spot_assign: inspectors for the drawn enterprises
 * ------------------------------------------------------------------------ */
typedef struct Drawn
{
	uint8		key[SHA256_LEN];
	Uscc		code;
} Drawn;

typedef struct Inspector
{
	uint8		key[SHA256_LEN];
	int64		load;
	int			index;			/* position in the input array */
	text	   *cert;
} Inspector;

typedef struct Conflict
{
	Uscc		code;
	int			inspector;		/* index in the input array */
} Conflict;

typedef struct CertIndex
{
	text	   *cert;
	int			index;
} CertIndex;

static int
drawn_cmp(const void *a, const void *b)
{
	const Drawn *x = a,
			   *y = b;
	int			c = memcmp(x->key, y->key, SHA256_LEN);

	return c != 0 ? c : memcmp(x->code.packed, y->code.packed, USCC_PACKED_LEN);
}

static int
text_bytes_cmp(text *a, text *b)
{
	int			la = VARSIZE_ANY_EXHDR(a),
				lb = VARSIZE_ANY_EXHDR(b);
	int			c = memcmp(VARDATA_ANY(a), VARDATA_ANY(b), Min(la, lb));

	return c != 0 ? c : (la > lb) - (la < lb);
}

static int
cert_cmp(const void *a, const void *b)
{
	return text_bytes_cmp(((const CertIndex *) a)->cert, ((const CertIndex *) b)->cert);
}

static int
conflict_cmp(const void *a, const void *b)
{
	const Conflict *x = a,
			   *y = b;
	int			c = memcmp(x->code.packed, y->code.packed, USCC_PACKED_LEN);

	return c != 0 ? c : (x->inspector > y->inspector) - (x->inspector < y->inspector);
}

/* Inspector heap: min on (load, key). */
static inline bool
insp_less(const Inspector *a, const Inspector *b)
{
	if (a->load != b->load)
		return a->load < b->load;
	return memcmp(a->key, b->key, SHA256_LEN) < 0;
}

static void
insp_push(Inspector **heap, int *n, Inspector *x)
{
	int			i = (*n)++;

	heap[i] = x;
	while (i > 0)
	{
		int			p = (i - 1) / 2;
		Inspector  *t;

		if (!insp_less(heap[i], heap[p]))
			break;
		t = heap[i];
		heap[i] = heap[p];
		heap[p] = t;
		i = p;
	}
}

static Inspector *
insp_pop(Inspector **heap, int *n)
{
	Inspector  *top = heap[0];
	int			i = 0;

	heap[0] = heap[--(*n)];
	for (;;)
	{
		int			l = 2 * i + 1,
					r = l + 1,
					m = i;
		Inspector  *t;

		if (l < *n && insp_less(heap[l], heap[m]))
			m = l;
		if (r < *n && insp_less(heap[r], heap[m]))
			m = r;
		if (m == i)
			break;
		t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
	return top;
}

static void
deconstruct_nonnull(ArrayType *a, Oid elemtype, const char *what, Datum **elems, int *n)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	bool	   *nulls;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(a, elemtype, typlen, typbyval, typalign, elems, &nulls, n);
	for (int i = 0; i < *n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", what)));
}

/*
 * spot_assign(seed text, drawn uscc[], inspectors text[], conflict_uscc uscc[],
 *             conflict_inspector text[], per_check integer)
 * RETURNS TABLE (uscc uscc, certificate_no text, seq integer)
 */
PG_FUNCTION_INFO_V1(spot_assign);
Datum
spot_assign(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *seed = check_seed_arg(fcinfo, 0);
	Oid			usccarr;
	Oid			usccoid;
	Datum	   *dv,
			   *iv,
			   *cu,
			   *ci;
	int			nd,
				ni,
				ncu,
				nci;
	int			per_check;
	uint8	   *eprefix,
			   *iprefix;
	int			elen,
				ilen;
	Drawn	   *drawn;
	Inspector  *insp;
	Inspector **heap;
	Inspector **taken;
	Inspector **stash;
	int			nheap = 0;
	CertIndex  *certs;
	Conflict   *conf;
	int			nconf = 0;

	for (int i = 1; i <= 5; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("argument %d of spot_assign must not be NULL", i + 1)));
	per_check = PG_GETARG_INT32(5);
	if (per_check < 2 || per_check > 10)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d inspectors per check is out of range", per_check),
				 errdetail("At least two inspectors take part in each inspection (行政处罚法 art. 42); at most 10.")));

	usccarr = get_fn_expr_argtype(fcinfo->flinfo, 1);
	usccoid = get_element_type(usccarr);
	if (!OidIsValid(usccoid))
		elog(ERROR, "spot_assign: could not determine the uscc type");

	deconstruct_nonnull(PG_GETARG_ARRAYTYPE_P(1), usccoid, "the drawn enterprises", &dv, &nd);
	deconstruct_nonnull(PG_GETARG_ARRAYTYPE_P(2), TEXTOID, "the inspectors", &iv, &ni);
	deconstruct_nonnull(PG_GETARG_ARRAYTYPE_P(3), usccoid, "the conflicted enterprises", &cu, &ncu);
	deconstruct_nonnull(PG_GETARG_ARRAYTYPE_P(4), TEXTOID, "the conflicted inspectors", &ci, &nci);
	if (ncu != nci)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("conflict arrays differ in length (%d and %d)", ncu, nci)));

	eprefix = seed_prefix(seed, KEY_ENTERPRISE, &elen);
	iprefix = seed_prefix(seed, KEY_INSPECTOR, &ilen);

	/* enterprises in key order */
	drawn = palloc(sizeof(Drawn) * Max(nd, 1));
	for (int i = 0; i < nd; i++)
	{
		drawn[i].code = *DatumGetUsccP(dv[i]);
		enterprise_key(eprefix, elen, &drawn[i].code, drawn[i].key);
	}
	qsort(drawn, nd, sizeof(Drawn), drawn_cmp);
	for (int i = 1; i < nd; i++)
		if (memcmp(drawn[i].code.packed, drawn[i - 1].code.packed, USCC_PACKED_LEN) == 0)
		{
			char		txt[USCC_LEN + 1];

			uscc_format(&drawn[i].code, txt);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("enterprise %s is listed twice among the drawn", txt)));
		}

	/* inspectors: keys, and an index by certificate number */
	insp = palloc(sizeof(Inspector) * Max(ni, 1));
	certs = palloc(sizeof(CertIndex) * Max(ni, 1));
	heap = palloc(sizeof(Inspector *) * Max(ni, 1));
	for (int i = 0; i < ni; i++)
	{
		text	   *c = DatumGetTextPP(iv[i]);
		char	   *u = pg_server_to_any(VARDATA_ANY(c), VARSIZE_ANY_EXHDR(c), PG_UTF8);
		int			ulen = (u == VARDATA_ANY(c)) ? VARSIZE_ANY_EXHDR(c) : (int) strlen(u);

		insp[i].cert = c;
		insp[i].index = i;
		insp[i].load = 0;
		sha256_2(iprefix, ilen, (const uint8 *) u, ulen, insp[i].key);
		certs[i].cert = c;
		certs[i].index = i;
	}
	qsort(certs, ni, sizeof(CertIndex), cert_cmp);
	for (int i = 1; i < ni; i++)
		if (text_bytes_cmp(certs[i].cert, certs[i - 1].cert) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("inspector \"%s\" is listed twice", text_to_cstring(certs[i].cert))));
	for (int i = 0; i < ni; i++)
		insp_push(heap, &nheap, &insp[i]);

	/* conflict pairs, sorted; pairs naming an inspector outside the pool are ignored */
	conf = palloc(sizeof(Conflict) * Max(ncu, 1));
	for (int i = 0; i < ncu; i++)
	{
		CertIndex	probe = {DatumGetTextPP(ci[i]), 0};
		CertIndex  *hit = bsearch(&probe, certs, ni, sizeof(CertIndex), cert_cmp);

		if (hit == NULL)
			continue;
		conf[nconf].code = *DatumGetUsccP(cu[i]);
		conf[nconf].inspector = hit->index;
		nconf++;
	}
	qsort(conf, nconf, sizeof(Conflict), conflict_cmp);

	InitMaterializedSRF(fcinfo, 0);
	taken = palloc(sizeof(Inspector *) * per_check);
	stash = palloc(sizeof(Inspector *) * Max(ni, 1));

	for (int e = 0; e < nd; e++)
	{
		int			ntaken = 0,
					nstash = 0;

		CHECK_FOR_INTERRUPTS();
		while (ntaken < per_check && nheap > 0)
		{
			Inspector  *x = insp_pop(heap, &nheap);
			Conflict	probe;

			probe.code = drawn[e].code;
			probe.inspector = x->index;
			if (nconf > 0 && bsearch(&probe, conf, nconf, sizeof(Conflict), conflict_cmp) != NULL)
				stash[nstash++] = x;
			else
				taken[ntaken++] = x;
		}
		if (ntaken == per_check)
		{
			for (int j = 0; j < ntaken; j++)
			{
				Datum		values[3];
				bool		nulls[3] = {false, false, false};

				values[0] = UsccPGetDatum(&drawn[e].code);
				values[1] = PointerGetDatum(taken[j]->cert);
				values[2] = Int32GetDatum(j + 1);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
				taken[j]->load++;
			}
		}
		for (int j = 0; j < ntaken; j++)
			insp_push(heap, &nheap, taken[j]);
		for (int j = 0; j < nstash; j++)
			insp_push(heap, &nheap, stash[j]);
	}
	return (Datum) 0;
}
