/*
 * record_scan.c
 *		Reading the record tables: the privilege and row-level-security
 *		check, and one sequential scan per table, its rows handed to the
 *		table's row function (indicator_rules.c, related_parties.c) in
 *		batches.
 *
 * The tables are read directly, under the query's snapshot, after a SELECT
 * privilege check.  Where row-level security applies to the caller, the
 * engine applies the shipped policies itself (the caller's jurisdiction,
 * direct_read_allowed()); where a table carries any other policy,
 * compute_indicators() runs the SQL definitions instead, so that policies
 * are honoured (sql_indicators.c).
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "engine.h"

static const char *const table_names[T_COUNT] = {
#define TABLE_NAME(id, table) [T_##id] = #table,
	ENGINE_RECORD_TABLES(TABLE_NAME)
#undef TABLE_NAME
};

static const RecordKind *const record_kinds[T_COUNT] = {
#define TABLE_KIND(id, table) [T_##id] = &record_##table,
	ENGINE_RECORD_TABLES(TABLE_KIND)
#undef TABLE_KIND
};

Oid
engine_table_oid(ComputeState *st, const char *name)
{
	Oid			relid = get_relname_relid(name, st->nsp);

	if (!OidIsValid(relid))
		elog(ERROR, "creditrisk: table creditrisk.%s is missing", name);
	return relid;
}

/*
 * Open a table of the extension for a direct read.  The engine reads heap
 * tuples: a table turned into something else (a partitioned table, a view,
 * another access method) is refused with a clear error rather than read
 * wrongly.
 */
Relation
engine_open_table(ComputeState *st, const char *name)
{
	Relation	rel = table_open(engine_table_oid(st, name), AccessShareLock);

	if (rel->rd_rel->relkind != RELKIND_RELATION || rel->rd_rel->relam != HEAP_TABLE_AM_OID)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("compute_indicators cannot read creditrisk.%s", name),
				 errdetail("It is not a plain table with the heap access method (relkind \"%c\", access method \"%s\"); the engine reads heap tuples directly.",
						   rel->rd_rel->relkind,
						   OidIsValid(rel->rd_rel->relam) ? get_am_name(rel->rd_rel->relam) : "none"),
				 errhint("Keep the extension's tables as it created them, or compute through the SQL definitions (creditrisk.indicators_to_sql()).")));
	return rel;
}

/* The attribute numbers of the named columns of a creditrisk table. */
void
resolve_columns(Oid relid, const char *table, const char *const *cols, int ncols, AttrNumber *attnums)
{
	for (int i = 0; i < ncols; i++)
	{
		attnums[i] = get_attnum(relid, cols[i]);
		if (attnums[i] == InvalidAttrNumber)
			elog(ERROR, "creditrisk: column %s.%s is missing", table, cols[i]);
	}
}

/*
 * The policies create_roles() puts on the tables the engine reads
 * (extension/security.sql), as PostgreSQL 15 deparses them: the register's
 * range on the row's own division, the records' correlated EXISTS on the register,
 * the links' by either end.  Where the only policy that applies to the
 * caller's reads of a table is the shipped one (the permissive policy
 * "jurisdiction" for all commands and roles; the loaders' restrictive ones
 * apply to loaders only), the engine applies it itself (register_scan.c,
 * flush_batch()); otherwise the SQL definitions compute.
 */
typedef enum PolicyShape
{
	POLICY_REGISTER, POLICY_RECORDS, POLICY_LINKS
} PolicyShape;

static const char *const shipped_policy_qual[] = {
	[POLICY_REGISTER] = "(((division_code)::text >= creditrisk.scope_from()) AND "
	"((division_code)::text < creditrisk.scope_to()))",
	/* %1$s: the table's own name (a correlated EXISTS per USCC, issue 15) */
	[POLICY_RECORDS] = "(EXISTS ( SELECT 1\n   FROM creditrisk.enterprise e\n"
	"  WHERE (e.uscc OPERATOR(creditrisk.=) %1$s.uscc)))",
	[POLICY_LINKS] = "((EXISTS ( SELECT 1\n   FROM creditrisk.enterprise e\n"
	"  WHERE (e.uscc OPERATOR(creditrisk.=) %1$s.from_uscc))) OR (EXISTS ( SELECT 1\n"
	"   FROM creditrisk.enterprise e\n"
	"  WHERE (e.uscc OPERATOR(creditrisk.=) %1$s.to_uscc))))",
};

/*
 * Whether the only policy that applies to the caller's reads of the table is
 * the shipped one of its shape (policies for other roles, e.g. the
 * loaders' restrictive ones, or for other commands do not matter).
 */
