/*
 * references.c
 *		References between the extension's tables (a credit record to its
 *		enterprise on the register, an indicator value to its catalogue entry,
 *		a fusion matrix to its rule), enforced like foreign keys, yet restorable
 *		by pg_restore -j.
 *
 * Why not foreign keys (1.5, issue 11 §2).  The extension's tables and their
 * constraints are created by CREATE EXTENSION, before pg_restore loads any
 * data, so a foreign key between two of them is checked while the data
 * arrives.  pg_dump orders the data of extension tables by their foreign
 * keys, but only in the archive: every TABLE DATA entry it writes depends on
 * its own table alone (pg_dump.c, dumpTableData: ".deps = &(tbinfo->dobj.
 * dumpId), .nDeps = 1"), so pg_restore -j, which follows dependencies and
 * not the archive's order, loads the records and the register at the same
 * time, and a record committed before the register fails its foreign key
 * (test/shell/parallel_restore.sh reproduced it in about one round out of
 * three).  A user table has no such problem: its foreign keys are created
 * after the data.
 *
 * So each reference is three triggers running the same checks as
 * PostgreSQL's RI triggers (ri_triggers.c: the same queries, FOR KEY SHARE
 * on the referenced row, as the owner of the table read, exempt from FORCEd
 * row-level security as RI is), with one difference that only a superuser
 * can reach, and only while the referenced table is empty:
 *
 *	reference_check()  on the referring table, AFTER INSERT OR UPDATE OF its
 *		columns, each row: the referenced row must exist (23503).  If it does
 *		not, the writer is a superuser, the row carries a knowledge time of its
 *		own (recorded_at not stamped by this transaction: a restore) and the
 *		referenced table has no row at all (but the ones CREATE EXTENSION
 *		installs), the check is deferred to that table's load: the writer
 *		takes SHARE on the referenced table (so the load waits for its commit,
 *		and a load in progress is waited for first, then the row is checked
 *		normally).
 *	reference_load()  on the referenced table, AFTER INSERT (each statement):
 *		the first insert of a transaction into a table that had no row before
 *		it checks every row of the referring table (the deferred ones), the
 *		query of ALTER TABLE ... ADD FOREIGN KEY (RI_Initial_Check).  AFTER
 *		TRUNCATE: a referring row left without its table is refused, as
 *		TRUNCATE of a referenced table is.
 *	reference_guard()  on the referenced table, AFTER UPDATE OR DELETE, each
 *		row: NO ACTION (refuse while referring rows exist) or CASCADE.
 *
 * Arguments (the same for the three): 0 the trigger's "constraint" name (the
 * name of the foreign key it replaces, used in messages), 1 the referring
 * table, 2 its columns (comma-separated), 3 the referenced table, 4 its
 * columns, 5 'restrict' or 'cascade', and optionally 6 a boolean column of
 * the referenced table marking the rows CREATE EXTENSION installs (pg_dump
 * leaves them out): they do not count when deciding whether the table's
 * data has been loaded ("empty" means no row but those).  Tables are in
 * schema creditrisk.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_operator.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/acl.h"
#include "utils/snapmgr.h"
#include "utils/typcache.h"
#include "utils/varlena.h"
#include "utils/timestamp.h"

#include "arrival.h"

PG_FUNCTION_INFO_V1(reference_check);

PG_FUNCTION_INFO_V1(reference_load);
PG_FUNCTION_INFO_V1(reference_guard);

#define REF_MAX_COLS 4

typedef enum RefQuery
{
	REFQ_PROBE,					/* the referenced row, FOR KEY SHARE */
	REFQ_ANY,					/* any referenced row at all */
	REFQ_REFERRED,				/* a referring row, FOR KEY SHARE */
	REFQ_DELETE,				/* cascade: delete the referring rows */
	REFQ_UPDATE,				/* cascade: give them the new key */
	REFQ_ORPHAN,				/* a referring row without its referenced row */
	REFQ_NQUERIES
} RefQuery;

typedef struct RefKey
{
	Oid			trigger;
	RefQuery	query;
} RefKey;

typedef struct RefPlan
{
	RefKey		key;
	SPIPlanPtr	plan;
} RefPlan;

static HTAB *ref_plans = NULL;

typedef struct RefInfo
{
	const char *name;			/* the "constraint" */
	Oid			from_rel;		/* referring */
	Oid			to_rel;			/* referenced */
	const char *from_name;
	const char *to_name;
	int			ncols;
	const char *from_cols[REF_MAX_COLS];
	const char *to_cols[REF_MAX_COLS];
	bool		cascade;
	const char *shipped;		/* boolean column of rows that do not count, or NULL */
} RefInfo;

