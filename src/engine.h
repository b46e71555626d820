/*
 * engine.h
 *		Shared declarations of the indicator engine (compute_indicators()):
 *		the record tables it reads, the per-enterprise state, the USCC index,
 *		and the functions the engine's files offer one another.
 *
 * Private to the engine's files (compute.c, indicator_registry.c,
 * uscc_index.c, register_scan.c, record_scan.c, indicator_rules.c,
 * related_parties.c, sql_indicators.c, amount.c).  The way a run goes is
 * described in compute.c.
 */
#ifndef CREDITRISK_ENGINE_H
#define CREDITRISK_ENGINE_H

#include "postgres.h"

#include "portability/instr_time.h"
#include "datatype/timestamp.h"
#include "access/htup_details.h"
#include "utils/date.h"
#include "utils/relcache.h"
#include "utils/tuplestore.h"

#include "uscc.h"

/* ------------------------------------------------------------------------
 * The record tables, declared once
 * ------------------------------------------------------------------------ */

/*
 * X(ID, table): every credit-record table the engine can read, in the order
 * it reads them.  The rules for a table's rows are the RecordKind
 * record_<table>, defined beside its row function (indicator_rules.c,
 * related_parties.c); a table listed here without one fails the link.
 * Links come last: the related set reads the facts the other tables leave.
 */
#define ENGINE_RECORD_TABLES(X) \
	X(LICENCE, licence) \
	X(PENALTY, penalty) \
	X(SPOT_CHECK, spot_check) \
	X(COMPLAINT, complaint) \
	X(ABNORMAL, abnormal_listing) \
	X(SERIOUS, serious_dishonesty_listing) \
	X(JUDGMENT, judgment_debtor_listing) \
	X(ANNUAL_REPORT, annual_report) \
	X(CHANGE, registration_change) \
	X(EQUITY, equity_pledge_freeze) \
	X(LAWSUIT, lawsuit) \
	X(OPINION, public_opinion) \
	X(DOMAIN_CLASS, domain_risk_class) \
	X(COMMITMENT, credit_commitment) \
	X(ENFORCEMENT, enforcement) \
	X(CONFIRMATION, confirmation) \
	X(REWARD, reward) \
	X(LINK, related_party_link)

typedef enum RecordTable
{
#define RECORD_TABLE_ID(id, table) T_##id,
	ENGINE_RECORD_TABLES(RECORD_TABLE_ID)
#undef RECORD_TABLE_ID
	T_COUNT
} RecordTable;

/* Sets of record tables are bits of a uint32. */
#define R(id) (1u << T_##id)
StaticAssertDecl(T_COUNT <= 32, "record tables must fit in a uint32 set");

/* ------------------------------------------------------------------------
 * Per-enterprise state
 * ------------------------------------------------------------------------ */

typedef enum RegStatus
{
	ST_IN_BUSINESS, ST_REVOKED, ST_CANCELLED
} RegStatus;

/*
 * The register facts of one enterprise: read once for the whole register
 * (register_scan.c) and kept for every slot, since an enterprise's values
 * read those of its parent and related parties, which may lie in another
 * chunk (see compute.c).  Declared once, as the first members of both
 * EnterpriseRegister and Enterprise, which thus share their layout.
 */
#define ENTERPRISE_REGISTER_FIELDS \
	DateADT		established; \
	DateADT		status_date; \
	int32		parent;			/* slot of the parent, -1 if not a branch or not on the register */ \
	int32		branches; \
	int64		registered_capital; /* amounts in units of 1/10000 (see amount.c) */ \
	int64		paid_in_capital; \
	bool		registered_capital_null; \
	bool		paid_in_capital_null; \
	uint8		status;			/* RegStatus */ \
	uint8		entity_type; \
	uint8		section;		/* A = 1 ... T = 20 */ \
	bool		key_field_industry; \
	bool		in_population; \
	bool		has_parent;		/* a branch: parent_uscc is set */ \
	bool		seen;			/* this version passes the caller's policies (see ComputeState.scoped) */ \
	bool		visible;		/* its records pass them */

typedef struct EnterpriseRegister
{
ENTERPRISE_REGISTER_FIELDS
} EnterpriseRegister;

