/*
 * parallel.c
 *		Both cores for the indicator engine: chunks of the register computed
 *		by parallel workers (compute_indicators(), score_population()).
 *
 * The engine already cuts the register into chunks (slot ranges) that each
 * rescan the record tables (compute.c, "Chunks under
 * creditrisk.memory_budget").  With creditrisk.parallel_workers > 0 the
 * leader does what it does alone up to the plan of the chunks: the register
 * read, the record ends, the light pass over related parties' records and
 * the SQL-defined indicators (the only parts that run queries through SPI
 * with the caller's rights: they stay in the leader).  It then cuts at
 * least one chunk per participant, puts the plan, the light pass's facts and
 * the SQL-defined values into dynamic shared memory, and launches the
 * workers through PostgreSQL's ParallelContext, which gives each worker the
 * leader's transaction, snapshot, user and settings: a worker reads exactly
 * what its caller may read.  The shared memory also holds the leader's
 * register state (the slots' register facts, their keys and hash table,
 * divisions, the windows and the caller's jurisdiction), which the workers
 * read in place; a worker reads again only the model's columns and the
 * record ends (read-only queries under the same snapshot and user), checks
 * a hash of the register's keys, and computes its chunks: participant p
 * takes chunks p, p + P, p + 2P, ... (the leader is participant 0).  Each
 * worker sends its rows, chunk after chunk, through its own shm_mq, each
 * row as it is computed (no worker-side tuplestore, unless the queue is full
 * while the leader computes: see WorkerQueue); the leader computes its own chunks and
 * copies the workers' rows into the call's tuplestore in chunk order, so
 * that the result is the same rows in the same order as one process's.
 *
 * Parallel mode (EnterParallelMode) forbids writes: it begins after the
 * leader's queries and ends (all workers finished, ExitParallelMode) before
 * the function returns, and the function materialises its result, so the
 * run's INSERT ... SELECT writes nothing before the parallel phase is over.
 * Inside a parallel query or a parallel worker, the engine runs in one
 * process (no nested workers); the functions are labelled PARALLEL
 * RESTRICTED (a parallel query runs them in its leader).
 * A worker that cannot be launched leaves its chunks to the leader.
 * Each process holds one chunk at a time under creditrisk.memory_budget
 * (the shared register state is the leader's, counted once).
 *
 * What limits the gain: every chunk rescans the record tables the model
 * reads.  Since 1.11 rows of other chunks are passed over on their USCC
 * before they are deformed (a chunk is a USCC range), so each participant
 * does the per-row work of its own slots only, but every participant still
 * walks every page and tuple of those tables: the reading itself is not
 * divided.  The register read, the record ends and the light pass stay
 * serial in the leader, and the workers' rows cross to the leader once
 * more (into the call's tuplestore).  A profile of the 16-indicator
 * sub-model at 1,000,000 in one process (1.11, one chunk) puts the
 * register's scan, sort and index at about 29 % of a call and the kernel's
 * page faults on the call's fresh memory at about a fifth.  The default is one
 * process (creditrisk.parallel_workers = 0); README, "Both cores", has the
 * figures.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/parallel.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "executor/execdesc.h"
#include "executor/tuptable.h"
#include "nodes/execnodes.h"
#include "nodes/plannodes.h"
#include "optimizer/optimizer.h"
#include "nodes/readfuncs.h"
#include "utils/rel.h"
#include "miscadmin.h"
#include "optimizer/cost.h"
#include "pgstat.h"
#include "storage/shm_mq.h"
#include "storage/shm_toc.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "parallel.h"

#define KEY_SHARED		UINT64CONST(0xC4ED170000000001)
#define KEY_QUEUES		UINT64CONST(0xC4ED170000000002)

/*
 * Each worker's queue: rows wait here while the leader computes its chunk;
 * 8MB, or an eighth of creditrisk.memory_budget if that is less (at least
 * 8kB): the queues are memory too.  A worker whose queue is full keeps the
 * rest of its chunk in a local tuplestore (WorkerQueue).
 */
#define QUEUE_SIZE_MAX	((Size) 8 * 1024 * 1024)
#define QUEUE_SIZE_MIN	((Size) 8 * 1024)

/* A message of one byte: the end of a chunk (a row is a MinimalTuple: longer). */
#define END_OF_CHUNK	'.'