static void
ref_info(TriggerData *td, RefInfo *ri)
{
	Trigger    *tg = td->tg_trigger;
	List	   *from_list = NIL,
			   *to_list = NIL;
	Oid			nsp;
	int			i;

	if (tg->tgnargs != 6 && tg->tgnargs != 7)
		elog(ERROR, "creditrisk: %s: a reference trigger takes 6 or 7 arguments", tg->tgname);
	ri->shipped = tg->tgnargs == 7 ? tg->tgargs[6] : NULL;
	nsp = get_namespace_oid("creditrisk", false);
	ri->name = tg->tgargs[0];
	ri->from_name = tg->tgargs[1];
	ri->to_name = tg->tgargs[3];
	ri->from_rel = get_relname_relid(ri->from_name, nsp);
	ri->to_rel = get_relname_relid(ri->to_name, nsp);
	if (!OidIsValid(ri->from_rel) || !OidIsValid(ri->to_rel))
		elog(ERROR, "creditrisk: %s: table missing", ri->name);
	if (!SplitIdentifierString(pstrdup(tg->tgargs[2]), ',', &from_list) ||
		!SplitIdentifierString(pstrdup(tg->tgargs[4]), ',', &to_list) ||
		list_length(from_list) != list_length(to_list) ||
		list_length(from_list) < 1 || list_length(from_list) > REF_MAX_COLS)
		elog(ERROR, "creditrisk: %s: bad column lists", ri->name);
	ri->ncols = list_length(from_list);
	for (i = 0; i < ri->ncols; i++)
	{
		ri->from_cols[i] = list_nth(from_list, i);
		ri->to_cols[i] = list_nth(to_list, i);
	}
	if (strcmp(tg->tgargs[5], "cascade") == 0)
		ri->cascade = true;
	else if (strcmp(tg->tgargs[5], "restrict") == 0)
		ri->cascade = false;
	else
		elog(ERROR, "creditrisk: %s: action must be restrict or cascade", ri->name);
}

/* "OPERATOR(nsp.=)" of the type's default equality (uscc's is creditrisk.=). */
static void
append_eq(StringInfo buf, Oid typid)
{
	TypeCacheEntry *tc = lookup_type_cache(typid, TYPECACHE_EQ_OPR);
	char	   *nsp;

	if (!OidIsValid(tc->eq_opr))
		elog(ERROR, "creditrisk: no equality operator for type %u", typid);
	{
		HeapTuple	optup = SearchSysCache1(OPEROID, ObjectIdGetDatum(tc->eq_opr));

		if (!HeapTupleIsValid(optup))
			elog(ERROR, "creditrisk: cache lookup failed for operator %u", tc->eq_opr);
		nsp = get_namespace_name(((Form_pg_operator) GETSTRUCT(optup))->oprnamespace);
		ReleaseSysCache(optup);
	}
	appendStringInfo(buf, " OPERATOR(%s.=) ", quote_identifier(nsp));
}

static Oid
col_type(Oid relid, const char *col)
{
	AttrNumber	att = get_attnum(relid, col);

	if (att == InvalidAttrNumber)
		elog(ERROR, "creditrisk: column %s of relation %u missing", col, relid);
	return get_atttype(relid, att);
}

