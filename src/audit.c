/*
 * audit.c
 *		Accountability (问责, issue 12): the tamper-evident hash chain over
 *		the classification history and the change log's trigger.
 *
 * Row hashes.  A row's canonical serialisation is the row as one tuple of
 * PostgreSQL's binary COPY format without the header: a 16-bit big-endian
 * field count, then for each field a 32-bit big-endian length (-1 for NULL)
 * followed by the bytes of the type's binary output (send) function.  Binary
 * output does not depend on DateStyle, extra_float_digits, the locale or the
 * platform, and anyone can reproduce it with COPY ... (FORMAT binary).  The
 * row hash is SHA-256 of that serialisation.  The columns and their order are
 * fixed by the queries in extension/audit.sql (documented in doc/AUDIT.md).
 *
 * Chains.  Rows are chained in key order (the keys' bytes, as the C
 * collation orders text): link(0) = seed, link(i) =
 * SHA-256(link(i-1) || hash(i)).  history_blocks() returns the keys, row
 * hashes and the link at the end of every block of rows; history_link()
 * recomputes a chain over stored hashes; history_row_hashes() recomputes
 * the row hashes of the rows as they are now.
 *
 * The change log.  log_change() is a C trigger so that it can record the
 * current user of the statement that changed the row (a SECURITY DEFINER
 * function would only see its owner) and still write to a log that no
 * user may write to: it inserts as the log table's owner, and the log's
 * own guard, change_log_guard(), lets in only those inserts (and a
 * superuser's, which is what pg_restore does).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
/* SHA256_Init() and friends: deprecated in OpenSSL 3.0, still supported */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include "common/sha2.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/jsonb.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"
#include "libpq/pqformat.h"
#include "access/tupmacs.h"
#include "utils/fmgroids.h"
#include "riskclass.h"
#include "uscc.h"

#define HASH_LEN PG_SHA256_DIGEST_LENGTH

/* ---------------------------------------------------------------------
 * SHA-256 helpers
 *
 * OpenSSL's SHA256_Init/Update/Final on a context held in our own memory.
 * They use the same block function as EVP (with the CPU's SHA extensions
 * when it has them) but allocate nothing: with EVP, every
 * EVP_DigestInit_ex2() (OpenSSL 3.0, Debian 12) freed and re-allocated the
 * digest's context and
 * cleansed it, and EVP_DigestFinal_ex() cleansed it again, about a tenth of
 * sealing a run's CPU for two digests a row (the row's hash and the chain's
 * link).  (Before 1.5, pg_cryptohash_init() also looked SHA-256 up in
 * OpenSSL 3's provider tables, under a lock, on every call.)  These
 * functions are deprecated in OpenSSL 3's API but kept and supported; the
 * digests are the same bytes.
 * --------------------------------------------------------------------- */
typedef struct ShaCtx
{
	SHA256_CTX	c;
} ShaCtx;

static ShaCtx *
sha_begin(ShaCtx *ctx)
{
	if (ctx == NULL)
		ctx = palloc0(sizeof(ShaCtx));
	if (SHA256_Init(&ctx->c) != 1)
		elog(ERROR, "creditrisk: could not initialise SHA-256");
	return ctx;
}

static void
sha_update(ShaCtx *ctx, const void *data, size_t len)
{
	if (SHA256_Update(&ctx->c, data, len) != 1)
		elog(ERROR, "creditrisk: SHA-256 failed");
}

static void
sha_final(ShaCtx *ctx, uint8 *out)
{
	if (SHA256_Final(out, &ctx->c) != 1)
		elog(ERROR, "creditrisk: SHA-256 failed");
}

static void
sha_free(ShaCtx *ctx)
{
	pfree(ctx);
}

/* link = SHA-256(link || hash), in place */
static void
chain_step(ShaCtx *ctx, uint8 *link, const uint8 *hash)
{
	sha_begin(ctx);
	sha_update(ctx, link, HASH_LEN);
	sha_update(ctx, hash, HASH_LEN);
	sha_final(ctx, link);
}

static void
check_seed(bytea *seed)
{
	if (VARSIZE_ANY_EXHDR(seed) != HASH_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a chain's seed must be a SHA-256 digest of %d bytes", HASH_LEN),
				 errdetail("The seed has %d bytes.", (int) VARSIZE_ANY_EXHDR(seed))));
}

/* ---------------------------------------------------------------------
 * Row serialisation
 * --------------------------------------------------------------------- */
typedef enum ColumnKind
{
	COL_SEND,					/* the type's send function */
	/* types whose send() output is written directly (the same bytes) */
	COL_INT4,					/* int4send: 4 bytes, network order */
	COL_INT8,					/* int8send: 8 bytes */
	COL_DATE,					/* date_send: the day number, 4 bytes */
	COL_TIMESTAMP,				/* timestamptz_send: microseconds, 8 bytes */
	COL_FLOAT8,					/* float8send: the IEEE bits, 8 bytes */
	COL_BOOL,					/* boolsend: 1 byte, 0 or 1 */
	COL_USCC,					/* uscc_send: the 18 characters */
	COL_RISKCLASS,				/* riskclass_send: the letter */
	COL_TEXT,					/* text, varchar (and domains over them) */
	COL_TEXT_ARRAY,				/* text[] */
	COL_JSONB					/* jsonb */
} ColumnKind;

