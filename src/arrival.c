/*
 * arrival.c
 *		Knowledge time: when each row of the register, the credit records and
 *		the configuration became known to this database (recorded_at), the
 *		history of what was superseded, and the fence that gives a
 *		classification run one exact moment of knowledge.
 *
 * The trigger record_arrival() is on every table a classification reads:
 *
 *	BEFORE INSERT/UPDATE/DELETE, each row
 *		takes the fence: ROW SHARE on creditrisk.classification_run, held to the
 *		end of the transaction.  A run takes EXCLUSIVE on that table before it
 *		fixes its knowledge time T (knowledge_fence()), so it waits for every
 *		writer in progress and holds off new ones until it ends.  Hence no row
 *		stamped at or before T is ever committed after T, and every row a run
 *		sees was stamped at or before T: a re-run "as known at T" reads exactly
 *		what the run read.
 *		stamps recorded_at: the moment the transaction passed the fence (one
 *		value per transaction, so no knowledge time falls half-way through
 *		a transaction).  Only the table's owner (the extension's owner: the
 *		role that restores dumps and imports history) may give a value of
 *		its own (not infinity); anyone else gets 42501.
 *	AFTER UPDATE/DELETE, each row
 *		keeps the superseded version: the old row goes to <table>_history with
 *		superseded_at, written as the table's owner (as PostgreSQL's own
 *		foreign-key triggers do), so that writers need no right on the
 *		history and cannot forge it.  For the register, whose versions also
 *		carry valid time, creditrisk.register_history_write() closes and
 *		splits the versions (see extension/collection.sql).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "arrival.h"

/* The stamp of the current transaction (valid while fence_lxid is ours). */
static LocalTransactionId fence_lxid = InvalidLocalTransactionId;
static TimestampTz fence_stamp = 0;

/* What a trigger call needs of its table, kept for the statement (fn_extra). */
typedef struct ArrivalCache
{
	Oid			relid;
	Oid			fence;			/* creditrisk.classification_run */
	int			recorded;		/* attribute number of recorded_at */
} ArrivalCache;

static Oid
fence_relid(Oid nsp)
{
	Oid			relid = get_relname_relid("classification_run", nsp);

	if (!OidIsValid(relid))
		elog(ERROR, "creditrisk: table classification_run is missing");
	return relid;
}

/* Take the writers' side of the fence; returns this transaction's stamp. */
static TimestampTz
writer_fence(Oid fence)
{
	LOCKTAG		tag;
	LockAcquireResult res;

	SET_LOCKTAG_RELATION(tag, MyDatabaseId, fence);
	res = LockAcquire(&tag, RowShareLock, false, false);
	/*
	 * Newly acquired: this transaction passed the fence now (the first write,
	 * or the first after a subtransaction that held it was rolled back, which
	 * took its rows with it).
	 */
	if (res == LOCKACQUIRE_OK || fence_lxid != MyProc->lxid)
	{
		fence_lxid = MyProc->lxid;
		fence_stamp = GetCurrentTimestamp();
	}
	return fence_stamp;
}

/*
 * Whether ts is the knowledge time this transaction stamped its writes with
 * (so the row was written now, not restored or imported with a time of its
 * own).  Used by the references' checks (src/references.c).
 */
bool
arrival_stamped_now(TimestampTz ts)
{
	return fence_lxid == MyProc->lxid && ts == fence_stamp;
}

PG_FUNCTION_INFO_V1(knowledge_fence);

/*
 * knowledge_fence() -> timestamptz: the run's side.  EXCLUSIVE on
 * classification_run (waits for writers in progress, holds off new ones and
 * other runs until the transaction ends), then the knowledge time T.  Later
 * writes of this same transaction get a new stamp, after T.
 */
Datum
knowledge_fence(PG_FUNCTION_ARGS)
{
	Oid			nsp = get_func_namespace(fcinfo->flinfo->fn_oid);
	TimestampTz t;

	LockRelationOid(fence_relid(nsp), ExclusiveLock);
	t = GetCurrentTimestamp();
	fence_lxid = InvalidLocalTransactionId;
	PG_RETURN_TIMESTAMPTZ(t);
}

static int
attnum_or_error(Relation rel, const char *col)
{
	int			a = SPI_fnumber(RelationGetDescr(rel), col);

	if (a <= 0)
		elog(ERROR, "creditrisk: table %s has no column %s", RelationGetRelationName(rel), col);
	return a;
}

/* Run a statement as the owner of rel (like ri_PerformCheck). */
static void
execute_as_owner(Relation rel, const char *sql, int nargs, Oid *types, Datum *values)
{
	Oid			save_userid;
	int			save_sec;

	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(rel->rd_rel->relowner,
						   save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_NOFORCE_RLS);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	if (SPI_execute_with_args(sql, nargs, types, values, NULL, false, 0) < 0)
		elog(ERROR, "creditrisk: could not keep the history of %s", RelationGetRelationName(rel));
	SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec);
}