/* Build, prepare and keep the plan of one query of one reference. */
static SPIPlanPtr
ref_plan(TriggerData *td, const RefInfo *ri, RefQuery q)
{
	RefKey		key;
	RefPlan    *entry;
	bool		found;
	StringInfoData buf;
	Oid			types[2 * REF_MAX_COLS];
	int			nargs = 0;
	int			i;
	const char *f = quote_identifier(ri->from_name);
	const char *t = quote_identifier(ri->to_name);
	SPIPlanPtr	plan;

	if (ref_plans == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(RefKey);
		ctl.entrysize = sizeof(RefPlan);
		ref_plans = hash_create("creditrisk references", 64, &ctl, HASH_ELEM | HASH_BLOBS);
	}
	memset(&key, 0, sizeof(key));
	key.trigger = td->tg_trigger->tgoid;
	key.query = q;
	entry = hash_search(ref_plans, &key, HASH_ENTER, &found);
	if (found && entry->plan != NULL && SPI_plan_is_valid(entry->plan))
		return entry->plan;
	if (!found)
		entry->plan = NULL;

	initStringInfo(&buf);
	switch (q)
	{
		case REFQ_PROBE:
			appendStringInfo(&buf, "SELECT 1 FROM ONLY creditrisk.%s x WHERE ", t);
			for (i = 0; i < ri->ncols; i++)
			{
				Oid			typ = col_type(ri->to_rel, ri->to_cols[i]);

				appendStringInfo(&buf, "%sx.%s", i ? " AND " : "", quote_identifier(ri->to_cols[i]));
				append_eq(&buf, typ);
				appendStringInfo(&buf, "$%d", i + 1);
				types[nargs++] = typ;
			}
			appendStringInfoString(&buf, " FOR KEY SHARE OF x");
			break;
		case REFQ_ANY:
			if (ri->shipped)
				appendStringInfo(&buf, "SELECT 1 FROM ONLY creditrisk.%s x WHERE NOT x.%s LIMIT 1", t,
								 quote_identifier(ri->shipped));
			else
				appendStringInfo(&buf, "SELECT 1 FROM ONLY creditrisk.%s x LIMIT 1", t);
			break;
		case REFQ_REFERRED:
		case REFQ_DELETE:
			appendStringInfo(&buf, q == REFQ_REFERRED ? "SELECT 1 FROM ONLY creditrisk.%s x WHERE "
							 : "DELETE FROM ONLY creditrisk.%s x WHERE ", f);
			for (i = 0; i < ri->ncols; i++)
			{
				Oid			typ = col_type(ri->from_rel, ri->from_cols[i]);

				appendStringInfo(&buf, "%sx.%s", i ? " AND " : "", quote_identifier(ri->from_cols[i]));
				append_eq(&buf, typ);
				appendStringInfo(&buf, "$%d", i + 1);
				types[nargs++] = typ;
			}
			if (q == REFQ_REFERRED)
				appendStringInfoString(&buf, " FOR KEY SHARE OF x");
			break;
		case REFQ_UPDATE:
			appendStringInfo(&buf, "UPDATE ONLY creditrisk.%s x SET ", f);
			for (i = 0; i < ri->ncols; i++)
				appendStringInfo(&buf, "%s%s = $%d", i ? ", " : "", quote_identifier(ri->from_cols[i]),
								 ri->ncols + i + 1);
			appendStringInfoString(&buf, " WHERE ");
			for (i = 0; i < ri->ncols; i++)
			{
				Oid			typ = col_type(ri->from_rel, ri->from_cols[i]);

				appendStringInfo(&buf, "%sx.%s", i ? " AND " : "", quote_identifier(ri->from_cols[i]));
				append_eq(&buf, typ);
				appendStringInfo(&buf, "$%d", i + 1);
				types[i] = typ;
				types[ri->ncols + i] = typ;
			}
			nargs = 2 * ri->ncols;
			break;
		case REFQ_ORPHAN:
			/* as RI_Initial_Check: an anti-join, the first offender */
			appendStringInfoString(&buf, "SELECT ");
			for (i = 0; i < ri->ncols; i++)
				appendStringInfo(&buf, "%sfk.%s::text", i ? ", " : "", quote_identifier(ri->from_cols[i]));
			appendStringInfo(&buf, " FROM ONLY creditrisk.%s fk WHERE ", f);
			for (i = 0; i < ri->ncols; i++)
				appendStringInfo(&buf, "%sfk.%s IS NOT NULL", i ? " AND " : "", quote_identifier(ri->from_cols[i]));
			appendStringInfo(&buf, " AND NOT EXISTS (SELECT 1 FROM ONLY creditrisk.%s pk WHERE ", t);
			for (i = 0; i < ri->ncols; i++)
			{
				appendStringInfo(&buf, "%spk.%s", i ? " AND " : "", quote_identifier(ri->to_cols[i]));
				append_eq(&buf, col_type(ri->to_rel, ri->to_cols[i]));
				appendStringInfo(&buf, "fk.%s", quote_identifier(ri->from_cols[i]));
			}
			appendStringInfoString(&buf, ") LIMIT 1");
			break;
		default:
			elog(ERROR, "creditrisk: unknown reference query %d", (int) q);
	}
	plan = SPI_prepare(buf.data, nargs, types);
	if (plan == NULL)
		elog(ERROR, "creditrisk: %s: SPI_prepare failed: %s", ri->name, SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	entry->plan = plan;
	return plan;
}

/*
 * Run one query as the owner of the table it reads or writes, exempt from
 * FORCEd row-level security, as PostgreSQL's RI triggers do; returns the
 * number of rows processed.
 */
static uint64
ref_run(TriggerData *td, const RefInfo *ri, RefQuery q, Oid as_owner_of, Datum *values, char *nulls)
{
	SPIPlanPtr	plan = ref_plan(td, ri, q);
	Oid			save_userid;
	int			save_sec;
	int			rc;
	Oid			owner;
	HeapTuple	reltup = SearchSysCache1(RELOID, ObjectIdGetDatum(as_owner_of));

	if (!HeapTupleIsValid(reltup))
		elog(ERROR, "creditrisk: cache lookup failed for relation %u", as_owner_of);
	owner = ((Form_pg_class) GETSTRUCT(reltup))->relowner;
	ReleaseSysCache(reltup);
	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_NOFORCE_RLS);
	rc = SPI_execute_plan(plan, values, nulls, false,
						  (q == REFQ_DELETE || q == REFQ_UPDATE) ? 0 : 1);
	SetUserIdAndSecContext(save_userid, save_sec);
	if (rc < 0)
		elog(ERROR, "creditrisk: %s: SPI_execute_plan failed: %s", ri->name, SPI_result_code_string(rc));
	return SPI_processed;
}