/* creditrisk.parallel_workers; -1: min(2, max_parallel_workers_per_gather); default 0 (one process) */
int			creditrisk_parallel_workers = 0;

PGDLLEXPORT void creditrisk_parallel_main(dsm_segment *seg, shm_toc *toc);

/*
 * The workers this call may ask for: none inside a parallel query or a
 * parallel worker (no nested workers), nor when the setting says none.
 */
int
engine_parallel_workers(void)
{
	int			n = creditrisk_parallel_workers;

	if (n < 0)
		n = Min(2, max_parallel_workers_per_gather);
	if (n <= 0 || IsInParallelMode() || IsParallelWorker() || !IsUnderPostmaster)
		return 0;
	return Min(n, max_parallel_workers);
}

/* creditrisk.run_workers: workers that compute score_population_stream()'s rows (the monthly run's) */
int			creditrisk_run_workers = 2;

/* The workers a stream may ask for (none inside a parallel query or worker). */
int
engine_stream_workers(void)
{
	int			n = creditrisk_run_workers;

	/* (max_parallel_workers is applied by the launch: none launched, the leader computes) */
	if (n <= 0 || IsInParallelMode() || IsParallelWorker() || !IsUnderPostmaster)
		return 0;
	return n;
}

/*
 * The leader's side of one call's workers: the parallel context, a queue
 * per worker, and who computes which chunk.  Participants take chunks in
 * turn (chunk c is participant c % participants's): when the leader
 * materialises (engine_parallel) it is participant 0 and computes chunks
 * too; when it streams (engine_stream_begin) it writes rows meanwhile and
 * the workers alone are the participants.  The chunks of a worker that did
 * not start are the leader's.
 */
struct EngineWorkers
{
	ParallelContext *pcxt;
	shm_mq_handle **mqh;
	int			nworkers;		/* asked for */
	int			launched;
	int			participants;
	bool		leader_participates;
	int64		received;
};

/*
 * Launch nworkers workers for the chunks planned in call->st; NULL (and
 * not in parallel mode) when no worker can be launched: the caller
 * computes every chunk itself.
 */
