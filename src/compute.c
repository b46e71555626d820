/*
 * compute.c
 *		compute_indicators(): a model's indicator values for every enterprise
 *		in the population on a date, in a few streaming passes.
 *
 * The built-in catalogue entries (the registry, indicator_registry.h) are
 * computed in C, exactly as their SQL definitions in the catalogue say
 * (creditrisk.indicator.definition_sql, assembled by indicators_to_sql()):
 *
 *   1. one scan of the register gives every enterprise a slot and its
 *      register facts; the slots are put in USCC order (so every row goes
 *      out in USCC order, whatever the register's physical order), then a
 *      hash table USCC -> slot is built (register_scan.c, uscc_index.c);
 *   2. one sequential scan of each record table the model needs (per chunk)
 *      updates the counters of the record's enterprise (a window count, a
 *      current flag, a latest date, ...): no sort, no per-enterprise query.
 *      Rows go over in batches whose hash-table entries are prefetched,
 *      and rows outside a table's windows (or the chunk) are passed over
 *      first (record_scan.c; the rules of each table in indicator_rules.c);
 *   3. licences and legal-representative changes are grouped per enterprise
 *      (renewals compare licences of the same enterprise; changes count by
 *      distinct day) and related-party links become a sorted, deduplicated
 *      edge list, so that the related set of each enterprise is distinct
 *      (indicator_rules.c, related_parties.c);
 *   4. entries that are not built in run their SQL definitions in one query
 *      (sql_indicators.c);
 *   5. one row per enterprise of the population goes out, the counters read
 *      directly and the other values derived (indicator_registry.c), in an
 *      array built in place (here).
 *
 * Windows "in the last N" are (D - N, D], with the bounds computed by
 * PostgreSQL's own date arithmetic (D - interval 'N')::date, so they agree
 * with the SQL definitions on every date, month ends included.
 *
 * The record tables are read directly, under the query's snapshot, after a
 * SELECT privilege check.  Where row-level security applies to the caller
 * on any of them, the whole computation runs the SQL definitions instead,
 * so that policies are honoured.
 *
 * Memory: the per-enterprise state of steps 2 and 3 is held for one chunk
 * of the register at a time, so that the call stays within
 * creditrisk.memory_budget; only the parts of it that the model's tables
 * fill are allocated (ENTERPRISE_PARTS, engine.h: 360 bytes an enterprise
 * plus the grouped rows for all tables, 72 plus 16 for penalty and
 * registration_change); for the whole register about 115 bytes an
 * enterprise are kept (see "Chunks" below).  Reported at DEBUG1;
 * everything is allocated for the call and freed at its end.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "common/hashfn.h"
#include "catalog/pg_type.h"
#include "access/htup_details.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/hsearch.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/timestamp.h"
#include "utils/memutils.h"
#include "utils/guc.h"

#include "indicator_derive.h"
#include "model.h"
#include "riskclass.h"
#include "parallel.h"

static void report_memory(const ComputeState *st, const char *fn);
static void emit_scores(ComputeState *st, const ModelColumns *mc, const double *custom, const bool *custom_null,
						RowSink *sink, CompiledModel *m, ModelCallCache *cc, int nreasons);

/* One row out, to the sink. */
static inline void
sink_put(RowSink *sink, Datum *values, bool *nulls)
{
	if (sink->send != NULL)
		sink->send(values, nulls, sink->arg);
	else
		tuplestore_putvalues(sink->ts, sink->desc, values, nulls);
}

/* Stage timings, at DEBUG1 (SET client_min_messages = debug1 to see them); rows < 0: none to count. */
void
stage_done(const char *stage, int64 rows, instr_time *start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, *start);
	if (rows >= 0)
		elog(DEBUG1, "creditrisk compute_indicators: %s: " INT64_FORMAT " rows, %.1f ms",
			 stage, rows, INSTR_TIME_GET_MILLISEC(now));
	else
		elog(DEBUG1, "creditrisk compute_indicators: %s: %.1f ms", stage, INSTR_TIME_GET_MILLISEC(now));
	INSTR_TIME_SET_CURRENT(*start);
}

static DateADT
date_query_result(int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col, &isnull);

	return DatumGetDateADT(d);
}

