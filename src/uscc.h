/*
 * uscc.h
 *		The uscc type: unified social credit code (统一社会信用代码),
 *		GB 32100-2015.
 */
#ifndef CREDITRISK_USCC_H
#define CREDITRISK_USCC_H

#include "postgres.h"

#include "fmgr.h"

#define USCC_LEN		18		/* characters in the text form */
#define USCC_BODY_LEN	17		/* characters before the check character */
#define USCC_PACKED_LEN 11		/* 17 characters x 5 bits = 85 bits */

/*
 * Stored form: the 17 body characters, each as its index in the code set
 * (0-30), packed 5 bits each, most significant first.  The code set is in
 * ASCII order, so memcmp() order is the text order of the code, and the
 * check character, which the body determines, need not be stored.
 */
typedef struct Uscc
{
	uint8		packed[USCC_PACKED_LEN];
} Uscc;

#define DatumGetUsccP(X)	((Uscc *) DatumGetPointer(X))
#define UsccPGetDatum(X)	PointerGetDatum(X)
#define PG_GETARG_USCC_P(n) DatumGetUsccP(PG_GETARG_DATUM(n))
#define PG_RETURN_USCC_P(x) return UsccPGetDatum(x)

/* Render a stored code as its 18 characters plus a terminating NUL. */
extern void uscc_format(const Uscc *code, char *out);

#endif							/* CREDITRISK_USCC_H */
