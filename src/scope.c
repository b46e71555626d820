/*
 * scope.c
 *		The jurisdiction (管辖范围) of the current role, as a range of division
 *		codes [scope_from(), scope_to()), for the row-level security policies
 *		and the scoped views (extension/security.sql, doc/SECURITY.md).
 *
 *	superusers, roles with BYPASSRLS, creditrisk_owner	everything
 *	an enrolled admin, analyst or auditor				its division and below
 *	anyone else, partners included					NULL (no row matches)
 *
 * The answer is one index probe of creditrisk.jurisdiction by role name plus
 * the role's attributes; both are kept per backend, per role (a few roles
 * per session: SET ROLE, SECURITY DEFINER functions), and cost nothing
 * after the first call (1.8, issue 12 "Cost"): a policy that calls the
 * functions directly calls them once per row in a sequential scan, and
 * until 1.8 each call looked the role's attributes up in three syscaches and
 * accepted invalidation messages before reaching the cache (a province
 * analyst's count of the register: 70-80 ms against 20-28 ms unscoped at
 * 100,000).  The pattern is PostgreSQL's own for role memberships
 * (src/backend/utils/adt/acl.c: cached_role[], RoleMembershipCacheCallback):
 *
 *	- an entry per user id: superuser, BYPASSRLS, is it creditrisk_owner, its
 *	  division and the division's upper bound, both as text ready to return;
 *	- forgotten (every entry) by a syscache callback on pg_authid (ALTER ROLE
 *	  ... SUPERUSER/BYPASSRLS/RENAME, CREATE/DROP ROLE creditrisk_owner), on
 *	  pg_auth_members (GRANT/REVOKE of roles), and by a relcache callback for
 *	  creditrisk.jurisdiction, whose statement trigger
 *	  jurisdiction_scope_changed sends a relcache invalidation on every
 *	  enrol()/unenrol() (at once in the writing transaction, from its next
 *	  command; at commit to the other backends);
 *	- invalidation messages are accepted once per statement (the first call
 *	  of a statement; the statement start timestamp tells), so that a change
 *	  committed by another session is seen by this session's next statement
 *	  even inside a transaction block whose locks are all held already;
 *	- the current user is compared on every call (a SECURITY DEFINER function
 *	  or SET ROLE changes it within a statement or a session);
 *	- a parallel worker caches for its lifetime: its user and snapshot cannot
 *	  change.  A leader in parallel mode may not take a new snapshot: what it
 *	  reads there with the query's snapshot is kept for that statement only.
 *
 * Outside parallel mode the probe reads the latest committed state (and this
 * transaction's own changes): a change committed after it sends the
 * invalidation that resets the entry, so what is cached is never older than
 * what was committed before.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/parallel.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/inval.h"
#include "commands/trigger.h"

#include "engine.h"

PG_FUNCTION_INFO_V1(scope_from);
PG_FUNCTION_INFO_V1(scope_to);
PG_FUNCTION_INFO_V1(scope_changed);

/* What one role sees. */
typedef struct ScopeEntry
{
	Oid			uid;			/* InvalidOid: a free slot */
	bool		valid;			/* until the next invalidation */
	TimestampTz only_stmt;		/* if not 0: valid in this statement only */
	bool		all;			/* superuser, BYPASSRLS or creditrisk_owner */
	bool		has_division;	/* an enrolled admin, analyst or auditor */
	char		division[8];	/* its division code */
	char		upper[8];		/* the lowest code after it and below it */
} ScopeEntry;

#define SCOPE_ENTRIES 8

static ScopeEntry scope_cache[SCOPE_ENTRIES];
static int	scope_next_victim = 0;
static uint64 scope_generation = 1;	/* bumped whenever entries are reset */
static TimestampTz scope_checked_stmt = 0;	/* invalidations accepted for it */
static Oid	scope_relid = InvalidOid;	/* creditrisk.jurisdiction */
static bool scope_callbacks = false;

/* A function's last answer, in its FmgrInfo (for the life of the query). */
typedef struct ScopeAnswer
{
	Oid			uid;
	uint64		generation;
	TimestampTz stmt;
	bool		isnull;
	Datum		value;
} ScopeAnswer;

static void
scope_reset_all(void)
{
	for (int i = 0; i < SCOPE_ENTRIES; i++)
		scope_cache[i].valid = false;
	scope_generation++;
}

static void
scope_relcache_callback(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || relid == scope_relid)
		scope_reset_all();
}

static void
scope_syscache_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	/* pg_authid or pg_auth_members changed: forget every role's answer */
	scope_reset_all();
}