/*
 * What an enterprise's related parties and branches read of its records
 * (related_parties.c, parent_adverse): with more than one chunk, a first
 * light pass keeps these for every slot.
 */
typedef struct RelatedFacts
{
	int32		penalties_1y;
	int32		penalties_serious_3y;
	bool		abnormal_current;
	bool		serious_current;
	bool		debtor_current;
} RelatedFacts;

/*
 * What the scans leave about one enterprise of the register.  The int32
 * counters are read directly as indicator values where the registry says so
 * (COUNTER in indicator_registry.h); the rest is derived from.  Held for the
 * slots of the chunk being computed only.
 */
typedef struct Enterprise
{
	/* register (a copy of the slot's EnterpriseRegister) */
ENTERPRISE_REGISTER_FIELDS
	bool		domain_class;	/* a professional class assessed by D */

	/* licences */
	bool		licence_lapsed;
	int32		licences_unrenewed_1y;
	int32		licences_revoked_3y;

	/* penalties */
	int32		penalties_1y;
	int32		penalties_3y;
	int32		penalties_in_publicity;
	int32		penalties_serious_3y;
	int32		penalties_general_3y;
	int32		penalties_key_1y;
	int32		penalties_key_3y;
	int32		penalties_key_serious_3y;
	uint8		penalty_max_severity_3y;
	int64		fines_3y;

	/* spot checks */
	int32		checks_refused_1y;
	int32		checks_problems_3y;
	int32		checks_rectification_1y;
	int32		checks_not_found_3y;
	int32		checks_pass_3y;
	int32		checks_3y;
	DateADT		last_check;
	uint8		last_check_outcome; /* 0 = never checked */

	/* complaints and reports */
	int32		complaints_1y;
	int32		complaints_3y;
	int32		complaints_substantiated_1y;
	int32		reports_1y;
	int32		reports_3y;
	int32		reports_substantiated_1y;
	int32		received_3m;
	int32		received_prev_3m;
	int32		received_1y;
	int32		substantiated_1y;

	/* lists */
	bool		abnormal_current;
	uint8		abnormal_gravity;	/* of the gravest current reason */
	int32		abnormal_times_3y;
	DateADT		abnormal_first_current;
	bool		serious_current;
	int32		serious_listings_5y;
	int32		serious_removed_2y;
	bool		debtor_current;
	int32		debtor_listings_3y;
	int32		debtor_removed_1y;

	/* annual reports: bit k = the report for due year Y - k */
	uint8		reports_filed;
	uint8		reports_late;

	/* registration changes */
	int32		changes_legal_rep_1y;
	int32		changes_name_1y;
	int32		changes_address_1y;
	int32		changes_scope_1y;
	int32		changes_capital_1y;
	int32		changes_3y;

	/* equity pledges and freezes */
	int32		pledges_current;
	int32		freezes_current;
	int32		pledges_1y;
	int32		freezes_3y;

	/* lawsuits */
	int32		defendant_1y;
	int32		defendant_3y;
	int32		labour_defendant_1y;
	int32		criminal_defendant_3y;

	/* public opinion */
	int32		negative_1y;
	int32		negative_3m;
	int32		opinions_1y;

	/* credit commitments (信用承诺) */
	int32		commitment_breaches_3y;

	/* administrative enforcement (强制), confirmations (确认), rewards (奖励) */
	int32		enforcement_in_force;
	int32		enforcement_2y;
	int32		confirmations_valid;
	int32		rewards_3y;
	uint8		reward_level_3y;	/* 0 none, 1 county ... 4 national */

	/* related parties */
	int32		related;
	int32		related_seen;	/* of them on the register as the caller sees it */
	int32		related_common_rep;
	int32		shareholders;
	int32		investments;
	int32		related_revoked;
	int32		related_cancelled_1y;
	int32		related_abnormal;
	int32		related_serious;
	int32		related_debtor;
	int32		related_penalties_1y;
	int32		related_serious_penalties_3y;
	bool		shareholder_listed;
} Enterprise;

/* The bytes of an Enterprise that are a copy of its EnterpriseRegister. */
#define ENTERPRISE_REGISTER_SIZE (offsetof(EnterpriseRegister, visible) + sizeof(bool))
StaticAssertDecl(offsetof(Enterprise, visible) == offsetof(EnterpriseRegister, visible) &&
				 offsetof(Enterprise, domain_class) >= ENTERPRISE_REGISTER_SIZE,
				 "Enterprise begins with the layout of EnterpriseRegister");

