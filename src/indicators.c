/*
 * indicators.c
 *		compute_indicators(): a model's indicator values for every enterprise
 *		in the population on a date, in a few streaming passes.
 *
 * The built-in catalogue entries (those of reference-v1) are computed here,
 * in C, exactly as their SQL definitions in the catalogue say
 * (creditrisk.indicator.definition_sql, assembled by indicators_to_sql()):
 *
 *   1. one scan of the register builds a hash table USCC -> enterprise slot
 *      and the register facts of every enterprise;
 *   2. one sequential scan of each record table the model needs updates the
 *      counters of the record's enterprise (a window count, a current flag,
 *      a latest date, ...): no sort, no per-enterprise query.  Rows go over
 *      in batches whose hash-table entries are prefetched, and rows outside
 *      a table's windows are passed over first;
 *   3. licences and legal-representative changes are grouped per enterprise
 *      (renewals compare licences of the same enterprise; changes count by
 *      distinct day) and related-party links become a sorted, deduplicated
 *      edge list, so that the related set of each enterprise is distinct;
 *   4. entries that are not built in run their SQL definitions in one query.
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
 * Memory: about 330 bytes per enterprise on the register (330 MB for a
 * million), allocated for the call and freed at its end.
 */
#include "postgres.h"

#include <math.h>
#include <sys/mman.h>

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

#include "model.h"
#include "uscc.h"

/* ------------------------------------------------------------------------
 * The built-in indicators
 * ------------------------------------------------------------------------ */

/* Record tables, as bits of a set. */
typedef enum RecordTable
{
	T_LICENCE,
	T_PENALTY,
	T_SPOT_CHECK,
	T_COMPLAINT,
	T_ABNORMAL,
	T_SERIOUS,
	T_JUDGMENT,
	T_ANNUAL_REPORT,
	T_CHANGE,
	T_LINK,
	T_EQUITY,
	T_LAWSUIT,
	T_OPINION,
	T_DOMAIN_CLASS,
	T_COUNT
} RecordTable;

static const char *const table_names[T_COUNT] = {
	"licence", "penalty", "spot_check", "complaint", "abnormal_listing",
	"serious_dishonesty_listing", "judgment_debtor_listing", "annual_report",
	"registration_change", "related_party_link", "equity_pledge_freeze",
	"lawsuit", "public_opinion", "domain_risk_class"
};

#define B(t) (1u << (t))

typedef struct BuiltinIndicator
{
	const char *code;
	uint32		tables;			/* record tables it reads (the register always) */
} BuiltinIndicator;

/* The order of this list is the order of the switch in builtin_value(). */
typedef enum BuiltinId
{
	I_REGISTERED_CAPITAL, I_CORPORATE_SHAREHOLDER_COUNT, I_BRANCH_COUNT, I_OUTBOUND_INVESTMENT_COUNT,
	I_YEARS_IN_OPERATION, I_STATUS_REVOKED, I_ENTITY_TYPE_CLASS, I_IS_BRANCH,
	I_INDUSTRY_SECTION_CLASS, I_KEY_FIELD_INDUSTRY, I_LICENCE_LAPSED, I_LICENCE_EXPIRED_UNRENEWED_1Y,
	I_LICENCE_REVOKED_3Y, I_LEGAL_REP_CHANGES_1Y, I_NAME_CHANGES_1Y, I_ADDRESS_CHANGES_1Y,
	I_SCOPE_CHANGES_1Y, I_CAPITAL_CHANGES_1Y, I_CHANGES_TOTAL_3Y, I_PAID_IN_RATIO, I_UNPAID_CAPITAL,
	I_ANNUAL_REPORT_LATEST_MISSING, I_ANNUAL_REPORTS_MISSING_3Y, I_ANNUAL_REPORTS_LATE_3Y,
	I_EQUITY_PLEDGES_CURRENT, I_EQUITY_FREEZES_CURRENT, I_EQUITY_PLEDGES_1Y, I_EQUITY_FREEZES_3Y,
	I_LAWSUITS_DEFENDANT_1Y, I_LAWSUITS_DEFENDANT_3Y, I_LABOUR_DISPUTES_DEFENDANT_1Y,
	I_CRIMINAL_DEFENDANT_3Y, I_ABNORMAL_LIST_CURRENT, I_ABNORMAL_LIST_TIMES_3Y,
	I_ABNORMAL_LIST_REASON_CURRENT, I_ABNORMAL_LIST_CURRENT_DAYS, I_SERIOUS_DISHONESTY_CURRENT,
	I_SERIOUS_DISHONESTY_LISTINGS_5Y, I_SERIOUS_DISHONESTY_REMOVED_2Y, I_JUDGMENT_DEBTOR_CURRENT,
	I_JUDGMENT_DEBTOR_LISTINGS_3Y, I_JUDGMENT_DEBTOR_REMOVED_1Y, I_PENALTIES_1Y, I_PENALTIES_3Y,
	I_PENALTIES_IN_PUBLICITY, I_PENALTY_MAX_SEVERITY_3Y, I_PENALTIES_SERIOUS_3Y, I_PENALTIES_GENERAL_3Y,
	I_PENALTY_FINES_3Y, I_PENALTIES_KEY_FIELD_1Y, I_PENALTIES_KEY_FIELD_3Y,
	I_PENALTIES_KEY_FIELD_SERIOUS_3Y, I_SPOT_CHECK_REFUSED_1Y, I_SPOT_CHECK_PROBLEMS_3Y,
	I_SPOT_CHECK_RECTIFICATION_1Y, I_SPOT_CHECK_NOT_FOUND_3Y, I_SPOT_CHECK_LAST_OUTCOME,
	I_SPOT_CHECK_PASS_RATIO_3Y, I_RELATED_ENTERPRISE_COUNT, I_COMMON_LEGAL_REP_COUNT,
	I_RELATED_REVOKED_COUNT, I_RELATED_REVOKED_RATIO, I_RELATED_CANCELLED_1Y,
	I_RELATED_ABNORMAL_CURRENT, I_RELATED_SERIOUS_DISHONESTY_CURRENT,
	I_RELATED_JUDGMENT_DEBTOR_CURRENT, I_RELATED_PENALTIES_1Y, I_RELATED_SERIOUS_PENALTIES_3Y,
	I_PARENT_ADVERSE, I_SHAREHOLDER_LISTED_CURRENT, I_COMPLAINTS_1Y, I_COMPLAINTS_3Y,
	I_COMPLAINTS_SUBSTANTIATED_1Y, I_COMPLAINTS_GROWTH_3M, I_REPORTS_1Y, I_REPORTS_3Y,
	I_REPORTS_SUBSTANTIATED_1Y, I_SUBSTANTIATED_RATIO_1Y, I_NEGATIVE_OPINION_1Y,
	I_NEGATIVE_OPINION_3M, I_NEGATIVE_OPINION_SHARE_1Y,
	I_COUNT
} BuiltinId;