/* The key of a tuple: values in ri's column order; false if any is NULL. */
static bool
ref_key(HeapTuple tup, TupleDesc desc, const char *const *cols, int ncols, Datum *values, char *nulls)
{
	bool		all = true;
	int			i;

	for (i = 0; i < ncols; i++)
	{
		int			att = SPI_fnumber(desc, cols[i]);
		bool		isnull;

		if (att <= 0)
			elog(ERROR, "creditrisk: column %s missing", cols[i]);
		values[i] = SPI_getbinval(tup, desc, att, &isnull);
		nulls[i] = isnull ? 'n' : ' ';
		if (isnull)
			all = false;
	}
	return all;
}

static char *
ref_key_text(HeapTuple tup, TupleDesc desc, const char *const *cols, int ncols)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < ncols; i++)
	{
		char	   *v = SPI_getvalue(tup, desc, SPI_fnumber(desc, cols[i]));

		appendStringInfo(&buf, "%s%s", i ? ", " : "", v ? v : "null");
	}
	return buf.data;
}

static char *
ref_cols_text(const char *const *cols, int ncols)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < ncols; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", quote_identifier(cols[i]));
	return buf.data;
}

static bool
same_key(HeapTuple a, HeapTuple b, TupleDesc desc, const char *const *cols, int ncols)
{
	int			i;

	for (i = 0; i < ncols; i++)
	{
		int			att = SPI_fnumber(desc, cols[i]);
		bool		na,
					nb;
		Datum		va = SPI_getbinval(a, desc, att, &na);
		Datum		vb = SPI_getbinval(b, desc, att, &nb);
		Form_pg_attribute fa = TupleDescAttr(desc, att - 1);

		if (na != nb)
			return false;
		if (!na && !datumIsEqual(va, vb, fa->attbyval, fa->attlen))
			return false;
	}
	return true;
}

/*
 * Whether the key may be shown in a message: as ri_ReportViolation, only
 * when row-level security does not apply to the writer on the table whose
 * key it is (otherwise the message could reveal a row the writer cannot see).
 */
static bool
key_showable(Oid relid)
{
	return check_enable_rls(relid, InvalidOid, true) != RLS_ENABLED &&
		pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK;
}

/*
 * A row restored or imported with a knowledge time of its own (pg_dump
 * writes recorded_at; only the tables' owner may give one), as opposed to a
 * row written now, which the trigger record_arrival stamped with this
 * transaction's time.  Only such rows may wait for the referenced table.
 */
static bool
restored_row(HeapTuple tup, TupleDesc desc)
{
	int			att = SPI_fnumber(desc, "recorded_at");
	bool		isnull;
	Datum		d;

	if (att <= 0)
		return false;
	d = SPI_getbinval(tup, desc, att, &isnull);
	return !isnull && !arrival_stamped_now(DatumGetTimestampTz(d));
}