/*
 * X(ID, first, next): each record table's part of an Enterprise, the
 * members from first up to next (excluded; the related parties' part runs
 * to the end).  A table's row and finish functions change only its part
 * (and read the register facts from st->reg).  A chunk holds, for its
 * slots, only the parts of the tables the model reads, each in an array of
 * its own (ComputeState.parts), so that its memory is what the model needs:
 * 72 bytes a slot for the 16 indicators of penalty and registration_change,
 * sizeof(Enterprise) for all tables.  The parts tile the struct in order.
 */
#define ENTERPRISE_PARTS(X) \
	X(DOMAIN_CLASS, domain_class, licence_lapsed) \
	X(LICENCE, licence_lapsed, penalties_1y) \
	X(PENALTY, penalties_1y, checks_refused_1y) \
	X(SPOT_CHECK, checks_refused_1y, complaints_1y) \
	X(COMPLAINT, complaints_1y, abnormal_current) \
	X(ABNORMAL, abnormal_current, serious_current) \
	X(SERIOUS, serious_current, debtor_current) \
	X(JUDGMENT, debtor_current, reports_filed) \
	X(ANNUAL_REPORT, reports_filed, changes_legal_rep_1y) \
	X(CHANGE, changes_legal_rep_1y, pledges_current) \
	X(EQUITY, pledges_current, defendant_1y) \
	X(LAWSUIT, defendant_1y, negative_1y) \
	X(OPINION, negative_1y, commitment_breaches_3y) \
	X(COMMITMENT, commitment_breaches_3y, enforcement_in_force) \
	X(ENFORCEMENT, enforcement_in_force, confirmations_valid) \
	X(CONFIRMATION, confirmations_valid, rewards_3y) \
	X(REWARD, rewards_3y, related)

/* Where table t's part of an Enterprise begins and ends (bytes). */
static const uint16 enterprise_part_begin[T_COUNT] = {
#define PART_BEGIN(id, first, next) [T_##id] = offsetof(Enterprise, first),
	ENTERPRISE_PARTS(PART_BEGIN)
#undef PART_BEGIN
	[T_LINK] = offsetof(Enterprise, related),
};
static const uint16 enterprise_part_end[T_COUNT] = {
#define PART_END(id, first, next) [T_##id] = offsetof(Enterprise, next),
	ENTERPRISE_PARTS(PART_END)
#undef PART_END
	[T_LINK] = sizeof(Enterprise),
};

/* The date and the lower bounds (exclusive) of its windows. */
typedef struct Windows
{
	DateADT		d;
	DateADT		m3;
	DateADT		m6;
	DateADT		y1;
	DateADT		y2;
	DateADT		y3;
	DateADT		y5;
	int			latest_due_year;	/* of annual reports */
	DateADT		reports_after;	/* 31 December of latest_due_year - 2 */
} Windows;

#define IN_WINDOW(date, lo, w) ((date) > (lo) && (date) <= (w)->d)
#define CURRENT(listed, removed_null, removed, w) \
	((listed) <= (w)->d && ((removed_null) || (removed) > (w)->d))

/*
 * USCC -> slot: open addressing, the key stored in the entry (one cache
 * line touched per lookup), plus the last key looked up (record tables are
 * often loaded in USCC order, so consecutive rows name the same enterprise).
 */
typedef struct IndexEntry
{
	uint8		key[USCC_PACKED_LEN];
	bool		used;
	int32		slot;
} IndexEntry;

typedef struct UsccIndex
{
	uint8	   *keys;			/* USCC_PACKED_LEN bytes per enterprise slot */
	IndexEntry *table;
	uint32		mask;
	uint8		last_key[USCC_PACKED_LEN];
	int32		last_slot;		/* -2: none yet */
} UsccIndex;

typedef struct Licence
{
	int32		slot;
	DateADT		valid_from;
	DateADT		valid_to;		/* DATEVAL_NOEND when open-ended */
	DateADT		revoked;		/* DATEVAL_NOEND when not revoked */
	char	   *kind;			/* NULL when not given */
} Licence;