typedef struct RowHasher
{
	int			natts;
	ColumnKind *kind;
	FmgrInfo   *send;			/* per column from 2 (column 1 is the key) */
	Oid		   *typid;
	ShaCtx *ctx;
	MemoryContext rowcxt;
	Datum	   *values;			/* the deformed row */
	bool	   *nulls;
	StringInfoData buf;			/* the serialised row, reused */
} RowHasher;

extern Datum uscc_send(PG_FUNCTION_ARGS);
extern Datum riskclass_send(PG_FUNCTION_ARGS);

static void
row_hasher_init(RowHasher *rh, TupleDesc desc, ShaCtx *ctx)
{
	int			i;

	if (desc->natts < 2)
		elog(ERROR, "creditrisk: a hashed query needs a key column and at least one row column");
	if (TupleDescAttr(desc, 0)->atttypid != TEXTOID)
		elog(ERROR, "creditrisk: a hashed query's first column (the row key) must be text");
	rh->natts = desc->natts;
	rh->send = palloc0(sizeof(FmgrInfo) * desc->natts);
	rh->typid = palloc0(sizeof(Oid) * desc->natts);
	rh->kind = palloc0(sizeof(ColumnKind) * desc->natts);
	rh->values = palloc0(sizeof(Datum) * desc->natts);
	rh->nulls = palloc0(sizeof(bool) * desc->natts);
	for (i = 1; i < desc->natts; i++)
	{
		Oid			sendfn;
		bool		isvarlena;

		Oid			base;

		rh->typid[i] = TupleDescAttr(desc, i)->atttypid;
		getTypeBinaryOutputInfo(rh->typid[i], &sendfn, &isvarlena);
		fmgr_info(sendfn, &rh->send[i]);
		base = getBaseType(rh->typid[i]);
		rh->kind[i] = (base == TEXTOID || base == VARCHAROID) ? COL_TEXT
			: base == TEXTARRAYOID ? COL_TEXT_ARRAY
			: base == JSONBOID ? COL_JSONB
			: sendfn == F_INT4SEND ? COL_INT4
			: sendfn == F_INT8SEND ? COL_INT8
			: sendfn == F_DATE_SEND ? COL_DATE
			: sendfn == F_TIMESTAMPTZ_SEND ? COL_TIMESTAMP
			: sendfn == F_FLOAT8SEND ? COL_FLOAT8
			: sendfn == F_BOOLSEND ? COL_BOOL
			: rh->send[i].fn_addr == uscc_send ? COL_USCC
			: rh->send[i].fn_addr == riskclass_send ? COL_RISKCLASS : COL_SEND;
	}
	initStringInfo(&rh->buf);	/* in the caller's context: it outlives the rows */
	rh->ctx = ctx;
	rh->rowcxt = AllocSetContextCreate(CurrentMemoryContext, "creditrisk row hash",
									   ALLOCSET_DEFAULT_SIZES);
}


/*
 * Room for n more bytes in a serialisation buffer: the buffer is reused
 * from row to row, so it is nearly always there already, and the fields are
 * then written with pq_write*() (no check per value, unlike pq_send*()).
 */
static inline void
reserve(StringInfo buf, int n)
{
	if (unlikely(buf->maxlen - buf->len <= n))
		enlargeStringInfo(buf, n);
}

/*
 * Serialisation of text-like values without calling send(): their bytes in
 * UTF-8 (textsend converts to the client encoding; the serialisation is
 * defined with client_encoding UTF8, so that it is the same in every
 * session and on every server encoding).  Appends to buf.
 */
static void
put_text_bytes(StringInfo buf, const char *p, int len)
{
	const char *u = p;
	int			n = len;

	if (GetDatabaseEncoding() != PG_UTF8 && GetDatabaseEncoding() != PG_SQL_ASCII)
	{
		u = pg_server_to_any(p, len, PG_UTF8);
		if (u != p)
			n = strlen(u);
	}
	reserve(buf, 4 + n);
	pq_writeint32(buf, n);
	memcpy(buf->data + buf->len, u, n);
	buf->len += n;
	buf->data[buf->len] = '\0';
}

