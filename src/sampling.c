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
#include "utils/hsearch.h"
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

	if (plen + USCC_LEN <= 55)
	{
		/*
		 * The usual case, a seed of up to 36 bytes: the message fits one
		 * block, padded by hand (0x80, zeros, the length in bits), one
		 * compression; the same digest as sha256_2().
		 */
		uint32		h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
		uint8		block[64];
		int			n = plen + USCC_LEN;
		uint64		bits = (uint64) n * 8;

		memcpy(block, prefix, plen);
		uscc_format(code, txt);
		memcpy(block + plen, txt, USCC_LEN);
		block[n] = 0x80;
		memset(block + n + 1, 0, 56 - (n + 1));
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
		return;
	}
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
 * The keys of many enterprises under one seed, as the sampler needs them:
 * with a seed of up to 36 bytes the message (prefix || 18 characters,
 * padded) is one block, laid out once; each code then writes only its 18
 * characters and costs one compression.  A key is kept as the eight 32-bit
 * words of the digest: SHA-256 output is the words in big-endian order, so
 * comparing the words in order, as unsigned numbers, is comparing the digests
 * as byte strings (the order spot_key() and the plain-SQL derivation use).
 */
typedef struct KeyMaker
{
	const uint8 *prefix;
	int			plen;
	bool		one_block;
	uint8		block[64];
} KeyMaker;

static void
keymaker_init(KeyMaker *km, const uint8 *prefix, int plen)
{
	km->prefix = prefix;
	km->plen = plen;
	km->one_block = plen + USCC_LEN <= 55;
	if (km->one_block)
	{
		int			n = plen + USCC_LEN;
		uint64		bits = (uint64) n * 8;

		memset(km->block, 0, sizeof(km->block));
		memcpy(km->block, prefix, plen);
		km->block[n] = 0x80;
		for (int i = 0; i < 8; i++)
			km->block[56 + i] = (uint8) (bits >> (56 - 8 * i));
	}
}

static inline void
keymaker_key(KeyMaker *km, const Uscc *code, uint32 *words)
{
	if (likely(km->one_block))
	{
		static const uint32 sha256_init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
		char		txt[USCC_LEN + 1];

		uscc_format(code, txt);
		memcpy(km->block + km->plen, txt, USCC_LEN);
		memcpy(words, sha256_init, sizeof(sha256_init));
		sha256_block(words, km->block);
	}
	else
	{
		uint8		out[SHA256_LEN];

		enterprise_key(km->prefix, km->plen, code, out);
		for (int i = 0; i < 8; i++)
			words[i] = ((uint32) out[4 * i] << 24) | ((uint32) out[4 * i + 1] << 16) |
				((uint32) out[4 * i + 2] << 8) | (uint32) out[4 * i + 3];
	}
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
	uint32		key[8];			/* the digest's words (see KeyMaker) */
	Uscc		code;
	int32		division;		/* spot_sample_task: index of its division; else 0 */
} SampleItem;

/*
 * A bounded max-heap on (key, code): the k smallest items offered so far.
 * The one structure behind both spot_sample (a heap per group) and
 * spot_sample_task / the draw (a heap per class).
 */
typedef struct BoundedHeap
{
	int64		k;				/* bound; -1 = not set yet */
	int64		n;				/* items in the heap */
	SampleItem *items;
} BoundedHeap;

typedef struct SampleState
{
	BoundedHeap heap;
	uint8	   *prefix;
	int			plen;
	KeyMaker	keys;
	text	   *seed;			/* as first given, to refuse a change */
	Oid			elemtype;
} SampleState;

static inline int
item_cmp(const SampleItem *a, const SampleItem *b)
{
	for (int i = 0; i < 8; i++)
		if (a->key[i] != b->key[i])
			return a->key[i] < b->key[i] ? -1 : 1;
	return memcmp(a->code.packed, b->code.packed, USCC_PACKED_LEN);
}

static int
item_qsort_cmp(const void *a, const void *b)
{
	return item_cmp((const SampleItem *) a, (const SampleItem *) b);
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

static void
check_sample_size(int64 k)
{
	if (k < 0 || k > MAX_SAMPLE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sample size %lld is out of range", (long long) k),
				 errdetail("The sample size must lie between 0 and %lld.", (long long) MAX_SAMPLE)));
}

static void
heap_init(BoundedHeap *h, MemoryContext cxt, int64 k)
{
	check_sample_size(k);
	h->k = k;
	h->n = 0;
	h->items = MemoryContextAlloc(cxt, sizeof(SampleItem) * Max(k, 1));
}

/* Offer one item to a bounded heap: kept if among the k smallest so far. */
static inline void
heap_offer(BoundedHeap *h, const SampleItem *item)
{
	if (h->n < h->k)
	{
		h->items[h->n] = *item;
		heap_sift_up(h->items, h->n);
		h->n++;
	}
	else if (h->k > 0 && item_cmp(item, &h->items[0]) < 0)
	{
		h->items[0] = *item;
		heap_sift_down(h->items, h->n, 0);
	}
}

/* The heap's items in key order (rank = position + 1), in place. */
static void
heap_sort(BoundedHeap *h)
{
	qsort(h->items, h->n, sizeof(SampleItem), item_qsort_cmp);
}