typedef struct SlotDate
{
	int32		slot;
	DateADT		date;
} SlotDate;

typedef struct Edge
{
	int32		from;
	int32		to;
	uint8		flags;
} Edge;

typedef struct ComputeState
{
	Windows		w;
	EnterpriseRegister *reg;	/* every slot of the register */
	int32		n;
	int32		cap;

	/*
	 * The chunk being computed: slots [lo, hi), their state in the parts of
	 * the tables read (ENTERPRISE_PARTS).  One chunk holds the whole register unless its state would
	 * exceed creditrisk.memory_budget (compute.c).  With several chunks,
	 * facts holds what related parties and parents read, for every slot.
	 */
	char	   *parts[T_COUNT];	/* per table read: its part of each slot (see chunk_ent) */
	Size		part_stride[T_COUNT];
	int			cur_table;		/* the table being read: whose part chunk_ent() gives */
	Enterprise *scratch;		/* one slot's parts put together, for its row (compute.c) */
	int32		lo;
	int32		hi;
	int32		chunk_slots;
	int32		nchunks;
	RelatedFacts *facts;
	UsccIndex	index;
	Oid			nsp;
	MemoryContext mcxt;			/* where the scans allocate: the call's, or the chunk's */
	MemoryContext callcxt;		/* the call's: everything lives here */
	MemoryContext chunkcxt;		/* the chunk's, reset for each chunk */
	Size		peak_bytes;		/* of callcxt, at the end of each chunk */
	uint32		tables;			/* the record tables the model reads */
	/*
	 * Knowledge time (src/arrival.c): with known_given, only rows recorded by
	 * known_at count, in the version known then (the <table>_history tables
	 * are read too); without it, what the query's snapshot holds now.
	 */
	bool		known_given;
	TimestampTz known_at;

	/*
	 * The caller's jurisdiction, where row-level security applies to it and
	 * the policies are the shipped ones (record_scan.c): the engine reads
	 * the tables directly and applies them itself.  Every register version
	 * valid on D gets a slot, but only one whose own division is in
	 * [scope_from, scope_to) is seen (Enterprise.seen: it is output, and
	 * other enterprises' values read its register facts); records (and
	 * links, by either end) count when their enterprise's current register
	 * entry is in it (Enterprise.visible), as the policies say.
	 */
	bool		scoped;
	char		scope_from[8];
	char		scope_to[8];

	/* each slot's division on D: 6 digits (register_scan.c) */
	char	   *divisions;

	/* grouped per enterprise after their scans (indicator_rules.c) */
	Licence    *licences;
	int64		nlicences;
	int64		caplicences;
	/* legal-representative changes in the last year, counted by distinct day */
	SlotDate   *rep_changes;
	int64		nrep_changes;
	int64		caprep_changes;
	/* related-party links (related_parties.c) */
	Edge	   *edges;
	int64		nedges;
	int64		capedges;
	/*
	 * Ends of penalties' publicity and of listings set by approved credit
	 * repairs, as creditrisk.record_ends(T) lists them (extension/repair.sql):
	 * (table, record id) -> the earliest such end; NULL when there is none.
	 * (Maximum terms: below, applied by the serious-dishonesty rows.)
	 */
	struct HTAB *record_ends;
	/*
	 * Maximum terms of serious-dishonesty listings: the credit-repair rule
	 * sets as known at T (creditrisk.repair_rule_set_as_known(T)), by
	 * effective_from ascending, as creditrisk.listing_term_end() reads them.
	 */
	int			nterms;
	DateADT    *term_from;
	Interval   *term_len;
} ComputeState;

/* A key of ComputeState.record_ends, and its entry. */
typedef struct RecordEndKey
{
	int64		id;
	int32		table;			/* RecordTable */
	int32		pad;			/* zero: the key is hashed as bytes */
} RecordEndKey;

typedef struct RecordEnd
{
	RecordEndKey key;
	DateADT		end;
} RecordEnd;

/*
 * The effective end of a record (exclusive): its own end (removed_date,
 * publicity_end_date; *open when it has none) or the earlier end a repair or
 * a maximum term sets, as creditrisk.record_end() computes it in SQL.
 */