/* array_send()'s output for a text[], its elements as put_text_bytes(). */
static void
put_text_array(StringInfo buf, Datum d)
{
	ArrayType  *a = DatumGetArrayTypeP(d);
	int			ndim = ARR_NDIM(a);
	int		   *dims = ARR_DIMS(a);
	int		   *lbs = ARR_LBOUND(a);
	int			nitems = ArrayGetNItems(ndim, dims);
	char	   *ptr = ARR_DATA_PTR(a);
	bits8	   *bitmap = ARR_NULLBITMAP(a);
	int			bitmask = 1;
	int			lenpos = buf->len;
	int			i;

	reserve(buf, 16 + 8 * ndim);
	pq_writeint32(buf, 0);		/* the field's length, filled in below */
	pq_writeint32(buf, ndim);
	pq_writeint32(buf, ARR_HASNULL(a) ? 1 : 0);
	pq_writeint32(buf, ARR_ELEMTYPE(a));
	for (i = 0; i < ndim; i++)
	{
		pq_writeint32(buf, dims[i]);
		pq_writeint32(buf, lbs[i]);
	}
	for (i = 0; i < nitems; i++)
	{
		if (bitmap && (*bitmap & bitmask) == 0)
		{
			reserve(buf, 4);
			pq_writeint32(buf, -1);
		}
		else
		{
			text	   *t = (text *) ptr;

			put_text_bytes(buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
			ptr = att_addlength_pointer(ptr, -1, ptr);
			ptr = (char *) att_align_nominal(ptr, TYPALIGN_INT);
		}
		if (bitmap)
		{
			bitmask <<= 1;
			if (bitmask == 0x100)
			{
				bitmap++;
				bitmask = 1;
			}
		}
	}
	{
		uint32		n = pg_hton32((uint32) (buf->len - lenpos - 4));

		memcpy(buf->data + lenpos, &n, 4);
	}
}

/* jsonb_send()'s output: version 1, then the text form. */
static void
put_jsonb(StringInfo buf, Datum d)
{
	Jsonb	   *jb = DatumGetJsonbP(d);
	StringInfoData j;
	int			lenpos = buf->len;

	initStringInfo(&j);
	(void) JsonbToCString(&j, &jb->root, VARSIZE(jb));
	pq_sendint32(buf, 0);		/* filled in below */
	pq_sendbyte(buf, 1);
	{
		const char *u = j.data;
		int			n = j.len;

		if (GetDatabaseEncoding() != PG_UTF8 && GetDatabaseEncoding() != PG_SQL_ASCII)
		{
			u = pg_server_to_any(j.data, j.len, PG_UTF8);
			if (u != j.data)
				n = strlen(u);
		}
		pq_sendbytes(buf, u, n);
	}
	{
		uint32		n = pg_hton32((uint32) (buf->len - lenpos - 4));

		memcpy(buf->data + lenpos, &n, 4);
	}
}

/* Hashes columns 2..n of the tuple into out; returns the key (column 1) as
 * text, copied into keycxt.  Works in rh->rowcxt, which the caller resets. */
static text *
row_hash(RowHasher *rh, Datum *values, bool *nulls, uint8 *out, MemoryContext keycxt)
{
	MemoryContext old;
	StringInfoData buf;
	text	   *result;
	int			i;

	if (nulls[0])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a row of the classification history has no key")));
	old = MemoryContextSwitchTo(keycxt);
	result = DatumGetTextPCopy(values[0]);
	MemoryContextSwitchTo(rh->rowcxt);

	/* The row as one binary COPY tuple, then SHA-256 of it in one call. */
	resetStringInfo(&rh->buf);
	buf = rh->buf;
	reserve(&buf, 2);
	pq_writeint16(&buf, (uint16) (rh->natts - 1));
	for (i = 1; i < rh->natts; i++)
	{
		if (nulls[i])
		{
			reserve(&buf, 4);
			pq_writeint32(&buf, -1);
			continue;
		}
		switch (rh->kind[i])
		{
			case COL_INT4:
			case COL_DATE:
				reserve(&buf, 8);
				pq_writeint32(&buf, 4);
				pq_writeint32(&buf, DatumGetInt32(values[i]));
				break;
			case COL_INT8:
			case COL_TIMESTAMP:
				reserve(&buf, 12);
				pq_writeint32(&buf, 8);
				pq_writeint64(&buf, DatumGetInt64(values[i]));
				break;
			case COL_FLOAT8:
				{
					union
					{
						float8		f;
						int64		i;
					}			swap;

					swap.f = DatumGetFloat8(values[i]);
					reserve(&buf, 12);
					pq_writeint32(&buf, 8);
					pq_writeint64(&buf, swap.i);	/* float8send()'s bytes */
					break;
				}
			case COL_BOOL:
				reserve(&buf, 5);
				pq_writeint32(&buf, 1);
				pq_writeint8(&buf, DatumGetBool(values[i]) ? 1 : 0);
				break;
			case COL_USCC:
				/* the 18 characters, formatted in place (and a NUL after) */
				reserve(&buf, 4 + USCC_LEN + 1);
				pq_writeint32(&buf, USCC_LEN);
				uscc_format(DatumGetUsccP(values[i]), buf.data + buf.len);
				buf.len += USCC_LEN;
				break;
			case COL_RISKCLASS:
				reserve(&buf, 5);
				pq_writeint32(&buf, 1);
				pq_writeint8(&buf, riskclass_letter(DatumGetRiskClass(values[i])));
				break;
			case COL_TEXT:
				{
					text	   *t = DatumGetTextPP(values[i]);

					put_text_bytes(&buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
					break;
				}
			case COL_TEXT_ARRAY:
				put_text_array(&buf, values[i]);
				break;
			case COL_JSONB:
				put_jsonb(&buf, values[i]);
				break;
			case COL_SEND:
				{
					bytea	   *b = SendFunctionCall(&rh->send[i], values[i]);

					pq_sendint32(&buf, VARSIZE(b) - VARHDRSZ);
					pq_sendbytes(&buf, VARDATA(b), VARSIZE(b) - VARHDRSZ);
					break;
				}
		}
	}
	sha_begin(rh->ctx);
	sha_update(rh->ctx, buf.data, buf.len);
	sha_final(rh->ctx, out);
	rh->buf = buf;				/* keep the (possibly enlarged) buffer */
	MemoryContextSwitchTo(old);
	return result;			/* the caller resets rowcxt when done with the row */
}

/*
 * Running a history query: its rows go straight from the executor to a
 * DestReceiver that hashes them (no copy of each row into an SPI tuple
 * table), each as (key, hash) to a callback.
 */
typedef void (*HashedRowFn) (void *arg, text *key, const uint8 *hash);

typedef struct HashReceiver
{
	DestReceiver pub;
	RowHasher	rh;
	bool		ready;
	MemoryContext cxt;			/* where the hasher lives */
	MemoryContext keycxt;		/* where the keys are copied */
	HashedRowFn fn;
	void	   *arg;
} HashReceiver;

static void
hash_receiver_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	HashReceiver *r = (HashReceiver *) self;
	MemoryContext old = MemoryContextSwitchTo(r->cxt);

	row_hasher_init(&r->rh, typeinfo, sha_begin(NULL));
	r->ready = true;
	MemoryContextSwitchTo(old);
}

static bool
hash_receiver_slot(TupleTableSlot *slot, DestReceiver *self)
{
	HashReceiver *r = (HashReceiver *) self;
	uint8		h[HASH_LEN];
	text	   *key;

	slot_getallattrs(slot);
	key = row_hash(&r->rh, slot->tts_values, slot->tts_isnull, h, r->keycxt);
	r->fn(r->arg, key, h);
	MemoryContextReset(r->rh.rowcxt);
	return true;
}

static void
hash_receiver_noop(DestReceiver *self)
{
}

static void
run_hashed_query(text *query, MemoryContext keycxt, HashedRowFn fn, void *arg)
{
	HashReceiver r;
	SPIExecuteOptions opts;
	char	   *sql = text_to_cstring(query);
	int			rc;

	memset(&r, 0, sizeof(r));
	r.pub.receiveSlot = hash_receiver_slot;
	r.pub.rStartup = hash_receiver_startup;
	r.pub.rShutdown = hash_receiver_noop;
	r.pub.rDestroy = hash_receiver_noop;
	r.pub.mydest = DestNone;
	r.cxt = CurrentMemoryContext;
	r.keycxt = keycxt;
	r.fn = fn;
	r.arg = arg;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	memset(&opts, 0, sizeof(opts));
	opts.read_only = true;
	opts.dest = (DestReceiver *) &r;
	rc = SPI_execute_extended(sql, &opts);
	/* (a SELECT whose rows go to a receiver of our own reports SPI_OK_UTILITY) */
	if (rc != SPI_OK_SELECT && rc != SPI_OK_UTILITY)
		elog(ERROR, "creditrisk: the history query failed: %s", SPI_result_code_string(rc));
	SPI_finish();
	if (r.ready)
		sha_free(r.rh.ctx);
}

/*
 * history_row_hashes(query text) RETURNS TABLE (row_key text, row_hash bytea)
 */
typedef struct RowHashesOut
{
	ReturnSetInfo *rsinfo;
	bytea	   *hb;
} RowHashesOut;

static void
row_hashes_out(void *arg, text *key, const uint8 *hash)
{
	RowHashesOut *o = (RowHashesOut *) arg;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	memcpy(VARDATA(o->hb), hash, HASH_LEN);
	values[0] = PointerGetDatum(key);
	values[1] = PointerGetDatum(o->hb);
	tuplestore_putvalues(o->rsinfo->setResult, o->rsinfo->setDesc, values, nulls);
	pfree(key);
}

PG_FUNCTION_INFO_V1(history_row_hashes);
Datum
history_row_hashes(PG_FUNCTION_ARGS)
{
	RowHashesOut o;

	InitMaterializedSRF(fcinfo, 0);
	o.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	o.hb = palloc(VARHDRSZ + HASH_LEN);
	SET_VARSIZE(o.hb, VARHDRSZ + HASH_LEN);
	run_hashed_query(PG_GETARG_TEXT_PP(0), CurrentMemoryContext, row_hashes_out, &o);
	return (Datum) 0;
}

/*
 * history_blocks(query text, seed bytea, block_rows integer)
 *	 RETURNS TABLE (block integer, row_keys text[], row_hashes bytea, link bytea)
 *
 * Hashes the query's rows, puts them in key order (the keys' bytes, as in
 * the C collation) and chains them from the seed; each block holds
 * block_rows rows (the last one fewer), their keys, their row hashes
 * concatenated, and the chain's link after its last row.  The rows are read
 * in any order and only (key, hash) pairs are sorted, in memory (about 90
 * bytes a row): cheaper than sorting the rows themselves.  Keys must be
 * unique.
 */
typedef struct HashedRow
{
	uint64		prefix[2];		/* the key's first 16 bytes, big-endian, zero-padded */
	text	   *key;
	uint8		hash[HASH_LEN];
} HashedRow;

static int hashed_row_cmp(const void *a, const void *b);

/* The same order as hashed_row_cmp(), mostly decided by the prefixes
 * (a text holds no zero byte, so the padding sorts a shorter key first, as
 * memcmp-then-length does). */
static int
hashed_row_sort_cmp(const void *a, const void *b)
{
	const HashedRow *ra = (const HashedRow *) a;
	const HashedRow *rb = (const HashedRow *) b;

	if (ra->prefix[0] != rb->prefix[0])
		return ra->prefix[0] < rb->prefix[0] ? -1 : 1;
	if (ra->prefix[1] != rb->prefix[1])
		return ra->prefix[1] < rb->prefix[1] ? -1 : 1;
	return hashed_row_cmp(a, b);
}

static int
hashed_row_cmp(const void *a, const void *b)
{
	const text *ka = ((const HashedRow *) a)->key;
	const text *kb = ((const HashedRow *) b)->key;
	int			la = VARSIZE_ANY_EXHDR(ka);
	int			lb = VARSIZE_ANY_EXHDR(kb);
	int			c = memcmp(VARDATA_ANY(ka), VARDATA_ANY(kb), Min(la, lb));

	return c != 0 ? c : (la > lb) - (la < lb);
}

typedef struct BlockRows
{
	HashedRow  *rows;
	Size		n;
	Size		max;
} BlockRows;

static void
block_rows_add(void *arg, text *key, const uint8 *hash)
{
	BlockRows  *b = (BlockRows *) arg;

	if (b->n == b->max)
	{
		b->max *= 2;
		b->rows = repalloc_huge(b->rows, sizeof(HashedRow) * b->max);
	}
	b->rows[b->n].key = key;
	{
		uint8		p[16] = {0};
		int			len = Min(VARSIZE_ANY_EXHDR(key), 16);
		int			j;

		memcpy(p, VARDATA_ANY(key), len);
		b->rows[b->n].prefix[0] = b->rows[b->n].prefix[1] = 0;
		for (j = 0; j < 8; j++)
		{
			b->rows[b->n].prefix[0] = (b->rows[b->n].prefix[0] << 8) | p[j];
			b->rows[b->n].prefix[1] = (b->rows[b->n].prefix[1] << 8) | p[8 + j];
		}
	}
	memcpy(b->rows[b->n].hash, hash, HASH_LEN);
	b->n++;
}

/*
 * Puts the rows in key order, cheaply when they nearly are (1.11).
 *
 * seal_run() reads a run's rows in the heap's physical order (a bitmap heap
 * scan), and the monthly run writes its results in key (USCC) order; yet the
 * heap is not quite in that order: when a row does not fit on the page being
 * filled, the free space map may hand back an earlier page with room for it,
 * so a few rows sit on pages before their place (14 of 88,573 results at
 * 100,000 enterprises: a full sort for them).  One pass keeps the rows that
 * are in order, compacted at the front of the array, and sets aside every row
 * greater than the one that follows it (popped from the kept ones, as on a
 * stack): a row placed early is set aside when the next row in its place
 * comes.  The rows set aside are sorted, then merged back from the end of the
 * array, in place.  Rows far from any order (more than an eighth set aside:
 * a heap in another order, a run re-written out of order) are sorted whole.
 * Equal keys stay adjacent (the caller refuses them).
 */
static void
hashed_rows_order(HashedRow *rows, Size n)
{
	HashedRow  *aside;
	Size		max_aside;
	Size		naside = 0;
	Size		kept = 0;		/* rows[0 .. kept) in order */
	Size		i;

	for (i = 1; i < n; i++)
		if (hashed_row_sort_cmp(&rows[i - 1], &rows[i]) > 0)
			break;
	if (i >= n)
		return;					/* in key order: no sort */

	max_aside = n / 8 + 16;
	aside = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(HashedRow) * max_aside);
	for (i = 0; i < n; i++)
	{
		while (kept > 0 && hashed_row_sort_cmp(&rows[kept - 1], &rows[i]) > 0)
		{
			if (naside == max_aside)
				break;
			aside[naside++] = rows[--kept];
		}
		if (naside == max_aside)
		{
			/* far from any order: put the rows aside back, sort all */
			memcpy(&rows[kept], aside, sizeof(HashedRow) * naside);
			pfree(aside);
			qsort(rows, n, sizeof(HashedRow), hashed_row_sort_cmp);
			return;
		}
		if (kept != i)
			rows[kept] = rows[i];
		kept++;
	}
	Assert(kept + naside == n);
	qsort(aside, naside, sizeof(HashedRow), hashed_row_sort_cmp);
	/* merge from the end: rows[kept ..) and aside[] into rows[.. n) */
	{
		Size		out = n;
		Size		a = naside;
		Size		k = kept;

		while (a > 0)
		{
			if (k > 0 && hashed_row_sort_cmp(&rows[k - 1], &aside[a - 1]) > 0)
				rows[--out] = rows[--k];
			else
				rows[--out] = aside[--a];
		}
		Assert(out == k);
	}
	pfree(aside);
}

