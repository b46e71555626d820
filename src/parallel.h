/*
 * parallel.h
 *		The indicator engine's chunks computed by parallel workers
 *		(parallel.c; the engine's side in compute.c).
 */
#ifndef CREDITRISK_PARALLEL_H
#define CREDITRISK_PARALLEL_H

#include "engine.h"
#include "nodes/execnodes.h"
#include "model.h"

/* What a worker needs to rebuild the call: its arguments. */
typedef struct EngineArgs
{
	const char *model;
	DateADT		as_of;
	bool		known_given;
	TimestampTz known_at;
	int			nreasons;		/* score_population(); 0 for compute_indicators() */
} EngineArgs;

/* One call's engine state and what its rows need (compute.c). */
typedef struct EngineCall
{
	ComputeState *st;
	const ModelColumns *mc;
	const double *custom;		/* SQL-defined values, slot by slot */
	const bool *custom_null;
	CompiledModel *m;			/* score_population(): the model; NULL for compute_indicators() */
	ModelCallCache *cc;
	int			nreasons;
} EngineCall;

#define ENGINE_MAX_COLUMNS 8

/* The fixed part of the shared memory (parallel.c lays out the rest). */
typedef struct EngineShared
{
	char		model[64];		/* model.c: MODEL_KEY_MAX */
	DateADT		as_of;
	bool		known_given;
	TimestampTz known_at;
	bool		scoring;
	int			nreasons;
	int32		n;				/* the register's slots, as the leader read them */
	uint32		keys_hash;		/* and a hash of their keys in slot order */
	int32		nchunks;
	int32		chunk_slots;
	int			participants;	/* the leader and the workers asked for (the workers only when streaming) */
	bool		streaming;		/* the leader returns rows as they arrive, computing none */
	Size		queue_size;		/* of each worker's shm_mq */
	int			ncustom;
	bool		has_facts;		/* the light pass's facts are shared */
	/* the leader's register state, read-only for the workers */
	Windows		w;
	uint32		tables;
	bool		scoped;
	char		scope_from[8];
	char		scope_to[8];
	uint32		mask;			/* of the USCC index's table */
	/* offsets from the start of this struct */
	Size		reg_offset;		/* n EnterpriseRegister */
	Size		keys_offset;	/* n packed USCCs */
	Size		table_offset;	/* mask + 1 IndexEntry */
	Size		divisions_offset;	/* n times 6 digits */
	Size		facts_offset;	/* n RelatedFacts, if has_facts */
	Size		custom_offset;	/* n * ncustom values */
	Size		custom_null_offset;
	int			natts;			/* the result's columns */
	Oid			atttypid[ENGINE_MAX_COLUMNS];
	int32		atttypmod[ENGINE_MAX_COLUMNS];
} EngineShared;

#define ENGINE_SHARED_PTR(sh, member) ((void *) ((char *) (sh) + (sh)->member))

static inline RelatedFacts *
engine_shared_facts(const EngineShared *sh)
{
	return (RelatedFacts *) ((char *) sh + sh->facts_offset);
}

static inline double *
engine_shared_custom(const EngineShared *sh)
{
	return (double *) ((char *) sh + sh->custom_offset);
}

static inline bool *
engine_shared_custom_null(const EngineShared *sh)
{
	return (bool *) ((char *) sh + sh->custom_null_offset);
}

extern int	creditrisk_parallel_workers;

/* compute.c */
/*
 * Where a chunk's rows go: into the call's tuplestore (one process, or the
 * leader), or, in a parallel worker, each row straight into its queue
 * (send), without a worker-side tuplestore.
 */
typedef struct RowSink
{
	TupleDesc	desc;
	Tuplestorestate *ts;		/* when send is NULL */
	void		(*send) (Datum *values, bool *nulls, void *arg);
	void	   *arg;
	bool		stopped;		/* a streaming worker's leader stopped reading: compute no more */
} RowSink;

extern void engine_chunk_rows(EngineCall *call, int32 c, Tuplestorestate *ts, TupleDesc desc);
extern void engine_chunk_sink(EngineCall *call, int32 c, RowSink *sink);
extern uint32 engine_keys_hash(const ComputeState *st);
extern void engine_worker_run(const EngineShared *sh, int participant, RowSink *sink,
							  void (*chunk_done) (int32 c, void *arg));

/* parallel.c */
typedef struct EngineWorkers EngineWorkers;
extern int	creditrisk_run_workers;
extern int	engine_parallel_workers(void);
extern int	engine_stream_workers(void);
extern void engine_parallel(EngineCall *call, const EngineArgs *args, int nworkers,
							Tuplestorestate *ts, TupleDesc desc);
extern bool engine_stream_statement_ok(ExprContext *econtext);
extern EngineWorkers *engine_stream_begin(EngineCall *call, const EngineArgs *args, int nworkers, TupleDesc desc);
extern int	engine_workers_owner(const EngineWorkers *ew, int32 c);
extern bool engine_workers_receive(EngineWorkers *ew, int w, int32 c, TupleTableSlot *slot);
extern void engine_workers_end(EngineWorkers *ew, bool early);

#endif