extern void record_end_apply(const ComputeState *st, RecordTable table, int64 id, bool *open, DateADT *end);
extern void record_ends_load(ComputeState *st);
extern DateADT listing_term_end(const ComputeState *st, DateADT listed, bool *found);

/* ------------------------------------------------------------------------
 * Record kinds: how the rows of one table change the state
 * ------------------------------------------------------------------------ */

#define MAX_COLS 8

/* Called with the row's columns, in the order of RecordKind.cols. */
typedef void (*RowFunction) (ComputeState *st, Datum *v, bool *null);

typedef struct RecordKind
{
	const char *const *cols;	/* the first is the USCC of the row's enterprise */
	int			ncols;
	RowFunction row;

	/*
	 * With window_col > 0, rows whose date in that column is not in
	 * (w.<window_after>, D] are passed over before any work: no indicator of
	 * the table looks at them.
	 */
	int			window_col;
	Size		window_after;	/* offsetof(Windows, bound) */
	void		(*finish) (ComputeState *st);	/* after the scan, or NULL */

	/*
	 * Columns (bit i: cols[i]) that a table of an older install lacks (the
	 * module serves every version of the install script: the frozen 1.3 ->
	 * 1.4 script runs with it); a missing one is read as NULL.
	 */
	uint32		optional;
} RecordKind;