/*
 * Hashes the query's rows, sorts them by key, refuses a key twice, and
 * chains them from link (updated in place) in blocks of block_rows rows,
 * handing each block to fn: its number, its keys as a text[], its row
 * hashes concatenated, the link after its last row.  Returns the number of
 * rows.  Memory: about 90 bytes a row plus one block.
 */
typedef void (*BlockFn) (void *arg, int32 block, ArrayType *keys, bytea *hashes, bytea *link);

static Size
chain_in_blocks(text *query, uint8 *link, int32 block_rows, BlockFn fn, void *arg)
{
	MemoryContext rowscxt;
	HashedRow  *rows;
	Size		nrows = 0;
	Size		maxrows = 1024;
	Size		i;
	Datum	   *keys;
	bytea	   *hashes;
	bytea	   *lb;
	ShaCtx	   *linkctx;

	if (block_rows < 1 || block_rows > 100000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("block size %d is not between 1 and 100000 rows", block_rows)));
	rowscxt = AllocSetContextCreate(CurrentMemoryContext, "creditrisk history rows", ALLOCSET_DEFAULT_SIZES);
	rows = MemoryContextAllocHuge(rowscxt, sizeof(HashedRow) * maxrows);

	/* 1. Hash every row. */
	{
		BlockRows	br = {rows, 0, maxrows};

		run_hashed_query(query, rowscxt, block_rows_add, &br);
		rows = br.rows;
		nrows = br.n;
	}

	hashed_rows_order(rows, nrows);
	/* 2. A key twice would make the chain ambiguous. */
	for (i = 1; i < nrows; i++)
		if (hashed_row_sort_cmp(&rows[i - 1], &rows[i]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("the history has two rows with the key \"%s\"", text_to_cstring(rows[i].key))));

	/* 3. Chain, in blocks. */
	keys = palloc(sizeof(Datum) * block_rows);
	hashes = palloc(VARHDRSZ + (Size) HASH_LEN * block_rows);
	lb = palloc(VARHDRSZ + HASH_LEN);
	SET_VARSIZE(lb, VARHDRSZ + HASH_LEN);
	linkctx = sha_begin(NULL);
	for (i = 0; i < nrows; i += block_rows)
	{
		Size		n = Min((Size) block_rows, nrows - i);
		Size		k;
		ArrayType  *karr;

		for (k = 0; k < n; k++)
		{
			keys[k] = PointerGetDatum(rows[i + k].key);
			memcpy((uint8 *) VARDATA(hashes) + HASH_LEN * k, rows[i + k].hash, HASH_LEN);
			chain_step(linkctx, link, rows[i + k].hash);
		}
		SET_VARSIZE(hashes, VARHDRSZ + (Size) HASH_LEN * n);
		memcpy(VARDATA(lb), link, HASH_LEN);
		karr = construct_array(keys, (int) n, TEXTOID, -1, false, TYPALIGN_INT);
		fn(arg, (int32) (i / block_rows), karr, hashes, lb);
		pfree(karr);
	}
	sha_free(linkctx);
	pfree(keys);
	pfree(hashes);
	pfree(lb);
	MemoryContextDelete(rowscxt);
	return nrows;
}