static bool
has_shipped_policy(Oid relid, PolicyShape shape)
{
	Oid			argtypes[2] = {OIDOID, OIDOID};
	Datum		args[2] = {ObjectIdGetDatum(relid), ObjectIdGetDatum(GetUserId())};
	bool		isnull;
	char	   *qual;
	int			nestlevel = NewGUCNestLevel();

	/* deparsed with the schema written out, as the shipped texts are */
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	if (SPI_execute_with_args("SELECT pg_catalog.pg_get_expr(p.polqual, p.polrelid)"
							  "  FROM pg_catalog.pg_policy p"
							  " WHERE p.polrelid = $1 AND p.polname = 'jurisdiction' AND p.polpermissive"
							  "   AND p.polcmd = '*' AND p.polroles = '{0}'"
							  "   AND (SELECT count(*) FROM pg_catalog.pg_policy q"
							  "         WHERE q.polrelid = $1 AND q.polcmd IN ('*', 'r')"
							  "           AND (0 = ANY (q.polroles) OR EXISTS (SELECT 1 FROM pg_catalog.unnest(q.polroles) r(oid)"
							  "                                                 WHERE pg_catalog.pg_has_role($2, r.oid, 'USAGE')))) = 1",
							  2, argtypes, args, NULL, true, 2) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: reading the policies failed");
	qual = SPI_processed == 1 ? SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) : NULL;
	AtEOXact_GUC(true, nestlevel);
	isnull = qual == NULL;
	if (isnull)
		return false;
	/* the records' and links' texts name the table itself */
	return strcmp(qual, shape == POLICY_REGISTER ? shipped_policy_qual[shape]
				  : psprintf(shipped_policy_qual[shape], get_rel_name(relid))) == 0;
}

/*
 * Whether the direct path may read the register and these tables: refuses
 * without SELECT.  Where row-level security applies to the caller, the
 * engine reads directly and applies the caller's jurisdiction itself
 * (st->scoped) when every policy involved is the shipped one; otherwise it
 * answers false, and compute_indicators() runs the SQL definitions, which
 * the policies filter (correct, much slower).
 */
bool
direct_read_allowed(ComputeState *st, uint32 tables)
{
	bool		allowed = true;
	bool		any_rls = false;

	for (int t = -1; t < T_COUNT; t++)
	{
		const char *name = t < 0 ? "enterprise" : table_names[t];

		if (t >= 0 && !(tables & (1u << t)))
			continue;
		/*
		 * The register's history is always read (its versions have valid
		 * time); a record table's only as known at a past time.
		 */
		for (int h = 0; h < 2; h++)
		{
			const char *rname = h == 0 ? name : psprintf("%s_history", name);
			Oid			relid;
			AclResult	acl;

			if (h == 1 && t >= 0 && !st->known_given)
				continue;
			relid = engine_table_oid(st, rname);
			acl = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT);
			if (acl != ACLCHECK_OK)
				aclcheck_error(acl, OBJECT_TABLE, psprintf("creditrisk.%s", rname));
			if (check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
			{
				any_rls = true;
				if (!has_shipped_policy(relid, t < 0 ? POLICY_REGISTER : t == T_LINK ? POLICY_LINKS : POLICY_RECORDS))
					allowed = false;
			}
		}
	}
	if (allowed && any_rls)
	{
		bool		all;

		/*
		 * The records' policies read the register under its own policy: the
		 * register must be under the shipped one too (it is read anyway).
		 */
		if (check_enable_rls(engine_table_oid(st, "enterprise"), InvalidOid, true) != RLS_ENABLED)
			return false;
		if (!current_scope(&all, st->scope_from, st->scope_to))
		{
			/* no jurisdiction: the policies let nothing through */
			strcpy(st->scope_from, "0");
			strcpy(st->scope_to, "0");
			st->scoped = true;
		}
		else
			st->scoped = !all;
	}
	return allowed;
}

/*
 * Rows are handed over in batches: the USCCs of a batch are hashed and
 * their hash-table entries prefetched, then resolved, then the row
 * functions run (the lookup they make hits the remembered key).  Tables
 * that are not in USCC order otherwise stall on a cache miss per row.
 * By-reference values are copied into the batch's arena, since a heap
 * scan keeps only the current page pinned.
 */
#define SCAN_BATCH 64
#define BATCH_ARENA (64 * 1024)

typedef struct ScanBatch
{
	int			n;
	Datum		values[SCAN_BATCH][MAX_COLS];
	bool		nulls[SCAN_BATCH][MAX_COLS];
	uint32		hash[SCAN_BATCH];
	int32		slot[SCAN_BATCH];
	char	   *arena;
	Size		used;
} ScanBatch;