/* The columns of a record kind; at most MAX_COLS. */
#define RECORD_COLUMNS(name, ...) \
	static const char *const name[] = {__VA_ARGS__}; \
	StaticAssertDecl(lengthof(name) <= MAX_COLS, "too many columns in " #name)

#define RECORD_WINDOW(col, bound) \
	.window_col = (col), .window_after = offsetof(Windows, bound)

#define RECORD_KIND_DECL(id, table) extern const RecordKind record_##table;
ENGINE_RECORD_TABLES(RECORD_KIND_DECL)
#undef RECORD_KIND_DECL

/* ------------------------------------------------------------------------
 * The USCC index (uscc_index.c); the lookups are inline, as every row
 * makes one
 * ------------------------------------------------------------------------ */

extern void *alloc_large(MemoryContext cxt, Size size);
extern void uscc_index_build(ComputeState *st);

static inline uint32
uscc_hash(const uint8 *k)
{
	uint64		a;
	uint32		b = 0;

	memcpy(&a, k, 8);
	memcpy(&b, k + 8, 3);
	a ^= ((uint64) b << 29) ^ b;
	a ^= a >> 33;
	a *= UINT64CONST(0xff51afd7ed558ccd);
	a ^= a >> 33;
	a *= UINT64CONST(0xc4ceb9fe1a85ec53);
	a ^= a >> 33;
	return (uint32) a;
}

/* The slot of a key whose hash (masked) is h, or -1. */
static inline int32
index_probe(const UsccIndex *ix, uint32 h, const uint8 *key)
{
	Assert(h <= ix->mask);
	for (;;)
	{
		const IndexEntry *entry = &ix->table[h];

		if (!entry->used)
			return -1;
		if (memcmp(entry->key, key, USCC_PACKED_LEN) == 0)
			return entry->slot;
		h = (h + 1) & ix->mask;
	}
}

/* Remember a key's slot, so that the next lookup of the same key is free. */
static inline void
index_remember(UsccIndex *ix, const uint8 *key, int32 slot)
{
	memcpy(ix->last_key, key, USCC_PACKED_LEN);
	ix->last_slot = slot;
}

static inline int32
index_lookup(ComputeState *st, const Uscc *code)
{
	UsccIndex  *ix = &st->index;

	if (ix->last_slot == -2 || memcmp(ix->last_key, code->packed, USCC_PACKED_LEN) != 0)
		index_remember(ix, code->packed, index_probe(ix, uscc_hash(code->packed) & ix->mask, code->packed));
	Assert(ix->last_slot >= -1 && ix->last_slot < st->n);
	return ix->last_slot;
}

/*
 * Table t's part of slot i of the chunk, presented as an Enterprise whose
 * other members are not to be touched: the part array holds each slot's
 * part with a stride of the part's own size (rounded to MAXALIGN), and is
 * allocated so that every such Enterprise lies inside it (chunk_parts_alloc,
 * compute.c); the members of other parts overlap the neighbouring slots'.
 */
static inline Enterprise *
part_ent(const ComputeState *st, int t, int32 i)
{
	return (Enterprise *) (st->parts[t] + (Size) i * st->part_stride[t]);
}

/*
 * The state of a slot of the chunk being computed, in the part of the table
 * being read (its row and finish functions touch no other); NULL for a slot
 * outside the chunk (or -1).
 */
static inline Enterprise *
chunk_ent(const ComputeState *st, int32 s)
{
	Assert(st->cur_table >= 0 && st->cur_table < T_COUNT && st->parts[st->cur_table] != NULL);
	return s >= st->lo && s < st->hi ? part_ent(st, st->cur_table, s - st->lo) : NULL;
}

/* The slot of an enterprise of the chunk (a pointer chunk_ent() gave). */
static inline int32
slot_of(const ComputeState *st, const Enterprise *e)
{
	Size		d = (const char *) e - st->parts[st->cur_table];

	Assert((const char *) e >= st->parts[st->cur_table] && d % st->part_stride[st->cur_table] == 0);
	return st->lo + (int32) (d / st->part_stride[st->cur_table]);
}

/* The register facts of slot s (kept for every slot). */
static inline const EnterpriseRegister *
register_facts(const ComputeState *st, int32 s)
{
	return &st->reg[s];
}

/*
 * What related parties and branches read of slot s's records: from the
 * chunk's parts when it is in it (zero for a table not read, as the state
 * of one pass leaves them), else from the light pass.
 */
static inline void
related_facts(const ComputeState *st, int32 s, RelatedFacts *f)
{
	if (s >= st->lo && s < st->hi)
	{
		int32		i = s - st->lo;

		memset(f, 0, sizeof(*f));
		if (st->parts[T_PENALTY] != NULL)
		{
			f->penalties_1y = part_ent(st, T_PENALTY, i)->penalties_1y;
			f->penalties_serious_3y = part_ent(st, T_PENALTY, i)->penalties_serious_3y;
		}
		if (st->parts[T_ABNORMAL] != NULL)
			f->abnormal_current = part_ent(st, T_ABNORMAL, i)->abnormal_current;
		if (st->parts[T_SERIOUS] != NULL)
			f->serious_current = part_ent(st, T_SERIOUS, i)->serious_current;
		if (st->parts[T_JUDGMENT] != NULL)
			f->debtor_current = part_ent(st, T_JUDGMENT, i)->debtor_current;
	}
	else if (st->facts != NULL)
		*f = st->facts[s];
	else
		memset(f, 0, sizeof(*f));	/* none of the tables read: zero, as in one chunk */
}

/* The record's enterprise, or NULL for a USCC not on the register or not in the chunk. */
static inline Enterprise *
enterprise_of(ComputeState *st, Datum code)
{
	return chunk_ent(st, index_lookup(st, DatumGetUsccP(code)));
}

/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------ */

/* Whether a text datum equals a short ASCII constant. */
static inline bool
text_is(Datum d, const char *s)
{
	struct varlena *t = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(d));
	size_t		len = strlen(s);

	return VARSIZE_ANY_EXHDR(t) == len && memcmp(VARDATA_ANY(t), s, len) == 0;
}

/*
 * A qsort() comparator of type's elements by the int32 members k1, then k2
 * (the arrays grouped per enterprise sort by slot first).
 */
#define PAIR_COMPARATOR(name, type, k1, k2) \
static int \
name(const void *a, const void *b) \
{ \
	const type *x = a; \
	const type *y = b; \
 \
	if (x->k1 != y->k1) \
		return (x->k1 > y->k1) - (x->k1 < y->k1); \
	return (x->k2 > y->k2) - (x->k2 < y->k2); \
}

/*
 * Room for element n of an array that grows by doubling (from 1024), in
 * cxt: the array, moved if it had to grow.
 */
static inline void *
array_room(void *array, int64 n, int64 *cap, Size elem, MemoryContext cxt)
{
	Assert(n <= *cap);
	if (n < *cap)
		return array;
	*cap = Max(1024, *cap * 2);
	return array == NULL ? MemoryContextAllocHuge(cxt, elem * (Size) *cap)
		: repalloc_huge(array, elem * (Size) *cap);
}

/*
 * Amounts (amount.c): numeric(16,4) values as exact integer units of 1/10000,
 * and back to the correctly rounded double.
 */