static void
block_to_tuplestore(void *arg, int32 block, ArrayType *keys, bytea *hashes, bytea *link)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) arg;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	values[0] = Int32GetDatum(block);
	values[1] = PointerGetDatum(keys);
	values[2] = PointerGetDatum(hashes);
	values[3] = PointerGetDatum(link);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

PG_FUNCTION_INFO_V1(history_blocks);
Datum
history_blocks(PG_FUNCTION_ARGS)
{
	text	   *query = PG_GETARG_TEXT_PP(0);
	bytea	   *seed = PG_GETARG_BYTEA_PP(1);
	int32		block_rows = PG_GETARG_INT32(2);
	uint8		link[HASH_LEN];

	check_seed(seed);
	memcpy(link, VARDATA_ANY(seed), HASH_LEN);
	InitMaterializedSRF(fcinfo, 0);
	(void) chain_in_blocks(query, link, block_rows, block_to_tuplestore, fcinfo->resultinfo);
	return (Datum) 0;
}

/*
 * history_seal_table(seq bigint, table_name text, query text, seed bytea,
 *					  block_rows integer, OUT row_count bigint, OUT link bytea)
 *
 * What seal_run() did with history_blocks() and an INSERT ... SELECT, then
 * two reads of the blocks just written (the last link, the row count), in
 * one call: each block goes straight into creditrisk.classification_seal_block
 * (as the calling user: only the tables' owner may), with no tuplestore of
 * blocks between (at 88,573 rows it spilled 4.9 MB to a temporary file) and
 * without detoasting the keys again to count them.  The blocks, the links
 * and the digest are the same bytes as history_blocks() gives.
 */