static const BuiltinIndicator builtins[I_COUNT] = {
	{"registered_capital", 0},
	{"corporate_shareholder_count", B(T_LINK)},
	{"branch_count", 0},
	{"outbound_investment_count", B(T_LINK)},
	{"years_in_operation", 0},
	{"status_revoked", 0},
	{"entity_type_class", 0},
	{"is_branch", 0},
	{"industry_section_class", 0},
	{"key_field_industry", B(T_DOMAIN_CLASS)},
	{"licence_lapsed", B(T_LICENCE)},
	{"licence_expired_unrenewed_1y", B(T_LICENCE)},
	{"licence_revoked_3y", B(T_LICENCE)},
	{"legal_rep_changes_1y", B(T_CHANGE)},
	{"name_changes_1y", B(T_CHANGE)},
	{"address_changes_1y", B(T_CHANGE)},
	{"scope_changes_1y", B(T_CHANGE)},
	{"capital_changes_1y", B(T_CHANGE)},
	{"changes_total_3y", B(T_CHANGE)},
	{"paid_in_ratio", 0},
	{"unpaid_capital", 0},
	{"annual_report_latest_missing", B(T_ANNUAL_REPORT)},
	{"annual_reports_missing_3y", B(T_ANNUAL_REPORT)},
	{"annual_reports_late_3y", B(T_ANNUAL_REPORT)},
	{"equity_pledges_current", B(T_EQUITY)},
	{"equity_freezes_current", B(T_EQUITY)},
	{"equity_pledges_1y", B(T_EQUITY)},
	{"equity_freezes_3y", B(T_EQUITY)},
	{"lawsuits_defendant_1y", B(T_LAWSUIT)},
	{"lawsuits_defendant_3y", B(T_LAWSUIT)},
	{"labour_disputes_defendant_1y", B(T_LAWSUIT)},
	{"criminal_defendant_3y", B(T_LAWSUIT)},
	{"abnormal_list_current", B(T_ABNORMAL)},
	{"abnormal_list_times_3y", B(T_ABNORMAL)},
	{"abnormal_list_reason_current", B(T_ABNORMAL)},
	{"abnormal_list_current_days", B(T_ABNORMAL)},
	{"serious_dishonesty_current", B(T_SERIOUS)},
	{"serious_dishonesty_listings_5y", B(T_SERIOUS)},
	{"serious_dishonesty_removed_2y", B(T_SERIOUS)},
	{"judgment_debtor_current", B(T_JUDGMENT)},
	{"judgment_debtor_listings_3y", B(T_JUDGMENT)},
	{"judgment_debtor_removed_1y", B(T_JUDGMENT)},
	{"penalties_1y", B(T_PENALTY)},
	{"penalties_3y", B(T_PENALTY)},
	{"penalties_in_publicity", B(T_PENALTY)},
	{"penalty_max_severity_3y", B(T_PENALTY)},
	{"penalties_serious_3y", B(T_PENALTY)},
	{"penalties_general_3y", B(T_PENALTY)},
	{"penalty_fines_3y", B(T_PENALTY)},
	{"penalties_key_field_1y", B(T_PENALTY)},
	{"penalties_key_field_3y", B(T_PENALTY)},
	{"penalties_key_field_serious_3y", B(T_PENALTY)},
	{"spot_check_refused_1y", B(T_SPOT_CHECK)},
	{"spot_check_problems_3y", B(T_SPOT_CHECK)},
	{"spot_check_rectification_1y", B(T_SPOT_CHECK)},
	{"spot_check_not_found_3y", B(T_SPOT_CHECK)},
	{"spot_check_last_outcome", B(T_SPOT_CHECK)},
	{"spot_check_pass_ratio_3y", B(T_SPOT_CHECK)},
	{"related_enterprise_count", B(T_LINK)},
	{"common_legal_rep_count", B(T_LINK)},
	{"related_revoked_count", B(T_LINK)},
	{"related_revoked_ratio", B(T_LINK)},
	{"related_cancelled_1y", B(T_LINK)},
	{"related_abnormal_current", B(T_LINK) | B(T_ABNORMAL)},
	{"related_serious_dishonesty_current", B(T_LINK) | B(T_SERIOUS)},
	{"related_judgment_debtor_current", B(T_LINK) | B(T_JUDGMENT)},
	{"related_penalties_1y", B(T_LINK) | B(T_PENALTY)},
	{"related_serious_penalties_3y", B(T_LINK) | B(T_PENALTY)},
	{"parent_adverse", B(T_ABNORMAL) | B(T_SERIOUS) | B(T_JUDGMENT)},
	{"shareholder_listed_current", B(T_LINK) | B(T_SERIOUS) | B(T_JUDGMENT)},
	{"complaints_1y", B(T_COMPLAINT)},
	{"complaints_3y", B(T_COMPLAINT)},
	{"complaints_substantiated_1y", B(T_COMPLAINT)},
	{"complaints_growth_3m", B(T_COMPLAINT)},
	{"reports_1y", B(T_COMPLAINT)},
	{"reports_3y", B(T_COMPLAINT)},
	{"reports_substantiated_1y", B(T_COMPLAINT)},
	{"substantiated_ratio_1y", B(T_COMPLAINT)},
	{"negative_opinion_1y", B(T_OPINION)},
	{"negative_opinion_3m", B(T_OPINION)},
	{"negative_opinion_share_1y", B(T_OPINION)},
};