PG_FUNCTION_INFO_V1(record_arrival);

Datum
record_arrival(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;
	TupleDesc	desc;
	Oid			nsp;
	int			rec;
	TimestampTz stamp;
	ArrivalCache *cache;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(td->tg_event))
		elog(ERROR, "creditrisk: record_arrival() must be a row trigger");
	rel = td->tg_relation;
	desc = RelationGetDescr(rel);
	nsp = RelationGetNamespace(rel);
	cache = (ArrivalCache *) fcinfo->flinfo->fn_extra;
	if (cache == NULL || cache->relid != RelationGetRelid(rel))
	{
		cache = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(ArrivalCache));
		cache->relid = RelationGetRelid(rel);
		cache->fence = fence_relid(nsp);
		cache->recorded = attnum_or_error(rel, "recorded_at");
		fcinfo->flinfo->fn_extra = cache;
	}
	rec = cache->recorded;

	if (TRIGGER_FIRED_BEFORE(td->tg_event))
	{
		HeapTuple	tuple;
		bool		isnull;
		Datum		given;
		Datum		value;
		bool		replace = true;

		stamp = writer_fence(cache->fence);
		if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
			return PointerGetDatum(td->tg_trigtuple);

		tuple = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
		given = heap_getattr(tuple, rec, desc, &isnull);
		if (!isnull && TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		{
			bool		oldnull;
			Datum		old = heap_getattr(td->tg_trigtuple, rec, desc, &oldnull);

			if (!oldnull && DatumGetTimestampTz(old) == DatumGetTimestampTz(given))
				isnull = true;	/* not changed by the statement: a new version now */
		}
		if (!isnull)
		{
			TimestampTz t = DatumGetTimestampTz(given);

			if (!has_privs_of_role(GetUserId(), rel->rd_rel->relowner))
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("recorded_at of %s is set by the database", RelationGetRelationName(rel)),
						 errdetail("It is when the row became known here; only the owner of the table, restoring a dump or importing history, may give it."),
						 errhint("Leave recorded_at out; the date the fact refers to belongs in the record's own date columns, its arrival upstream in received_at.")));
			/*
			 * A later moment than now is allowed: a dump restored on a server
			 * whose clock is behind keeps its times (a run before that moment
			 * does not see the row, one after does, reproducibly).
			 */
			if (TIMESTAMP_IS_NOEND(t))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("recorded_at of %s cannot be infinity", RelationGetRelationName(rel)),
						 errdetail("A row known at no moment would never count."),
						 errhint("Give the moment it became known, or leave recorded_at out for now.")));
			replace = false;
		}
		if (!replace)
			return PointerGetDatum(tuple);
		value = TimestampTzGetDatum(stamp);
		isnull = false;
		tuple = heap_modify_tuple_by_cols(tuple, desc, 1, &rec, &value, &isnull);
		return PointerGetDatum(tuple);
	}

	/* AFTER UPDATE or DELETE: keep the superseded version. */
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
		return PointerGetDatum(NULL);
	{
		const char *relname = RelationGetRelationName(rel);
		const char *nspname = get_namespace_name(nsp);
		Oid			types[3];
		Datum		values[3];
		StringInfoData sql;
		Datum		superseded;
		bool		isnull;

		if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		{
			superseded = heap_getattr(td->tg_newtuple, rec, desc, &isnull);
			Assert(!isnull);
		}
		else
			superseded = TimestampTzGetDatum(writer_fence(cache->fence));

		initStringInfo(&sql);
		types[0] = rel->rd_rel->reltype;
		values[0] = heap_copy_tuple_as_datum(td->tg_trigtuple, desc);
		types[1] = TIMESTAMPTZOID;
		values[1] = superseded;
		if (strcmp(relname, "enterprise") == 0)
		{
			types[2] = rel->rd_rel->reltype;
			values[2] = TRIGGER_FIRED_BY_UPDATE(td->tg_event)
				? heap_copy_tuple_as_datum(td->tg_newtuple, desc) : (Datum) 0;
			appendStringInfo(&sql, "SELECT %s.register_history_write($1, $3, $2)", quote_identifier(nspname));
			if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
			{
				/* no new version */
				resetStringInfo(&sql);
				appendStringInfo(&sql, "SELECT %s.register_history_write($1, NULL, $2)", quote_identifier(nspname));
				execute_as_owner(rel, sql.data, 2, types, values);
				return PointerGetDatum(NULL);
			}
			execute_as_owner(rel, sql.data, 3, types, values);
		}
		else
		{
			appendStringInfo(&sql, "INSERT INTO %s.%s SELECT ($1).*, $2",
							 quote_identifier(nspname), quote_identifier(psprintf("%s_history", relname)));
			execute_as_owner(rel, sql.data, 2, types, values);
		}
	}
	return PointerGetDatum(NULL);
}