typedef struct SealInsert
{
	SPIPlanPtr	plan;
	Datum		seq;
	Datum		table_name;
} SealInsert;

static void
block_to_table(void *arg, int32 block, ArrayType *keys, bytea *hashes, bytea *link)
{
	SealInsert *si = (SealInsert *) arg;
	Datum		values[6];
	int			rc;

	values[0] = si->seq;
	values[1] = si->table_name;
	values[2] = Int32GetDatum(block);
	values[3] = PointerGetDatum(keys);
	values[4] = PointerGetDatum(hashes);
	values[5] = PointerGetDatum(link);
	rc = SPI_execute_plan(si->plan, values, NULL, false, 0);
	if (rc != SPI_OK_INSERT || SPI_processed != 1)
		elog(ERROR, "creditrisk: could not write block %d of the seal: %s", block, SPI_result_code_string(rc));
}

PG_FUNCTION_INFO_V1(history_seal_table);
Datum
history_seal_table(PG_FUNCTION_ARGS)
{
	int64		seq = PG_GETARG_INT64(0);
	text	   *table_name = PG_GETARG_TEXT_PP(1);
	text	   *query = PG_GETARG_TEXT_PP(2);
	bytea	   *seed = PG_GETARG_BYTEA_PP(3);
	int32		block_rows = PG_GETARG_INT32(4);
	uint8		link[HASH_LEN];
	SealInsert	si;
	Oid			argtypes[6] = {INT8OID, TEXTOID, INT4OID, TEXTARRAYOID, BYTEAOID, BYTEAOID};
	TupleDesc	tupdesc;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	bytea	   *lb;
	Size		nrows;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "creditrisk: history_seal_table() must return a record");
	check_seed(seed);
	memcpy(link, VARDATA_ANY(seed), HASH_LEN);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	/* (every name qualified: the caller's search_path is not trusted) */
	si.plan = SPI_prepare("INSERT INTO creditrisk.classification_seal_block"
						  " (seq, table_name, block, row_keys, row_hashes, link)"
						  " VALUES ($1, $2, $3, $4, $5, $6)", 6, argtypes);
	if (si.plan == NULL)
		elog(ERROR, "creditrisk: could not prepare the seal's insert: %s", SPI_result_code_string(SPI_result));
	si.seq = Int64GetDatum(seq);
	si.table_name = PointerGetDatum(table_name);
	/* (run_hashed_query() connects to SPI again, nested: allowed) */
	nrows = chain_in_blocks(query, link, block_rows, block_to_table, &si);
	SPI_freeplan(si.plan);
	SPI_finish();

	lb = palloc(VARHDRSZ + HASH_LEN);
	SET_VARSIZE(lb, VARHDRSZ + HASH_LEN);
	memcpy(VARDATA(lb), link, HASH_LEN);
	values[0] = Int64GetDatum((int64) nrows);
	values[1] = PointerGetDatum(lb);
	tupdesc = BlessTupleDesc(tupdesc);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * history_link(seed bytea, row_hashes bytea) RETURNS bytea
 *	 The chain's link after the concatenated row hashes, from the seed.
 */