static EngineWorkers *
workers_launch(EngineCall *call, const EngineArgs *args, int nworkers, TupleDesc desc, bool streaming)
{
	ComputeState *st = call->st;
	EngineWorkers *ew;
	ParallelContext *pcxt;
	EngineShared *sh;
	Size		shared_size;
	Size		facts_bytes = 0;
	Size		layout[7];
	Size		offset[7];
	Size		custom_count = (Size) st->n * call->mc->ncustom;
	char	   *queues;
	shm_mq_handle **mqh;
	int			participants = streaming ? nworkers : 1 + nworkers;
	Size		queue_size = MAXALIGN(Max(QUEUE_SIZE_MIN, Min(QUEUE_SIZE_MAX, (Size) creditrisk_memory_budget * 1024 / 8)));

	if (nworkers <= 0 || desc->natts > ENGINE_MAX_COLUMNS || strlen(args->model) >= sizeof(sh->model))
		return NULL;
	if (st->facts != NULL)
		facts_bytes = sizeof(RelatedFacts) * (Size) st->n;
	/* the layout after the fixed part */
	layout[0] = sizeof(EnterpriseRegister) * (Size) st->n;
	layout[1] = (Size) USCC_PACKED_LEN * st->n;
	layout[2] = sizeof(IndexEntry) * ((Size) st->index.mask + 1);
	layout[3] = (Size) 6 * st->n;
	layout[4] = facts_bytes;
	layout[5] = sizeof(double) * custom_count;
	layout[6] = sizeof(bool) * custom_count;
	shared_size = MAXALIGN(sizeof(EngineShared));
	for (int i = 0; i < 7; i++)
	{
		offset[i] = shared_size;
		shared_size += MAXALIGN(layout[i]);
	}

	EnterParallelMode();
	pcxt = CreateParallelContext("creditrisk", "creditrisk_parallel_main", nworkers);
	shm_toc_estimate_chunk(&pcxt->estimator, shared_size);
	shm_toc_estimate_chunk(&pcxt->estimator, queue_size * nworkers);
	shm_toc_estimate_keys(&pcxt->estimator, 2);
	InitializeParallelDSM(pcxt);
	if (pcxt->seg == NULL)
	{
		/* no dynamic shared memory: one process */
		DestroyParallelContext(pcxt);
		ExitParallelMode();
		return NULL;
	}

	/* what the workers need */
	sh = shm_toc_allocate(pcxt->toc, shared_size);
	memset(sh, 0, sizeof(EngineShared));
	strlcpy(sh->model, args->model, sizeof(sh->model));
	sh->as_of = args->as_of;
	sh->known_given = args->known_given;
	sh->known_at = args->known_at;
	sh->scoring = call->m != NULL;
	sh->nreasons = args->nreasons;
	sh->n = st->n;
	sh->keys_hash = engine_keys_hash(st);
	sh->nchunks = st->nchunks;
	sh->chunk_slots = st->chunk_slots;
	sh->participants = participants;
	sh->streaming = streaming;
	sh->queue_size = queue_size;
	sh->ncustom = call->mc->ncustom;
	sh->has_facts = st->facts != NULL;
	sh->w = st->w;
	sh->tables = st->tables;
	sh->scoped = st->scoped;
	memcpy(sh->scope_from, st->scope_from, sizeof(sh->scope_from));
	memcpy(sh->scope_to, st->scope_to, sizeof(sh->scope_to));
	sh->mask = st->index.mask;
	sh->reg_offset = offset[0];
	sh->keys_offset = offset[1];
	sh->table_offset = offset[2];
	sh->divisions_offset = offset[3];
	sh->facts_offset = offset[4];
	sh->custom_offset = offset[5];
	sh->custom_null_offset = offset[6];
	memcpy(ENGINE_SHARED_PTR(sh, reg_offset), st->reg, layout[0]);
	memcpy(ENGINE_SHARED_PTR(sh, keys_offset), st->index.keys, layout[1]);
	memcpy(ENGINE_SHARED_PTR(sh, table_offset), st->index.table, layout[2]);
	memcpy(ENGINE_SHARED_PTR(sh, divisions_offset), st->divisions, layout[3]);
	if (facts_bytes > 0)
		memcpy(engine_shared_facts(sh), st->facts, facts_bytes);
	if (custom_count > 0)
	{
		memcpy(engine_shared_custom(sh), call->custom, layout[5]);
		memcpy(engine_shared_custom_null(sh), call->custom_null, layout[6]);
	}
	sh->natts = desc->natts;
	for (int i = 0; i < desc->natts; i++)
	{
		sh->atttypid[i] = TupleDescAttr(desc, i)->atttypid;
		sh->atttypmod[i] = TupleDescAttr(desc, i)->atttypmod;
	}
	shm_toc_insert(pcxt->toc, KEY_SHARED, sh);

	/* a queue per worker, the leader receiving */
	queues = shm_toc_allocate(pcxt->toc, queue_size * nworkers);
	mqh = palloc0(sizeof(shm_mq_handle *) * nworkers);
	for (int i = 0; i < nworkers; i++)
	{
		shm_mq	   *mq = shm_mq_create(queues + queue_size * i, queue_size);

		shm_mq_set_receiver(mq, MyProc);
		mqh[i] = shm_mq_attach(mq, pcxt->seg, NULL);
	}
	shm_toc_insert(pcxt->toc, KEY_QUEUES, queues);

	LaunchParallelWorkers(pcxt);
	elog(DEBUG1, "creditrisk: %d of %d parallel worker(s) launched for %d chunk(s)%s",
		 pcxt->nworkers_launched, nworkers, st->nchunks, streaming ? ", rows streamed" : "");
	if (streaming && pcxt->nworkers_launched == 0)
	{
		/* none: the leader computes every chunk, out of parallel mode */
		for (int i = 0; i < nworkers; i++)
			shm_mq_detach(mqh[i]);
		DestroyParallelContext(pcxt);
		ExitParallelMode();
		return NULL;
	}
	ew = palloc0(sizeof(EngineWorkers));
	ew->pcxt = pcxt;
	ew->mqh = mqh;
	ew->nworkers = nworkers;
	ew->launched = pcxt->nworkers_launched;
	ew->participants = participants;
	ew->leader_participates = !streaming;
	for (int i = 0; i < ew->launched; i++)
		shm_mq_set_handle(mqh[i], pcxt->worker[i].bgwhandle);
	return ew;
}