/* The lowest code after a division and everything below it. */
static void
division_upper(const char *code, char *out)
{
	long		n = strtol(code, NULL, 10);
	long		step;

	if (strcmp(code + 2, "0000") == 0)
		step = 10000;			/* province: 410000 -> 420000 */
	else if (strcmp(code + 4, "00") == 0 && strncmp(code + 2, "90", 2) != 0)
		step = 100;				/* city: 411600 -> 411700 */
	else
		step = 1;				/* county, or a province-administered city 4190xx */
	snprintf(out, 8, "%06ld", n + step);
}

/* The enrolled division of a role (palloc'd), or NULL; one index probe. */
static char *
probe_jurisdiction(Oid uid, bool in_parallel)
{
	Oid			nsp;
	Oid			relid;
	Oid			indexid;
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;
	char	   *division = NULL;
	NameData	rolname;
	Snapshot	snap;

	nsp = get_namespace_oid("creditrisk", false);
	relid = get_relname_relid("jurisdiction", nsp);
	indexid = get_relname_relid("jurisdiction_pkey", nsp);
	if (!OidIsValid(relid) || !OidIsValid(indexid))
		elog(ERROR, "creditrisk: table creditrisk.jurisdiction or its primary key is missing");
	scope_relid = relid;

	namestrcpy(&rolname, GetUserNameFromId(uid, false));
	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_NAMEEQ, NameGetDatum(&rolname));
	rel = table_open(relid, AccessShareLock);
	/*
	 * In a parallel query (the leader and its workers) no new snapshot may
	 * be taken: the query's own is read (1.6 failed there: "cannot update
	 * SecondarySnapshot during a parallel operation").
	 */
	if (!in_parallel)
		snap = GetLatestSnapshot();
	else if (ActiveSnapshotSet())
		snap = GetActiveSnapshot();
	else
		snap = GetTransactionSnapshot();
	snap = RegisterSnapshot(snap);
	scan = systable_beginscan(rel, indexid, true, snap, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		TupleDesc	desc = RelationGetDescr(rel);
		bool		isnull;
		int			kind_att = -1;
		int			div_att = -1;

		for (int i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute a = TupleDescAttr(desc, i);

			if (a->attisdropped)
				continue;
			if (strcmp(NameStr(a->attname), "kind") == 0)
				kind_att = i + 1;
			else if (strcmp(NameStr(a->attname), "division_code") == 0)
				div_att = i + 1;
		}
		if (kind_att < 0 || div_att < 0)
			elog(ERROR, "creditrisk: creditrisk.jurisdiction lacks kind or division_code");
		{
			Datum		k = heap_getattr(tup, kind_att, desc, &isnull);

			if (!isnull && strcmp(TextDatumGetCString(k), "partner") != 0)
			{
				Datum		d = heap_getattr(tup, div_att, desc, &isnull);

				if (!isnull)
					division = TextDatumGetCString(d);
			}
		}
	}
	systable_endscan(scan);
	UnregisterSnapshot(snap);
	table_close(rel, AccessShareLock);
	return division;
}

/*
 * The current user's entry, valid: from the cache when it can be, else
 * looked up (the role's attributes, then its jurisdiction) and kept.
 */
