/*
 * model.h
 *		Compiled scoring models and their per-backend cache.
 */
#ifndef CREDITRISK_MODEL_H
#define CREDITRISK_MODEL_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/numeric.h"

typedef enum RuleKind
{
	RULE_BINS,
	RULE_CATEGORIES,
	RULE_BOOLEAN
} RuleKind;

typedef enum CondOp
{
	OP_LT,
	OP_LE,
	OP_EQ,
	OP_GE,
	OP_GT,
	OP_NE
} CondOp;

typedef struct CompiledIndicator
{
	char	   *code;
	char	   *name;
	char	   *dimension;
	char	   *group;
	RuleKind	rule;
	Numeric		coef;			/* score units per point: 10 * w1 * w2 * w3, exact */
	double		weight;			/* w1 * w2 * w3 (nearest double), for explanations */
	double		missing_points;
	double		default_points; /* categories: a value not listed */
	double		true_points;
	double		false_points;
	double		min_points;		/* lowest points the rule can give */

	/*
	 * Every rule is compiled to segments of the real line: segment k is
	 * [seg_upper[k-1], seg_upper[k]) and gives seg_points[k]; the last upper
	 * bound is +infinity.  Bins map directly; a category value v becomes
	 * [v, nextafter(v)) between default segments; boolean is false on
	 * [0, nextafter(0)) and true elsewhere.  Scoring is then one short scan.
	 */
	int			nseg;
	double	   *seg_upper;
	double	   *seg_points;
	const char **seg_label;

	/*
	 * The same in fixed-point score units (see SCORE_SCALE), as the hot
	 * loop adds them; min_contrib is the lowest the rule can give.
	 */
	int64	   *seg_contrib;
	int64		missing_contrib;
	int64		min_contrib;
} CompiledIndicator;

/*
 * Most indicator values are small counts, flags or codes: for the integers
 * 0 .. SMALL_VALUES-1 the contribution is looked up directly.
 */
#define SMALL_VALUES 32

/*
 * Scores are exact (issue 11, art. 9 bands): each indicator's contribution
 * 10 * w1 * w2 * w3 * points is computed in numeric from the decimal values
 * of the weights and points, rounded half-up to 12 decimal places (exact
 * for weights of up to 4 decimals) and kept as an integer number of
 * 1e-12 score units; the contributions are summed exactly in int64, the
 * binding floor is applied, and the result is rounded half-up to 2 decimal
 * places (SCORE_DECIMALS).  The score returned is the double nearest that
 * decimal, as (double) cents / 100 and model_to_sql()'s
 * round(numeric, 2)::float8 both give.
 */
#define SCORE_FIXED_DECIMALS 12
#define SCORE_SCALE INT64CONST(1000000000000)
#define SCORE_DECIMALS 2
#define SCORE_CENT (SCORE_SCALE / 100)

/* Fixed-point score units of a numeric value (rounded to 12 places). */
extern int64 score_fixed_from_numeric(Numeric value);
/* The exact contribution coef * points, in fixed-point score units. */
extern int64 score_fixed_contribution(Numeric coef, double points);

/* The score (a double) of an exact total in fixed-point score units. */
static inline double
score_from_fixed(int64 total)
{
	int64		cents = (total + SCORE_CENT / 2) / SCORE_CENT;

	return (double) cents / 100.0;
}

#define BLOCK_LANES 4
#define BLOCK_BOUNDS 5

/* Scratch arrays are padded to whole blocks. */
#define PADDED_N(n) ((((n) + BLOCK_LANES - 1) / BLOCK_LANES) * BLOCK_LANES)

typedef struct CompiledCondition
{
	int			indicator;		/* 0-based position */
	CondOp		op;
	double		value;
} CompiledCondition;

typedef struct CompiledFloor
{
	char	   *code;
	char	   *name;
	double		floor;
	int64		floor_fixed;	/* floor in fixed-point score units */
	int			nconds;
	CompiledCondition *conds;
} CompiledFloor;

typedef struct CompiledModel
{
	char	   *key;
	int64		revision;
	bool		published;		/* published or retired: frozen */
	int			n;				/* number of level-3 indicators */
	CompiledIndicator *ind;
	int			nfloors;
	CompiledFloor *floors;
	int		   *by_code;		/* indicator indexes sorted by code */
	int64	   *small_contrib;	/* n x SMALL_VALUES: contribution of value j */

	/*
	 * Vector form, for CPUs with AVX2: indicators in blocks of 4 lanes; a
	 * rule with at most BLOCK_BOUNDS + 1 segments (six) is one column of
	 * blk_upper (its bounds, padded with +infinity) and blk_contrib (the
	 * contribution of each segment).  "Wide" rules, with more segments,
	 * are scored one by one.
	 */
	bool		use_avx2;
	int64	   *missing_contrib;	/* [n]: contribution of a missing value */
	int			nblocks;		/* ceil(n / 4) */
	double	   *blk_upper;		/* [block][bound j][lane] */
	int64	   *blk_contrib;	/* [block][segment k][lane] */
	int			nwide;
	int		   *wide;			/* indexes of the wide rules */
	MemoryContext mcxt;
} CompiledModel;

/*
 * Per-call-site state kept in fn_extra: the model last used there.  The
 * model is looked up (one catalog query) once per query, or when the model
 * argument changes between rows.
 */
typedef struct ModelCallCache
{
	text	   *key;			/* copy of the model argument */
	CompiledModel *model;
	LocalTransactionId lxid;	/* when a draft was looked up */
	CommandId	cid;
	double	   *values;			/* scratch: one row's values (padded) */
	bool	   *isnull;
	int64	   *contrib;		/* scratch: one row's contributions */
} ModelCallCache;

/* creditrisk.simd: use the AVX2 scorer where the CPU has AVX2 */
extern bool creditrisk_simd;
extern int	creditrisk_memory_budget;	/* kB: creditrisk.memory_budget */

/*
 * The compiled model for a call.  When require_published is set, drafts are
 * refused (score() is IMMUTABLE and must only see frozen models).
 */
extern CompiledModel *model_for_call(FunctionCallInfo fcinfo, text *key,
									 bool require_published);

/* The error for an unknown model key (creditrisk.model_not_found() in SQL). */
extern void report_model_not_found(const char *key) pg_attribute_noreturn();

/* One enterprise's score and n reason codes in one evaluation (score.c). */
extern double score_with_reasons(CompiledModel *m, double *values, bool *isnull, int n, Datum *reasons);

/* Index of an indicator code, or -1. */
extern int	model_find_code(const CompiledModel *model, const char *code, int len);

#endif							/* CREDITRISK_MODEL_H */