Datum
reference_check(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	RefInfo		ri;
	HeapTuple	tup;
	TupleDesc	desc;
	Datum		values[REF_MAX_COLS];
	char		nulls[REF_MAX_COLS];

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event) || TRIGGER_FIRED_BY_DELETE(td->tg_event))
		elog(ERROR, "creditrisk: reference_check() must be an AFTER INSERT OR UPDATE row trigger");
	ref_info(td, &ri);
	desc = RelationGetDescr(td->tg_relation);
	tup = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event) &&
		same_key(td->tg_trigtuple, tup, desc, ri.from_cols, ri.ncols))
		return PointerGetDatum(NULL);
	if (!ref_key(tup, desc, ri.from_cols, ri.ncols, values, nulls))
		return PointerGetDatum(NULL);	/* MATCH SIMPLE: a NULL refers to nothing */

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	if (ref_run(td, &ri, REFQ_PROBE, ri.to_rel, values, nulls) == 0)
	{
		bool		ok = false;

		if (superuser() && restored_row(tup, desc))
		{
			/*
			 * A superuser's write (a restore) while the referenced table may
			 * still be on its way: wait for a load in progress, look again,
			 * and if the table is still empty, leave the check to its load.
			 */
			LockRelationOid(ri.to_rel, ShareLock);
			if (ref_run(td, &ri, REFQ_PROBE, ri.to_rel, values, nulls) > 0)
				ok = true;		/* found after all */
			else if (ref_run(td, &ri, REFQ_ANY, ri.to_rel, NULL, NULL) == 0)
				ok = true;		/* deferred to the table's load */
		}
		if (!ok)
		{
			bool		show = key_showable(RelationGetRelid(td->tg_relation));

			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("insert or update on table \"%s\" violates foreign key constraint \"%s\"",
							RelationGetRelationName(td->tg_relation), ri.name),
					 show ? errdetail("Key (%s)=(%s) is not present in table \"%s\".",
									  ref_cols_text(ri.from_cols, ri.ncols),
									  ref_key_text(tup, desc, ri.from_cols, ri.ncols), ri.to_name)
					 : errdetail("Key is not present in table \"%s\".", ri.to_name),
					 errtableconstraint(td->tg_relation, ri.name)));
		}
	}
	SPI_finish();
	return PointerGetDatum(NULL);
}

/*
 * Whether the table had no row before the current transaction: every row
 * visible now was inserted by it.  Stops at the first older row, which is
 * normally the first one read.
 */
static bool
empty_before_this_transaction(Relation rel, const char *shipped)
{
	TableScanDesc scan;
	HeapTuple	tup;
	bool		empty = true;
	Snapshot	snap = RegisterSnapshot(GetLatestSnapshot());
	int			shipped_att = shipped ? SPI_fnumber(RelationGetDescr(rel), shipped) : 0;

	if (shipped && shipped_att <= 0)
		elog(ERROR, "creditrisk: column %s missing", shipped);
	scan = table_beginscan(rel, snap, 0, NULL);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		if (shipped_att > 0)
		{
			bool		isnull;
			Datum		d = heap_getattr(tup, shipped_att, RelationGetDescr(rel), &isnull);

			if (!isnull && DatumGetBool(d))
				continue;		/* installed by CREATE EXTENSION */
		}
		if (!TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tup->t_data)))
		{
			empty = false;
			break;
		}
	}
	table_endscan(scan);
	UnregisterSnapshot(snap);
	return empty;
}

/* Per transaction: the referenced tables already found loaded before it. */
#if PG_VERSION_NUM >= 170000
#define CURRENT_LXID() (MyProc->vxid.lxid)
#else
#define CURRENT_LXID() (MyProc->lxid)
#endif

static LocalTransactionId load_lxid = InvalidLocalTransactionId;
static List *load_checked = NIL;	/* trigger OIDs, in TopTransactionContext */

static void
remember_checked(Oid trigger)
{
	MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);

	load_checked = lappend_oid(load_checked, trigger);
	MemoryContextSwitchTo(old);
}

