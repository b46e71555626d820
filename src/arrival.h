/*
 * arrival.h
 *		Knowledge time (src/arrival.c), for the other parts of the module.
 */
#ifndef CREDITRISK_ARRIVAL_H
#define CREDITRISK_ARRIVAL_H

#include "datatype/timestamp.h"

/* ts is the knowledge time this transaction stamps its writes with */
extern bool arrival_stamped_now(TimestampTz ts);

#endif