static ScopeEntry *
current_entry(void)
{
	Oid			uid = GetUserId();
	bool		worker = IsParallelWorker();
	TimestampTz stmt = GetCurrentStatementStartTimestamp();
	ScopeEntry *e = NULL;
	HeapTuple	authtup;
	bool		in_parallel;
	char	   *division;
	uint64		gen0;

	if (!scope_callbacks)
	{
		CacheRegisterRelcacheCallback(scope_relcache_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHOID, scope_syscache_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, scope_syscache_callback, (Datum) 0);
		scope_callbacks = true;
	}
	/*
	 * Once per statement: a change committed elsewhere resets the cache
	 * before it is used.  (A worker's user and snapshot are fixed.)
	 */
	if (!worker && stmt != scope_checked_stmt)
	{
		AcceptInvalidationMessages();
		scope_checked_stmt = stmt;
	}
	for (int i = 0; i < SCOPE_ENTRIES; i++)
	{
		if (scope_cache[i].uid == uid)
		{
			e = &scope_cache[i];
			if (e->valid && (e->only_stmt == 0 || e->only_stmt == stmt))
				return e;
			break;
		}
	}
	if (e == NULL)
	{
		for (int i = 0; i < SCOPE_ENTRIES && e == NULL; i++)
			if (!OidIsValid(scope_cache[i].uid) || !scope_cache[i].valid)
				e = &scope_cache[i];
		if (e == NULL)
		{
			e = &scope_cache[scope_next_victim];
			scope_next_victim = (scope_next_victim + 1) % SCOPE_ENTRIES;
		}
	}
	/* looked up now; an invalidation received meanwhile resets it again */
	gen0 = scope_generation;
	memset(e, 0, sizeof(*e));
	e->uid = uid;
	authtup = SearchSysCache1(AUTHOID, ObjectIdGetDatum(uid));
	if (!HeapTupleIsValid(authtup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role with OID %u does not exist", uid)));
	e->all = ((Form_pg_authid) GETSTRUCT(authtup))->rolsuper ||
		((Form_pg_authid) GETSTRUCT(authtup))->rolbypassrls;
	ReleaseSysCache(authtup);
	if (!e->all)
		e->all = uid == get_role_oid("creditrisk_owner", true);
	in_parallel = IsInParallelMode();
	division = e->all ? NULL : probe_jurisdiction(uid, in_parallel);
	if (division != NULL && strlen(division) == 6)
	{
		e->has_division = true;
		strlcpy(e->division, division, sizeof(e->division));
		division_upper(division, e->upper);
	}
	/* a leader in parallel mode read the query's snapshot: this statement only */
	e->only_stmt = (in_parallel && !worker) ? stmt : 0;
	/*
	 * Kept unless an invalidation arrived while it was read (opening the
	 * table accepts them): then it serves this call only.  The answers kept
	 * in the functions' FmgrInfos are rebuilt from it.
	 */
	e->valid = scope_generation == gen0;
	scope_generation++;
	return e;
}

/* Trigger on creditrisk.jurisdiction: every backend forgets its cached scope. */
Datum
scope_changed(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "creditrisk: scope_changed() must be called as a trigger");
	CacheInvalidateRelcache(td->tg_relation);
	return PointerGetDatum(NULL);
}

/*
 * The current role's jurisdiction for the C engine (src/record_scan.c), the
 * same range the policies use: false when it has none; *all when it sees
 * everything; else [from, to) (6 and 6-7 digit codes, compared bytewise).
 */
bool
current_scope(bool *all, char *from, char *to)
{
	ScopeEntry *e = current_entry();

	*all = e->all;
	if (e->all)
		return true;
	if (!e->has_division)
		return false;
	strlcpy(from, e->division, 8);
	strlcpy(to, e->upper, 8);
	return true;
}

/*
 * One answer of scope_from() (upper = false) or scope_to(): the text is
 * built once per query and role, in the function's FmgrInfo, and returned
 * as is on the next calls (a policy's direct call runs once per row of a
 * sequential scan); a new one is built, never the old one overwritten, when
 * the user or the cache changes.
 */
static Datum
scope_answer(FunctionCallInfo fcinfo, bool upper)
{
	ScopeAnswer *a = fcinfo->flinfo ? (ScopeAnswer *) fcinfo->flinfo->fn_extra : NULL;
	Oid			uid = GetUserId();
	TimestampTz stmt = GetCurrentStatementStartTimestamp();
	ScopeEntry *e;
	const char *v;
	MemoryContext old;

	if (a != NULL && a->uid == uid && a->generation == scope_generation &&
		(a->stmt == stmt || IsParallelWorker()))
	{
		fcinfo->isnull = a->isnull;
		return a->value;
	}
	e = current_entry();
	if (e->all)
		v = upper ? "9999999" : "000000";
	else if (e->has_division)
		v = upper ? e->upper : e->division;
	else
		v = NULL;
	if (fcinfo->flinfo == NULL)
	{
		if (v == NULL)
			PG_RETURN_NULL();
		PG_RETURN_TEXT_P(cstring_to_text(v));
	}
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	a = palloc0(sizeof(ScopeAnswer));
	a->uid = uid;
	a->generation = e->valid ? scope_generation : 0;
	a->stmt = stmt;
	a->isnull = v == NULL;
	a->value = v == NULL ? (Datum) 0 : PointerGetDatum(cstring_to_text(v));
	MemoryContextSwitchTo(old);
	/* the previous answer is not freed: a caller may still hold its text */
	fcinfo->flinfo->fn_extra = a;
	fcinfo->isnull = a->isnull;
	return a->value;
}

Datum
scope_from(PG_FUNCTION_ARGS)
{
	return scope_answer(fcinfo, false);
}

Datum
scope_to(PG_FUNCTION_ARGS)
{
	return scope_answer(fcinfo, true);
}
