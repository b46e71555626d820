/*
 * creditrisk.c
 *		Module entry point of the creditrisk extension.
 *
 * creditrisk sorts enterprises into credit-risk classes (企业信用风险分类)
 * for market regulators.  Each concern lives in its own file:
 *
 *	riskclass.c		the riskclass type (A < B < C < D)
 *	classify.c		score bands, class labels, spot-check minimums
 *	uscc.c			the uscc type (统一社会信用代码, GB 32100-2015)
 *	model.c			compiled scoring models and their per-backend cache
 *	score.c			the scorer: scores 0-1000, explanations, reason codes
 *	calendar.c		Chinese working days (工作日) and deadlines
 *	arrival.c		knowledge time: recorded_at, the history of superseded
 *					versions, the fence that gives a run one state
 *	scope.c			the current role's jurisdiction, for row-level security
 *
 * The indicator engine, compute_indicators() (shared declarations in
 * engine.h; how a run goes in compute.c):
 *
 *	compute.c		the entry point, the windows, the rows out
 *	indicator_registry.c	the built-in indicators, declared once in
 *					indicator_registry.h, and their derivations
 *	uscc_index.c	the hash index USCC -> enterprise slot
 *	register_scan.c	the register scans (creditrisk.enterprise and its history:
 *					the version valid on the date, as known at a time)
 *	record_scan.c	privileges, row-level security, batched heap scans
 *	indicator_rules.c	what one row of each record table counts
 *	related_parties.c	related-party links and the related set
 *	sql_indicators.c	entries computed by their SQL definitions, and the
 *					whole computation by SQL where row-level security applies
 *	amount.c		numeric amounts as exact integer units
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "utils/guc.h"

#include "model.h"
#include "parallel.h"
#include "postmaster/bgworker_internals.h"

PG_MODULE_MAGIC;

bool		creditrisk_simd = true;
int			creditrisk_memory_budget = 256 * 1024;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomBoolVariable("creditrisk.simd",
							 "Use SIMD instructions where the CPU has them: AVX2 in the scorer, the SHA extensions in spot-check draw keys.",
							 "Off forces the portable code; both give identical scores and keys.",
							 &creditrisk_simd,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("creditrisk.memory_budget",
							"Memory the indicator engine may hold for its per-enterprise state (compute_indicators, score_population, the monthly run).",
							"When the whole register's state would exceed it, the engine computes in chunks of the register, reading the record tables once per chunk; the results are the same.",
							&creditrisk_memory_budget,
							256 * 1024,
							64,
							MAX_KILOBYTES,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);
	DefineCustomIntVariable("creditrisk.parallel_workers",
							"Parallel workers the indicator engine may start for compute_indicators() and score_population() (the monthly run); 0 computes in one process.",
							"-1 means min(2, max_parallel_workers_per_gather). The leader computes chunks too; the results are the same rows in the same order. Inside a parallel query or worker the engine uses one process.",
							&creditrisk_parallel_workers,
							0,
							-1,
							MAX_PARALLEL_WORKER_LIMIT,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("creditrisk.run_workers",
							"Parallel workers that compute the monthly run's scores while its leader writes them (score_population_stream()); 0 computes and writes in turn in one process.",
							"The workers compute the chunks of creditrisk.memory_budget in turn and the leader returns their rows as they arrive: the same rows in the same order; never more workers than chunks. Not inside a parallel query or worker, nor in a statement that cannot run in parallel mode (an UPDATE or DELETE, an INSERT into a table with INSERT triggers, a volatile function).",
							&creditrisk_run_workers,
							2,
							0,
							MAX_PARALLEL_WORKER_LIMIT,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("creditrisk");
}