PG_FUNCTION_INFO_V1(history_link);
Datum
history_link(PG_FUNCTION_ARGS)
{
	bytea	   *seed = PG_GETARG_BYTEA_PP(0);
	bytea	   *hashes = PG_GETARG_BYTEA_PP(1);
	Size		len = VARSIZE_ANY_EXHDR(hashes);
	const uint8 *p = (const uint8 *) VARDATA_ANY(hashes);
	bytea	   *result;
	ShaCtx *ctx;
	Size		off;

	check_seed(seed);
	if (len % HASH_LEN != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("row hashes must be a multiple of %d bytes long", HASH_LEN),
				 errdetail("They are %zu bytes long.", len)));
	result = palloc(VARHDRSZ + HASH_LEN);
	SET_VARSIZE(result, VARHDRSZ + HASH_LEN);
	memcpy(VARDATA(result), VARDATA_ANY(seed), HASH_LEN);
	ctx = sha_begin(NULL);
	for (off = 0; off < len; off += HASH_LEN)
		chain_step(ctx, (uint8 *) VARDATA(result), p + off);
	sha_free(ctx);
	PG_RETURN_BYTEA_P(result);
}

/* ---------------------------------------------------------------------
 * The change log
 * --------------------------------------------------------------------- */

/* True while log_change() inserts into the log: the guard lets that in. */
static bool logging_change = false;

static Datum
row_as_record(Relation rel, HeapTuple tup)
{
	return heap_copy_tuple_as_datum(tup, RelationGetDescr(rel));
}

/*
 * log_change() -- AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW, or AFTER
 * TRUNCATE FOR EACH STATEMENT: appends one entry to creditrisk.change_log
 * with the session user and the current user of the change.
 */