static SampleState *
sample_state_new(MemoryContext cxt, int64 k, text *seed, Oid elemtype)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	SampleState *st = palloc0(sizeof(SampleState));

	st->seed = (text *) PG_DETOAST_DATUM_COPY(PointerGetDatum(seed));
	st->prefix = seed_prefix(st->seed, KEY_ENTERPRISE, &st->plen);
	keymaker_init(&st->keys, st->prefix, st->plen);
	st->elemtype = elemtype;
	heap_init(&st->heap, cxt, k);
	MemoryContextSwitchTo(old);
	return st;
}

static void
sample_check_same(const SampleState *a, const SampleState *b)
{
	if (a->heap.k != b->heap.k || VARSIZE_ANY_EXHDR(a->seed) != VARSIZE_ANY_EXHDR(b->seed) ||
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
		check_sample_size(k);
		st = sample_state_new(aggcontext, k, PG_GETARG_TEXT_PP(1), get_fn_expr_argtype(fcinfo->flinfo, 2));
	}
	else
	{
		st = (SampleState *) PG_GETARG_POINTER(0);
		if (PG_ARGISNULL(1) || PG_ARGISNULL(3) || PG_GETARG_INT64(3) != st->heap.k ||
			VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(1)) != VARSIZE_ANY_EXHDR(st->seed) ||
			memcmp(VARDATA_ANY(PG_GETARG_TEXT_PP(1)), VARDATA_ANY(st->seed), VARSIZE_ANY_EXHDR(st->seed)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("seed and sample size must be the same for every row of a group")));
	}

	if (PG_ARGISNULL(2) || st->heap.k == 0)
		PG_RETURN_POINTER(st);

	item.code = *PG_GETARG_USCC_P(2);
	item.division = 0;
	keymaker_key(&st->keys, &item.code, item.key);
	heap_offer(&st->heap, &item);
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
		a = sample_state_new(aggcontext, b->heap.k, b->seed, b->elemtype);
	else
		sample_check_same(a, b);
	for (int64 i = 0; i < b->heap.n; i++)
		heap_offer(&a->heap, &b->heap.items[i]);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(spot_sample_serialize);
Datum
spot_sample_serialize(PG_FUNCTION_ARGS)
{
	SampleState *st = (SampleState *) PG_GETARG_POINTER(0);
	int32		seedlen = VARSIZE_ANY_EXHDR(st->seed);
	Size		len = VARHDRSZ + sizeof(int64) * 2 + sizeof(Oid) + sizeof(int32) + seedlen + sizeof(SampleItem) * st->heap.n;
	bytea	   *out = palloc(len);
	char	   *p = VARDATA(out);

	SET_VARSIZE(out, len);
	memcpy(p, &st->heap.k, sizeof(int64)); p += sizeof(int64);
	memcpy(p, &st->heap.n, sizeof(int64)); p += sizeof(int64);
	memcpy(p, &st->elemtype, sizeof(Oid)); p += sizeof(Oid);
	memcpy(p, &seedlen, sizeof(int32)); p += sizeof(int32);
	memcpy(p, VARDATA_ANY(st->seed), seedlen); p += seedlen;
	memcpy(p, st->heap.items, sizeof(SampleItem) * st->heap.n);
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
	memcpy(st->heap.items, p, sizeof(SampleItem) * n);
	st->heap.n = n;
	PG_RETURN_POINTER(st);
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
		int64		n = st->heap.n;
		SampleItem *sorted = palloc(sizeof(SampleItem) * Max(n, 1));

		memcpy(sorted, st->heap.items, sizeof(SampleItem) * n);
		qsort(sorted, n, sizeof(SampleItem), item_qsort_cmp);
		elems = palloc(sizeof(Datum) * Max(n, 1));
		for (int64 i = 0; i < n; i++)
		{
			Uscc	   *c = palloc(sizeof(Uscc));

			*c = sorted[i].code;
			elems[i] = UsccPGetDatum(c);
		}
	}
	get_typlenbyvalalign(st->elemtype, &typlen, &typbyval, &typalign);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, (int) st->heap.n, st->elemtype, typlen, typbyval, typalign));
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
/* The snapshot and quotas of a task; every name and operator qualified. */
static const char *const strata_query =
"SELECT p.class, p.division_code::pg_catalog.text, p.usccs, q.quota"
"  FROM creditrisk.spot_check_population p"
"  JOIN creditrisk.spot_check_task_class q"
"    ON q.task_id OPERATOR(pg_catalog.=) p.task_id AND q.class OPERATOR(creditrisk.=) p.class"
" WHERE p.task_id OPERATOR(pg_catalog.=) $1";

/*
 * The rows of a task's sample, (uscc, division_code, class, rank): per class
 * the heap's items in key order, rank = position + 1; an item's division is
 * divisions[item.division].  Shared by spot_sample_task and the draw, so that
 * both return the sample in exactly the same form.
 */
