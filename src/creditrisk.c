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
#include "utils/guc.h"

#include "model.h"

PG_MODULE_MAGIC;

bool		creditrisk_simd = true;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomBoolVariable("creditrisk.simd",
							 "Score with SIMD instructions (AVX2) where the CPU has them.",
							 "Off forces the portable scalar scorer; both give identical scores.",
							 &creditrisk_simd,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("creditrisk");
}