Datum
reference_load(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	RefInfo		ri;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(td->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(td->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(td->tg_event) || TRIGGER_FIRED_BY_TRUNCATE(td->tg_event)))
		elog(ERROR, "creditrisk: reference_load() must be an AFTER INSERT OR TRUNCATE statement trigger");
	ref_info(td, &ri);

	if (TRIGGER_FIRED_BY_TRUNCATE(td->tg_event))
	{
		/* the referenced table is empty now: so must the referring one be */
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "creditrisk: SPI_connect failed");
		if (ri.from_rel != ri.to_rel)
		{
			Relation	rel = table_open(ri.from_rel, AccessShareLock);
			bool		any;

			table_close(rel, NoLock);
			any = ref_run(td, &ri, REFQ_ORPHAN, ri.from_rel, NULL, NULL) > 0;
			if (any)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot truncate a table referenced in a foreign key constraint"),
						 errdetail("Table \"%s\" references \"%s\" (%s).", ri.from_name, ri.to_name, ri.name),
						 errhint("Truncate table \"%s\" at the same time, or use TRUNCATE ... CASCADE.", ri.from_name)));
		}
		SPI_finish();
		return PointerGetDatum(NULL);
	}

	if (load_lxid != CURRENT_LXID())
	{
		load_lxid = CURRENT_LXID();
		load_checked = NIL;		/* the list lived in the previous transaction */
	}
	if (list_member_oid(load_checked, td->tg_trigger->tgoid))
		return PointerGetDatum(NULL);
	/*
	 * Rows were deferred only while this table had no row, by transactions
	 * holding SHARE on it to their end; this transaction's first insert took
	 * ROW EXCLUSIVE after they ended, and no new one can defer before it
	 * ends.  So once per transaction, and only if the table was empty before
	 * it, look for referring rows without their row here.
	 */
	if (!empty_before_this_transaction(td->tg_relation, ri.shipped))
	{
		remember_checked(td->tg_trigger->tgoid);
		return PointerGetDatum(NULL);
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	if (ref_run(td, &ri, REFQ_ORPHAN, ri.from_rel, NULL, NULL) > 0)
	{
		char	   *key = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		Relation	from = table_open(ri.from_rel, AccessShareLock);
		bool		show = key_showable(ri.from_rel);
		int			i;

		for (i = 1; i < ri.ncols; i++)
			key = psprintf("%s, %s", key,
						   SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, i + 1));
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("insert or update on table \"%s\" violates foreign key constraint \"%s\"",
						ri.from_name, ri.name),
				 show ? errdetail("Key (%s)=(%s) is not present in table \"%s\".",
								  ref_cols_text(ri.from_cols, ri.ncols), key, ri.to_name)
				 : errdetail("Key is not present in table \"%s\".", ri.to_name),
				 errhint("Rows of \"%s\" were restored before \"%s\", and one refers to a row the load did not bring.",
						 ri.from_name, ri.to_name),
				 errtableconstraint(from, ri.name)));
	}
	SPI_finish();
	/* only once the check passed: an error (in a subtransaction) leaves it to do */
	remember_checked(td->tg_trigger->tgoid);
	return PointerGetDatum(NULL);
}

Datum
reference_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	RefInfo		ri;
	HeapTuple	old;
	TupleDesc	desc;
	Datum		values[2 * REF_MAX_COLS];
	char		nulls[2 * REF_MAX_COLS];
	bool		update;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event) || TRIGGER_FIRED_BY_INSERT(td->tg_event))
		elog(ERROR, "creditrisk: reference_guard() must be an AFTER UPDATE OR DELETE row trigger");
	ref_info(td, &ri);
	desc = RelationGetDescr(td->tg_relation);
	old = td->tg_trigtuple;
	update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	if (update && same_key(old, td->tg_newtuple, desc, ri.to_cols, ri.ncols))
		return PointerGetDatum(NULL);
	if (!ref_key(old, desc, ri.to_cols, ri.ncols, values, nulls))
		return PointerGetDatum(NULL);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	if (ri.cascade)
	{
		if (update)
		{
			if (!ref_key(td->tg_newtuple, desc, ri.to_cols, ri.ncols, values + ri.ncols, nulls + ri.ncols))
				elog(ERROR, "creditrisk: %s: a referenced key became NULL", ri.name);
			ref_run(td, &ri, REFQ_UPDATE, ri.from_rel, values, nulls);
		}
		else
			ref_run(td, &ri, REFQ_DELETE, ri.from_rel, values, nulls);
	}
	else if (ref_run(td, &ri, REFQ_REFERRED, ri.from_rel, values, nulls) > 0)
	{
		bool		show = key_showable(RelationGetRelid(td->tg_relation));

		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("update or delete on table \"%s\" violates foreign key constraint \"%s\" on table \"%s\"",
						ri.to_name, ri.name, ri.from_name),
				 show ? errdetail("Key (%s)=(%s) is still referenced from table \"%s\".",
								  ref_cols_text(ri.to_cols, ri.ncols),
								  ref_key_text(old, desc, ri.to_cols, ri.ncols), ri.from_name)
				 : errdetail("Key is still referenced from table \"%s\".", ri.from_name),
				 errtableconstraint(td->tg_relation, ri.name)));
	}
	SPI_finish();
	return PointerGetDatum(NULL);
}