static void
emit_sample(ReturnSetInfo *rsinfo, BoundedHeap *heaps, const char *const *divisions)
{
	for (int c = 0; c < RISKCLASS_COUNT; c++)
	{
		BoundedHeap *h = &heaps[c];

		if (h->n > 1)
			heap_sort(h);
		for (int64 i = 0; i < h->n; i++)
		{
			Datum		values[4];
			bool		nulls[4] = {false, false, false, false};

			values[0] = UsccPGetDatum(&h->items[i].code);
			values[1] = CStringGetTextDatum(divisions[h->items[i].division]);
			values[2] = RiskClassGetDatum((RiskClass) c);
			values[3] = Int32GetDatum((int32) (i + 1));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
}

PG_FUNCTION_INFO_V1(spot_sample_task);
Datum
spot_sample_task(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *seed = check_seed_arg(fcinfo, 0);
	int64		task;
	uint8	   *prefix;
	int			plen;
	KeyMaker	keys;
	BoundedHeap strata[RISKCLASS_COUNT];
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
	keymaker_init(&keys, prefix, plen);
	for (int c = 0; c < RISKCLASS_COUNT; c++)
	{
		strata[c].k = -1;
		strata[c].n = 0;
		strata[c].items = NULL;
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
		BoundedHeap *st;
		int64		k;
		ArrayType  *arr;
		const char *data;
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
		if (st->k < 0)
			heap_init(st, callcxt, k);
		divisions[ndivisions] = MemoryContextStrdup(callcxt,
													TextDatumGetCString(SPI_getbinval(tup, desc, 2, &isnull)));
		div = ndivisions++;
		if (k == 0)
			continue;

		arr = DatumGetArrayTypeP(SPI_getbinval(tup, desc, 3, &isnull));
		if (isnull || ARR_NDIM(arr) > 1)
			elog(ERROR, "spot_sample_task: invalid population array in task " INT64_FORMAT, task);
		if (ARR_HASNULL(arr))
			elog(ERROR, "spot_sample_task: NULL in the population of task " INT64_FORMAT, task);
		get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
		if (typlen != (int16) sizeof(Uscc) || typbyval || typalign != TYPALIGN_CHAR)
			elog(ERROR, "spot_sample_task: unexpected storage of type uscc");
		/* the codes lie back to back in the array's data (see draw_flat_array) */
		nelems = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
		data = ARR_DATA_PTR(arr);
		for (int i = 0; i < nelems; i++)
		{
			SampleItem	x;

			memcpy(&x.code, data + (Size) i * sizeof(Uscc), sizeof(Uscc));
			x.division = div;
			keymaker_key(&keys, &x.code, x.key);
			heap_offer(st, &x);
		}
		if ((Pointer) arr != DatumGetPointer(SPI_getbinval(tup, desc, 3, &isnull)))
			pfree(arr);
	}
	SPI_finish();

	emit_sample(rsinfo, strata, (const char *const *) divisions);
	return (Datum) 0;
}

/* ------------------------------------------------------------------------
 * spot_draw_population: population snapshot and sample of a task, one pass
 * ------------------------------------------------------------------------
 *
 * spot_draw_population(seed, task) is the draw's population and sample in one
 * read of the current classification, with the caller's rights (row-level
 * security applies to every table it reads and writes):
 *
 *   1. the exclusions are read once through their indexes, straight from the
 *      executor into one hash set of USCCs, each with its reason: enterprises
 *      cancelled or revoked (enterprise_closed_idx) and, unless already
 *      there, those with a spot check dated after period_start minus
 *      exclude_inspected_within (spot_check_uscc_idx);
 *   2. the classification (the final class, or the fused class of the
 *      task's domain; its industries) is read once, straight from the
 *      executor; each row's division is tested against the scope's prefixes
 *      (once per division: rows come by division), each row in scope is
 *      probed once against the set and either counted as excluded (closed
 *      first, as the set records) or appended to its (division, class)
 *      stratum list;
 *   3. the counts go to spot_check_task_class (quota = ceil(ratio ×
 *      population), computed there), the lists to spot_check_population in
 *      one INSERT: the lists are copied one after another into one flat
 *      array (uscc is 11 bytes, char-aligned: one memcpy per list) and each
 *      row takes its slice (the snapshot verify_draw() reads);
 *   4. per class, one bounded heap of the quota smallest keys over the lists
 *      (still in memory: the snapshot is not read back).
 *
 * It returns the sample as spot_sample_task(seed, task) would return it
 * from the stored snapshot: (uscc, division_code, class, rank), ranks by key
 * within the class.  The quota of a class is known only once its population
 * is counted, so the heaps run over the lists after the read, not during it.
 */
typedef struct StratumKey
{
	char		division[8];	/* 6 digits, NUL-padded */
	int32		rclass;
} StratumKey;

typedef struct StratumList
{
	StratumKey	key;			/* hash key: first */
	int32		index;			/* position in the list of strata */
	int64		n;
	int64		cap;
	Uscc	   *codes;
} StratumList;

/*
 * The exclusions: a set of USCCs with the reason each is left out, open
 * addressing, linear probing, a power-of-two table at most half full.  One
 * 12-byte slot per entry (the reason byte doubles as the "used" mark), so a
 * probe touches one cache line.  The body characters after the division (the
 * organisation code) spread the codes evenly, so their bits are the hash.
 */
typedef enum ExclusionReason
{
	EXCL_NONE = 0,				/* empty slot: not excluded */
	EXCL_CLOSED,				/* cancelled or revoked */
	EXCL_INSPECTED				/* inspected within exclude_inspected_within */
} ExclusionReason;

typedef struct ExclusionSlot
{
	Uscc		code;
	uint8		reason;			/* ExclusionReason */
} ExclusionSlot;

typedef struct ExclusionSet
{
	uint64		mask;
	uint64		n;
	ExclusionSlot *slots;
	MemoryContext cxt;
} ExclusionSet;

static inline uint64
uscc_set_hash(const Uscc *code)
{
	uint64		h = 0;

	memcpy(&h, code->packed + USCC_PACKED_LEN - 8, 8);
	h ^= h >> 29;
	h *= UINT64CONST(0xbf58476d1ce4e5b9);
	h ^= h >> 32;
	return h;
}

static void
exclusion_set_alloc(ExclusionSet *set, uint64 size)
{
	set->mask = size - 1;
	set->n = 0;
	set->slots = MemoryContextAllocHuge(set->cxt, sizeof(ExclusionSlot) * size);
	memset(set->slots, 0, sizeof(ExclusionSlot) * size);
}

/* Add a code with a reason, unless it is already there (the first reason stays). */
static void
exclusion_add(ExclusionSet *set, const Uscc *code, ExclusionReason reason)
{
	uint64		i;

	if (2 * (set->n + 1) > set->mask + 1)
	{
		ExclusionSlot *old = set->slots;
		uint64		oldsize = set->mask + 1;

		exclusion_set_alloc(set, 2 * oldsize);
		for (uint64 j = 0; j < oldsize; j++)
			if (old[j].reason != EXCL_NONE)
				exclusion_add(set, &old[j].code, (ExclusionReason) old[j].reason);
		pfree(old);
	}
	for (i = uscc_set_hash(code) & set->mask; set->slots[i].reason != EXCL_NONE; i = (i + 1) & set->mask)
		if (memcmp(set->slots[i].code.packed, code->packed, USCC_PACKED_LEN) == 0)
			return;
	set->slots[i].code = *code;
	set->slots[i].reason = (uint8) reason;
	set->n++;
}

/* The USCCs a query returns (its first column) go straight into the set. */
typedef struct ExclusionReceiver
{
	DestReceiver pub;
	ExclusionSet *set;
	ExclusionReason reason;
	uint64		rows;
} ExclusionReceiver;

static bool
exclusion_receive(TupleTableSlot *slot, DestReceiver *self)
{
	ExclusionReceiver *er = (ExclusionReceiver *) self;

	slot_getsomeattrs(slot, 1);
	if (!slot->tts_isnull[0])
		exclusion_add(er->set, DatumGetUsccP(slot->tts_values[0]), er->reason);
	if ((++er->rows & 0x3fff) == 0)
		CHECK_FOR_INTERRUPTS();
	return true;
}

static void
draw_noop_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
draw_noop(DestReceiver *self)
{
}

/* Run a read-only query whose rows go to a receiver; parameters as given. */
static void
draw_run(const char *query, DestReceiver *dest, int nparams, const Oid *types, const Datum *values,
		 const bool *isnull)
{
	SPIExecuteOptions opts;
	ParamListInfo params = nparams > 0 ? makeParamList(nparams) : NULL;
	int			ret;

	for (int k = 0; k < nparams; k++)
	{
		params->params[k].value = values[k];
		params->params[k].isnull = isnull[k];
		params->params[k].ptype = types[k];
		params->params[k].pflags = PARAM_FLAG_CONST;
	}
	memset(&opts, 0, sizeof(opts));
	opts.params = params;
	opts.read_only = true;
	opts.dest = dest;
	/* (SPI reports a SELECT into a DestNone receiver as SPI_OK_UTILITY) */
	ret = SPI_execute_extended(query, &opts);
	if (ret != SPI_OK_SELECT && ret != SPI_OK_UTILITY)
		elog(ERROR, "spot_draw_population: could not run a query: %s", SPI_result_code_string(ret));
}

/* The task, with the code prefixes of its scope (a division is in scope when its code starts with one). */
static const char *const draw_task_query =
"SELECT t.domain, t.industries::pg_catalog.text[],"
"       (SELECT pg_catalog.array_agg(creditrisk.jurisdiction_prefix(s::pg_catalog.text))"
"          FROM pg_catalog.unnest(t.scope_divisions) s)"
"  FROM creditrisk.spot_check_task t WHERE t.id OPERATOR(pg_catalog.=) $1";

static const char *const draw_closed_query =
"SELECT e.uscc FROM creditrisk.enterprise e WHERE e.status OPERATOR(pg_catalog.<>) 'in_business'";

static const char *const draw_inspected_query =
"SELECT s.uscc FROM creditrisk.spot_check s, creditrisk.spot_check_task t"
" WHERE t.id OPERATOR(pg_catalog.=) $1"
"   AND s.check_date OPERATOR(pg_catalog.>) (t.period_start OPERATOR(pg_catalog.-) t.exclude_inspected_within)";

/*
 * The classification the caller sees: $1 domain (NULL: general), $2
 * industries.  The scope's divisions are not a condition of the query: the
 * view reads its rows through the (run, division) index within the caller's
 * jurisdiction either way, and the receiver tests each division once against
 * the scope's prefixes instead of a LIKE per row.
 */
static const char *const draw_rows_query =
"SELECT x.uscc, x.division_code::pg_catalog.text, x.class"
"  FROM (SELECT y.uscc, y.division_code, y.final_class AS class"
"          FROM creditrisk.classification_current y WHERE $1 IS NULL"
"        UNION ALL"
"        SELECT y.uscc, y.division_code, y.fused_class"
"          FROM creditrisk.classification_domain_current y WHERE y.domain OPERATOR(pg_catalog.=) $1) x"
" WHERE (pg_catalog.cardinality($2) OPERATOR(pg_catalog.=) 0"
"        OR x.uscc IN (SELECT e.uscc FROM creditrisk.enterprise e, pg_catalog.unnest($2) i"
"                       WHERE pg_catalog.starts_with(e.industry_code, i)))";

static const char *const draw_counts_query =
"UPDATE creditrisk.spot_check_task_class q"
"   SET population = n.population, excluded_closed = n.closed, excluded_inspected = n.inspected,"
"       quota = pg_catalog.ceil(q.ratio OPERATOR(pg_catalog.*) n.population)"
"  FROM ROWS FROM (pg_catalog.unnest($2::creditrisk.riskclass[]), pg_catalog.unnest($3::pg_catalog.int8[]),"
"                  pg_catalog.unnest($4::pg_catalog.int8[]), pg_catalog.unnest($5::pg_catalog.int8[]))"
"       AS n(class, population, closed, inspected)"
" WHERE q.task_id OPERATOR(pg_catalog.=) $1 AND q.class OPERATOR(creditrisk.=) n.class"
" RETURNING q.class::pg_catalog.text, q.quota";

/* every (division, class) list in one statement: $5 holds the lists one after another, $6 where each starts */
static const char *const draw_snapshot_insert =
"INSERT INTO creditrisk.spot_check_population (task_id, division_code, class, enterprises, usccs)"
"SELECT $1, g.division::creditrisk.division_code, g.class::creditrisk.riskclass, g.n,"
"       $5[g.lo : g.lo OPERATOR(pg_catalog.+) g.n OPERATOR(pg_catalog.-) 1]"
"  FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.text[]),"
"                  pg_catalog.unnest($4::pg_catalog.int4[]), pg_catalog.unnest($6::pg_catalog.int4[]))"
"       AS g(division, class, n, lo)";

/*
 * The read of the classification: each row goes straight from the executor
 * to draw_receive() through a DestReceiver (no copy of the row, no SPI tuple
 * table).  The probe of the exclusion set is a cache miss at scale (the set
 * outgrows the caches), so rows wait in a small batch: each row's slot is
 * prefetched when it arrives and probed when the batch is full, by which time
 * the slot has arrived from memory.
 */
#define DRAW_BATCH 32

typedef struct PendingRow
{
	Uscc		code;
	uint8		rclass;
	char		division[8];	/* 6 digits, NUL-padded */
	uint64		probe;			/* first slot to probe in the exclusion set */
} PendingRow;

typedef struct DrawScan
{
	DestReceiver pub;
	MemoryContext cxt;			/* where the lists live */
	ExclusionSet *excluded;
	HTAB	   *strata;			/* StratumKey -> StratumList */
	StratumList **lists;		/* in order of first appearance */
	int			nlists;
	int			maxlists;
	StratumList *cached[RISKCLASS_COUNT];	/* the previous row's division */
	char		cached_division[8];
	int64		population[RISKCLASS_COUNT];
	int64		nclosed[RISKCLASS_COUNT];
	int64		ninspected[RISKCLASS_COUNT];
	Oid			uscc_type;
	uint64		rows;
	char		(*prefixes)[8];	/* the scope: division code prefixes */
	int			nprefixes;
	char		scope_division[8];	/* the previous row's division ... */
	bool		scope_in;		/* ... and whether it is in scope */
	int			npending;
	PendingRow	pending[DRAW_BATCH];
} DrawScan;

/* One row of the scope: excluded (counted) or appended to its stratum list. */
static void
draw_row(DrawScan *ds, const PendingRow *row)
{
	const ExclusionSet *set = ds->excluded;
	RiskClass	rc = (RiskClass) row->rclass;
	StratumKey	key;
	StratumList *list;
	bool		found;

	for (uint64 i = row->probe;; i = (i + 1) & set->mask)
	{
		const ExclusionSlot *s = &set->slots[i];

		if (s->reason == EXCL_NONE)
			break;
		if (memcmp(s->code.packed, row->code.packed, USCC_PACKED_LEN) == 0)
		{
			if (s->reason == EXCL_CLOSED)
				ds->nclosed[rc]++;
			else
				ds->ninspected[rc]++;
			return;
		}
	}
	/* rows mostly come by division: the previous division's lists first */
	if (memcmp(row->division, ds->cached_division, sizeof(ds->cached_division)) != 0)
	{
		memcpy(ds->cached_division, row->division, sizeof(ds->cached_division));
		memset(ds->cached, 0, sizeof(ds->cached));
	}
	list = ds->cached[rc];
	if (list == NULL)
	{
		memcpy(key.division, row->division, sizeof(key.division));
		key.rclass = rc;
		list = hash_search(ds->strata, &key, HASH_ENTER, &found);
		ds->cached[rc] = list;
		if (!found)
		{
			if (ds->nlists == ds->maxlists)
			{
				ds->maxlists *= 2;
				ds->lists = repalloc(ds->lists, sizeof(StratumList *) * ds->maxlists);
			}
			list->index = ds->nlists;
			ds->lists[ds->nlists++] = list;
			list->n = 0;
			list->cap = 256;
			list->codes = MemoryContextAlloc(ds->cxt, sizeof(Uscc) * list->cap);
		}
	}
	if (list->n == list->cap)
	{
		list->cap *= 2;
		list->codes = repalloc_huge(list->codes, sizeof(Uscc) * list->cap);
	}
	list->codes[list->n++] = row->code;
	ds->population[rc]++;
}

/* The rows waiting in the batch, in their order of arrival. */
static void
draw_flush(DrawScan *ds)
{
	for (int i = 0; i < ds->npending; i++)
		draw_row(ds, &ds->pending[i]);
	ds->npending = 0;
}

static bool
draw_receive(TupleTableSlot *slot, DestReceiver *self)
{
	DrawScan   *ds = (DrawScan *) self;
	PendingRow *row = &ds->pending[ds->npending];
	text	   *div;
	int			dlen;
	RiskClass	rc;

	slot_getsomeattrs(slot, 3);
	if (slot->tts_isnull[0])
		return true;
	rc = DatumGetRiskClass(slot->tts_values[2]);
	if (slot->tts_isnull[2] || rc >= RISKCLASS_COUNT)
		elog(ERROR, "spot_draw_population: invalid class in the classification");
	div = slot->tts_isnull[1] ? NULL : DatumGetTextPP(slot->tts_values[1]);
	dlen = div == NULL ? 0 : VARSIZE_ANY_EXHDR(div);
	if (dlen == 0 || dlen >= (int) sizeof(row->division))
		elog(ERROR, "spot_draw_population: invalid division code in the classification");
	row->code = *DatumGetUsccP(slot->tts_values[0]);
	row->rclass = (uint8) rc;
	memset(row->division, 0, sizeof(row->division));
	memcpy(row->division, VARDATA_ANY(div), dlen);
	/* in scope? (rows come by division: decided once per division) */
	if (memcmp(row->division, ds->scope_division, sizeof(row->division)) != 0)
	{
		memcpy(ds->scope_division, row->division, sizeof(row->division));
		ds->scope_in = false;
		for (int i = 0; i < ds->nprefixes && !ds->scope_in; i++)
			ds->scope_in = strncmp(row->division, ds->prefixes[i], strlen(ds->prefixes[i])) == 0;
	}
	if (!ds->scope_in)
		return true;
	row->probe = uscc_set_hash(&row->code) & ds->excluded->mask;
#if defined(__GNUC__)
	__builtin_prefetch(&ds->excluded->slots[row->probe]);
#endif
	if (++ds->npending == DRAW_BATCH)
		draw_flush(ds);
	if ((++ds->rows & 0x3fff) == 0)
		CHECK_FOR_INTERRUPTS();
	return true;
}

static void
draw_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	DrawScan   *ds = (DrawScan *) self;

	if (typeinfo->natts != 3)
		elog(ERROR, "spot_draw_population: unexpected row shape");
	ds->uscc_type = TupleDescAttr(typeinfo, 0)->atttypid;
	ds->npending = 0;
}

static void
draw_shutdown(DestReceiver *self)
{
	draw_flush((DrawScan *) self);
}

/*
 * One flat one-dimensional array of uscc holding the lists one after
 * another.  uscc is fixed-length (11 bytes) and char-aligned, so the data of
 * an array of it is the codes back to back: one memcpy per list.
 */
static ArrayType *
draw_flat_array(StratumList **lists, int nlists, int64 total, Oid uscc_type)
{
	Size		hdr = ARR_OVERHEAD_NONULLS(1);
	Size		bytes = hdr + (Size) total * sizeof(Uscc);
	ArrayType  *arr;
	char	   *p;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(uscc_type, &typlen, &typbyval, &typalign);
	if (typlen != (int16) sizeof(Uscc) || typbyval || typalign != TYPALIGN_CHAR)
		elog(ERROR, "spot_draw_population: unexpected storage of type uscc");
	if (!AllocSizeIsValid(bytes))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the population of a spot-check task cannot exceed %d enterprises",
						(int) ((MaxAllocSize - hdr) / sizeof(Uscc)))));
	arr = palloc(bytes);
	SET_VARSIZE(arr, bytes);
	arr->ndim = 1;
	arr->dataoffset = 0;
	arr->elemtype = uscc_type;
	ARR_DIMS(arr)[0] = (int) total;
	ARR_LBOUND(arr)[0] = 1;
	p = ARR_DATA_PTR(arr);
	for (int i = 0; i < nlists; i++)
	{
		memcpy(p, lists[i]->codes, sizeof(Uscc) * lists[i]->n);
		p += sizeof(Uscc) * lists[i]->n;
	}
	return arr;
}

