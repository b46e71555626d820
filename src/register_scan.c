/*
 * register_scan.c
 *		The register's part of compute_indicators(): one scan of
 *		creditrisk.enterprise and one of creditrisk.enterprise_history give
 *		every enterprise its version valid on D (as known at the knowledge
 *		time), a slot, its register facts and its key in the USCC index;
 *		the slots are then put in USCC order (sort_slots()) and branches
 *		tied to their parents.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "engine.h"

/*
 * A slot's key as two integers in the key's byte order (big-endian), and
 * the slot it was read into: sorting these sorts the slots by USCC.
 */
typedef struct SlotKey
{
	uint64		hi;				/* packed bytes 0-7 */
	uint32		lo;				/* bytes 8-10, then a zero byte */
	int32		slot;
} SlotKey;

static inline int
slot_key_cmp(const SlotKey *a, const SlotKey *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	return (a->lo > b->lo) - (a->lo < b->lo);
}

#define ST_SORT sort_slot_keys
#define ST_ELEMENT_TYPE SlotKey
#define ST_COMPARE(a, b) slot_key_cmp(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* GB/T 4754 codes of the key fields of art. 16 (food, drugs, special equipment), with their lengths. */
#define KEY_FIELD(code) {code, sizeof(code) - 1}
static const struct
{
	const char *code;
	size_t		len;
}			key_field_prefixes[] = {
	KEY_FIELD("C13"), KEY_FIELD("C14"), KEY_FIELD("C15"), KEY_FIELD("F512"), KEY_FIELD("F521"),
	KEY_FIELD("F522"), KEY_FIELD("H62"),	/* food */
	KEY_FIELD("C27"), KEY_FIELD("F515"), KEY_FIELD("F525"),	/* drugs */
	KEY_FIELD("C341"), KEY_FIELD("C343")	/* special equipment */
};
#undef KEY_FIELD

static bool
is_key_field_industry(const char *code, size_t len)
{
	/* only sections C, F and H hold key fields */
	if (len < 3 || (code[0] != 'C' && code[0] != 'F' && code[0] != 'H'))
		return false;
	for (int i = 0; i < lengthof(key_field_prefixes); i++)
	{
		size_t		plen = key_field_prefixes[i].len;

		/* (every prefix begins with the section letter) */
		if (len >= plen && code[0] == key_field_prefixes[i].code[0] &&
			memcmp(code, key_field_prefixes[i].code, plen) == 0)
			return true;
	}
	return false;
}

typedef struct BranchLink
{
	int32		slot;
	uint8		parent[USCC_PACKED_LEN];
} BranchLink;

/* The branches found in the register's scans, tied to their parents after. */
typedef struct BranchList
{
	BranchLink *links;
	int64		n;
	int64		cap;
} BranchList;

/* USCCs whose current register entry is in the caller's jurisdiction. */
typedef struct KeyList
{
	uint8	   *keys;			/* USCC_PACKED_LEN bytes each */
	int64		n;
	int64		cap;
} KeyList;

/*
 * One relation of the register: creditrisk.enterprise (the current version
 * of each entry, valid from valid_from on) or creditrisk.enterprise_history
 * (versions valid until valid_to, known until superseded_at).  Only the
 * version valid on D and known at the knowledge time (without one: known now)
 * gets a slot; the history trigger keeps an enterprise's versions from
 * overlapping, so each enterprise gets one at most.
 */