/* The worker that computes chunk c, or -1 if the leader does. */
int
engine_workers_owner(const EngineWorkers *ew, int32 c)
{
	int			p = c % ew->participants;
	int			w = ew->leader_participates ? p - 1 : p;

	return (w >= 0 && w < ew->launched) ? w : -1;
}

/*
 * The leader: the next row of chunk c from worker w's queue into slot (a
 * MinimalTuple in the queue's memory, valid until the next call); false at
 * the end of the chunk.
 */
bool
engine_workers_receive(EngineWorkers *ew, int w, int32 c, TupleTableSlot *slot)
{
	Size		nbytes;
	void	   *data;
	shm_mq_result res = shm_mq_receive(ew->mqh[w], &nbytes, &data, false);

	if (res != SHM_MQ_SUCCESS)
	{
		/* the worker is gone: its error, if it raised one, is thrown here */
		WaitForParallelWorkersToFinish(ew->pcxt);
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("a creditrisk parallel worker exited before sending chunk %d", c + 1)));
	}
	if (nbytes == 1 && *(char *) data == END_OF_CHUNK)
		return false;
	ExecStoreMinimalTuple((MinimalTuple) data, slot, false);
	ew->received++;
	return true;
}

/*
 * The workers' end, and parallel mode's.  early: the leader stops before
 * the last row (LIMIT, a rescan): it detaches from the queues first, so
 * that each worker's next send finds them gone and the worker stops
 * computing (a worker in the middle of a chunk's record scans stops at the
 * chunk's first row); then waits for them as at the end.
 */
void
engine_workers_end(EngineWorkers *ew, bool early)
{
	if (early)
		for (int i = 0; i < ew->nworkers; i++)
		{
			shm_mq_detach(ew->mqh[i]);
			ew->mqh[i] = NULL;
		}
	WaitForParallelWorkersToFinish(ew->pcxt);
	for (int i = 0; i < ew->nworkers; i++)
		if (ew->mqh[i] != NULL)
			shm_mq_detach(ew->mqh[i]);
	DestroyParallelContext(ew->pcxt);
	ExitParallelMode();
	elog(DEBUG1, "creditrisk: parallel workers done%s, " INT64_FORMAT " rows received from them",
		 early ? " (the leader stopped early)" : "", ew->received);
}

/* The leader: receive chunk c's rows from worker w's queue into ts. */
static void
receive_chunk(EngineWorkers *ew, int w, TupleTableSlot *slot, Tuplestorestate *ts, int32 c)
{
	while (engine_workers_receive(ew, w, c, slot))
	{
		tuplestore_puttupleslot(ts, slot);
		ExecClearTuple(slot);
	}
}

/*
 * The leader's part: launch nworkers workers for the chunks planned in
 * call->st (at least two), compute its own and collect theirs into ts in
 * chunk order.  Falls back to computing every chunk itself when no worker
 * can be launched.
 */
void
engine_parallel(EngineCall *call, const EngineArgs *args, int nworkers, Tuplestorestate *ts, TupleDesc desc)
{
	ComputeState *st = call->st;
	EngineWorkers *ew;
	TupleTableSlot *slot;

	Assert(st->nchunks > 1);
	ew = workers_launch(call, args, nworkers, desc, false);
	if (ew == NULL)
	{
		for (int32 c = 0; c < st->nchunks; c++)
			engine_chunk_rows(call, c, ts, desc);
		return;
	}

	/*
	 * Chunk c belongs to participant c % P: the leader's (0) and those of a
	 * worker that did not start are computed here; a worker's are copied
	 * from its queue.  Either way, in chunk order.
	 */
	slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	for (int32 c = 0; c < st->nchunks; c++)
	{
		int			w = engine_workers_owner(ew, c);

		if (w < 0)
			engine_chunk_rows(call, c, ts, desc);
		else
			receive_chunk(ew, w, slot, ts, c);
		CHECK_FOR_INTERRUPTS();
	}
	ExecDropSingleTupleTableSlot(slot);

	/* every worker done before any row goes out */
	engine_workers_end(ew, false);
}

/*
 * Streaming (score_population_stream): the workers compute every chunk, in
 * order, while the leader returns their rows one per call; NULL when no
 * worker can be launched (the leader computes).  The statement stays in
 * parallel mode until engine_workers_end().
 */
EngineWorkers *
engine_stream_begin(EngineCall *call, const EngineArgs *args, int nworkers, TupleDesc desc)
{
	return workers_launch(call, args, nworkers, desc, true);
}