static void
flush_batch(ComputeState *st, ScanBatch *b, const RecordKind *kind, MemoryContext rowcxt)
{
	RowFunction fn = kind->row;
	UsccIndex  *ix = &st->index;
	MemoryContext oldcxt;

	Assert(b->n >= 0 && b->n <= SCAN_BATCH);
	for (int r = 0; r < b->n; r++)
	{
		b->hash[r] = uscc_hash(DatumGetUsccP(b->values[r][0])->packed) & ix->mask;
		__builtin_prefetch(&ix->table[b->hash[r]]);
	}
	for (int r = 0; r < b->n; r++)
	{
		b->slot[r] = index_probe(ix, b->hash[r], DatumGetUsccP(b->values[r][0])->packed);
		/*
		 * a record of an enterprise outside the chunk, or one the caller's
		 * policies hide (links decide by both ends)
		 */
		if (b->slot[r] >= 0 && kind != &record_related_party_link)
		{
			if (b->slot[r] < st->lo || b->slot[r] >= st->hi ||
				(st->scoped && !st->reg[b->slot[r]].visible))
				b->slot[r] = -1;
			else
				__builtin_prefetch((char *) chunk_ent(st, b->slot[r]) + enterprise_part_begin[st->cur_table], 1);
		}
	}
	oldcxt = MemoryContextSwitchTo(rowcxt);
	for (int r = 0; r < b->n; r++)
	{
		index_remember(ix, DatumGetUsccP(b->values[r][0])->packed, b->slot[r]);
		fn(st, b->values[r], b->nulls[r]);
	}
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(rowcxt);
	/* a slot remembered as -1 only for this table (hidden, another chunk) is not kept */
	ix->last_slot = -2;
	b->n = 0;
	b->used = 0;
	CHECK_FOR_INTERRUPTS();
}

/* A copy of a by-reference value, in the batch's arena when there is room. */
static char *
batch_copy(ScanBatch *b, Pointer p, Size len, MemoryContext rowcxt)
{
	char	   *dst;

	if (MAXALIGN(b->used) + len > BATCH_ARENA)
		dst = MemoryContextAlloc(rowcxt, len);	/* no room (long texts): freed at the flush */
	else
	{
		b->used = MAXALIGN(b->used);
		dst = b->arena + b->used;
		b->used += len;
	}
	memcpy(dst, p, len);
	return dst;
}

/*
 * Read the kind's columns of every row of the table visible to the query's
 * snapshot and hand them to its row function, in batches.  As known at a
 * knowledge time, only the rows recorded by then; from a history table, only
 * those still the known version then.
 */
