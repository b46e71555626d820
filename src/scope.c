/*
 * scope.c
 *		The jurisdiction (管辖范围) of the current role, as a range of division
 *		codes [scope_from(), scope_to()), for the row-level security policies
 *		and the scoped views (extension/security.sql, doc/SECURITY.md).
 *
 * Policies call each function once per query, as an InitPlan.  In PL/pgSQL
 * the lookup cost about 55 us a call (a pinned search_path, two queries,
 * the jurisdiction table's own policy), which was most of the cost of a
 * county analyst's small count; here it is one index probe of
 * creditrisk.jurisdiction by role name.  The probe reads the table
 * directly: the row it reads is the caller's own jurisdiction, which its
 * policy lets every enrolled role read anyway.
 *
 * The probe's answer is kept per backend (1.5, issue 12 "Cost"): a county
 * analyst's count of its 600 current classes cost 1.3-3.3x the same count
 * without the policies, and the two lookups were the part that grows with
 * nothing.  The answer is for one role and is forgotten whenever
 * creditrisk.jurisdiction changes: its trigger jurisdiction_scope_changed
 * sends a relcache invalidation for the table (at once in the writing
 * backend, at commit to the others), which resets the cache here.
 * Superuser and BYPASSRLS are looked up on every call (the syscache).
 *
 *	superusers, roles with BYPASSRLS, creditrisk_owner	everything
 *	an enrolled admin, analyst or auditor				its division and below
 *	anyone else, partners included					NULL (no row matches)
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
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

/* The last answer: the role, its division (or none), valid until reset. */
static bool cache_valid = false;
static Oid	cache_user = InvalidOid;
static bool cache_has_division = false;
static char cache_division[8];
static Oid	cache_relid = InvalidOid;	/* creditrisk.jurisdiction */
static bool cache_callback = false;

static void
scope_cache_reset(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || relid == cache_relid)
		cache_valid = false;
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

/*
 * The caller's division, or NULL; *all set when it sees everything.
 */
static char *
current_division(bool *all)
{
	Oid			uid = GetUserId();
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
	bool		in_parallel;

	*all = false;
	if (superuser_arg(uid) || has_bypassrls_privilege(uid) ||
		uid == get_role_oid("creditrisk_owner", true))
	{
		*all = true;
		return NULL;
	}
	/* a change committed elsewhere resets the cache before it is used */
	AcceptInvalidationMessages();
	if (cache_valid && cache_user == uid)
		return cache_has_division ? pstrdup(cache_division) : NULL;
	if (!cache_callback)
	{
		CacheRegisterRelcacheCallback(scope_cache_reset, (Datum) 0);
		cache_callback = true;
	}
	nsp = get_namespace_oid("creditrisk", false);
	relid = get_relname_relid("jurisdiction", nsp);
	indexid = get_relname_relid("jurisdiction_pkey", nsp);
	if (!OidIsValid(relid) || !OidIsValid(indexid))
		elog(ERROR, "creditrisk: table creditrisk.jurisdiction or its primary key is missing");

	namestrcpy(&rolname, GetUserNameFromId(uid, false));
	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_NAMEEQ, NameGetDatum(&rolname));
	rel = table_open(relid, AccessShareLock);
	/*
	 * The latest committed state (and this transaction's own changes): a
	 * change committed after it sends the invalidation that resets the
	 * cache, so what is cached is never older than what was committed
	 * before.  (Before 1.5 the query's snapshot was used.)
	 */
	/*
	 * In a parallel query (the leader and its workers) no new snapshot may
	 * be taken: the query's own is read, and the answer is not cached (it
	 * may be older than an invalidation already received).  1.6 failed
	 * there: "cannot update SecondarySnapshot during a parallel operation".
	 */
	in_parallel = IsInParallelMode();
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
	cache_relid = relid;
	cache_user = uid;
	cache_has_division = division != NULL && strlen(division) < sizeof(cache_division);
	if (cache_has_division)
		strlcpy(cache_division, division, sizeof(cache_division));
	cache_valid = !in_parallel && (division == NULL || cache_has_division);
	return division;
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
	char	   *division = current_division(all);

	if (*all)
		return true;
	if (division == NULL || strlen(division) != 6)
		return false;
	strlcpy(from, division, 8);
	division_upper(division, to);
	return true;
}

Datum
scope_from(PG_FUNCTION_ARGS)
{
	bool		all;
	char	   *division = current_division(&all);

	if (all)
		PG_RETURN_TEXT_P(cstring_to_text("000000"));
	if (division == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(division));
}

Datum
scope_to(PG_FUNCTION_ARGS)
{
	bool		all;
	char	   *division = current_division(&all);
	char		upper[8];

	if (all)
		PG_RETURN_TEXT_P(cstring_to_text("9999999"));
	if (division == NULL || strlen(division) != 6)
		PG_RETURN_NULL();
	division_upper(division, upper);
	PG_RETURN_TEXT_P(cstring_to_text(upper));
}