/*
 * Whether the statement evaluating the stream may run in parallel mode
 * while it writes the rows: INSERTs (the statement's, or in WITH: the
 * monthly run's shape) without ON CONFLICT into tables without INSERT
 * triggers (a trigger, a foreign key's check, would run commands, which
 * parallel mode refuses) or stored generated columns, with no volatile
 * function in its plan or the tables' CHECK constraints (a volatile SQL or
 * PL/pgSQL function starts a command per call).  Such a statement
 * always runs to its end in one go (a cursor cannot hold it; a portal that
 * returns its rows in parts computes them all first); a plain SELECT may be
 * fetched in parts (a cursor, a client's fetch size, a PL/pgSQL loop), and
 * between the parts the session would stay in parallel mode: it computes in
 * one process.  Parallel mode cannot give the transaction an id: the
 * statement gets its own now, as its first insert would.
 */
/* Whether a plan (and its children) calls a volatile function anywhere. */
static bool
plan_volatile(Plan *plan)
{
	List	   *children = NIL;
	Node	   *exprs[4] = {NULL, NULL, NULL, NULL};
	ListCell   *lc;

	if (plan == NULL)
		return false;
	if (contain_volatile_functions((Node *) plan->targetlist) || contain_volatile_functions((Node *) plan->qual))
		return true;
	switch (nodeTag(plan))
	{
		case T_NestLoop:
		case T_MergeJoin:
		case T_HashJoin:
			exprs[0] = (Node *) ((Join *) plan)->joinqual;
			if (IsA(plan, HashJoin))
				exprs[1] = (Node *) ((HashJoin *) plan)->hashclauses;
			else if (IsA(plan, MergeJoin))
				exprs[1] = (Node *) ((MergeJoin *) plan)->mergeclauses;
			break;
		case T_FunctionScan:
			exprs[0] = (Node *) ((FunctionScan *) plan)->functions;
			break;
		case T_ValuesScan:
			exprs[0] = (Node *) ((ValuesScan *) plan)->values_lists;
			break;
		case T_TableFuncScan:
			exprs[0] = (Node *) ((TableFuncScan *) plan)->tablefunc;
			break;
		case T_Result:
			exprs[0] = ((Result *) plan)->resconstantqual;
			break;
		case T_Limit:
			exprs[0] = ((Limit *) plan)->limitOffset;
			exprs[1] = ((Limit *) plan)->limitCount;
			break;
		case T_IndexScan:
			exprs[0] = (Node *) ((IndexScan *) plan)->indexqual;
			exprs[1] = (Node *) ((IndexScan *) plan)->indexorderby;
			break;
		case T_IndexOnlyScan:
			exprs[0] = (Node *) ((IndexOnlyScan *) plan)->indexqual;
			break;
		case T_BitmapIndexScan:
			exprs[0] = (Node *) ((BitmapIndexScan *) plan)->indexqual;
			break;
		case T_ModifyTable:
			exprs[0] = (Node *) ((ModifyTable *) plan)->returningLists;
			exprs[1] = (Node *) ((ModifyTable *) plan)->withCheckOptionLists;
			exprs[2] = (Node *) ((ModifyTable *) plan)->onConflictSet;
			exprs[3] = ((ModifyTable *) plan)->onConflictWhere;
			break;
		case T_SubqueryScan:
			children = list_make1(((SubqueryScan *) plan)->subplan);
			break;
		case T_Append:
			children = ((Append *) plan)->appendplans;
			break;
		case T_MergeAppend:
			children = ((MergeAppend *) plan)->mergeplans;
			break;
		case T_BitmapAnd:
			children = ((BitmapAnd *) plan)->bitmapplans;
			break;
		case T_BitmapOr:
			children = ((BitmapOr *) plan)->bitmapplans;
			break;
		case T_CustomScan:
		case T_ForeignScan:
			return true;		/* unknown: assume the worst */
		default:
			break;
	}
	for (int i = 0; i < 4; i++)
		if (contain_volatile_functions(exprs[i]))
			return true;
	foreach(lc, children)
		if (plan_volatile((Plan *) lfirst(lc)))
			return true;
	return plan_volatile(plan->lefttree) || plan_volatile(plan->righttree);
}