PG_FUNCTION_INFO_V1(spot_draw_population);
Datum
spot_draw_population(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *seed = check_seed_arg(fcinfo, 0);
	int64		task;
	uint8	   *prefix;
	int			plen;
	KeyMaker	keys;
	MemoryContext callcxt = CurrentMemoryContext;
	Oid			argtypes[5];
	Datum		args[5];
	bool		argnulls[5] = {false, false, false, false, false};
	Datum		domain = (Datum) 0,
				industries,
				scope;
	bool		domain_null,
				isnull;
	DrawScan   *ds = MemoryContextAllocZero(CurrentMemoryContext, sizeof(DrawScan));
	ExclusionSet excluded;
	ExclusionReceiver er;
	HASHCTL		ctl;
	StratumList **lists;
	const char **divisions;
	int			nlists;
	BoundedHeap heaps[RISKCLASS_COUNT];
	Oid			uscc_type;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the task of a draw must not be NULL")));
	task = PG_GETARG_INT64(1);
	prefix = seed_prefix(seed, KEY_ENTERPRISE, &plen);
	keymaker_init(&keys, prefix, plen);
	InitMaterializedSRF(fcinfo, 0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "spot_draw_population: SPI_connect failed");

	/* the task */
	argtypes[0] = INT8OID;
	args[0] = Int64GetDatum(task);
	if (SPI_execute_with_args(draw_task_query, 1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "spot_draw_population: could not read task " INT64_FORMAT, task);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("spot-check task " INT64_FORMAT " does not exist", task)));
	{
		HeapTuple	tup = SPI_copytuple(SPI_tuptable->vals[0]);
		TupleDesc	desc = SPI_tuptable->tupdesc;

		Datum	   *elems;
		bool	   *enulls;
		int			nelems;

		domain = SPI_getbinval(tup, desc, 1, &domain_null);
		industries = SPI_getbinval(tup, desc, 2, &isnull);
		if (isnull)
			elog(ERROR, "spot_draw_population: task " INT64_FORMAT " has no industries", task);
		scope = SPI_getbinval(tup, desc, 3, &isnull);
		if (isnull)
			elog(ERROR, "spot_draw_population: task " INT64_FORMAT " has no scope", task);
		deconstruct_array(DatumGetArrayTypeP(scope), TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls, &nelems);
		ds->prefixes = MemoryContextAllocZero(callcxt, sizeof(*ds->prefixes) * Max(nelems, 1));
		ds->nprefixes = nelems;
		for (int i = 0; i < nelems; i++)
		{
			text	   *t = DatumGetTextPP(elems[i]);
			int			len = VARSIZE_ANY_EXHDR(t);

			if (enulls[i] || len == 0 || len >= (int) sizeof(ds->prefixes[i]))
				elog(ERROR, "spot_draw_population: invalid scope in task " INT64_FORMAT, task);
			memcpy(ds->prefixes[i], VARDATA_ANY(t), len);
		}
	}

	/*
	 * 1. the exclusions, each read once through its index into one set (the
	 * closed first: an enterprise both closed and inspected counts as closed)
	 */
	excluded.cxt = callcxt;
	exclusion_set_alloc(&excluded, 1024);
	memset(&er, 0, sizeof(er));
	er.pub.receiveSlot = exclusion_receive;
	er.pub.rStartup = draw_noop_startup;
	er.pub.rShutdown = draw_noop;
	er.pub.rDestroy = draw_noop;
	er.pub.mydest = DestNone;
	er.set = &excluded;
	er.reason = EXCL_CLOSED;
	draw_run(draw_closed_query, (DestReceiver *) &er, 0, NULL, NULL, NULL);
	er.reason = EXCL_INSPECTED;
	draw_run(draw_inspected_query, (DestReceiver *) &er, 1, argtypes, args, argnulls);

	/* 2. the classification of the scope, once, row by row into the lists */
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(StratumKey);
	ctl.entrysize = sizeof(StratumList);
	ctl.hcxt = callcxt;
	ds->cxt = callcxt;
	ds->excluded = &excluded;
	ds->strata = hash_create("spot draw: strata", 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ds->maxlists = 64;
	ds->lists = MemoryContextAlloc(callcxt, sizeof(StratumList *) * ds->maxlists);
	ds->pub.receiveSlot = draw_receive;
	ds->pub.rStartup = draw_startup;
	ds->pub.rShutdown = draw_shutdown;
	ds->pub.rDestroy = draw_noop;
	ds->pub.mydest = DestNone;
	{
		Oid			types[2] = {TEXTOID, TEXTARRAYOID};
		Datum		values[2] = {domain, industries};
		bool		nulls[2] = {domain_null, false};

		draw_run(draw_rows_query, (DestReceiver *) ds, 2, types, values, nulls);
		draw_flush(ds);			/* (already done at the executor's shutdown) */
	}

	lists = ds->lists;
	nlists = ds->nlists;
	uscc_type = ds->uscc_type;

	/* 3. the counts and quotas, and the snapshot */
	{
		Datum		cls[RISKCLASS_COUNT],
					pop[RISKCLASS_COUNT],
					ncl[RISKCLASS_COUNT],
					nin[RISKCLASS_COUNT];

		for (int c = 0; c < RISKCLASS_COUNT; c++)
		{
			char		letter[2] = {riskclass_letter((RiskClass) c), '\0'};

			cls[c] = CStringGetTextDatum(letter);
			pop[c] = Int64GetDatum(ds->population[c]);
			ncl[c] = Int64GetDatum(ds->nclosed[c]);
			nin[c] = Int64GetDatum(ds->ninspected[c]);
			heaps[c].k = -1;
			heaps[c].n = 0;
			heaps[c].items = NULL;
		}
		argtypes[0] = INT8OID;
		args[0] = Int64GetDatum(task);
		argtypes[1] = TEXTARRAYOID;
		args[1] = PointerGetDatum(construct_array(cls, RISKCLASS_COUNT, TEXTOID, -1, false, TYPALIGN_INT));
		argtypes[2] = argtypes[3] = argtypes[4] = INT8ARRAYOID;
		args[2] = PointerGetDatum(construct_array(pop, RISKCLASS_COUNT, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		args[3] = PointerGetDatum(construct_array(ncl, RISKCLASS_COUNT, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		args[4] = PointerGetDatum(construct_array(nin, RISKCLASS_COUNT, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		if (SPI_execute_with_args(draw_counts_query, 5, argtypes, args, NULL, false, 0) != SPI_OK_UPDATE_RETURNING)
			elog(ERROR, "spot_draw_population: could not record the counts of task " INT64_FORMAT, task);
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			char	   *letter = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
			Datum		q = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);
			int			c = letter[0] - 'A';

			if (c < 0 || c >= RISKCLASS_COUNT || isnull)
				elog(ERROR, "spot_draw_population: invalid quota of task " INT64_FORMAT, task);
			heap_init(&heaps[c], callcxt, DatumGetInt64(q));
		}
		for (int c = 0; c < RISKCLASS_COUNT; c++)
			if (heaps[c].k < 0)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("class %c of spot-check task " INT64_FORMAT " has no ratio", riskclass_letter((RiskClass) c), task),
						 errhint("Insert the missing classes into creditrisk.spot_check_task_class.")));
	}
	if (nlists > 0)
	{
		Oid			ins_types[6] = {INT8OID, TEXTARRAYOID, TEXTARRAYOID, INT4ARRAYOID, get_array_type(uscc_type), INT4ARRAYOID};
		Datum		v[6];
		Datum	   *divs = palloc(sizeof(Datum) * nlists),
				   *classes = palloc(sizeof(Datum) * nlists),
				   *counts = palloc(sizeof(Datum) * nlists),
				   *starts = palloc(sizeof(Datum) * nlists);
		int64		total = 0;

		if (!OidIsValid(ins_types[4]))
			elog(ERROR, "spot_draw_population: the uscc type has no array type");
		for (int i = 0; i < nlists; i++)
		{
			StratumList *list = lists[i];
			char		letter[2] = {riskclass_letter((RiskClass) list->key.rclass), '\0'};

			divs[i] = CStringGetTextDatum(list->key.division);
			classes[i] = CStringGetTextDatum(letter);
			counts[i] = Int32GetDatum((int32) list->n);
			starts[i] = Int32GetDatum((int32) (total + 1));
			total += list->n;
		}
		if (total > MaxArraySize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the population of spot-check task " INT64_FORMAT " is too large", task)));
		v[0] = Int64GetDatum(task);
		v[1] = PointerGetDatum(construct_array(divs, nlists, TEXTOID, -1, false, TYPALIGN_INT));
		v[2] = PointerGetDatum(construct_array(classes, nlists, TEXTOID, -1, false, TYPALIGN_INT));
		v[3] = PointerGetDatum(construct_array(counts, nlists, INT4OID, 4, true, TYPALIGN_INT));
		v[4] = PointerGetDatum(draw_flat_array(lists, nlists, total, uscc_type));
		v[5] = PointerGetDatum(construct_array(starts, nlists, INT4OID, 4, true, TYPALIGN_INT));
		if (SPI_execute_with_args(draw_snapshot_insert, 6, ins_types, v, NULL, false, 0) != SPI_OK_INSERT ||
			SPI_processed != (uint64) nlists)
			elog(ERROR, "spot_draw_population: could not store the population of task " INT64_FORMAT, task);
		pfree(DatumGetPointer(v[4]));
	}
	SPI_finish();

	/* 4. the sample: per class the quota smallest keys over the lists */
	divisions = palloc(sizeof(char *) * Max(nlists, 1));
	for (int i = 0; i < nlists; i++)
	{
		StratumList *list = lists[i];
		BoundedHeap *h = &heaps[list->key.rclass];

		divisions[i] = list->key.division;
		if (h->k == 0)
			continue;
		for (int64 j = 0; j < list->n; j++)
		{
			SampleItem	x;

			x.code = list->codes[j];
			x.division = i;
			keymaker_key(&keys, &x.code, x.key);
			heap_offer(h, &x);
		}
		CHECK_FOR_INTERRUPTS();
	}
	emit_sample(rsinfo, heaps, divisions);
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
