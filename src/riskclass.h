/*
 * riskclass.h
 *		The riskclass type: credit-risk classes A, B, C, D.
 *
 * A riskclass is stored as one byte holding its ordinal (A = 0 ... D = 3),
 * so that the natural integer order is the risk order.
 */
#ifndef CREDITRISK_RISKCLASS_H
#define CREDITRISK_RISKCLASS_H

#include "postgres.h"

#include "fmgr.h"

typedef uint8 RiskClass;

#define RISKCLASS_A			0
#define RISKCLASS_B			1
#define RISKCLASS_C			2
#define RISKCLASS_D			3
#define RISKCLASS_COUNT		4

#define DatumGetRiskClass(X)	((RiskClass) DatumGetUInt8(X))
#define RiskClassGetDatum(X)	UInt8GetDatum(X)
#define PG_GETARG_RISKCLASS(n)	DatumGetRiskClass(PG_GETARG_DATUM(n))
#define PG_RETURN_RISKCLASS(x)	return RiskClassGetDatum(x)

/* The letter of a class ('A' ... 'D'). */
static inline char
riskclass_letter(RiskClass rc)
{
	return (char) ('A' + rc);
}

/* The class of a score 0-1000 by the Henan bands, as classify(score) (classify.c). */
extern RiskClass riskclass_of_score(float8 score);

#endif							/* CREDITRISK_RISKCLASS_H */