bool
engine_stream_statement_ok(ExprContext *econtext)
{
	EState	   *estate = econtext != NULL ? econtext->ecxt_estate : NULL;
	PlannedStmt *ps = estate != NULL ? estate->es_plannedstmt : NULL;
	ListCell   *lc;

	if (ps == NULL)
		return false;
	if (!(ps->commandType == CMD_INSERT || (ps->commandType == CMD_SELECT && ps->hasModifyingCTE)))
		return false;
	/* every ModifyTable: the statement's top, or a WITH's */
	if (IsA(ps->planTree, ModifyTable) &&
		(((ModifyTable *) ps->planTree)->operation != CMD_INSERT ||
		 ((ModifyTable *) ps->planTree)->onConflictAction != ONCONFLICT_NONE))
		return false;
	foreach(lc, ps->subplans)
	{
		Plan	   *plan = (Plan *) lfirst(lc);

		if (plan != NULL && IsA(plan, ModifyTable) &&
			(((ModifyTable *) plan)->operation != CMD_INSERT ||
			 ((ModifyTable *) plan)->onConflictAction != ONCONFLICT_NONE))
			return false;
	}
	/* a volatile function may run commands (a volatile SQL function does), refused in parallel mode */
	if (plan_volatile(ps->planTree))
		return false;
	foreach(lc, ps->subplans)
		if (plan_volatile((Plan *) lfirst(lc)))
			return false;
	foreach(lc, estate->es_opened_result_relations)
	{
		ResultRelInfo *rri = (ResultRelInfo *) lfirst(lc);
		TriggerDesc *td = rri->ri_TrigDesc;
		TupleConstr *constr = RelationGetDescr(rri->ri_RelationDesc)->constr;

		if (rri->ri_RelationDesc->rd_rel->relkind != RELKIND_RELATION || rri->ri_FdwRoutine != NULL)
			return false;

		if (td != NULL && (td->trig_insert_before_row || td->trig_insert_after_row ||
						   td->trig_insert_instead_row || td->trig_insert_before_statement ||
						   td->trig_insert_after_statement || td->trig_insert_new_table))
			return false;
		/* its CHECK constraints and generated columns are evaluated outside the plan */
		if (constr != NULL)
		{
			if (constr->has_generated_stored)
				return false;
			for (int i = 0; i < constr->num_check; i++)
				if (contain_volatile_functions(stringToNode(constr->check[i].ccbin)))
					return false;
		}
	}
	(void) GetCurrentTransactionId();
	return true;
}

/*
 * A worker's queue, and the rows of the current chunk that found it full.
 * A worker never waits for its leader in the middle of a chunk: a row that
 * does not fit now (the leader is still computing its own chunk) and every
 * later row of the chunk wait in a local tuplestore, sent at the chunk's end
 * (where the worker would have had to wait anyway).
 */
typedef struct WorkerQueue
{
	shm_mq_handle *mqh;
	TupleDesc	desc;
	MinimalTuple pending;		/* the row the queue refused: sent first, the same bytes */
	Tuplestorestate *overflow;	/* the rows after it */
	TupleTableSlot *slot;
	MemoryContext cxt;			/* the worker's, for pending and overflow (rows are formed in short-lived contexts) */
	int64		rows;			/* sent in all */
	int64		held;			/* of them, held while the queue was full */
	bool		streaming;		/* the leader streams: wait for room, never hold */
	RowSink    *sink;
} WorkerQueue;

static void
queue_send(WorkerQueue *q, Size nbytes, const void *data, bool flush)
{
	shm_mq_result res = shm_mq_send(q->mqh, nbytes, data, false, flush);

	if (res == SHM_MQ_DETACHED && q->streaming)
		q->sink->stopped = true;	/* the leader stopped early */
	else if (res != SHM_MQ_SUCCESS)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("the creditrisk leader stopped receiving a parallel worker's rows")));
}

/*
 * A worker: one row straight into the queue, as a MinimalTuple, without a
 * worker-side tuplestore while the queue has room.  Not flushed row by row:
 * the queue publishes what was written when a quarter of it is pending,
 * when it is full, and at the end of each chunk.
 */