PG_FUNCTION_INFO_V1(log_change);
Datum
log_change(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	const char *op;
	Datum		old_row = (Datum) 0;
	Datum		new_row = (Datum) 0;
	bool		has_old = false;
	bool		has_new = false;
	char	   *session_name;
	char	   *current_name;
	char	   *table_name;
	Oid			save_userid;
	int			save_sec_context;
	Oid			log_owner;
	Oid			argtypes[7];
	Datum		args[7];
	char		nulls[7];
	bool		saved_flag = logging_change;
	Oid			rowtype;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "creditrisk: log_change() must be called as a trigger");
	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event))
		elog(ERROR, "creditrisk: log_change() must be an AFTER trigger");
	rel = trigdata->tg_relation;
	rowtype = rel->rd_rel->reltype;

	if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		op = "TRUNCATE";
	else
	{
		if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
			elog(ERROR, "creditrisk: log_change() logs rows (and TRUNCATE per statement)");
		if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		{
			op = "INSERT";
			new_row = row_as_record(rel, trigdata->tg_trigtuple);
			has_new = true;
		}
		else if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		{
			op = "UPDATE";
			old_row = row_as_record(rel, trigdata->tg_trigtuple);
			new_row = row_as_record(rel, trigdata->tg_newtuple);
			has_old = has_new = true;
		}
		else
		{
			op = "DELETE";
			old_row = row_as_record(rel, trigdata->tg_trigtuple);
			has_old = true;
		}
	}

	session_name = GetUserNameFromId(GetSessionUserId(), false);
	current_name = GetUserNameFromId(GetUserId(), false);
	table_name = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
											RelationGetRelationName(rel));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");

	/* Write as the log's owner: nobody else may insert into it. */
	/* (every name and operator qualified: this runs on the caller's search_path) */
	if (SPI_execute("SELECT c.relowner FROM pg_catalog.pg_class c"
					" WHERE c.oid OPERATOR(pg_catalog.=) 'creditrisk.change_log'::pg_catalog.regclass",
					true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "creditrisk: the change log creditrisk.change_log is missing");
	{
		bool		isnull;

		log_owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}

	argtypes[0] = NAMEOID;
	argtypes[1] = NAMEOID;
	argtypes[2] = TEXTOID;
	argtypes[3] = TEXTOID;
	argtypes[4] = rowtype;
	argtypes[5] = rowtype;
	argtypes[6] = TEXTOID;
	args[0] = DirectFunctionCall1(namein, CStringGetDatum(session_name));
	args[1] = DirectFunctionCall1(namein, CStringGetDatum(current_name));
	args[2] = CStringGetTextDatum(table_name);
	args[3] = CStringGetTextDatum(op);
	args[4] = old_row;
	args[5] = new_row;
	args[6] = CStringGetTextDatum(trigdata->tg_trigger->tgname);
	memset(nulls, ' ', sizeof(nulls));
	if (!has_old)
		nulls[4] = 'n';
	if (!has_new)
		nulls[5] = 'n';

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(log_owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	logging_change = true;
	PG_TRY();
	{
		if (SPI_execute_with_args("INSERT INTO creditrisk.change_log"
								  " (session_user_name, current_user_name, table_name, operation, old_value, new_value)"
								  " VALUES ($1, $2, $3, $4, pg_catalog.to_jsonb($5), pg_catalog.to_jsonb($6))",
								  6, argtypes, args, nulls, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "creditrisk: could not write to the change log");
	}
	PG_FINALLY();
	{
		logging_change = saved_flag;
		SetUserIdAndSecContext(save_userid, save_sec_context);
	}
	PG_END_TRY();
	SPI_finish();
	return PointerGetDatum(NULL);
}

/*
 * change_log_guard() -- BEFORE INSERT FOR EACH ROW on creditrisk.change_log:
 * only log_change() writes the log; a superuser may load it (pg_restore).
 * (The current user is checked: a superuser's session after SET ROLE to
 * another role is refused like that role.)
 */
PG_FUNCTION_INFO_V1(change_log_guard);
Datum
change_log_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BY_INSERT(trigdata->tg_event)
		|| !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) || !TRIGGER_FIRED_BEFORE(trigdata->tg_event))
		elog(ERROR, "creditrisk: change_log_guard() must be a BEFORE INSERT row trigger");
	if (!logging_change && !superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("the change log is written only by creditrisk's logging triggers"),
				 errdetail("Entries cannot be added, changed or deleted by hand, not even by the owner."),
				 errhint("Change the configuration table itself; the change is logged.")));
	return PointerGetDatum(trigdata->tg_trigtuple);
}

/*
 * history_unnest(row_keys text[], row_hashes bytea)
 *	 RETURNS TABLE (row_key text, row_hash bytea)
 *	 A stored block as rows (the hashes read once, not once per row).
 */
PG_FUNCTION_INFO_V1(history_unnest);
Datum
history_unnest(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ArrayType  *keys = PG_GETARG_ARRAYTYPE_P(0);
	bytea	   *hashes = PG_GETARG_BYTEA_PP(1);
	Size		len = VARSIZE_ANY_EXHDR(hashes);
	Datum	   *elems;
	bool	   *enulls;
	int			n;
	int			i;
	bytea	   *hb = palloc(VARHDRSZ + HASH_LEN);

	InitMaterializedSRF(fcinfo, 0);
	if (ARR_NDIM(keys) > 1)
		ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR), errmsg("row keys must be a one-dimensional array")));
	deconstruct_array(keys, TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls, &n);
	SET_VARSIZE(hb, VARHDRSZ + HASH_LEN);
	for (i = 0; i < n; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {enulls[i], false};

		values[0] = elems[i];
		if ((Size) (i + 1) * HASH_LEN <= len)
		{
			memcpy(VARDATA(hb), (const uint8 *) VARDATA_ANY(hashes) + (Size) i * HASH_LEN, HASH_LEN);
			values[1] = PointerGetDatum(hb);
		}
		else
			nulls[1] = true;	/* a block whose hashes were cut short */
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