static void
scan_register_relation(ComputeState *st, bool history, BranchList *branches, KeyList *visible)
{
	static const char *const cols[] = {
		"uscc", "industry_code", "entity_type", "established_date", "registered_capital",
		"paid_in_capital", "status", "status_date", "parent_uscc", "division_code",
		"valid_from", "recorded_at", "valid_to", "superseded_at"
	};
	enum
	{
		C_DIVISION = 9, C_VALID_FROM, C_RECORDED, C_VALID_TO, C_SUPERSEDED
	};
	const char *name = history ? "enterprise_history" : "enterprise";
	int			ncols = history ? lengthof(cols) : C_VALID_TO;
	Relation	rel = engine_open_table(st, name);
	AttrNumber	att[lengthof(cols)];
	AttrNumber	maxatt = 0;
	TableScanDesc scan;
	HeapTuple	tuple;
	TupleDesc	desc = RelationGetDescr(rel);
	Datum	   *v;
	bool	   *null;
	const Windows *w = &st->w;

	resolve_columns(RelationGetRelid(rel), name, cols, ncols, att);
	for (int i = 0; i < ncols; i++)
	{
		maxatt = Max(maxatt, att[i]);
		att[i]--;				/* an index into the slot's arrays */
	}

	if (!history)
	{
		/* sized from the planner's estimate (at most 4M at first), grown if low */
		st->cap = (int32) Max(1024.0, Min(rel->rd_rel->reltuples * 1.05, (double) (1 << 22)));
		st->n = 0;
		st->reg = alloc_large(st->mcxt, sizeof(EnterpriseRegister) * (Size) st->cap);
		st->index.keys = MemoryContextAllocHuge(st->mcxt, (Size) USCC_PACKED_LEN * st->cap);
		st->divisions = MemoryContextAllocHuge(st->mcxt, (Size) 6 * st->cap);
	}
	v = palloc(sizeof(Datum) * maxatt);
	null = palloc(sizeof(bool) * maxatt);
	scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
	/* a heap table: engine_open_table() checked */
	while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		EnterpriseRegister *e;
		text	   *industry;
		text	   *division;
		bool		in_scope = true;

		/* the columns up to the last one read, in one walk (no slot) */
		deform_prefix(tuple, desc, maxatt, v, null);
		if (null[att[C_DIVISION]])
			elog(ERROR, "creditrisk: a register entry without a division");	/* NOT NULL */
		division = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(v[att[C_DIVISION]]));
		if (st->scoped)
		{
			/*
			 * The policies: a register row (either relation) is seen when its
			 * own division is in scope; an enterprise's records when its
			 * current entry is (resolved to slots after the index is built).
			 */
			in_scope = in_engine_scope(st, VARDATA_ANY(division), VARSIZE_ANY_EXHDR(division));
			if (!history && in_scope)
			{
				visible->keys = array_room(visible->keys, visible->n, &visible->cap, USCC_PACKED_LEN, st->mcxt);
				memcpy(visible->keys + visible->n * USCC_PACKED_LEN, DatumGetUsccP(v[att[0]])->packed, USCC_PACKED_LEN);
				visible->n++;
			}
		}
		/* the version valid on D ... */
		if (DatumGetDateADT(v[att[C_VALID_FROM]]) > w->d)
			continue;
		if (history && !null[att[C_VALID_TO]] && DatumGetDateADT(v[att[C_VALID_TO]]) <= w->d)
			continue;
		/* ... and known at the knowledge time */
		if (st->known_given)
		{
			if (DatumGetTimestampTz(v[att[C_RECORDED]]) > st->known_at)
				continue;
			if (history && !null[att[C_SUPERSEDED]] && DatumGetTimestampTz(v[att[C_SUPERSEDED]]) <= st->known_at)
				continue;
		}
		else if (history && !null[att[C_SUPERSEDED]])
			continue;

		if (st->n == st->cap)
		{
			st->cap *= 2;
			st->reg = repalloc_huge(st->reg, sizeof(EnterpriseRegister) * (Size) st->cap);
			st->index.keys = repalloc_huge(st->index.keys, (Size) USCC_PACKED_LEN * st->cap);
			st->divisions = repalloc_huge(st->divisions, (Size) 6 * st->cap);
		}
		e = &st->reg[st->n];
		memset(e, 0, sizeof(EnterpriseRegister));
		memcpy(st->index.keys + (Size) st->n * USCC_PACKED_LEN, DatumGetUsccP(v[att[0]])->packed, USCC_PACKED_LEN);
		Assert(VARSIZE_ANY_EXHDR(division) == 6);	/* the domain division_code */
		memcpy(st->divisions + (Size) st->n * 6, VARDATA_ANY(division), 6);
		e->seen = in_scope;
		e->visible = !st->scoped;

		industry = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(v[att[1]]));
		e->section = (uint8) (VARDATA_ANY(industry)[0] - 'A' + 1);
		e->key_field_industry = is_key_field_industry(VARDATA_ANY(industry), VARSIZE_ANY_EXHDR(industry));
		e->entity_type = (uint8) DatumGetInt16(v[att[2]]);
		e->established = DatumGetDateADT(v[att[3]]);
		e->registered_capital_null = null[att[4]];
		if (!null[att[4]])
			e->registered_capital = amount_units(v[att[4]]);
		e->paid_in_capital_null = null[att[5]];
		if (!null[att[5]])
			e->paid_in_capital = amount_units(v[att[5]]);
		e->status = text_is(v[att[6]], "revoked") ? ST_REVOKED :
			text_is(v[att[6]], "cancelled") ? ST_CANCELLED : ST_IN_BUSINESS;
		e->status_date = null[att[7]] ? DATEVAL_NOEND : DatumGetDateADT(v[att[7]]);
		e->parent = -1;
		e->has_parent = !null[att[8]];
		if (!null[att[8]])
		{
			branches->links = array_room(branches->links, branches->n, &branches->cap, sizeof(BranchLink), st->mcxt);
			branches->links[branches->n].slot = st->n;
			memcpy(branches->links[branches->n].parent, DatumGetUsccP(v[att[8]])->packed, USCC_PACKED_LEN);
			branches->n++;
		}
		e->in_population = e->established <= w->d &&
			!(e->status == ST_CANCELLED && e->status_date <= w->d);
		st->n++;
		if ((st->n & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	table_endscan(scan);
	pfree(v);
	pfree(null);
	table_close(rel, AccessShareLock);
}

/*
 * The slots in USCC order, whatever the register's physical order: the
 * byte order of the packed keys (memcmp), which is the uscc type's btree
 * order (uscc_cmp() compares the packed bytes), so that compute_indicators()
 * and score_population() return their rows in USCC order, a chunk (a slot
 * range) is a USCC range, and the monthly run inserts its rows in its
 * primary key's order without a sort.  Done right after the register's
 * scans, before the hash index is built: everything else keyed by slot (the
 * index, the visible keys and the branches' parents resolved through it, the
 * light pass, the SQL-defined values, the chunks' state, the parallel
 * workers' shared copy) is made after, from the sorted slots.
 *
 * One pass first checks the order: a register read in USCC order is left as
 * it is.  Otherwise the keys are sorted with the slots they were read into
 * (16 bytes each, compared as two integers), the slots' register facts and
 * divisions are moved in place one permutation cycle at a time, the keys are
 * written back from the sorted array, and the branches' own slots follow.
 * Returns whether the slots had to be sorted.
 */
static bool
sort_slots(ComputeState *st, BranchList *branches)
{
	uint8	   *keys = st->index.keys;
	int32		n = st->n;
	int32		s;
	SlotKey    *order;
	int32	   *new_slot = NULL;

	for (s = 1; s < n; s++)
		if (memcmp(keys + (Size) (s - 1) * USCC_PACKED_LEN, keys + (Size) s * USCC_PACKED_LEN, USCC_PACKED_LEN) > 0)
			break;
	if (s >= n)
		return false;

	order = MemoryContextAllocHuge(st->mcxt, sizeof(SlotKey) * (Size) n);
	for (s = 0; s < n; s++)
	{
		const uint8 *k = keys + (Size) s * USCC_PACKED_LEN;
		uint64		hi;

		StaticAssertStmt(USCC_PACKED_LEN == 11, "a key is 8 + 3 bytes");
		memcpy(&hi, k, sizeof(hi));
		order[s].hi = pg_ntoh64(hi);
		order[s].lo = ((uint32) k[8] << 24) | ((uint32) k[9] << 16) | ((uint32) k[10] << 8);
		order[s].slot = s;
	}
	sort_slot_keys(order, n);
	if (branches->n > 0)
	{
		new_slot = MemoryContextAllocHuge(st->mcxt, sizeof(int32) * (Size) n);
		for (s = 0; s < n; s++)
			new_slot[order[s].slot] = s;
		for (int64 i = 0; i < branches->n; i++)
			branches->links[i].slot = new_slot[branches->links[i].slot];
		pfree(new_slot);
	}

	/* slot s takes what was read into slot order[s].slot (-1 once moved) */
	for (s = 0; s < n; s++)
	{
		EnterpriseRegister held;
		char		held_division[6];
		int32		j = s;

		if (order[s].slot == s || order[s].slot < 0)
			continue;
		held = st->reg[s];
		memcpy(held_division, st->divisions + (Size) s * 6, 6);
		for (;;)
		{
			int32		from = order[j].slot;

			order[j].slot = -1;
			if (from == s)
			{
				st->reg[j] = held;
				memcpy(st->divisions + (Size) j * 6, held_division, 6);
				break;
			}
			st->reg[j] = st->reg[from];
			memcpy(st->divisions + (Size) j * 6, st->divisions + (Size) from * 6, 6);
			j = from;
		}
	}
	for (s = 0; s < n; s++)
	{
		uint8	   *k = keys + (Size) s * USCC_PACKED_LEN;
		uint64		hi = pg_hton64(order[s].hi);

		memcpy(k, &hi, sizeof(hi));
		k[8] = (uint8) (order[s].lo >> 24);
		k[9] = (uint8) (order[s].lo >> 16);
		k[10] = (uint8) (order[s].lo >> 8);
	}
	pfree(order);
#ifdef USE_ASSERT_CHECKING
	for (s = 1; s < n; s++)
		Assert(memcmp(keys + (Size) (s - 1) * USCC_PACKED_LEN, keys + (Size) s * USCC_PACKED_LEN, USCC_PACKED_LEN) <= 0);
#endif
	return true;
}

void
load_register(ComputeState *st)
{
	BranchList	branches = {NULL, 0, 0};
	KeyList		visible = {NULL, 0, 0};
	const Windows *w = &st->w;
	instr_time	start;

	INSTR_TIME_SET_CURRENT(start);
	scan_register_relation(st, false, &branches, &visible);
	scan_register_relation(st, true, &branches, &visible);
	stage_done("enterprise scan", st->n, &start);

	stage_done(sort_slots(st, &branches) ? "slots sorted into USCC order" : "slots already in USCC order",
			   st->n, &start);

	uscc_index_build(st);
	stage_done("enterprise index", st->n, &start);

	/* under the caller's jurisdiction: whose records it sees */
	for (int64 i = 0; i < visible.n; i++)
	{
		int32		s = index_lookup(st, (const Uscc *) (visible.keys + i * USCC_PACKED_LEN));

		if (s >= 0)
			st->reg[s].visible = true;
	}
	if (visible.keys)
		pfree(visible.keys);

	/* branches: parent slots, and the parents' branches in business on D */
	for (int64 i = 0; i < branches.n; i++)
	{
		EnterpriseRegister *b = &st->reg[branches.links[i].slot];
		int32		p = index_lookup(st, (const Uscc *) branches.links[i].parent);

		b->parent = p;
		/* (a branch the caller's policies hide is not counted) */
		if (p >= 0 && b->seen && b->established <= w->d &&
			!(b->status != ST_IN_BUSINESS && b->status_date <= w->d))
			st->reg[p].branches++;
	}
	if (branches.links)
		pfree(branches.links);
}