static void
compute_windows(DateADT as_of, Windows *w)
{
	Oid			argtypes[1] = {DATEOID};
	Datum		args[1] = {DateADTGetDatum(as_of)};
	int			year;
	int			month;
	int			day;

	if (SPI_execute_with_args("SELECT ($1 - interval '3 months')::date, ($1 - interval '6 months')::date,"
							  "       ($1 - interval '1 year')::date, ($1 - interval '2 years')::date,"
							  "       ($1 - interval '3 years')::date, ($1 - interval '5 years')::date",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: window computation failed");
	w->d = as_of;
	w->m3 = date_query_result(1);
	w->m6 = date_query_result(2);
	w->y1 = date_query_result(3);
	w->y2 = date_query_result(4);
	w->y3 = date_query_result(5);
	w->y5 = date_query_result(6);

	/* the latest year whose report was due (by 30 June of the next year) before D */
	j2date(as_of + POSTGRES_EPOCH_JDATE, &year, &month, &day);
	w->latest_due_year = (month > 6) ? year - 1 : year - 2;
	w->reports_after = date2j(w->latest_due_year - 2, 12, 31) - POSTGRES_EPOCH_JDATE;

	/* each window lies inside the next longer one */
	Assert(w->y5 < w->y3 && w->y3 < w->y2 && w->y2 < w->y1 && w->y1 < w->m6 &&
		   w->m6 < w->m3 && w->m3 < w->d);
	Assert(w->reports_after < w->d);
}

/* ------------------------------------------------------------------------
 * Ends set by credit repairs and maximum terms
 *
 * creditrisk.record_ends(T) (extension/repair.sql) lists, as known at T, the
 * end of each penalty's publicity or listing that an approved credit repair
 * or a maximum term sets; a record's effective end is the earliest of these
 * and its own, as creditrisk.record_end() computes it for the SQL
 * definitions.  The engine reads the same two sources without planning a
 * query per call (issue 11):
 *   - the approved repairs as known at T, into a hash table keyed by
 *     (table, id), and the rule sets as known at T, in one statement
 *     whose generic plan is prepared once per backend (the plan cache
 *     replans it when an object it reads changes);
 *   - the maximum term of each serious-dishonesty listing the scan reads,
 *     computed here from those rule sets exactly as
 *     creditrisk.listing_term_end() does: listed + serious_max_term of the
 *     set in force on the listing date (the earliest set for older
 *     listings), cast back to a date.
 * ------------------------------------------------------------------------ */

static SPIPlanPtr record_ends_plan = NULL;

void
record_ends_load(ComputeState *st)
{
	Datum		args[1] = {TimestampTzGetDatum(st->known_at)};
	char		nulls[1] = {st->known_given ? ' ' : 'n'};
	HASHCTL		ctl;
	Oid			ends_args[1] = {TIMESTAMPTZOID};
	int			nterms = 0;

	st->record_ends = NULL;
	st->nterms = 0;

	/*
	 * A database still on an older version of the extension (this module
	 * installed, ALTER EXTENSION ... UPDATE not yet run, or the frozen update
	 * scripts running with it) has no credit repairs: its records end as
	 * recorded.
	 */
	if (!OidIsValid(LookupFuncName(list_make2(makeString("creditrisk"), makeString("record_ends")),
								   1, ends_args, true)))
		return;
	if (record_ends_plan == NULL)
	{
		SPIPlanPtr	plan;

		/* kind 0: a rule set (effective_from, serious_max_term); 1-3: a repair's end */
		plan = SPI_prepare_cursor("SELECT 0, NULL::bigint, r.effective_from, r.serious_max_term"
								  "  FROM creditrisk.repair_rule_set_as_known($1) r"
								  " UNION ALL "
								  "SELECT CASE c.target WHEN 'penalty' THEN 1 WHEN 'abnormal_listing' THEN 2 ELSE 3 END,"
								  "       coalesce(c.penalty_id, c.abnormal_listing_id, c.serious_dishonesty_listing_id),"
								  "       c.decided_date, NULL::interval"
								  "  FROM creditrisk.credit_repair_as_known($1) c"
								  " WHERE c.decision = 'approved' AND c.decided_date IS NOT NULL"
								  "   AND coalesce(c.penalty_id, c.abnormal_listing_id, c.serious_dishonesty_listing_id) IS NOT NULL"
								  " ORDER BY 1, 3",
								  1, ends_args, CURSOR_OPT_GENERIC_PLAN);
		if (plan == NULL)
			elog(ERROR, "creditrisk: preparing the read of credit-repair ends failed: %s",
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "creditrisk: keeping the plan of credit-repair ends failed");
		record_ends_plan = plan;
	}
	if (SPI_execute_plan(record_ends_plan, args, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: reading the credit-repair ends failed");
	if (SPI_processed == 0)
		return;
	st->term_from = MemoryContextAlloc(st->mcxt, sizeof(DateADT) * SPI_processed);
	st->term_len = MemoryContextAlloc(st->mcxt, sizeof(Interval) * SPI_processed);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		int32		kind = DatumGetInt32(SPI_getbinval(tup, desc, 1, &isnull));
		DateADT		end = DatumGetDateADT(SPI_getbinval(tup, desc, 3, &isnull));
		RecordEndKey key;
		RecordEnd  *entry;
		bool		found;

		if (kind == 0)
		{
			/* rule sets first, by effective_from (unique, NOT NULL) */
			st->term_from[nterms] = end;
			st->term_len[nterms] = *DatumGetIntervalP(SPI_getbinval(tup, desc, 4, &isnull));
			nterms++;
			continue;
		}
		if (st->record_ends == NULL)
		{
			memset(&ctl, 0, sizeof(ctl));
			ctl.keysize = sizeof(RecordEndKey);
			ctl.entrysize = sizeof(RecordEnd);
			ctl.hcxt = st->mcxt;
			st->record_ends = hash_create("creditrisk record ends", Max(SPI_processed, 16), &ctl,
										  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		}
		memset(&key, 0, sizeof(key));
		key.table = kind == 1 ? T_PENALTY : kind == 2 ? T_ABNORMAL : T_SERIOUS;
		key.id = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
		entry = hash_search(st->record_ends, &key, HASH_ENTER, &found);
		if (!found || end < entry->end)
			entry->end = end;
	}
	st->nterms = nterms;
	SPI_freetuptable(SPI_tuptable);
}

/*
 * The maximum-term end of a serious-dishonesty listing listed on a date
 * (creditrisk.listing_term_end()); *found false when no rule set is known.
 */
DateADT
listing_term_end(const ComputeState *st, DateADT listed, bool *found)
{
	int			k = 0;
	Datum		ts;

	*found = st->nterms > 0;
	if (!*found)
		return 0;
	/* the latest set in force on the listing date, else the earliest */
	for (int i = st->nterms - 1; i >= 0; i--)
		if (st->term_from[i] <= listed)
		{
			k = i;
			break;
		}
	ts = DirectFunctionCall2(date_pl_interval, DateADTGetDatum(listed), IntervalPGetDatum(&st->term_len[k]));
	return DatumGetDateADT(DirectFunctionCall1(timestamp_date, ts));
}

void
record_end_apply(const ComputeState *st, RecordTable table, int64 id, bool *open, DateADT *end)
{
	RecordEndKey key;
	RecordEnd  *entry;

	if (st->record_ends == NULL)
		return;
	memset(&key, 0, sizeof(key));
	key.table = table;
	key.id = id;
	entry = hash_search(st->record_ends, &key, HASH_FIND, NULL);
	if (entry != NULL && (*open || entry->end < *end))
	{
		*open = false;
		*end = entry->end;
	}
}

/* ------------------------------------------------------------------------
 * compute_indicators(model text, as_of date)
 *		RETURNS TABLE (uscc uscc, indicators double precision[])
 * ------------------------------------------------------------------------ */

/*
 * Build a one-dimensional float8[] in place (what construct_md_array()
 * would give, without its per-element work) from the k values present,
 * packed, and the bitmap of which of the n elements are present: the bitmap
 * goes in only when some value is missing.
 */
static ArrayType *
build_array(ArrayType *buf, int n, const double *packed, int k, const bits8 *present)
{
	bool		any_null = k < n;
	Size		overhead = any_null ? ARR_OVERHEAD_WITHNULLS(1, n) : ARR_OVERHEAD_NONULLS(1);

	buf->ndim = 1;
	buf->dataoffset = any_null ? (int32) overhead : 0;
	buf->elemtype = FLOAT8OID;
	ARR_DIMS(buf)[0] = n;
	ARR_LBOUND(buf)[0] = 1;
	if (any_null)
	{
		bits8	   *bitmap = (bits8 *) (ARR_LBOUND(buf) + 1);	/* ARR_NULLBITMAP */
		Size		len = (n + 7) / 8;

		memcpy(bitmap, present, len);
		/* and the alignment padding, which an earlier row's values may fill */
		memset(bitmap + len, 0, (char *) buf + overhead - (char *) (bitmap + len));
	}
	memcpy((char *) buf + overhead, packed, sizeof(double) * k);
	Assert(k >= 0 && k <= n);
	SET_VARSIZE(buf, overhead + sizeof(double) * k);
	return buf;
}

/* Store the 64 presence bits of acc as bytes of an array null bitmap. */
static inline void
store_bits(bits8 *bitmap, uint64 acc)
{
	for (int b = 0; b < 8; b++)
		bitmap[b] = (bits8) (acc >> (8 * b));
}

/*
 * Slot s of the chunk as one Enterprise, for its row: its register facts
 * and the parts of the tables read, put together in st->scratch (whose
 * other parts stay zero, as one pass over all tables would leave an
 * enterprise without records in them).  Valid until the next call.
 */
static inline const Enterprise *
slot_state(const ComputeState *st, int32 s)
{
	char	   *e = (char *) st->scratch;
	int32		i = s - st->lo;

	Assert(s >= st->lo && s < st->hi);
	memcpy(e, &st->reg[s], ENTERPRISE_REGISTER_SIZE);
	for (int t = 0; t < T_COUNT; t++)
		if (st->parts[t] != NULL)
			memcpy(e + enterprise_part_begin[t], (char *) part_ent(st, t, i) + enterprise_part_begin[t],
				   enterprise_part_end[t] - enterprise_part_begin[t]);
	return st->scratch;
}

/*
 * One row per enterprise of the population: its USCC and its values in the
 * model's order.  Values are gathered in one pass: the present ones packed,
 * their bits collected 64 at a time.
 */
static void
emit_rows(ComputeState *st, const ModelColumns *mc, const double *custom, const bool *custom_null,
		  RowSink *sink)
{
	int			n = mc->n;
	double	   *packed = MemoryContextAlloc(st->mcxt, sizeof(double) * Max(n, 1));
	bits8	   *present = MemoryContextAlloc(st->mcxt, (n + 63) / 64 * 8 + 8);
	ArrayType  *buf = MemoryContextAllocZero(st->mcxt, ARR_OVERHEAD_WITHNULLS(1, n) + sizeof(double) * Max(n, 1));
	int		   *offset = MemoryContextAlloc(st->mcxt, sizeof(int) * Max(n, 1));

	for (int i = 0; i < n; i++)
		offset[i] = mc->builtin[i] >= 0 ? builtin_indicators[mc->builtin[i]].counter : -1;

	for (int32 s = st->lo; s < st->hi; s++)
	{
		const Enterprise *e;
		const EnterpriseRegister *basis;
		Datum		out[2];
		bool		out_null[2] = {false, false};
		uint64		acc = 0;
		int			k = 0;
		int			c = 0;

		if (!st->reg[s].in_population || !st->reg[s].seen)
			continue;
		e = slot_state(st, s);
		basis = derive_basis(st, e);
		for (int i = 0; i < n; i++)
		{
			double		v = 0;
			bool		here;

			if (offset[i] >= 0)
			{
				v = *(const int32 *) ((const char *) e + offset[i]);
				here = true;
			}
			else if (mc->builtin[i] >= 0)
				here = builtin_derive(st, e, basis, mc->builtin[i], &v);
			else
			{
				here = !custom_null[(Size) s * mc->ncustom + c];
				v = custom[(Size) s * mc->ncustom + c];
				c++;
			}
			packed[k] = v;		/* kept only if present */
			k += here;
			acc |= (uint64) here << (i & 63);
			if ((i & 63) == 63)
			{
				store_bits(present + i / 64 * 8, acc);
				acc = 0;
			}
		}
		Assert(c == mc->ncustom && k <= n);
		if (n & 63)
			store_bits(present + n / 64 * 8, acc);
		out[0] = PointerGetDatum(st->index.keys + (Size) s * USCC_PACKED_LEN);
		out[1] = n > 0 ? PointerGetDatum(build_array(buf, n, packed, k, present))
			: PointerGetDatum(construct_empty_array(FLOAT8OID));	/* a model without indicators */
		sink_put(sink, out, out_null);
		if ((s & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/* ------------------------------------------------------------------------
 * Chunks under creditrisk.memory_budget
 *
 * What the engine keeps for the whole register is small: each slot's
 * register facts (EnterpriseRegister), its USCC, division and hash-table
 * entry, and the values of SQL-defined entries.  The per-enterprise state
 * the record scans fill (Enterprise, and the licences, changes and links
 * grouped per enterprise) is what grows: when the whole register's would
 * not fit in the budget, the slots are cut into ranges (chunks) whose state
 * fits, and for each chunk every record table the model reads is scanned
 * again, its rows of enterprises outside the chunk passed over on their
 * USCC alone (a chunk is a USCC range), before the rest of the row is
 * deformed or its key hashed (record_scan.c).  Rows go out chunk after chunk, in slot order,
 * which is USCC order (the slots are sorted by USCC after the register's
 * scans, register_scan.c): the same rows in the same order as one pass, and
 * each chunk a range of USCCs.
 *
 * An enterprise's values also read its related parties' and its parent's
 * records (related_parties.c, parent_adverse), which may lie in another
 * chunk: with more than one chunk, a first light pass scans the tables they
 * come from (penalties and the three lists), chunk by chunk with the same
 * row functions, and keeps the facts read of them (RelatedFacts) for every
 * slot.  The values are thus the same as one pass's, bit for bit
 * (sql/memory_budget.sql compares them).
 * ------------------------------------------------------------------------ */

/* The fewest slots in a chunk, whatever the budget. */
#define MIN_CHUNK_SLOTS 256

/*
 * Bytes a slot of a chunk needs for the tables read: each table's part of
 * its Enterprise (ENTERPRISE_PARTS, engine.h) and, for three tables, its
 * share of the rows grouped per enterprise (arrays that grow by doubling):
 * licences (a Licence of 24 bytes and its kind), legal-representative
 * changes of the last year (8 bytes each) and related-party edges (12
 * bytes, both ends of a link).
 */
static Size
chunk_slot_bytes(uint32 tables)
{
	Size		bytes = 0;

	for (int t = 0; t < T_COUNT; t++)
		if (tables & (1u << t))
			bytes += MAXALIGN(enterprise_part_end[t] - enterprise_part_begin[t]);
	if (tables & R(LICENCE))
		bytes += 64;
	if (tables & R(CHANGE))
		bytes += 16;
	if (tables & R(LINK))
		bytes += 48;
	return Max(bytes, 1);
}

/* The tables whose facts related parties and parents read. */
#define RELATED_FACT_TABLES (R(PENALTY) | R(ABNORMAL) | R(SERIOUS) | R(JUDGMENT))

/*
 * Bytes of table t's part array for a chunk of slots slots: each slot's
 * part, and room for the last slot's whole Enterprise (part_ent()).
 */
static Size
chunk_part_bytes(const ComputeState *st, int t, int32 slots)
{
	return (Size) Max(slots - 1, 0) * st->part_stride[t] + sizeof(Enterprise);
}

/*
 * The part arrays of the tables the model reads (st->tables), for chunks
 * of st->chunk_slots slots, and the scratch Enterprise of a row.
 */
static void
chunk_parts_alloc(ComputeState *st)
{
	for (int t = 0; t < T_COUNT; t++)
	{
		st->parts[t] = NULL;
		if (!(st->tables & (1u << t)))
			continue;
		st->part_stride[t] = MAXALIGN(enterprise_part_end[t] - enterprise_part_begin[t]);
		st->parts[t] = MemoryContextAllocHuge(st->callcxt, chunk_part_bytes(st, t, st->chunk_slots));
	}
	st->scratch = MemoryContextAllocZero(st->callcxt, sizeof(Enterprise));
}

/* Make slots [lo, hi) of chunk c the state being computed, in a fresh chunk context. */
static void
chunk_begin(ComputeState *st, int32 c)
{
	MemoryContextReset(st->chunkcxt);
	st->mcxt = st->chunkcxt;
	st->lo = c * st->chunk_slots;
	st->hi = Min(st->n, st->lo + st->chunk_slots);
	Assert(st->lo < st->hi);
	for (int t = 0; t < T_COUNT; t++)
		if (st->parts[t] != NULL)
			memset(st->parts[t], 0, chunk_part_bytes(st, t, st->hi - st->lo));
	st->licences = NULL;
	st->nlicences = st->caplicences = 0;
	st->rep_changes = NULL;
	st->nrep_changes = st->caprep_changes = 0;
	st->edges = NULL;
	st->nedges = st->capedges = 0;
	st->index.last_slot = -2;
}

/* The call's memory now; the peak so far kept. */
static void
note_memory(ComputeState *st)
{
	Size		bytes = MemoryContextMemAllocated(st->callcxt, true);

	st->peak_bytes = Max(st->peak_bytes, bytes);
}

/*
 * Cut the register into chunks whose state fits the budget, given what is
 * kept for the whole register (allocated so far, plus extra_global bytes).
 */
static void
plan_chunks(ComputeState *st, Size extra_global, bool facts_needed)
{
	Size		budget = (Size) creditrisk_memory_budget * 1024;
	/* a sixteenth kept for what the estimate leaves out (the blocks of small allocations) */
	Size		target = budget - budget / 16;
	Size		global = MemoryContextMemAllocated(st->callcxt, true) + extra_global;
	Size		per_slot = chunk_slot_bytes(st->tables);

	if (st->n <= MIN_CHUNK_SLOTS || global + (Size) st->n * per_slot <= target)
	{
		st->chunk_slots = Max(st->n, 1);
		st->nchunks = st->n > 0 ? 1 : 0;
	}
	else
	{
		Size		avail;

		if (facts_needed)
			global += sizeof(RelatedFacts) * (Size) st->n;
		avail = target > global ? target - global : 0;
		st->chunk_slots = (int32) Min((Size) st->n, Max((Size) MIN_CHUNK_SLOTS, avail / per_slot));
		st->nchunks = (st->n + st->chunk_slots - 1) / st->chunk_slots;
	}
	elog(DEBUG1, "creditrisk: memory budget %zu bytes, %zu kept for the whole register: %d chunk(s) of at most %d slots",
		 budget, global, st->nchunks, st->chunk_slots);

	/*
	 * What no chunking sheds: the whole register's part (114 bytes an
	 * enterprise at 1,000,000, so that about 2 million enterprises fill the
	 * default 256MB) and the smallest chunk.  Past the budget the call still
	 * runs (like work_mem, a budget and not a limit), and says so in a NOTICE
	 * like the monthly run's progress (1.12).
	 */
	if (global + (Size) st->chunk_slots * per_slot > target)
	{
		Size		held = global + (Size) st->chunk_slots * per_slot;
		Size		need_kb = (held * 16 / 15 + 1023) / 1024;

		ereport(NOTICE,
				(errmsg("creditrisk.memory_budget of %zu kB is too small for the register's %d enterprises",
						budget / 1024, st->n),
				 errdetail("What the engine keeps for every enterprise takes %zu kB and its smallest chunk of %d enterprises %zu kB more: about %zu kB in all.",
						   global / 1024, st->chunk_slots, (Size) st->chunk_slots * per_slot / 1024, held / 1024),
				 errhint("Raise it to at least %zu kB, for example SET creditrisk.memory_budget = '%zuMB', or ALTER ROLE ... SET for the role that runs the monthly run.",
						 need_kb, (need_kb + 1023) / 1024)));
	}
}

/*
 * The engine's part shared by compute_indicators() and score_population():
 * after load_model_columns(), reads the register, plans the chunks, does
 * the light pass if there are several, and evaluates the SQL-defined
 * entries; false (nothing read) when the caller is under row-level security
 * with policies the engine does not apply itself, and the SQL definitions
 * must compute.  SPI is connected.  Then engine_chunk() for each chunk.
 */
static bool
engine_compute(ComputeState *st, const ModelColumns *mc, DateADT as_of, double **custom, bool **custom_null,
			   int participants)
{
	int32		budget_slots;
	int32		budget_chunks;

	uint32		tables = 0;
	bool		facts_needed = false;
	instr_time	start;

	for (int i = 0; i < mc->n; i++)
		if (mc->builtin[i] >= 0)
		{
			tables |= builtin_indicators[mc->builtin[i]].tables;
			if (mc->builtin[i] == BI_parent_adverse)
				facts_needed = true;
		}
	if (!direct_read_allowed(st, tables))
		return false;
	st->tables = tables;
	facts_needed = (facts_needed || (tables & R(LINK))) && (tables & RELATED_FACT_TABLES);

	INSTR_TIME_SET_CURRENT(start);
	compute_windows(as_of, &st->w);
	load_register(st);
	stage_done("register, in all", st->n, &start);
	if (tables & (R(PENALTY) | R(ABNORMAL) | R(SERIOUS)))
	{
		record_ends_load(st);
		stage_done("ends set by credit repairs and maximum terms",
				   st->record_ends ? (int64) hash_get_num_entries(st->record_ends) : 0, &start);
	}
	plan_chunks(st, (sizeof(double) + sizeof(bool)) * (Size) st->n * mc->ncustom, facts_needed);
	budget_slots = st->chunk_slots;
	budget_chunks = st->nchunks;
	st->chunkcxt = AllocSetContextCreate(st->callcxt, "creditrisk compute_indicators chunk", ALLOCSET_DEFAULT_SIZES);

	/*
	 * Parallel chunks (parallel.c): at least one chunk per participant, as
	 * many for each; no larger than the budget's (each process holds one).
	 */
	if (participants > 1 && st->n >= participants * MIN_CHUNK_SLOTS)
	{
		int32		nch = Max(budget_chunks, participants);

		nch = (nch + participants - 1) / participants * participants;
		st->chunk_slots = (st->n + nch - 1) / nch;
		st->nchunks = (st->n + st->chunk_slots - 1) / st->chunk_slots;
		elog(DEBUG1, "creditrisk: %d participants share %d parallel chunks of %d slots or fewer",
			 participants, st->nchunks, st->chunk_slots);
	}
	/* (as large as the larger of the two plans' chunks) */
	{
		int32		chunk_slots = st->chunk_slots;

		st->chunk_slots = Max(chunk_slots, budget_slots);
		chunk_parts_alloc(st);
		st->chunk_slots = chunk_slots;
	}

	/* several chunks: what related parties and parents read, for every slot */
	if (st->nchunks > 1 && facts_needed)
	{
		int32		par_slots = st->chunk_slots;
		int32		par_chunks = st->nchunks;

		/* (in the budget's chunks: one if the whole register fits) */
		st->chunk_slots = budget_slots;
		st->nchunks = budget_chunks;
		st->facts = MemoryContextAllocHuge(st->callcxt, sizeof(RelatedFacts) * (Size) st->n);
		for (int32 c = 0; c < budget_chunks; c++)
		{
			chunk_begin(st, c);
			scan_records(st, tables & RELATED_FACT_TABLES);
			note_memory(st);
			for (int32 s = st->lo; s < st->hi; s++)
				related_facts(st, s, &st->facts[s]);
		}
		st->chunk_slots = par_slots;
		st->nchunks = par_chunks;
		st->lo = st->hi = 0;	/* facts read from st->facts from now on */
		stage_done("light pass over related parties' records", st->n, &start);
	}

	*custom = NULL;
	*custom_null = NULL;
	st->mcxt = st->callcxt;
	if (mc->ncustom > 0)
	{
		*custom = MemoryContextAllocHuge(st->mcxt, sizeof(double) * (Size) st->n * mc->ncustom);
		*custom_null = MemoryContextAllocHuge(st->mcxt, sizeof(bool) * (Size) st->n * mc->ncustom);
		for (Size i = 0; i < (Size) st->n * mc->ncustom; i++)
		{
			(*custom)[i] = 0;
			(*custom_null)[i] = true;
		}
		compute_custom(st, mc, *custom, *custom_null);
	}
	stage_done("SQL-defined indicators", -1, &start);
	return true;
}

/* Chunk c's state: every record table the model reads, for its slots. */
static void
engine_chunk(ComputeState *st, int32 c)
{
	instr_time	start;

	INSTR_TIME_SET_CURRENT(start);
	chunk_begin(st, c);
	scan_records(st, st->tables);
	note_memory(st);
	if (st->nchunks > 1)
		elog(DEBUG1, "creditrisk compute_indicators: chunk %d of %d: slots %d to %d",
			 c + 1, st->nchunks, st->lo, st->hi - 1);
	stage_done("record tables", -1, &start);
}

/*
 * One call's state for its chunks (compute_indicators(), score_population(),
 * a parallel worker's share): the fields of EngineCall listed once.  m, cc
 * and nreasons: score_population()'s model, its scratch arrays and reasons
 * (NULL, NULL, 0 for compute_indicators()).
 */
static EngineCall
engine_call(ComputeState *st, const ModelColumns *mc, const double *custom, const bool *custom_null,
			CompiledModel *m, ModelCallCache *cc, int nreasons)
{
	return (EngineCall)
	{
		.st = st,.mc = mc,.custom = custom,.custom_null = custom_null,.m = m,.cc = cc,.nreasons = nreasons,
	};
}

/* Chunk c computed and its rows out to the sink (in the leader, or in a parallel worker). */
void
engine_chunk_sink(EngineCall *call, int32 c, RowSink *sink)
{
	instr_time	start;

	engine_chunk(call->st, c);
	INSTR_TIME_SET_CURRENT(start);
	if (call->m != NULL)
		emit_scores(call->st, call->mc, call->custom, call->custom_null, sink, call->m, call->cc, call->nreasons);
	else
		emit_rows(call->st, call->mc, call->custom, call->custom_null, sink);
	stage_done(call->m != NULL ? "scored rows out" : "rows out", -1, &start);
}

/* Chunk c computed and its rows into the tuplestore ts. */
void
engine_chunk_rows(EngineCall *call, int32 c, Tuplestorestate *ts, TupleDesc desc)
{
	RowSink		sink = {.desc = desc, .ts = ts};

	engine_chunk_sink(call, c, &sink);
}

/* A hash of the register's keys in slot order: a worker's register is its leader's. */
uint32
engine_keys_hash(const ComputeState *st)
{
	return st->n > 0 ? DatumGetUInt32(hash_any((const unsigned char *) st->index.keys,
											   (int) Min((Size) st->n * USCC_PACKED_LEN, (Size) INT_MAX))) : 0;
}

/*
 * A parallel worker's share (parallel.c): the leader's register state,
 * chunk plan, light pass and SQL-defined values from shared memory; the
 * model's columns and the record ends read again (queries, under the
 * leader's snapshot and user); then its chunks, each row computed and
 * handed straight to the sink, which sends it to the leader (no
 * worker-side tuplestore), and chunk_done() after each chunk.
 */
void
engine_worker_run(const EngineShared *sh, int participant, RowSink *sink,
				  void (*chunk_done) (int32 c, void *arg))
{
	ComputeState st;
	ModelColumns mc;
	double	   *custom;
	bool	   *custom_null;
	CompiledModel *m = NULL;
	ModelCallCache *cc = NULL;
	EngineCall	call;
	FmgrInfo	flinfo;
	LOCAL_FCINFO(fcinfo, 4);

	memset(&st, 0, sizeof(st));
	st.mcxt = AllocSetContextCreate(CurrentMemoryContext, "creditrisk compute_indicators", ALLOCSET_DEFAULT_SIZES);
	st.callcxt = st.mcxt;
	st.known_given = sh->known_given;
	st.known_at = sh->known_at;
	st.nsp = get_namespace_oid("creditrisk", false);
	MemoryContextSwitchTo(st.callcxt);

	if (sh->scoring)
	{
		/* the compiled model, as score_population() gets it */
		memset(&flinfo, 0, sizeof(flinfo));
		flinfo.fn_mcxt = st.callcxt;
		InitFunctionCallInfoData(*fcinfo, &flinfo, 4, InvalidOid, NULL, NULL);
		m = model_for_call(fcinfo, cstring_to_text(sh->model), true);
		cc = (ModelCallCache *) flinfo.fn_extra;
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	load_model_columns(sh->model, &mc, st.mcxt);
	if (mc.ncustom != sh->ncustom)
		elog(ERROR, "creditrisk: a parallel worker found %d SQL-defined indicators, its leader %d", mc.ncustom, sh->ncustom);
	/*
	 * The leader's register state, from the shared memory (read-only): the
	 * slots, their keys and hash table, divisions, windows, jurisdiction.
	 */
	st.w = sh->w;
	st.n = st.cap = sh->n;
	st.tables = sh->tables;
	st.scoped = sh->scoped;
	memcpy(st.scope_from, sh->scope_from, sizeof(st.scope_from));
	memcpy(st.scope_to, sh->scope_to, sizeof(st.scope_to));
	st.reg = ENGINE_SHARED_PTR(sh, reg_offset);
	st.index.keys = ENGINE_SHARED_PTR(sh, keys_offset);
	st.index.table = ENGINE_SHARED_PTR(sh, table_offset);
	st.index.mask = sh->mask;
	st.index.last_slot = -2;
	st.divisions = ENGINE_SHARED_PTR(sh, divisions_offset);
	if (engine_keys_hash(&st) != sh->keys_hash)
		elog(ERROR, "creditrisk: a parallel worker's register differs from its leader's");
	/* the ends credit repairs and maximum terms set: a query, read here again */
	if (st.tables & (R(PENALTY) | R(ABNORMAL) | R(SERIOUS)))
		record_ends_load(&st);
	SPI_finish();

	/* the leader's plan of the chunks, light pass and SQL-defined values */
	st.chunk_slots = sh->chunk_slots;
	st.nchunks = sh->nchunks;
	chunk_parts_alloc(&st);
	st.chunkcxt = AllocSetContextCreate(st.callcxt, "creditrisk compute_indicators chunk", ALLOCSET_DEFAULT_SIZES);
	st.facts = sh->has_facts ? engine_shared_facts(sh) : NULL;
	custom = mc.ncustom > 0 ? engine_shared_custom(sh) : NULL;
	custom_null = mc.ncustom > 0 ? engine_shared_custom_null(sh) : NULL;
	st.mcxt = st.callcxt;

	call = engine_call(&st, &mc, custom, custom_null, m, cc, sh->scoring ? sh->nreasons : 0);
	for (int32 c = participant; c < st.nchunks && !sink->stopped; c += sh->participants)
	{
		engine_chunk_sink(&call, c, sink);
		chunk_done(c, sink->arg);
	}
	report_memory(&st, "a parallel worker");
}

/*
 * The call's memory at its end (everything the engine allocated is kept
 * until then, so this is its peak), at DEBUG1: bench/monthly reads it.
 */
static void
report_memory(const ComputeState *st, const char *fn)
{
	Size		bytes = Max(st->peak_bytes, MemoryContextMemAllocated(st->callcxt, true));

	elog(DEBUG1, "creditrisk %s: memory: %zu bytes for %d register slots (%.0f bytes a slot), %d chunk(s)",
		 fn, bytes, st->n, st->n > 0 ? (double) bytes / st->n : 0.0, st->nchunks);
}

/* The common start of both functions: the arguments and the call's state. */
static bool
engine_start(FunctionCallInfo fcinfo, ComputeState *st, char **model, DateADT *as_of)
{
	/* not STRICT (a NULL knowledge time means now): no model or no date, no rows */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
	{
		InitMaterializedSRF(fcinfo, 0);
		return false;
	}
	*model = text_to_cstring(PG_GETARG_TEXT_PP(0));
	*as_of = PG_GETARG_DATEADT(1);
	if (DATE_NOT_FINITE(*as_of))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("indicators cannot be computed as of %s", *as_of == DATEVAL_NOBEGIN ? "-infinity" : "infinity"),
				 errhint("Give a calendar date, e.g. the last day of the month being classified.")));
	InitMaterializedSRF(fcinfo, 0);

	memset(st, 0, sizeof(*st));
	st->mcxt = AllocSetContextCreate(CurrentMemoryContext, "creditrisk compute_indicators", ALLOCSET_DEFAULT_SIZES);
	st->callcxt = st->mcxt;
	st->known_given = PG_NARGS() > 2 && !PG_ARGISNULL(2);
	if (st->known_given)
		st->known_at = PG_GETARG_TIMESTAMPTZ(2);
	st->nsp = get_namespace_oid("creditrisk", false);
	return true;
}

PG_FUNCTION_INFO_V1(compute_indicators);
Datum
compute_indicators(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *model;
	DateADT		as_of;
	MemoryContext oldcxt;
	ComputeState st;
	ModelColumns mc;
	double	   *custom;
	bool	   *custom_null;
	EngineCall	call;
	int			nworkers = engine_parallel_workers();

	if (!engine_start(fcinfo, &st, &model, &as_of))
		PG_RETURN_NULL();
	oldcxt = MemoryContextSwitchTo(st.callcxt);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	load_model_columns(model, &mc, st.mcxt);
	if (!engine_compute(&st, &mc, as_of, &custom, &custom_null, 1 + nworkers))
	{
		compute_by_sql(model, &mc, as_of, st.known_given, st.known_at, rsinfo->setResult);
		SPI_finish();
		MemoryContextSwitchTo(oldcxt);
		MemoryContextDelete(st.callcxt);
		PG_RETURN_NULL();
	}
	SPI_finish();

	call = engine_call(&st, &mc, custom, custom_null, NULL, NULL, 0);
	if (nworkers > 0 && st.nchunks > 1)
	{
		EngineArgs	args = {model, as_of, st.known_given, st.known_at, 0};

		engine_parallel(&call, &args, nworkers, rsinfo->setResult, rsinfo->setDesc);
	}
	else
		for (int32 c = 0; c < st.nchunks; c++)
			engine_chunk_rows(&call, c, rsinfo->setResult, rsinfo->setDesc);
	report_memory(&st, "compute_indicators");

	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(st.callcxt);
	PG_RETURN_NULL();
}

/* ------------------------------------------------------------------------
 * score_population(model text, as_of date, known_at timestamptz, reasons int)
 *		RETURNS TABLE (uscc uscc, division_code text, score double precision,
 *		               score_class riskclass, reasons text[])
 *
 * The monthly run's first stage in one pass: for each enterprise of the
 * population, its division on D, score, class and reason codes straight
 * from the engine's state, without an array of values per row or a second
 * reading of the register: what
 *   SELECT i.uscc, e.division_code, score(m, i.indicators),
 *          classify(score(m, i.indicators)), score_reasons(m, i.indicators, n)
 *     FROM compute_indicators(m, D, T) i JOIN register_at(D, T) e USING (uscc)
 * gives, row for row (sql/monthly_run.sql checks it).
 * ------------------------------------------------------------------------ */

/* One row's five values (allocated in the current memory context), from cc's values. */
static void
scored_values(Datum *out, Datum uscc, const char *division, CompiledModel *m, ModelCallCache *cc, int nreasons)
{
	double		score = score_with_reasons(m, cc->values, cc->isnull, nreasons, &out[4]);

	out[0] = uscc;
	out[1] = PointerGetDatum(cstring_to_text_with_len(division, 6));
	out[2] = Float8GetDatum(score);
	out[3] = RiskClassGetDatum(riskclass_of_score(score));
}

/* One row out. */
static void
put_scored(RowSink *sink, Datum uscc, const char *division, CompiledModel *m, ModelCallCache *cc,
		   int nreasons)
{
	Datum		out[5];
	bool		out_null[5] = {false, false, false, false, false};

	scored_values(out, uscc, division, m, cc, nreasons);
	sink_put(sink, out, out_null);
}

/* Each indicator's counter in Enterprise, or -1 (derived, or SQL-defined). */
static int *
counter_offsets(const ComputeState *st, const ModelColumns *mc)
{
	int		   *offset = MemoryContextAlloc(st->mcxt, sizeof(int) * Max(mc->n, 1));

	for (int i = 0; i < mc->n; i++)
		offset[i] = mc->builtin[i] >= 0 ? builtin_indicators[mc->builtin[i]].counter : -1;
	return offset;
}

/*
 * Slot s's values into cc's scratch arrays, for scoring; false when the
 * slot is not in the population (no row).
 */
static inline bool
slot_values(const ComputeState *st, const ModelColumns *mc, const double *custom, const bool *custom_null,
			const int *offset, ModelCallCache *cc, int32 s)
{
	const Enterprise *e;
	const EnterpriseRegister *basis;
	int			c = 0;

	if (!st->reg[s].in_population || !st->reg[s].seen)
		return false;
	e = slot_state(st, s);
	basis = derive_basis(st, e);
	for (int i = 0; i < mc->n; i++)
	{
		double		v = 0;
		bool		here;

		if (offset[i] >= 0)
		{
			v = *(const int32 *) ((const char *) e + offset[i]);
			here = true;
		}
		else if (mc->builtin[i] >= 0)
			here = builtin_derive(st, e, basis, mc->builtin[i], &v);
		else
		{
			here = !custom_null[(Size) s * mc->ncustom + c];
			v = custom[(Size) s * mc->ncustom + c];
			c++;
		}
		cc->values[i] = here ? v : 0.0;
		cc->isnull[i] = !here;
	}
	Assert(c == mc->ncustom);
	return true;
}

/* The engine's state, scored enterprise by enterprise (until the sink stops). */
static void
emit_scores(ComputeState *st, const ModelColumns *mc, const double *custom, const bool *custom_null,
			RowSink *sink, CompiledModel *m, ModelCallCache *cc, int nreasons)
{
	MemoryContext rowcxt = AllocSetContextCreate(st->mcxt, "creditrisk score_population rows", ALLOCSET_DEFAULT_SIZES);
	int		   *offset = counter_offsets(st, mc);

	for (int32 s = st->lo; s < st->hi && !sink->stopped; s++)
	{
		MemoryContext oldcxt;

		if (!slot_values(st, mc, custom, custom_null, offset, cc, s))
			continue;
		oldcxt = MemoryContextSwitchTo(rowcxt);
		put_scored(sink, PointerGetDatum(st->index.keys + (Size) s * USCC_PACKED_LEN),
				   st->divisions + (Size) s * 6, m, cc, nreasons);
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(rowcxt);
		if ((s & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Under policies the engine does not apply itself: the values through the
 * SQL definitions (compute_indicators() takes that path too), scored here.
 */
static void
scores_by_sql(FunctionCallInfo fcinfo, ReturnSetInfo *rsinfo, CompiledModel *m, ModelCallCache *cc, int nreasons)
{
	Oid			argtypes[3] = {TEXTOID, DATEOID, TIMESTAMPTZOID};
	Datum		args[3] = {PG_GETARG_DATUM(0), PG_GETARG_DATUM(1), PG_ARGISNULL(2) ? (Datum) 0 : PG_GETARG_DATUM(2)};
	char		nulls[3] = {' ', ' ', PG_ARGISNULL(2) ? 'n' : ' '};
	SPIPlanPtr	plan;
	Portal		portal;
	MemoryContext rowcxt = AllocSetContextCreate(CurrentMemoryContext, "creditrisk score_population rows", ALLOCSET_DEFAULT_SIZES);
	RowSink		sink = {.desc = rsinfo->setDesc, .ts = rsinfo->setResult};

	plan = SPI_prepare("SELECT i.uscc, e.division_code::text, i.indicators"
					   "  FROM creditrisk.compute_indicators($1, $2, $3) i"
					   "  JOIN creditrisk.register_at($2, $3) e ON e.uscc OPERATOR(creditrisk.=) i.uscc"
					   " ORDER BY i.uscc",	/* USCC order, as the engine's rows */
					   3, argtypes);
	if (plan == NULL)
		elog(ERROR, "creditrisk: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, args, nulls, true);
	for (;;)
	{
		SPI_cursor_fetch(portal, true, 10000);
		if (SPI_processed == 0)
			break;
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			Datum		uscc = SPI_getbinval(tup, desc, 1, &isnull);
			text	   *division = DatumGetTextPP(SPI_getbinval(tup, desc, 2, &isnull));
			ArrayType  *arr = DatumGetArrayTypeP(SPI_getbinval(tup, desc, 3, &isnull));
			Datum	   *elems;
			bool	   *enulls;
			int			nelems;
			MemoryContext oldcxt = MemoryContextSwitchTo(rowcxt);

			deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &enulls, &nelems);
			if (nelems != m->n || VARSIZE_ANY_EXHDR(division) != 6)
				elog(ERROR, "creditrisk: score_population: a row of %d values for %d indicators", nelems, m->n);
			for (int i = 0; i < nelems; i++)
			{
				cc->values[i] = enulls[i] ? 0.0 : DatumGetFloat8(elems[i]);
				cc->isnull[i] = enulls[i];
			}
			put_scored(&sink, uscc, VARDATA_ANY(division), m, cc, nreasons);
			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(rowcxt);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	MemoryContextDelete(rowcxt);
}

PG_FUNCTION_INFO_V1(score_population);
Datum
score_population(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *model;
	DateADT		as_of;
	MemoryContext oldcxt;
	ComputeState st;
	ModelColumns mc;
	double	   *custom;
	bool	   *custom_null;
	CompiledModel *m;
	ModelCallCache *cc;
	int			nreasons;
	EngineCall	call;
	int			nworkers = engine_parallel_workers();

	if (PG_ARGISNULL(3) || PG_GETARG_INT32(3) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of reasons must be given and not negative"),
				 errhint("The monthly run keeps 3 reason codes per enterprise.")));
	nreasons = PG_GETARG_INT32(3);
	if (!engine_start(fcinfo, &st, &model, &as_of))
		PG_RETURN_NULL();
	/* the compiled model, published only (as score()); its scratch arrays */
	m = model_for_call(fcinfo, PG_GETARG_TEXT_PP(0), true);
	cc = (ModelCallCache *) fcinfo->flinfo->fn_extra;
	oldcxt = MemoryContextSwitchTo(st.callcxt);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	load_model_columns(model, &mc, st.mcxt);
	if (mc.n != m->n)
		elog(ERROR, "creditrisk: model \"%s\" has %d indicators to compute and %d to score", model, mc.n, m->n);
	if (!engine_compute(&st, &mc, as_of, &custom, &custom_null, 1 + nworkers))
	{
		scores_by_sql(fcinfo, rsinfo, m, cc, nreasons);
		SPI_finish();
		MemoryContextSwitchTo(oldcxt);
		MemoryContextDelete(st.callcxt);
		PG_RETURN_NULL();
	}
	SPI_finish();

	call = engine_call(&st, &mc, custom, custom_null, m, cc, nreasons);
	if (nworkers > 0 && st.nchunks > 1)
	{
		EngineArgs	args = {model, as_of, st.known_given, st.known_at, nreasons};

		engine_parallel(&call, &args, nworkers, rsinfo->setResult, rsinfo->setDesc);
	}
	else
		for (int32 c = 0; c < st.nchunks; c++)
			engine_chunk_rows(&call, c, rsinfo->setResult, rsinfo->setDesc);
	report_memory(&st, "score_population");

	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(st.callcxt);
	PG_RETURN_NULL();
}

/* ------------------------------------------------------------------------
 * score_population_stream(model text, as_of date, known_at timestamptz, reasons int)
 *		RETURNS SETOF record (the columns of score_population())
 *
 * score_population()'s rows, the same rows in the same order, returned one
 * per call (ValuePerCall) as they are computed, so that a caller that
 * writes them (the monthly run's INSERT) writes each while the next ones
 * are computed.  Called in a SELECT list (ProjectSet streams it; a FROM
 * clause would first collect every row).  The first call does what
 * engine_compute() does in the leader (the register, the record ends, the
 * light pass, the SQL-defined indicators: every query, with the caller's
 * rights, under a pinned search_path); then, when creditrisk.run_workers
 * allows and the statement may run in parallel mode
 * (engine_stream_statement_ok), parallel workers compute every chunk in
 * order and the leader returns their rows as they arrive (parallel.c);
 * otherwise, or if no worker starts, the leader computes each chunk and
 * returns its rows one by one (no tuplestore either way).  Its end, or an
 * early stop (LIMIT: the expression context's shutdown), ends the workers
 * and parallel mode; an error aborts the transaction, which ends both.
 * Under row-level security the engine does not apply itself, the rows come
 * from the SQL definitions, materialised, as score_population()'s.
 * ------------------------------------------------------------------------ */

typedef struct StreamState
{
	FmgrInfo   *caller;			/* whose fn_extra this is */
	ComputeState st;
	ModelColumns mc;
	double	   *custom;
	bool	   *custom_null;
	FmgrInfo	model_flinfo;	/* model_for_call()'s cache of the compiled model */
	CompiledModel *m;
	ModelCallCache *cc;
	int			nreasons;
	int		   *offset;
	EngineCall	call;
	TupleDesc	desc;			/* blessed */
	TupleTableSlot *slot;		/* a worker's row */
	EngineWorkers *workers;		/* NULL: the leader computes */
	int32		chunk;			/* being returned */
	int32		next;			/* its next slot, when the leader computes it */
	bool		own;			/* the leader has computed chunk's state */
	bool		done;
	bool		registered;		/* the shutdown callback */
} StreamState;

/* The end, or an early stop: workers and parallel mode ended, memory freed. */
static void
stream_end(StreamState *ss, bool early)
{
	if (ss->done)
		return;
	ss->done = true;
	if (ss->workers != NULL)
	{
		EngineWorkers *ew = ss->workers;

		ss->workers = NULL;
		engine_workers_end(ew, early);
	}
	report_memory(&ss->st, "score_population_stream");
	MemoryContextDelete(ss->st.callcxt);
}

/* The expression context's shutdown (the statement's end, LIMIT, a rescan). */
static void
stream_shutdown(Datum arg)
{
	StreamState *ss = (StreamState *) DatumGetPointer(arg);

	stream_end(ss, true);
	ss->caller->fn_extra = NULL;	/* a rescan starts again */
}

/* The first call: arguments, the leader's queries, the workers. */
static StreamState *
stream_start(FunctionCallInfo fcinfo, ReturnSetInfo *rsinfo)
{
	StreamState *ss;
	char	   *model;
	DateADT		as_of;
	int			nworkers;
	int			save_nestlevel;
	MemoryContext oldcxt;
	TupleDesc	desc;
	LOCAL_FCINFO(mfcinfo, 4);

	if (PG_ARGISNULL(3) || PG_GETARG_INT32(3) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of reasons must be given and not negative"),
				 errhint("The monthly run keeps 3 reason codes per enterprise.")));
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return NULL;
	as_of = PG_GETARG_DATEADT(1);
	if (DATE_NOT_FINITE(as_of))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("indicators cannot be computed as of %s", as_of == DATEVAL_NOBEGIN ? "-infinity" : "infinity"),
				 errhint("Give a calendar date, e.g. the last day of the month being classified.")));
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "creditrisk: score_population_stream must return a record");

	ss = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(StreamState));
	ss->caller = fcinfo->flinfo;
	ss->st.mcxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "creditrisk compute_indicators", ALLOCSET_DEFAULT_SIZES);
	ss->st.callcxt = ss->st.mcxt;
	ss->st.known_given = !PG_ARGISNULL(2);
	if (ss->st.known_given)
		ss->st.known_at = PG_GETARG_TIMESTAMPTZ(2);
	ss->nreasons = PG_GETARG_INT32(3);
	oldcxt = MemoryContextSwitchTo(ss->st.callcxt);
	model = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ss->desc = BlessTupleDesc(CreateTupleDescCopy(desc));
	ss->slot = MakeSingleTupleTableSlot(ss->desc, &TTSOpsMinimalTuple);

	/*
	 * The queries run under the search_path the other engine functions pin
	 * with SET (this one has no SET clause: it would be applied on every
	 * call, that is every row).
	 */
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, creditrisk, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	ss->st.nsp = get_namespace_oid("creditrisk", false);
	/* the compiled model, published only, and its scratch arrays */
	ss->model_flinfo.fn_mcxt = ss->st.callcxt;
	InitFunctionCallInfoData(*mfcinfo, &ss->model_flinfo, 4, InvalidOid, NULL, NULL);
	ss->m = model_for_call(mfcinfo, PG_GETARG_TEXT_PP(0), true);
	ss->cc = (ModelCallCache *) ss->model_flinfo.fn_extra;

	nworkers = engine_stream_workers();
	if (nworkers > 0 && !engine_stream_statement_ok(rsinfo->econtext))
	{
		elog(DEBUG1, "creditrisk score_population_stream: one process (the statement cannot run in parallel mode)");
		nworkers = 0;
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	load_model_columns(model, &ss->mc, ss->st.mcxt);
	if (ss->mc.n != ss->m->n)
		elog(ERROR, "creditrisk: model \"%s\" has %d indicators to compute and %d to score", model, ss->mc.n, ss->m->n);
	/*
	 * The budget's chunks, whatever the workers (participants = 1): a
	 * chunk more only to give a worker its own would read every record
	 * table once more (100,000 enterprises, one chunk: 2 workers were slower
	 * than 1, issue 16); the workers are capped to the chunks below.
	 */
	if (!engine_compute(&ss->st, &ss->mc, as_of, &ss->custom, &ss->custom_null, 1))
	{
		/* under policies the engine does not apply itself: score_population()'s rows, materialised */
		MemoryContextSwitchTo(oldcxt);
		InitMaterializedSRF(fcinfo, 0);
		scores_by_sql(fcinfo, rsinfo, ss->m, ss->cc, ss->nreasons);
		SPI_finish();
		AtEOXact_GUC(true, save_nestlevel);
		MemoryContextSwitchTo(oldcxt);
		MemoryContextDelete(ss->st.callcxt);
		pfree(ss);
		return NULL;
	}
	SPI_finish();
	AtEOXact_GUC(true, save_nestlevel);

	ss->st.mcxt = ss->st.callcxt;
	ss->offset = counter_offsets(&ss->st, &ss->mc);
	ss->call = engine_call(&ss->st, &ss->mc, ss->custom, ss->custom_null, ss->m, ss->cc, ss->nreasons);
	/*
	 * No more workers than chunks.  With several chunks, a second worker
	 * computes the next chunk while the first sends its rows: the leader
	 * does not wait for a chunk's record scans (at 1,000,000 enterprises, 4
	 * chunks: the run 22.7 s with 2 workers, 25.7 s with 1).
	 */
	nworkers = Min(nworkers, ss->st.nchunks);
	if (nworkers > 0)
	{
		EngineArgs	args = {model, as_of, ss->st.known_given, ss->st.known_at, ss->nreasons};

		ss->workers = engine_stream_begin(&ss->call, &args, nworkers, ss->desc);
	}
	MemoryContextSwitchTo(oldcxt);
	RegisterExprContextCallback(rsinfo->econtext, stream_shutdown, PointerGetDatum(ss));
	ss->registered = true;
	return ss;
}

PG_FUNCTION_INFO_V1(score_population_stream);
Datum
score_population_stream(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	StreamState *ss = (StreamState *) fcinfo->flinfo->fn_extra;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) || (rsinfo->allowedModes & SFRM_ValuePerCall) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set"),
				 errhint("Call score_population_stream() in a SELECT list, e.g. SELECT (s.r).* FROM (SELECT creditrisk.score_population_stream(...) AS r OFFSET 0) s.")));
	if (ss == NULL)
	{
		ss = stream_start(fcinfo, rsinfo);
		if (ss == NULL)
		{
			/* no rows (a NULL model or date), or all of them materialised */
			if (rsinfo->returnMode != SFRM_Materialize)
				rsinfo->isDone = ExprEndResult;
			PG_RETURN_NULL();
		}
		fcinfo->flinfo->fn_extra = ss;
	}
	rsinfo->returnMode = SFRM_ValuePerCall;
	CHECK_FOR_INTERRUPTS();

	while (!ss->done)
	{
		ComputeState *st = &ss->st;

		if (ss->own)
		{
			/* a chunk the leader computed: its next row */
			while (ss->next < st->hi)
			{
				int32		s = ss->next++;
				Datum		out[5];
				bool		out_null[5] = {false, false, false, false, false};

				if (!slot_values(st, &ss->mc, ss->custom, ss->custom_null, ss->offset, ss->cc, s))
					continue;
				scored_values(out, PointerGetDatum(st->index.keys + (Size) s * USCC_PACKED_LEN),
							  st->divisions + (Size) s * 6, ss->m, ss->cc, ss->nreasons);
				rsinfo->isDone = ExprMultipleResult;
				return HeapTupleGetDatum(heap_form_tuple(ss->desc, out, out_null));
			}
			ss->own = false;
			ss->chunk++;
		}
		else if (ss->chunk >= st->nchunks)
		{
			/* the last row was returned: the end (the next input row starts again) */
			stream_end(ss, false);
			UnregisterExprContextCallback(rsinfo->econtext, stream_shutdown, PointerGetDatum(ss));
			fcinfo->flinfo->fn_extra = NULL;
			pfree(ss);
			rsinfo->isDone = ExprEndResult;
			PG_RETURN_NULL();
		}
		else
		{
			int			w = ss->workers != NULL ? engine_workers_owner(ss->workers, ss->chunk) : -1;

			if (w >= 0)
			{
				/* a worker's chunk: its next row as it arrives */
				if (engine_workers_receive(ss->workers, w, ss->chunk, ss->slot))
				{
					rsinfo->isDone = ExprMultipleResult;
					return ExecFetchSlotHeapTupleDatum(ss->slot);
				}
				ss->chunk++;
			}
			else
			{
				MemoryContext oldcxt = MemoryContextSwitchTo(st->callcxt);

				engine_chunk(st, ss->chunk);
				MemoryContextSwitchTo(oldcxt);
				ss->next = st->lo;
				ss->own = true;
			}
		}
	}
	rsinfo->isDone = ExprEndResult;
	PG_RETURN_NULL();
}