#define AMOUNT_SCALE 10000.0
extern int64 amount_units(Datum d);
extern double amount_to_double(int64 units);

/*
 * The first natts attributes of a heap tuple into values/isnull (indexed by
 * attnum - 1), in one walk over the tuple, as heap_deform_tuple() does for
 * all of them: reading each needed column with heap_getattr() walks the
 * tuple again from its start for every column after a null or a varlena
 * (nocachegetattr), which cost more than the rest of the scan.  Columns the
 * tuple lacks (added later) take their missing value.
 */
static inline void
deform_prefix(HeapTuple tuple, TupleDesc desc, int natts, Datum *values, bool *isnull)
{
	HeapTupleHeader tup = tuple->t_data;
	bool		hasnulls = HeapTupleHasNulls(tuple);
	int			n = Min(natts, (int) HeapTupleHeaderGetNatts(tup));
	char	   *tp = (char *) tup + tup->t_hoff;
	bits8	   *bp = tup->t_bits;
	uint32		off = 0;
	bool		slow = false;

	for (int a = 0; a < n; a++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, a);

		if (hasnulls && att_isnull(a, bp))
		{
			values[a] = (Datum) 0;
			isnull[a] = true;
			slow = true;		/* offsets after a null are not the cached ones */
			continue;
		}
		isnull[a] = false;
		if (!slow && att->attcacheoff >= 0)
			off = att->attcacheoff;
		else if (att->attlen == -1)
			off = att_align_pointer(off, att->attalign, -1, tp + off);
		else
			off = att_align_nominal(off, att->attalign);
		values[a] = fetchatt(att, tp + off);
		off = att_addlength_pointer(off, att->attlen, tp + off);
		if (att->attlen <= 0)
			slow = true;
	}
	for (int a = n; a < natts; a++)
		values[a] = getmissingattr(desc, a + 1, &isnull[a]);
}

/* Stage timings at DEBUG1 (compute.c); rows < 0: none to count. */
extern void stage_done(const char *stage, int64 rows, instr_time *start);

/* The caller's jurisdiction (scope.c): false = none. */
extern bool current_scope(bool *all, char *from, char *to);

/* Whether a division code is in the engine's scope (bytewise, as digits compare). */
static inline bool
in_engine_scope(const ComputeState *st, const char *division, size_t len)
{
	size_t		flen = strlen(st->scope_from);
	size_t		tlen = strlen(st->scope_to);
	int			c1 = memcmp(division, st->scope_from, Min(len, flen));
	int			c2 = memcmp(division, st->scope_to, Min(len, tlen));

	if (c1 == 0)
		c1 = (len > flen) - (len < flen);
	if (c2 == 0)
		c2 = (len > tlen) - (len < tlen);
	return c1 >= 0 && c2 < 0;
}

/* The register (register_scan.c). */
extern void load_register(ComputeState *st);

/* The record tables (record_scan.c). */
extern Oid	engine_table_oid(ComputeState *st, const char *name);
extern Relation engine_open_table(ComputeState *st, const char *name);
extern void scan_records(ComputeState *st, uint32 tables);
extern bool direct_read_allowed(ComputeState *st, uint32 tables);
extern void resolve_columns(Oid relid, const char *table, const char *const *cols, int ncols,
							AttrNumber *attnums);

/* The SQL-defined entries, and the whole computation by SQL (sql_indicators.c). */
typedef struct ModelColumns
{
	int			n;
	int		   *builtin;		/* built-in id, or -1: SQL-defined */
	char	  **code;
	char	  **definition;		/* SQL definition, or NULL */
	bool	   *shipped;		/* shipped with the extension */
	Oid		   *run_as;			/* role its SQL definition runs as */
	int			ncustom;
	int		   *custom_pos;		/* model positions of the SQL-defined ones */
} ModelColumns;

extern void load_model_columns(const char *model, ModelColumns *mc, MemoryContext outer);
extern void compute_custom(ComputeState *st, const ModelColumns *mc, double *custom, bool *custom_null);
extern void compute_by_sql(const char *model, const ModelColumns *mc, DateADT as_of, bool known_given,
						   TimestampTz known_at, Tuplestorestate *ts);

#endif							/* CREDITRISK_ENGINE_H */