static void
scan_relation(ComputeState *st, const char *name, bool history, const RecordKind *kind)
{
	Relation	rel = engine_open_table(st, name);
	AttrNumber	attnums[MAX_COLS];
	AttrNumber	recorded = InvalidAttrNumber;
	AttrNumber	superseded = InvalidAttrNumber;
	TableScanDesc scan;
	TupleDesc	desc;
	HeapTuple	tuple;
	MemoryContext rowcxt;
	ScanBatch  *b;
	int64		rows = 0;
	int64		skipped = 0;
	const uint8 *key_lo = NULL;
	const uint8 *key_hi = NULL;
	int			window_col = kind->window_col;
	DateADT		after = 0;
	AttrNumber	maxatt;
	Datum	   *tv;
	bool	   *tn;
	instr_time	start;

	Assert(kind->ncols > 0 && kind->ncols <= MAX_COLS);
	Assert(window_col >= 0 && window_col < kind->ncols);
	if (window_col > 0)
		after = *(const DateADT *) ((const char *) &st->w + kind->window_after);

	INSTR_TIME_SET_CURRENT(start);
	for (int i = 0; i < kind->ncols; i++)
	{
		attnums[i] = get_attnum(RelationGetRelid(rel), kind->cols[i]);
		if (attnums[i] == InvalidAttrNumber && !(kind->optional & (1u << i)))
			elog(ERROR, "creditrisk: column %s.%s is missing", name, kind->cols[i]);
	}
	Assert(window_col == 0 || !(kind->optional & (1u << window_col)));
	if (st->known_given)
	{
		static const char *const known_cols[] = {"recorded_at", "superseded_at"};
		AttrNumber	k[2];

		resolve_columns(RelationGetRelid(rel), name, known_cols, history ? 2 : 1, k);
		recorded = k[0];
		if (history)
			superseded = k[1];
	}

	maxatt = Max(recorded, superseded);
	for (int i = 0; i < kind->ncols; i++)
		maxatt = Max(maxatt, attnums[i]);
	tv = palloc(sizeof(Datum) * Max(maxatt, 1));
	tn = palloc(sizeof(bool) * Max(maxatt, 1));

	rowcxt = AllocSetContextCreate(st->mcxt, "creditrisk scan rows", ALLOCSET_DEFAULT_SIZES);
	b = MemoryContextAllocZero(st->mcxt, sizeof(ScanBatch));
	b->arena = MemoryContextAlloc(st->mcxt, BATCH_ARENA);
	/*
	 * A chunk that is not the whole register is a range of USCCs (slots are
	 * in USCC order, and memcmp() order is USCC order): a row of another
	 * chunk's enterprise is passed over on its USCC alone, before the rest
	 * of the row is deformed or its key hashed.  Links count by either end:
	 * not theirs.
	 */
	if (attnums[0] != InvalidAttrNumber && kind != &record_related_party_link &&
		st->hi > st->lo && (st->lo > 0 || st->hi < st->n))
	{
		key_lo = st->index.keys + (Size) st->lo * USCC_PACKED_LEN;
		key_hi = st->index.keys + (Size) (st->hi - 1) * USCC_PACKED_LEN;
	}
	scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
	desc = RelationGetDescr(rel);
	/* a heap table: engine_open_table() checked */
	while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Datum	   *values = b->values[b->n];
		bool	   *nulls = b->nulls[b->n];

		if (key_lo != NULL)
		{
			deform_prefix(tuple, desc, attnums[0], tv, tn);
			if (!tn[attnums[0] - 1])
			{
				const uint8 *key = DatumGetUsccP(tv[attnums[0] - 1])->packed;

				if (memcmp(key, key_lo, USCC_PACKED_LEN) < 0 || memcmp(key, key_hi, USCC_PACKED_LEN) > 0)
				{
					rows++;
					skipped++;
					continue;	/* another chunk's */
				}
			}
		}
		deform_prefix(tuple, desc, maxatt, tv, tn);
		if (recorded != InvalidAttrNumber)
		{
			/* known at T: recorded by then and (a superseded version) not yet replaced */
			if (DatumGetTimestampTz(tv[recorded - 1]) > st->known_at ||
				(superseded != InvalidAttrNumber &&
				 DatumGetTimestampTz(tv[superseded - 1]) <= st->known_at))
			{
				rows++;
				continue;
			}
		}
		if (window_col > 0)
		{
			bool		isnull = tn[attnums[window_col] - 1];
			DateADT		d = DatumGetDateADT(tv[attnums[window_col] - 1]);

			if (isnull || d <= after || d > st->w.d)
			{
				rows++;
				continue;		/* outside the window */
			}
		}
		/* an arena more than half full flushes first */
		if (b->used > BATCH_ARENA / 2)
		{
			flush_batch(st, b, kind, rowcxt);
			values = b->values[0];
			nulls = b->nulls[0];
		}
		for (int i = 0; i < kind->ncols; i++)
		{
			Form_pg_attribute att;

			if (attnums[i] == InvalidAttrNumber)
			{
				/* an optional column this install lacks */
				values[i] = (Datum) 0;
				nulls[i] = true;
				continue;
			}
			att = TupleDescAttr(desc, attnums[i] - 1);
			values[i] = tv[attnums[i] - 1];
			nulls[i] = tn[attnums[i] - 1];
			if (!nulls[i] && !att->attbyval)
			{
				Pointer		p = DatumGetPointer(values[i]);

				values[i] = PointerGetDatum(batch_copy(b, p, att->attlen > 0 ? att->attlen : VARSIZE_ANY(p), rowcxt));
			}
		}
		rows++;
		if (nulls[0])
			continue;			/* no enterprise (cannot happen: NOT NULL) */
		if (++b->n == SCAN_BATCH)
			flush_batch(st, b, kind, rowcxt);
	}
	flush_batch(st, b, kind, rowcxt);
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	MemoryContextDelete(rowcxt);
	/* (each chunk scans every table: nothing of a scan is kept) */
	pfree(b->arena);
	pfree(b);
	pfree(tv);
	pfree(tn);
	if (skipped > 0)
		stage_done(psprintf("%s (" INT64_FORMAT " of them another chunk's, passed over on their USCC)", name, skipped),
				   rows, &start);
	else
		stage_done(name, rows, &start);
}

/*
 * A record table as known at the knowledge time: its rows recorded by then
 * and, from <table>_history, the versions known then that were superseded
 * later.  Without a knowledge time (now), the table as it is.
 */
static void
scan_table(ComputeState *st, const char *name, const RecordKind *kind)
{
	scan_relation(st, name, false, kind);
	if (st->known_given)
		scan_relation(st, psprintf("%s_history", name), true, kind);
}

/* One scan of each record table in the set, in the list's order. */
void
scan_records(ComputeState *st, uint32 tables)
{
	for (int t = 0; t < T_COUNT; t++)
	{
		const RecordKind *kind = record_kinds[t];

		if (!(tables & (1u << t)))
			continue;
		st->cur_table = t;
		scan_table(st, table_names[t], kind);
		if (kind->finish)
			kind->finish(st);
	}
}
