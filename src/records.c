/*
 * records.c
 *		Row checks of the register and the credit records that depend on
 *		the clock, so that they cannot be CHECK constraints.
 *
 * "A record cannot describe a future event" (a decision dated tomorrow, a
 * listing removed next month) is a rule about the moment a record is
 * entered, not about the row: as a CHECK (... <= current_date) it would be
 * re-evaluated when the row is restored, and a dump restored on a server
 * whose clock is behind (or a row dated today restored a few hours earlier
 * in another time zone) would be refused.  So it is enforced by a BEFORE
 * INSERT OR UPDATE trigger, creditrisk.dates_not_future(column, ...):
 *
 *	- INSERT of a record that becomes known now (recorded_at left to the
 *	  database, which record_arrival() stamps): every named date must be on
 *	  or before current_date;
 *	- INSERT with its own recorded_at (a row restored by pg_restore or an
 *	  imported history; only the tables' owner may give one): not checked
 *	  against the clock, as the row was checked when it first became known;
 *	- UPDATE: each named date that the update changes must be on or before
 *	  current_date (removing a listing "next month" is refused).
 *
 * The trigger is named dates_not_future on every table, so that it fires
 * before record_arrival (BEFORE triggers fire in name order), while
 * recorded_at still holds what the statement gave.  A table without
 * recorded_at falls back on received_at: given and different from now(),
 * the row is carried over.
 *
 * Dates that are not finite (+-infinity) are refused by CHECK constraints
 * (isfinite()), which are immutable and hold for restores too.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(dates_not_future);
Datum
dates_not_future(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Trigger    *trigger;
	TupleDesc	desc;
	HeapTuple	newtup;
	HeapTuple	oldtup = NULL;
	bool		by_clock = true;
	bool		have_today = false;
	DateADT		today = 0;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("creditrisk.dates_not_future() must be called as a trigger")));
	if (!TRIGGER_FIRED_BEFORE(td->tg_event) || !TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(td->tg_event) || TRIGGER_FIRED_BY_TRUNCATE(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("creditrisk.dates_not_future() must be a BEFORE INSERT OR UPDATE row trigger")));

	trigger = td->tg_trigger;
	desc = RelationGetDescr(td->tg_relation);
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		newtup = td->tg_newtuple;
		oldtup = td->tg_trigtuple;
	}
	else
	{
		int			recorded = SPI_fnumber(desc, "recorded_at");
		int			received = SPI_fnumber(desc, "received_at");
		bool		isnull;
		Datum		d;

		newtup = td->tg_trigtuple;
		if (recorded > 0)
		{
			/* restored or imported with its own knowledge time */
			(void) heap_getattr(newtup, recorded, desc, &isnull);
			by_clock = isnull;
		}
		else if (received > 0)
		{
			/* a record carried over with its own receipt time */
			d = heap_getattr(newtup, received, desc, &isnull);
			if (!isnull && DatumGetTimestampTz(d) != GetCurrentTransactionStartTimestamp())
				by_clock = false;
		}
	}

	for (int i = 0; i < trigger->tgnargs; i++)
	{
		const char *column = trigger->tgargs[i];
		int			attnum = SPI_fnumber(desc, column);
		bool		isnull;
		Datum		value;
		DateADT		d;

		if (attnum <= 0 || TupleDescAttr(desc, attnum - 1)->atttypid != DATEOID)
			elog(ERROR, "creditrisk.dates_not_future(): \"%s\" is not a date column of \"%s\"",
				 column, RelationGetRelationName(td->tg_relation));
		value = heap_getattr(newtup, attnum, desc, &isnull);
		if (isnull)
			continue;
		d = DatumGetDateADT(value);
		if (oldtup != NULL)
		{
			bool		oldnull;
			Datum		old = heap_getattr(oldtup, attnum, desc, &oldnull);

			if (!oldnull && DatumGetDateADT(old) == d)
				continue;		/* unchanged */
		}
		else if (!by_clock)
			continue;
		if (DATE_NOT_FINITE(d))
			continue;			/* refused by the table's CHECK constraints */
		if (!have_today)
		{
			today = GetSQLCurrentDate();
			have_today = true;
		}
		if (d > today)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("%s of relation \"%s\" is in the future",
							column, RelationGetRelationName(td->tg_relation)),
					 errdetail("%s is %s, after current_date: a record cannot describe an event after the day it is entered.",
							   column, DatumGetCString(DirectFunctionCall1(date_out, value))),
					 errhint("Enter the record on or after that day; rows restored or imported with their own recorded_at are not checked against the clock."),
					 errtablecol(td->tg_relation, attnum)));
	}
	return PointerGetDatum(newtup);
}
