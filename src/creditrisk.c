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
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
