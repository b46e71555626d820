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
 *	superusers, roles with BYPASSRLS, creditrisk_owner	everything
 *	an enrolled admin, analyst or auditor				its division and below
 *	anyone else, partners included					NULL (no row matches)
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
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

PG_FUNCTION_INFO_V1(scope_from);
PG_FUNCTION_INFO_V1(scope_to);

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

	*all = false;
	if (superuser_arg(uid) || has_bypassrls_privilege(uid) ||
		uid == get_role_oid("creditrisk_owner", true))
	{
		*all = true;
		return NULL;
	}
	nsp = get_namespace_oid("creditrisk", false);
	relid = get_relname_relid("jurisdiction", nsp);
	indexid = get_relname_relid("jurisdiction_pkey", nsp);
	if (!OidIsValid(relid) || !OidIsValid(indexid))
		elog(ERROR, "creditrisk: table creditrisk.jurisdiction or its primary key is missing");

	namestrcpy(&rolname, GetUserNameFromId(uid, false));
	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_NAMEEQ, NameGetDatum(&rolname));
	rel = table_open(relid, AccessShareLock);
	/* the query's snapshot: a jurisdiction enrolled earlier in the transaction counts */
	scan = systable_beginscan(rel, indexid, true,
							  ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot(),
							  1, &key);
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
	table_close(rel, AccessShareLock);
	return division;
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