static int
builtin_find(const char *code)
{
	for (int i = 0; i < I_COUNT; i++)
		if (strcmp(builtins[i].code, code) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------------------
 * Per-enterprise state
 * ------------------------------------------------------------------------ */

typedef enum RegStatus
{
	ST_IN_BUSINESS, ST_REVOKED, ST_CANCELLED
} RegStatus;

typedef struct Enterprise
{
	/* register */
	DateADT		established;
	DateADT		status_date;
	int32		parent;			/* slot of the parent, -1 if not a branch */
	int64		registered_capital;	/* amounts in 1/10000 of 10,000 CNY */
	int64		paid_in_capital;
	bool		registered_capital_null;
	bool		paid_in_capital_null;
	uint8		status;			/* RegStatus */
	uint8		entity_type;
	uint8		section;		/* A = 1 ... T = 20 */
	bool		key_field_industry;
	bool		in_population;
	bool		domain_class;	/* a professional class assessed by D */
	int32		branches;

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
	uint8		last_check_outcome;	/* 0 = never checked */

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

	/* related parties */
	int32		related;
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

#define EDGE_IN_FORCE		0x01	/* in force on D */
#define EDGE_COMMON_REP		0x02	/* common legal representative, in force */
#define EDGE_SHAREHOLDER	0x04	/* "to" is a shareholder of "from", in force */
#define EDGE_INVESTMENT		0x08	/* "from" holds equity in "to", in force */
#define EDGE_RECENT			0x10	/* in force at some time in (D - 1 year, D] */

typedef struct ComputeState
{
	Windows		w;
	Enterprise *ents;
	int32		n;
	int32		cap;
	UsccIndex	index;
	Oid			nsp;
	MemoryContext mcxt;			/* the call's: everything lives here */

	Licence    *licences;
	int64		nlicences;
	int64		caplicences;
	Edge	   *edges;
	int64		nedges;
	int64		capedges;
	/* legal-representative changes in the last year, counted by distinct day */
	SlotDate   *rep_changes;
	int64		nrep_changes;
	int64		caprep_changes;
} ComputeState;

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

/*
 * A large array, its pages backed by transparent huge pages where the kernel
 * offers them on request.  The per-enterprise state (hundreds of megabytes)
 * and the USCC hash table are written once each and then reached at random
 * by the record rows: faulting them in 4 kB at a time cost a third of the
 * register scan, and every probe missed the TLB.
 */
static void *
alloc_large(MemoryContext cxt, Size size)
{
	void	   *p = MemoryContextAllocHuge(cxt, size);

#ifdef MADV_HUGEPAGE
	{
		const uintptr_t huge = 2 * 1024 * 1024;
		uintptr_t	from = TYPEALIGN(huge, (uintptr_t) p);
		uintptr_t	to = TYPEALIGN_DOWN(huge, (uintptr_t) p + size);

		if (to > from)
			(void) madvise((void *) from, to - from, MADV_HUGEPAGE);	/* advice only */
	}
#endif
	return p;
}

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

static int32
index_lookup(ComputeState *st, const Uscc *code)
{
	UsccIndex  *ix = &st->index;

	if (ix->last_slot == -2 || memcmp(ix->last_key, code->packed, USCC_PACKED_LEN) != 0)
		index_remember(ix, code->packed, index_probe(ix, uscc_hash(code->packed) & ix->mask, code->packed));
	return ix->last_slot;
}

#define INDEX_PREFETCH 16

static void
index_build(ComputeState *st)
{
	UsccIndex  *ix = &st->index;
	uint32		size = 1024;
	uint32	   *hashes;

	while (size < (uint32) st->n * 2)
		size <<= 1;
	ix->mask = size - 1;
	ix->table = alloc_large(st->mcxt, sizeof(IndexEntry) * (Size) size);
	memset(ix->table, 0, sizeof(IndexEntry) * (Size) size);
	ix->last_slot = -2;

	/* hashes first, then the inserts, each entry prefetched a few ahead */
	hashes = MemoryContextAllocHuge(st->mcxt, sizeof(uint32) * (Size) Max(st->n, 1));
	for (int32 s = 0; s < st->n; s++)
		hashes[s] = uscc_hash(ix->keys + (Size) s * USCC_PACKED_LEN) & ix->mask;
	for (int32 s = 0; s < st->n; s++)
	{
		const uint8 *key = ix->keys + (Size) s * USCC_PACKED_LEN;
		uint32		h = hashes[s];

		if (s + INDEX_PREFETCH < st->n)
			__builtin_prefetch(&ix->table[hashes[s + INDEX_PREFETCH]], 1);
		while (ix->table[h].used)
			h = (h + 1) & ix->mask;
		memcpy(ix->table[h].key, key, USCC_PACKED_LEN);
		ix->table[h].used = true;
		ix->table[h].slot = s;
	}
	pfree(hashes);
}

/* Whether a text datum equals a short ASCII constant. */
static inline bool
text_is(Datum d, const char *s)
{
	struct varlena *t = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(d));
	size_t		len = strlen(s);

	return VARSIZE_ANY_EXHDR(t) == len && memcmp(VARDATA_ANY(t), s, len) == 0;
}

/*
 * Amounts (numeric(16,4) columns: capital, fines) are read exactly, as
 * integer counts of 1/10000 yuan-units, from numeric's stored form (the
 * on-disk format, stable across releases: a 2-byte short header or a
 * 4-byte long one, then base-10000 digits with trailing zeros stripped).
 * Sums and differences are then exact, and units / 10000.0 is the correctly
 * rounded double, as numeric::double precision gives in SQL.
 */
#define AMOUNT_SCALE 10000.0

static bool
numeric_to_units(Datum d, int64 *units)
{
	struct varlena *v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(d));
	const char *p = VARDATA_ANY(v);
	int			len = VARSIZE_ANY_EXHDR(v);
	uint16		header;
	int			weight;
	bool		negative;
	int			first;
	int64		acc = 0;

	if (len < 2)
		return false;
	memcpy(&header, p, sizeof(header));
	if ((header & 0xC000) == 0xC000)
		return false;			/* NaN or infinity */
	if (header & 0x8000)
	{
		/* short: sign 0x2000, weight in 6 bits with sign bit 0x0040 */
		negative = (header & 0x2000) != 0;
		weight = (header & 0x0040) ? (~0x003F | (header & 0x003F)) : (header & 0x003F);
		first = 2;
	}
	else
	{
		int16		w;

		if (len < 4)
			return false;
		negative = (header & 0xC000) == 0x4000;
		memcpy(&w, p + 2, sizeof(w));
		weight = w;
		first = 4;
	}
	for (int i = 0; first + 2 * i + 1 < len; i++)
	{
		int16		digit;
		int			exponent = weight + 1 - i;	/* power of 10000 of this digit, in units */
		int64		term = 1;

		memcpy(&digit, p + first + 2 * i, sizeof(digit));
		if (digit == 0)
			continue;
		if (exponent < 0 || exponent > 4)
			return false;		/* finer than 1/10000, or too large */
		for (int k = 0; k < exponent; k++)
			term *= 10000;
		if (pg_mul_s64_overflow(term, digit, &term) || pg_add_s64_overflow(acc, term, &acc))
			return false;
	}
	*units = negative ? -acc : acc;
	return true;
}

/* An amount as exact units; falls back to rounding where it cannot be exact. */
static int64
amount_units(Datum d)
{
	int64		units;

	if (numeric_to_units(d, &units))
		return units;
	return (int64) rint(DatumGetFloat8(DirectFunctionCall1(numeric_float8, d)) * AMOUNT_SCALE);
}

/* Stage timings, at DEBUG1 (SET client_min_messages = debug1 to see them); rows < 0: none to count. */
static void
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

/* The record's enterprise, or NULL for a USCC not on the register. */
static inline Enterprise *
enterprise_of(ComputeState *st, Datum code)
{
	int32		s = index_lookup(st, DatumGetUsccP(code));

	return s < 0 ? NULL : &st->ents[s];
}

/* ------------------------------------------------------------------------
 * Scanning a table
 * ------------------------------------------------------------------------ */

#define MAX_COLS 8

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

typedef void (*RowFunction) (ComputeState *st, Datum *v, bool *null);

static Oid
table_oid(ComputeState *st, const char *name)
{
	Oid			relid = get_relname_relid(name, st->nsp);

	if (!OidIsValid(relid))
		elog(ERROR, "creditrisk: table creditrisk.%s is missing", name);
	return relid;
}

/* The attribute numbers of the named columns of a creditrisk table. */
static void
resolve_columns(Oid relid, const char *table, const char *const *cols, int ncols, AttrNumber *attnums)
{
	for (int i = 0; i < ncols; i++)
	{
		attnums[i] = get_attnum(relid, cols[i]);
		if (attnums[i] == InvalidAttrNumber)
			elog(ERROR, "creditrisk: column %s.%s is missing", table, cols[i]);
	}
}

static void
flush_batch(ComputeState *st, ScanBatch *b, RowFunction fn, MemoryContext rowcxt)
{
	UsccIndex  *ix = &st->index;
	MemoryContext oldcxt;

	for (int r = 0; r < b->n; r++)
	{
		b->hash[r] = uscc_hash(DatumGetUsccP(b->values[r][0])->packed) & ix->mask;
		__builtin_prefetch(&ix->table[b->hash[r]]);
	}
	for (int r = 0; r < b->n; r++)
	{
		b->slot[r] = index_probe(ix, b->hash[r], DatumGetUsccP(b->values[r][0])->packed);
		if (b->slot[r] >= 0)
			__builtin_prefetch(&st->ents[b->slot[r]], 1);
	}
	oldcxt = MemoryContextSwitchTo(rowcxt);
	for (int r = 0; r < b->n; r++)
	{
		index_remember(ix, DatumGetUsccP(b->values[r][0])->packed, b->slot[r]);
		fn(st, b->values[r], b->nulls[r]);
	}
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(rowcxt);
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
 * Read the named columns of every row visible to the query's snapshot and
 * hand them to fn, in batches.  The first column is the USCC of the row's
 * enterprise.  With window_col >= 0, rows whose date in that column is not
 * in (after, D] are passed over before any work: no indicator of the table
 * looks at them.
 */
static void
scan_table(ComputeState *st, const char *name, const char *const *cols, int ncols, RowFunction fn,
		   int window_col, DateADT after)
{
	Oid			relid = table_oid(st, name);
	Relation	rel = table_open(relid, AccessShareLock);
	AttrNumber	attnums[MAX_COLS];
	TableScanDesc scan;
	TupleDesc	desc;
	HeapTuple	tuple;
	MemoryContext rowcxt;
	ScanBatch  *b;
	int64		rows = 0;
	instr_time	start;

	INSTR_TIME_SET_CURRENT(start);
	resolve_columns(relid, name, cols, ncols, attnums);

	rowcxt = AllocSetContextCreate(st->mcxt, "creditrisk scan rows", ALLOCSET_DEFAULT_SIZES);
	b = MemoryContextAllocZero(st->mcxt, sizeof(ScanBatch));
	b->arena = MemoryContextAlloc(st->mcxt, BATCH_ARENA);
	scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
	desc = RelationGetDescr(rel);
	/* the record tables are heap tables (the extension creates them) */
	while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Datum	   *values = b->values[b->n];
		bool	   *nulls = b->nulls[b->n];

		if (window_col >= 0)
		{
			bool		isnull;
			DateADT		d = DatumGetDateADT(heap_getattr(tuple, attnums[window_col], desc, &isnull));

			if (isnull || d <= after || d > st->w.d)
			{
				rows++;
				continue;		/* outside the window */
			}
		}
		/* an arena more than half full flushes first */
		if (b->used > BATCH_ARENA / 2)
		{
			flush_batch(st, b, fn, rowcxt);
			values = b->values[0];
			nulls = b->nulls[0];
		}
		for (int i = 0; i < ncols; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, attnums[i] - 1);

			values[i] = heap_getattr(tuple, attnums[i], desc, &nulls[i]);
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
			flush_batch(st, b, fn, rowcxt);
	}
	flush_batch(st, b, fn, rowcxt);
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	MemoryContextDelete(rowcxt);
	stage_done(name, rows, &start);
}

/* ------------------------------------------------------------------------
 * The register
 * ------------------------------------------------------------------------ */

/* GB/T 4754 codes of the key fields of art. 16 (food, drugs, special equipment). */
static const char *const key_field_prefixes[] = {
	"C13", "C14", "C15", "F512", "F521", "F522", "H62",	/* food */
	"C27", "F515", "F525",		/* drugs */
	"C341", "C343"				/* special equipment */
};

static bool
is_key_field_industry(const char *code, size_t len)
{
	/* only sections C, F and H hold key fields */
	if (len < 3 || (code[0] != 'C' && code[0] != 'F' && code[0] != 'H'))
		return false;
	for (int i = 0; i < lengthof(key_field_prefixes); i++)
	{
		size_t		plen = strlen(key_field_prefixes[i]);

		if (len >= plen && memcmp(code, key_field_prefixes[i], plen) == 0)
			return true;
	}
	return false;
}

typedef struct BranchLink
{
	int32		slot;
	uint8		parent[USCC_PACKED_LEN];
} BranchLink;

static void
load_register(ComputeState *st)
{
	static const char *const cols[] = {
		"uscc", "industry_code", "entity_type", "established_date", "registered_capital",
		"paid_in_capital", "status", "status_date", "parent_uscc"
	};
	Oid			relid = table_oid(st, "enterprise");
	Relation	rel = table_open(relid, AccessShareLock);
	AttrNumber	att[lengthof(cols)];
	AttrNumber	maxatt = 0;
	TableScanDesc scan;
	TupleTableSlot *slot;
	BranchLink *branches;
	int64		nbranches = 0;
	int64		capbranches = 1024;
	const Windows *w = &st->w;
	instr_time	start;

	resolve_columns(relid, "enterprise", cols, lengthof(cols), att);
	for (int i = 0; i < lengthof(cols); i++)
	{
		maxatt = Max(maxatt, att[i]);
		att[i]--;				/* an index into the slot's arrays */
	}

	INSTR_TIME_SET_CURRENT(start);
	/* sized from the planner's estimate (at most 4M at first), grown if low */
	st->cap = (int32) Max(1024.0, Min(rel->rd_rel->reltuples * 1.05, (double) (1 << 22)));
	st->n = 0;
	st->ents = alloc_large(st->mcxt, sizeof(Enterprise) * (Size) st->cap);
	st->index.keys = MemoryContextAllocHuge(st->mcxt, (Size) USCC_PACKED_LEN * st->cap);
	branches = MemoryContextAllocHuge(st->mcxt, sizeof(BranchLink) * capbranches);

	slot = table_slot_create(rel, NULL);
	scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		Datum	   *v = slot->tts_values;
		bool	   *null = slot->tts_isnull;
		Enterprise *e;
		text	   *industry;

		slot_getsomeattrs(slot, maxatt);
		if (st->n == st->cap)
		{
			st->cap *= 2;
			st->ents = repalloc_huge(st->ents, sizeof(Enterprise) * (Size) st->cap);
			st->index.keys = repalloc_huge(st->index.keys, (Size) USCC_PACKED_LEN * st->cap);
		}
		e = &st->ents[st->n];
		memset(e, 0, sizeof(Enterprise));
		memcpy(st->index.keys + (Size) st->n * USCC_PACKED_LEN, DatumGetUsccP(v[att[0]])->packed, USCC_PACKED_LEN);

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
		if (!null[att[8]])
		{
			if (nbranches == capbranches)
			{
				capbranches *= 2;
				branches = repalloc_huge(branches, sizeof(BranchLink) * capbranches);
			}
			branches[nbranches].slot = st->n;
			memcpy(branches[nbranches].parent, DatumGetUsccP(v[att[8]])->packed, USCC_PACKED_LEN);
			nbranches++;
		}
		e->in_population = e->established <= w->d &&
			!(e->status == ST_CANCELLED && e->status_date <= w->d);
		st->n++;
		if ((st->n & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	table_close(rel, AccessShareLock);
	stage_done("enterprise scan", st->n, &start);

	index_build(st);
	stage_done("enterprise index", st->n, &start);

	/* branches: parent slots, and the parents' branches in business on D */
	for (int64 i = 0; i < nbranches; i++)
	{
		Enterprise *b = &st->ents[branches[i].slot];
		int32		p = index_lookup(st, (const Uscc *) branches[i].parent);

		b->parent = p;
		if (p >= 0 && b->established <= w->d &&
			!(b->status != ST_IN_BUSINESS && b->status_date <= w->d))
			st->ents[p].branches++;
	}
	pfree(branches);
}

/* ------------------------------------------------------------------------
 * Record tables: one row at a time
 * ------------------------------------------------------------------------ */

static void
row_licence(ComputeState *st, Datum *v, bool *null)
{
	int32		s = index_lookup(st, DatumGetUsccP(v[0]));
	Licence    *l;
	DateADT		from = DatumGetDateADT(v[1]);

	if (s < 0 || from > st->w.d)
		return;					/* licences granted after D play no part */
	if (st->nlicences == st->caplicences)
	{
		st->caplicences *= 2;
		st->licences = repalloc_huge(st->licences, sizeof(Licence) * st->caplicences);
	}
	l = &st->licences[st->nlicences++];
	l->slot = s;
	l->valid_from = from;
	l->valid_to = null[2] ? DATEVAL_NOEND : DatumGetDateADT(v[2]);
	l->revoked = null[3] ? DATEVAL_NOEND : DatumGetDateADT(v[3]);
	l->kind = NULL;
	if (!null[4])
	{
		struct varlena *k = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(v[4]));
		int			len = VARSIZE_ANY_EXHDR(k);

		if (len > 0)
			l->kind = MemoryContextStrdup(st->mcxt, text_to_cstring((text *) k));
	}
}

static int
cmp_licence(const void *a, const void *b)
{
	const Licence *x = a;
	const Licence *y = b;

	return (x->slot > y->slot) - (x->slot < y->slot);
}

static bool
same_kind(const Licence *a, const Licence *b)
{
	return a->kind == NULL || b->kind == NULL || strcmp(a->kind, b->kind) == 0;
}

/* Licences of one enterprise: lapsed, expired without renewal, revoked. */
static void
finish_licences(ComputeState *st)
{
	const Windows *w = &st->w;
	int64		i = 0;

	qsort(st->licences, st->nlicences, sizeof(Licence), cmp_licence);
	while (i < st->nlicences)
	{
		int64		j = i;
		Enterprise *e = &st->ents[st->licences[i].slot];
		bool		any_valid = false;

		while (j < st->nlicences && st->licences[j].slot == st->licences[i].slot)
			j++;
		for (int64 k = i; k < j; k++)
		{
			const Licence *l = &st->licences[k];

			if (w->d < l->valid_to && l->revoked > w->d)
				any_valid = true;
			if (l->revoked != DATEVAL_NOEND && IN_WINDOW(l->revoked, w->y3, w))
				e->licences_revoked_3y++;
			if (l->valid_to != DATEVAL_NOEND && IN_WINDOW(l->valid_to, w->y1, w))
			{
				bool		renewed = false;

				for (int64 m = i; m < j && !renewed; m++)
				{
					const Licence *r = &st->licences[m];

					renewed = m != k && same_kind(l, r) && r->valid_from >= l->valid_to - 180;
				}
				if (!renewed)
					e->licences_unrenewed_1y++;
			}
		}
		e->licence_lapsed = !any_valid;
		i = j;
	}
}

static const char *const licence_cols[] = {"uscc", "valid_from", "valid_to", "revoked_date", "kind"};

static void
row_penalty(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		decided = DatumGetDateADT(v[1]);
	uint8		severity;
	bool		key_field;

	if (e == NULL || decided > w->d)
		return;
	if (!null[4] && DatumGetDateADT(v[4]) > w->d)
		e->penalties_in_publicity++;
	if (!IN_WINDOW(decided, w->y3, w))
		return;
	severity = text_is(v[2], "serious") ? 3 : text_is(v[2], "general") ? 2 : 1;
	key_field = !text_is(v[5], "other");
	e->penalties_3y++;
	e->penalty_max_severity_3y = Max(e->penalty_max_severity_3y, severity);
	if (severity == 3)
		e->penalties_serious_3y++;
	else if (severity == 2)
		e->penalties_general_3y++;
	e->fines_3y += amount_units(v[3]);
	if (key_field)
	{
		e->penalties_key_3y++;
		if (severity == 3)
			e->penalties_key_serious_3y++;
	}
	if (decided > w->y1)
	{
		e->penalties_1y++;
		if (key_field)
			e->penalties_key_1y++;
	}
}

static const char *const penalty_cols[] = {
	"uscc", "decision_date", "severity", "fine_amount", "publicity_end_date", "field"
};

static uint8
check_outcome_code(Datum outcome, bool refused)
{
	if (refused)
		return 5;
	if (text_is(outcome, "pass"))
		return 1;
	if (text_is(outcome, "problems_found"))
		return 2;
	if (text_is(outcome, "rectification_ordered"))
		return 3;
	return 4;					/* not_found_at_address */
}

static void
row_spot_check(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		checked = DatumGetDateADT(v[1]);
	bool		refused = DatumGetBool(v[3]);
	uint8		code;

	if (e == NULL || checked > w->d)
		return;
	code = check_outcome_code(v[2], refused);
	if (e->last_check_outcome == 0 || checked > e->last_check ||
		(checked == e->last_check && code > e->last_check_outcome))
	{
		e->last_check = checked;
		e->last_check_outcome = code;
	}
	if (!IN_WINDOW(checked, w->y3, w))
		return;
	e->checks_3y++;
	if (text_is(v[2], "pass") && !refused)
		e->checks_pass_3y++;
	else if (text_is(v[2], "problems_found"))
		e->checks_problems_3y++;
	else if (text_is(v[2], "not_found_at_address"))
		e->checks_not_found_3y++;
	if (checked > w->y1)
	{
		if (refused)
			e->checks_refused_1y++;
		if (text_is(v[2], "rectification_ordered"))
			e->checks_rectification_1y++;
	}
}

static const char *const spot_check_cols[] = {"uscc", "check_date", "outcome", "refused"};

static void
row_complaint(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		received = DatumGetDateADT(v[1]);
	bool		report;
	bool		substantiated;

	if (e == NULL || received > w->d || received <= w->y3)
		return;
	report = text_is(v[2], "report");
	substantiated = !null[3] && DatumGetBool(v[3]);
	if (report)
		e->reports_3y++;
	else
		e->complaints_3y++;
	if (received > w->m6)
	{
		if (received > w->m3)
			e->received_3m++;
		else
			e->received_prev_3m++;
	}
	if (received <= w->y1)
		return;
	e->received_1y++;
	if (substantiated)
		e->substantiated_1y++;
	if (report)
	{
		e->reports_1y++;
		if (substantiated)
			e->reports_substantiated_1y++;
	}
	else
	{
		e->complaints_1y++;
		if (substantiated)
			e->complaints_substantiated_1y++;
	}
}

static const char *const complaint_cols[] = {"uscc", "received_date", "kind", "substantiated"};

/* Gravity of an abnormal-listing reason: 1 < 9 < 2 < 3 < 4. */
static const uint8 reason_gravity[10] = {0, 1, 3, 4, 5, 0, 0, 0, 0, 2};
static const uint8 gravity_reason[6] = {0, 1, 9, 2, 3, 4};

static void
row_abnormal(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		listed = DatumGetDateADT(v[1]);
	int			reason = DatumGetInt16(v[3]);

	if (e == NULL || listed > w->d)
		return;
	if (IN_WINDOW(listed, w->y3, w))
		e->abnormal_times_3y++;
	if (CURRENT(listed, null[2], DatumGetDateADT(v[2]), w))
	{
		uint8		g = (reason >= 0 && reason <= 9 && reason_gravity[reason] > 0) ? reason_gravity[reason] : 2;

		if (!e->abnormal_current || listed < e->abnormal_first_current)
			e->abnormal_first_current = listed;
		e->abnormal_current = true;
		e->abnormal_gravity = Max(e->abnormal_gravity, g);
	}
}

static const char *const abnormal_cols[] = {"uscc", "listed_date", "removed_date", "reason"};

static void
row_serious(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		listed = DatumGetDateADT(v[1]);

	if (e == NULL || listed > w->d)
		return;
	if (IN_WINDOW(listed, w->y5, w))
		e->serious_listings_5y++;
	if (!null[2] && IN_WINDOW(DatumGetDateADT(v[2]), w->y2, w))
		e->serious_removed_2y++;
	if (CURRENT(listed, null[2], DatumGetDateADT(v[2]), w))
		e->serious_current = true;
}

static void
row_debtor(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		listed = DatumGetDateADT(v[1]);

	if (e == NULL || listed > w->d)
		return;
	if (IN_WINDOW(listed, w->y3, w))
		e->debtor_listings_3y++;
	if (!null[2] && IN_WINDOW(DatumGetDateADT(v[2]), w->y1, w))
		e->debtor_removed_1y++;
	if (CURRENT(listed, null[2], DatumGetDateADT(v[2]), w))
		e->debtor_current = true;
}

static const char *const listing_cols[] = {"uscc", "listed_date", "removed_date"};

static void
row_annual_report(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	int			back = w->latest_due_year - DatumGetInt16(v[1]);

	if (e == NULL || back < 0 || back > 2 || DatumGetDateADT(v[2]) > w->d)
		return;
	e->reports_filed |= 1 << back;
	if (!DatumGetBool(v[3]))
		e->reports_late |= 1 << back;
}

static const char *const annual_report_cols[] = {"uscc", "year", "filed_on", "on_time"};

static void
row_change(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		changed = DatumGetDateADT(v[1]);

	if (e == NULL || !IN_WINDOW(changed, w->y3, w))
		return;
	e->changes_3y++;
	if (changed <= w->y1)
		return;
	if (text_is(v[2], "legal_representative"))
	{
		if (st->nrep_changes == st->caprep_changes)
		{
			st->caprep_changes = Max(1024, st->caprep_changes * 2);
			st->rep_changes = st->rep_changes == NULL ?
				MemoryContextAllocHuge(st->mcxt, sizeof(SlotDate) * st->caprep_changes) :
				repalloc_huge(st->rep_changes, sizeof(SlotDate) * st->caprep_changes);
		}
		st->rep_changes[st->nrep_changes].slot = e - st->ents;
		st->rep_changes[st->nrep_changes].date = changed;
		st->nrep_changes++;
	}
	else if (text_is(v[2], "name"))
		e->changes_name_1y++;
	else if (text_is(v[2], "address"))
		e->changes_address_1y++;
	else if (text_is(v[2], "scope"))
		e->changes_scope_1y++;
	else if (text_is(v[2], "capital"))
		e->changes_capital_1y++;
}

static const char *const change_cols[] = {"uscc", "change_date", "kind"};

static int
cmp_slot_date(const void *a, const void *b)
{
	const SlotDate *x = a;
	const SlotDate *y = b;

	if (x->slot != y->slot)
		return (x->slot > y->slot) - (x->slot < y->slot);
	return (x->date > y->date) - (x->date < y->date);
}

/* Several changes of the legal representative on one day count once. */
static void
finish_rep_changes(ComputeState *st)
{
	qsort(st->rep_changes, st->nrep_changes, sizeof(SlotDate), cmp_slot_date);
	for (int64 i = 0; i < st->nrep_changes; i++)
		if (i == 0 || st->rep_changes[i].slot != st->rep_changes[i - 1].slot ||
			st->rep_changes[i].date != st->rep_changes[i - 1].date)
			st->ents[st->rep_changes[i].slot].changes_legal_rep_1y++;
}

static void
row_equity(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		start = DatumGetDateADT(v[2]);
	bool		pledge = text_is(v[1], "pledge");
	bool		current;

	if (e == NULL || start > w->d)
		return;
	current = CURRENT(start, null[3], DatumGetDateADT(v[3]), w);
	if (pledge)
	{
		e->pledges_current += current;
		e->pledges_1y += IN_WINDOW(start, w->y1, w);
	}
	else
	{
		e->freezes_current += current;
		e->freezes_3y += IN_WINDOW(start, w->y3, w);
	}
}

static const char *const equity_cols[] = {"uscc", "kind", "start_date", "end_date"};

static void
row_lawsuit(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		filed = DatumGetDateADT(v[1]);

	if (e == NULL || !IN_WINDOW(filed, w->y3, w) || !text_is(v[2], "defendant"))
		return;
	e->defendant_3y++;
	if (text_is(v[3], "criminal"))
		e->criminal_defendant_3y++;
	if (filed > w->y1)
	{
		e->defendant_1y++;
		if (text_is(v[3], "labour"))
			e->labour_defendant_1y++;
	}
}

static const char *const lawsuit_cols[] = {"uscc", "filed_date", "role", "kind"};

static void
row_opinion(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		published = DatumGetDateADT(v[1]);
	bool		negative;

	if (e == NULL || !IN_WINDOW(published, w->y1, w))
		return;
	negative = text_is(v[2], "negative");
	e->opinions_1y++;
	e->negative_1y += negative;
	e->negative_3m += negative && published > w->m3;
}

static const char *const opinion_cols[] = {"uscc", "published_date", "sentiment"};

static void
row_domain_class(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);

	if (e != NULL && DatumGetDateADT(v[1]) <= st->w.d)
		e->domain_class = true;
}

static const char *const domain_class_cols[] = {"uscc", "assessed_date"};

/* ------------------------------------------------------------------------
 * Related parties
 * ------------------------------------------------------------------------ */

static inline void
add_edge(ComputeState *st, int32 from, int32 to, uint8 flags)
{
	if (st->nedges == st->capedges)
	{
		st->capedges *= 2;
		st->edges = repalloc_huge(st->edges, sizeof(Edge) * st->capedges);
	}
	st->edges[st->nedges].from = from;
	st->edges[st->nedges].to = to;
	st->edges[st->nedges].flags = flags;
	st->nedges++;
}

static void
row_link(ComputeState *st, Datum *v, bool *null)
{
	const Windows *w = &st->w;
	int32		a = index_lookup(st, DatumGetUsccP(v[0]));
	int32		b = index_lookup(st, DatumGetUsccP(v[1]));
	bool		started = null[3] || DatumGetDateADT(v[3]) <= w->d;
	bool		in_force = started && (null[4] || DatumGetDateADT(v[4]) > w->d);
	bool		recent = started && (null[4] || DatumGetDateADT(v[4]) > w->y1);
	uint8		common = 0;
	uint8		ab = 0;
	uint8		ba = 0;

	if (a < 0 || b < 0 || a == b || !recent)
		return;
	if (in_force)
	{
		ab = ba = EDGE_IN_FORCE;
		if (text_is(v[2], "common_legal_representative"))
			common = EDGE_COMMON_REP;
		else if (text_is(v[2], "shareholder"))
		{
			/* a invests in b */
			ab |= EDGE_INVESTMENT;
			ba |= EDGE_SHAREHOLDER;
		}
	}
	add_edge(st, a, b, ab | common | EDGE_RECENT);
	add_edge(st, b, a, ba | common | EDGE_RECENT);
}

static const char *const link_cols[] = {"from_uscc", "to_uscc", "kind", "valid_from", "valid_to"};

static int
cmp_edge(const void *a, const void *b)
{
	const Edge *x = a;
	const Edge *y = b;

	if (x->from != y->from)
		return (x->from > y->from) - (x->from < y->from);
	return (x->to > y->to) - (x->to < y->to);
}

/* Aggregate over the distinct related enterprises of each enterprise. */
static void
finish_related(ComputeState *st)
{
	const Windows *w = &st->w;
	int64		i = 0;

	qsort(st->edges, st->nedges, sizeof(Edge), cmp_edge);
	while (i < st->nedges)
	{
		Enterprise *e = &st->ents[st->edges[i].from];
		const Enterprise *r = &st->ents[st->edges[i].to];
		uint8		flags = 0;
		int64		j = i;

		while (j < st->nedges && st->edges[j].from == st->edges[i].from && st->edges[j].to == st->edges[i].to)
			flags |= st->edges[j++].flags;
		i = j;

		if ((flags & EDGE_RECENT) && r->status == ST_CANCELLED && IN_WINDOW(r->status_date, w->y1, w))
			e->related_cancelled_1y++;
		if (!(flags & EDGE_IN_FORCE))
			continue;
		e->related++;
		e->related_common_rep += (flags & EDGE_COMMON_REP) != 0;
		e->investments += (flags & EDGE_INVESTMENT) != 0;
		if (flags & EDGE_SHAREHOLDER)
		{
			e->shareholders++;
			if (r->serious_current || r->debtor_current)
				e->shareholder_listed = true;
		}
		e->related_revoked += r->status == ST_REVOKED && r->status_date <= w->d;
		e->related_abnormal += r->abnormal_current;
		e->related_serious += r->serious_current;
		e->related_debtor += r->debtor_current;
		e->related_penalties_1y += r->penalties_1y;
		e->related_serious_penalties_3y += r->penalties_serious_3y;
	}
}

/* ------------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------------ */

static int
popcount3(uint8 bits)
{
	return (bits & 1) + ((bits >> 1) & 1) + ((bits >> 2) & 1);
}

/* Due years Y, Y-1, Y-2 that count for the enterprise (from its establishment year). */
static uint8
due_years(const Windows *w, const Enterprise *e)
{
	int			est_year;
	int			month;
	int			day;
	uint8		mask = 0;

	j2date(e->established + POSTGRES_EPOCH_JDATE, &est_year, &month, &day);
	for (int k = 0; k < 3; k++)
		if (w->latest_due_year - k >= est_year)
			mask |= 1 << k;
	return mask;
}

/*
 * Most indicators are a counter of the enterprise as it stands: their
 * offset in Enterprise, so that the output loop reads them directly; -1 for
 * the others, which builtin_value() derives.
 */
static int
plain_counter_offset(int id)
{
	switch ((BuiltinId) id)
	{
#define PLAIN(indicator, field) case indicator: return offsetof(Enterprise, field)
			PLAIN(I_CORPORATE_SHAREHOLDER_COUNT, shareholders);
			PLAIN(I_OUTBOUND_INVESTMENT_COUNT, investments);
			PLAIN(I_LICENCE_EXPIRED_UNRENEWED_1Y, licences_unrenewed_1y);
			PLAIN(I_LICENCE_REVOKED_3Y, licences_revoked_3y);
			PLAIN(I_LEGAL_REP_CHANGES_1Y, changes_legal_rep_1y);
			PLAIN(I_NAME_CHANGES_1Y, changes_name_1y);
			PLAIN(I_ADDRESS_CHANGES_1Y, changes_address_1y);
			PLAIN(I_SCOPE_CHANGES_1Y, changes_scope_1y);
			PLAIN(I_CAPITAL_CHANGES_1Y, changes_capital_1y);
			PLAIN(I_CHANGES_TOTAL_3Y, changes_3y);
			PLAIN(I_EQUITY_PLEDGES_CURRENT, pledges_current);
			PLAIN(I_EQUITY_FREEZES_CURRENT, freezes_current);
			PLAIN(I_EQUITY_PLEDGES_1Y, pledges_1y);
			PLAIN(I_EQUITY_FREEZES_3Y, freezes_3y);
			PLAIN(I_LAWSUITS_DEFENDANT_1Y, defendant_1y);
			PLAIN(I_LAWSUITS_DEFENDANT_3Y, defendant_3y);
			PLAIN(I_LABOUR_DISPUTES_DEFENDANT_1Y, labour_defendant_1y);
			PLAIN(I_CRIMINAL_DEFENDANT_3Y, criminal_defendant_3y);
			PLAIN(I_ABNORMAL_LIST_TIMES_3Y, abnormal_times_3y);
			PLAIN(I_SERIOUS_DISHONESTY_LISTINGS_5Y, serious_listings_5y);
			PLAIN(I_SERIOUS_DISHONESTY_REMOVED_2Y, serious_removed_2y);
			PLAIN(I_JUDGMENT_DEBTOR_LISTINGS_3Y, debtor_listings_3y);
			PLAIN(I_JUDGMENT_DEBTOR_REMOVED_1Y, debtor_removed_1y);
			PLAIN(I_PENALTIES_1Y, penalties_1y);
			PLAIN(I_PENALTIES_3Y, penalties_3y);
			PLAIN(I_PENALTIES_IN_PUBLICITY, penalties_in_publicity);
			PLAIN(I_PENALTIES_SERIOUS_3Y, penalties_serious_3y);
			PLAIN(I_PENALTIES_GENERAL_3Y, penalties_general_3y);
			PLAIN(I_PENALTIES_KEY_FIELD_1Y, penalties_key_1y);
			PLAIN(I_PENALTIES_KEY_FIELD_3Y, penalties_key_3y);
			PLAIN(I_PENALTIES_KEY_FIELD_SERIOUS_3Y, penalties_key_serious_3y);
			PLAIN(I_SPOT_CHECK_REFUSED_1Y, checks_refused_1y);
			PLAIN(I_SPOT_CHECK_PROBLEMS_3Y, checks_problems_3y);
			PLAIN(I_SPOT_CHECK_RECTIFICATION_1Y, checks_rectification_1y);
			PLAIN(I_SPOT_CHECK_NOT_FOUND_3Y, checks_not_found_3y);
			PLAIN(I_RELATED_ENTERPRISE_COUNT, related);
			PLAIN(I_COMMON_LEGAL_REP_COUNT, related_common_rep);
			PLAIN(I_RELATED_REVOKED_COUNT, related_revoked);
			PLAIN(I_RELATED_CANCELLED_1Y, related_cancelled_1y);
			PLAIN(I_RELATED_ABNORMAL_CURRENT, related_abnormal);
			PLAIN(I_RELATED_SERIOUS_DISHONESTY_CURRENT, related_serious);
			PLAIN(I_RELATED_JUDGMENT_DEBTOR_CURRENT, related_debtor);
			PLAIN(I_RELATED_PENALTIES_1Y, related_penalties_1y);
			PLAIN(I_RELATED_SERIOUS_PENALTIES_3Y, related_serious_penalties_3y);
			PLAIN(I_COMPLAINTS_1Y, complaints_1y);
			PLAIN(I_COMPLAINTS_3Y, complaints_3y);
			PLAIN(I_COMPLAINTS_SUBSTANTIATED_1Y, complaints_substantiated_1y);
			PLAIN(I_REPORTS_1Y, reports_1y);
			PLAIN(I_REPORTS_3Y, reports_3y);
			PLAIN(I_REPORTS_SUBSTANTIATED_1Y, reports_substantiated_1y);
			PLAIN(I_NEGATIVE_OPINION_1Y, negative_1y);
			PLAIN(I_NEGATIVE_OPINION_3M, negative_3m);
#undef PLAIN
		default:
			return -1;
	}
}

/*
 * The value of a built-in indicator that is not a plain counter; false when
 * it is missing.
 */
static bool
builtin_value(const ComputeState *st, const Enterprise *e, int id, double *out)
{
	const Windows *w = &st->w;
	const Enterprise *basis = e->parent >= 0 ? &st->ents[e->parent] : e;	/* capital, legal form */
	double		v;

	switch ((BuiltinId) id)
	{
		case I_REGISTERED_CAPITAL:
			if (basis->registered_capital_null)
				return false;
			v = basis->registered_capital / AMOUNT_SCALE;
			break;
		case I_BRANCH_COUNT: v = e->parent >= 0 ? 0 : e->branches; break;
		case I_YEARS_IN_OPERATION: v = (double) (w->d - e->established) / 365.25; break;
		case I_STATUS_REVOKED: v = e->status == ST_REVOKED && e->status_date <= w->d; break;
		case I_ENTITY_TYPE_CLASS: v = basis->entity_type; break;
		case I_IS_BRANCH: v = e->parent >= 0; break;
		case I_INDUSTRY_SECTION_CLASS: v = e->section; break;
		case I_KEY_FIELD_INDUSTRY: v = e->key_field_industry || e->domain_class; break;
		case I_LICENCE_LAPSED: v = e->licence_lapsed; break;
		case I_PAID_IN_RATIO:
			if (basis->registered_capital_null || basis->paid_in_capital_null ||
				basis->registered_capital == 0)
				return false;
			v = (basis->paid_in_capital / AMOUNT_SCALE) / (basis->registered_capital / AMOUNT_SCALE);
			break;
		case I_UNPAID_CAPITAL:
			if (basis->registered_capital_null || basis->paid_in_capital_null)
				return false;
			v = (basis->registered_capital - basis->paid_in_capital) / AMOUNT_SCALE;
			break;
		case I_ANNUAL_REPORT_LATEST_MISSING:
			v = (due_years(w, e) & 1) && !(e->reports_filed & 1);
			break;
		case I_ANNUAL_REPORTS_MISSING_3Y: v = popcount3(due_years(w, e) & ~e->reports_filed); break;
		case I_ANNUAL_REPORTS_LATE_3Y: v = popcount3(due_years(w, e) & e->reports_late); break;
		case I_ABNORMAL_LIST_CURRENT: v = e->abnormal_current; break;
		case I_ABNORMAL_LIST_REASON_CURRENT: v = gravity_reason[e->abnormal_gravity]; break;
		case I_ABNORMAL_LIST_CURRENT_DAYS:
			v = e->abnormal_current ? w->d - e->abnormal_first_current + 1 : 0;
			break;
		case I_SERIOUS_DISHONESTY_CURRENT: v = e->serious_current; break;
		case I_JUDGMENT_DEBTOR_CURRENT: v = e->debtor_current; break;
		case I_PENALTY_MAX_SEVERITY_3Y: v = e->penalty_max_severity_3y; break;
		case I_PENALTY_FINES_3Y: v = e->fines_3y / AMOUNT_SCALE; break;
		case I_SPOT_CHECK_LAST_OUTCOME:
			if (e->last_check_outcome == 0)
				return false;
			v = e->last_check_outcome;
			break;
		case I_SPOT_CHECK_PASS_RATIO_3Y:
			if (e->checks_3y == 0)
				return false;
			v = (double) e->checks_pass_3y / e->checks_3y;
			break;
		case I_RELATED_REVOKED_RATIO:
			if (e->related == 0)
				return false;
			v = (double) e->related_revoked / e->related;
			break;
		case I_PARENT_ADVERSE:
			if (e->parent < 0)
				v = 0;
			else
			{
				const Enterprise *p = &st->ents[e->parent];

				v = (p->status != ST_IN_BUSINESS && p->status_date <= w->d) ||
					p->abnormal_current || p->serious_current || p->debtor_current;
			}
			break;
		case I_SHAREHOLDER_LISTED_CURRENT: v = e->shareholder_listed; break;
		case I_COMPLAINTS_GROWTH_3M:
			v = (double) (e->received_3m - e->received_prev_3m) / (e->received_prev_3m + 1);
			break;
		case I_SUBSTANTIATED_RATIO_1Y:
			if (e->received_1y == 0)
				return false;
			v = (double) e->substantiated_1y / e->received_1y;
			break;
		case I_NEGATIVE_OPINION_SHARE_1Y:
			if (e->opinions_1y == 0)
				return false;
			v = (double) e->negative_1y / e->opinions_1y;
			break;
		default:
			/* the plain counters (plain_counter_offset) are read directly */
			elog(ERROR, "creditrisk: no derivation for built-in indicator %d", id);
	}
	*out = v;
	return true;
}

/* ------------------------------------------------------------------------
 * The model's indicators, the windows, the SQL-defined entries
 * ------------------------------------------------------------------------ */

typedef struct ModelColumns
{
	int			n;
	int		   *builtin;		/* built-in id, or -1: SQL-defined */
	char	  **code;
	char	  **definition;		/* SQL definition, or NULL */
	int			ncustom;
	int		   *custom_pos;		/* model positions of the SQL-defined ones */
} ModelColumns;

static void
load_model_columns(const char *model, ModelColumns *mc, MemoryContext outer)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	StringInfoData missing;

	args[0] = CStringGetTextDatum(model);
	if (SPI_execute_with_args("SELECT 1 FROM creditrisk.model WHERE model_key = $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: model lookup failed");
	if (SPI_processed == 0)
		report_model_not_found(model);

	if (SPI_execute_with_args("SELECT mi.code, i.builtin, i.definition_sql"
							  "  FROM creditrisk.model_indicator mi"
							  "  JOIN creditrisk.indicator i ON i.code = mi.code"
							  " WHERE mi.model_key = $1 ORDER BY mi.position",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: model indicators lookup failed");

	mc->n = (int) SPI_processed;
	mc->builtin = MemoryContextAlloc(outer, sizeof(int) * (mc->n + 1));
	mc->code = MemoryContextAlloc(outer, sizeof(char *) * (mc->n + 1));
	mc->definition = MemoryContextAlloc(outer, sizeof(char *) * (mc->n + 1));
	mc->custom_pos = MemoryContextAlloc(outer, sizeof(int) * (mc->n + 1));
	mc->ncustom = 0;
	initStringInfo(&missing);
	for (int i = 0; i < mc->n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		bool		builtin = DatumGetBool(SPI_getbinval(tup, desc, 2, &isnull));
		char	   *def = SPI_getvalue(tup, desc, 3);

		mc->code[i] = MemoryContextStrdup(outer, SPI_getvalue(tup, desc, 1));
		mc->definition[i] = def ? MemoryContextStrdup(outer, def) : NULL;
		mc->builtin[i] = builtin ? builtin_find(mc->code[i]) : -1;
		if (mc->builtin[i] < 0)
		{
			if (def == NULL)
				appendStringInfo(&missing, "%s%s", missing.len ? ", " : "", mc->code[i]);
			mc->custom_pos[mc->ncustom++] = i;
		}
	}
	if (missing.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" uses indicators without an SQL definition", model),
				 errdetail("Without a definition: %s.", missing.data),
				 errhint("Set creditrisk.indicator.definition_sql, or load their values into creditrisk.indicator_value and score those.")));
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
}

/*
 * Values of the SQL-defined entries, in one query: custom[slot * ncustom + k].
 */
static void
compute_custom(ComputeState *st, const ModelColumns *mc, double *custom, bool *custom_null)
{
	StringInfoData sql;
	Oid			argtypes[1] = {DATEOID};
	Datum		args[1] = {DateADTGetDatum(st->w.d)};
	SPIPlanPtr	plan;
	Portal		portal;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT e.uscc");
	for (int k = 0; k < mc->ncustom; k++)
		appendStringInfo(&sql, ",\n (%s)::double precision", mc->definition[mc->custom_pos[k]]);
	appendStringInfoString(&sql, "\n FROM creditrisk.enterprise e"
						   " WHERE creditrisk.in_population(e.established_date, e.status, e.status_date, $1)");

	plan = SPI_prepare(sql.data, 1, argtypes);
	if (plan == NULL)
		elog(ERROR, "creditrisk: SPI_prepare failed for the SQL-defined indicators: %s",
			 SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, args, NULL, true);
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
			int32		s = index_lookup(st, DatumGetUsccP(SPI_getbinval(tup, desc, 1, &isnull)));

			if (s < 0)
				continue;
			for (int k = 0; k < mc->ncustom; k++)
			{
				Datum		d = SPI_getbinval(tup, desc, k + 2, &isnull);

				custom_null[(Size) s * mc->ncustom + k] = isnull;
				custom[(Size) s * mc->ncustom + k] = isnull ? 0 : DatumGetFloat8(d);
			}
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
}

/* ------------------------------------------------------------------------
 * Privileges and row-level security
 * ------------------------------------------------------------------------ */

/*
 * Whether the direct path may read these tables: refuses without SELECT,
 * and answers false where row-level security applies to the caller.
 */
static bool
direct_read_allowed(ComputeState *st, uint32 tables)
{
	bool		allowed = true;

	for (int t = -1; t < T_COUNT; t++)
	{
		const char *name = t < 0 ? "enterprise" : table_names[t];
		Oid			relid;
		AclResult	acl;

		if (t >= 0 && !(tables & B(t)))
			continue;
		relid = table_oid(st, name);
		acl = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT);
		if (acl != ACLCHECK_OK)
			aclcheck_error(acl, OBJECT_TABLE, psprintf("creditrisk.%s", name));
		if (check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
			allowed = false;
	}
	return allowed;
}

/* The whole computation through the SQL definitions (honours policies). */
static void
compute_by_sql(const char *model, DateADT as_of, Tuplestorestate *ts)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(model)};
	Oid			dargtypes[1] = {DATEOID};
	Datum		dargs[1] = {DateADTGetDatum(as_of)};
	char	   *sql;
	SPIPlanPtr	plan;
	Portal		portal;

	if (SPI_execute_with_args("SELECT creditrisk.indicators_to_sql($1)", 1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: indicators_to_sql failed");
	sql = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	plan = SPI_prepare(sql, 1, dargtypes);
	if (plan == NULL)
		elog(ERROR, "creditrisk: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, dargs, NULL, true);
	for (;;)
	{
		SPI_cursor_fetch(portal, true, 10000);
		if (SPI_processed == 0)
			break;
		for (uint64 r = 0; r < SPI_processed; r++)
			tuplestore_puttuple(ts, SPI_tuptable->vals[r]);
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
}

/* ------------------------------------------------------------------------
 * compute_indicators(model text, as_of date)
 *		RETURNS TABLE (uscc uscc, indicators double precision[])
 * ------------------------------------------------------------------------ */

static void
scan_records(ComputeState *st, uint32 tables)
{
	if (tables & B(T_LICENCE))
	{
		st->caplicences = 1024;
		st->licences = MemoryContextAllocHuge(st->mcxt, sizeof(Licence) * st->caplicences);
		scan_table(st, "licence", licence_cols, lengthof(licence_cols), row_licence, -1, 0);
		finish_licences(st);
	}
	if (tables & B(T_PENALTY))
		scan_table(st, "penalty", penalty_cols, lengthof(penalty_cols), row_penalty, -1, 0);
	if (tables & B(T_SPOT_CHECK))
		scan_table(st, "spot_check", spot_check_cols, lengthof(spot_check_cols), row_spot_check, -1, 0);
	if (tables & B(T_COMPLAINT))
		scan_table(st, "complaint", complaint_cols, lengthof(complaint_cols), row_complaint, 1, st->w.y3);
	if (tables & B(T_ABNORMAL))
		scan_table(st, "abnormal_listing", abnormal_cols, lengthof(abnormal_cols), row_abnormal, -1, 0);
	if (tables & B(T_SERIOUS))
		scan_table(st, "serious_dishonesty_listing", listing_cols, lengthof(listing_cols), row_serious, -1, 0);
	if (tables & B(T_JUDGMENT))
		scan_table(st, "judgment_debtor_listing", listing_cols, lengthof(listing_cols), row_debtor, -1, 0);
	if (tables & B(T_ANNUAL_REPORT))
		/* a report for year Y is filed after 31 December of Y (a constraint) */
		scan_table(st, "annual_report", annual_report_cols, lengthof(annual_report_cols), row_annual_report,
				   2, date2j(st->w.latest_due_year - 2, 12, 31) - POSTGRES_EPOCH_JDATE);
	if (tables & B(T_CHANGE))
	{
		scan_table(st, "registration_change", change_cols, lengthof(change_cols), row_change, 1, st->w.y3);
		finish_rep_changes(st);
	}
	if (tables & B(T_EQUITY))
		scan_table(st, "equity_pledge_freeze", equity_cols, lengthof(equity_cols), row_equity, -1, 0);
	if (tables & B(T_LAWSUIT))
		scan_table(st, "lawsuit", lawsuit_cols, lengthof(lawsuit_cols), row_lawsuit, 1, st->w.y3);
	if (tables & B(T_OPINION))
		scan_table(st, "public_opinion", opinion_cols, lengthof(opinion_cols), row_opinion, 1, st->w.y1);
	if (tables & B(T_DOMAIN_CLASS))
		scan_table(st, "domain_risk_class", domain_class_cols, lengthof(domain_class_cols), row_domain_class, -1, 0);
	/* links last: the related set reads the other tables' facts */
	if (tables & B(T_LINK))
	{
		st->capedges = 1024;
		st->edges = MemoryContextAllocHuge(st->mcxt, sizeof(Edge) * st->capedges);
		scan_table(st, "related_party_link", link_cols, lengthof(link_cols), row_link, -1, 0);
		finish_related(st);
	}
}

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
 * One row per enterprise of the population: its USCC and its values in the
 * model's order.  Values are gathered in one pass: the present ones packed,
 * their bits collected 64 at a time.
 */
static void
emit_rows(ComputeState *st, const ModelColumns *mc, const double *custom, const bool *custom_null,
		  Tuplestorestate *ts, TupleDesc desc)
{
	int			n = mc->n;
	double	   *packed = MemoryContextAlloc(st->mcxt, sizeof(double) * Max(n, 1));
	bits8	   *present = MemoryContextAlloc(st->mcxt, (n + 63) / 64 * 8 + 8);
	ArrayType  *buf = MemoryContextAllocZero(st->mcxt, ARR_OVERHEAD_WITHNULLS(1, n) + sizeof(double) * Max(n, 1));
	int		   *offset = MemoryContextAlloc(st->mcxt, sizeof(int) * Max(n, 1));

	for (int i = 0; i < n; i++)
		offset[i] = mc->builtin[i] >= 0 ? plain_counter_offset(mc->builtin[i]) : -1;

	for (int32 s = 0; s < st->n; s++)
	{
		const Enterprise *e = &st->ents[s];
		Datum		out[2];
		bool		out_null[2] = {false, false};
		uint64		acc = 0;
		int			k = 0;
		int			c = 0;

		if (!e->in_population)
			continue;
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
				here = builtin_value(st, e, mc->builtin[i], &v);
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
		if (n & 63)
			store_bits(present + n / 64 * 8, acc);
		out[0] = PointerGetDatum(st->index.keys + (Size) s * USCC_PACKED_LEN);
		out[1] = n > 0 ? PointerGetDatum(build_array(buf, n, packed, k, present))
			: PointerGetDatum(construct_empty_array(FLOAT8OID));	/* a model without indicators */
		tuplestore_putvalues(ts, desc, out, out_null);
		if ((s & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

PG_FUNCTION_INFO_V1(compute_indicators);
Datum
compute_indicators(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *model = text_to_cstring(PG_GETARG_TEXT_PP(0));
	DateADT		as_of = PG_GETARG_DATEADT(1);
	MemoryContext callcxt;
	MemoryContext oldcxt;
	ComputeState st;
	ModelColumns mc;
	uint32		tables = 0;
	double	   *custom = NULL;
	bool	   *custom_null = NULL;
	instr_time	start;

	if (DATE_NOT_FINITE(as_of))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("indicators cannot be computed as of %s", as_of == DATEVAL_NOBEGIN ? "-infinity" : "infinity"),
				 errhint("Give a calendar date, e.g. the last day of the month being classified.")));

	InitMaterializedSRF(fcinfo, 0);

	callcxt = AllocSetContextCreate(CurrentMemoryContext, "creditrisk compute_indicators", ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(callcxt);
	memset(&st, 0, sizeof(st));
	st.mcxt = callcxt;
	st.nsp = get_namespace_oid("creditrisk", false);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	load_model_columns(model, &mc, callcxt);
	for (int i = 0; i < mc.n; i++)
		if (mc.builtin[i] >= 0)
			tables |= builtins[mc.builtin[i]].tables;

	if (!direct_read_allowed(&st, tables))
	{
		compute_by_sql(model, as_of, rsinfo->setResult);
		SPI_finish();
		MemoryContextSwitchTo(oldcxt);
		MemoryContextDelete(callcxt);
		PG_RETURN_NULL();
	}

	INSTR_TIME_SET_CURRENT(start);
	compute_windows(as_of, &st.w);
	load_register(&st);
	stage_done("register, in all", st.n, &start);
	scan_records(&st, tables);
	stage_done("record tables", -1, &start);
	if (mc.ncustom > 0)
	{
		custom = MemoryContextAllocHuge(callcxt, sizeof(double) * (Size) st.n * mc.ncustom);
		custom_null = MemoryContextAllocHuge(callcxt, sizeof(bool) * (Size) st.n * mc.ncustom);
		for (Size i = 0; i < (Size) st.n * mc.ncustom; i++)
		{
			custom[i] = 0;
			custom_null[i] = true;
		}
		compute_custom(&st, &mc, custom, custom_null);
	}
	SPI_finish();

	stage_done("SQL-defined indicators", -1, &start);
	emit_rows(&st, &mc, custom, custom_null, rsinfo->setResult, rsinfo->setDesc);
	stage_done("rows out", -1, &start);

	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(callcxt);
	PG_RETURN_NULL();
}