static void
send_row(Datum *values, bool *nulls, void *arg)
{
	WorkerQueue *q = (WorkerQueue *) arg;
	MinimalTuple t;
	shm_mq_result res;
	MemoryContext oldcxt;

	q->rows++;
	if (q->streaming)
	{
		/* the leader reads as it writes: wait for room (flushed a quarter at a time) */
		oldcxt = MemoryContextSwitchTo(q->cxt);
		t = heap_form_minimal_tuple(q->desc, values, nulls);
		MemoryContextSwitchTo(oldcxt);
		res = shm_mq_send(q->mqh, t->t_len, t, false, false);
		pfree(t);
		if (res == SHM_MQ_DETACHED)
			q->sink->stopped = true;	/* the leader stopped early: no more */
		else if (res != SHM_MQ_SUCCESS)
			elog(ERROR, "creditrisk: a parallel worker could not send a row");
		return;
	}
	if (q->pending != NULL)
	{
		tuplestore_putvalues(q->overflow, q->desc, values, nulls);	/* (a copy in q->cxt) */
		q->held++;
		return;
	}
	oldcxt = MemoryContextSwitchTo(q->cxt);
	t = heap_form_minimal_tuple(q->desc, values, nulls);
	res = shm_mq_send(q->mqh, t->t_len, t, true, false);
	if (res == SHM_MQ_WOULD_BLOCK)
	{
		/* (maybe partly written: the queue expects these bytes again first) */
		q->pending = t;
		q->held++;
		if (q->overflow == NULL)
			q->overflow = tuplestore_begin_heap(false, false, work_mem);
		MemoryContextSwitchTo(oldcxt);
		return;
	}
	MemoryContextSwitchTo(oldcxt);
	if (res != SHM_MQ_SUCCESS)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("the creditrisk leader stopped receiving a parallel worker's rows")));
	pfree(t);
}

/* A worker: the rows that waited, then the end of the chunk, flushed. */
static void
send_end_of_chunk(int32 c, void *arg)
{
	WorkerQueue *q = (WorkerQueue *) arg;
	char		end = END_OF_CHUNK;

	if (q->sink->stopped)
		return;
	if (q->pending != NULL)
	{
		queue_send(q, q->pending->t_len, q->pending, false);
		pfree(q->pending);
		q->pending = NULL;
		while (tuplestore_gettupleslot(q->overflow, true, false, q->slot))
		{
			bool		should_free;
			MinimalTuple t = ExecFetchSlotMinimalTuple(q->slot, &should_free);

			queue_send(q, t->t_len, t, false);
			if (should_free)
				pfree(t);
		}
		ExecClearTuple(q->slot);
		tuplestore_clear(q->overflow);
	}
	queue_send(q, 1, &end, true);
}

/* A worker's entry point (CreateParallelContext("creditrisk", "creditrisk_parallel_main")). */
void
creditrisk_parallel_main(dsm_segment *seg, shm_toc *toc)
{
	EngineShared *sh = shm_toc_lookup(toc, KEY_SHARED, false);
	char	   *queues = shm_toc_lookup(toc, KEY_QUEUES, false);
	shm_mq	   *mq = (shm_mq *) (queues + sh->queue_size * ParallelWorkerNumber);
	shm_mq_handle *mqh;
	TupleDesc	desc;
	WorkerQueue queue;
	RowSink		sink;

	shm_mq_set_sender(mq, MyProc);
	mqh = shm_mq_attach(mq, seg, NULL);

	desc = CreateTemplateTupleDesc(sh->natts);
	for (int i = 0; i < sh->natts; i++)
		TupleDescInitEntry(desc, (AttrNumber) (i + 1), NULL, sh->atttypid[i], sh->atttypmod[i], 0);

	memset(&queue, 0, sizeof(queue));
	queue.mqh = mqh;
	queue.desc = desc;
	queue.slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	queue.cxt = CurrentMemoryContext;
	memset(&sink, 0, sizeof(sink));
	sink.desc = desc;
	sink.send = send_row;
	sink.arg = &queue;
	queue.streaming = sh->streaming;
	queue.sink = &sink;
	/* participant 0 is the leader, unless it streams */
	engine_worker_run(sh, sh->streaming ? ParallelWorkerNumber : ParallelWorkerNumber + 1, &sink, send_end_of_chunk);
	elog(DEBUG1, "creditrisk a parallel worker: " INT64_FORMAT " rows sent, " INT64_FORMAT " of them held while its queue of %zu bytes was full",
		 queue.rows, queue.held, sh->queue_size);
	shm_mq_detach(mqh);
}
