/*
 * calendar.c
 *		Chinese working days (工作日): is_working_day(), add_working_days(),
 *		working_days_between(), is_provisional().
 *
 * A day is a working day if it is Monday to Friday, unless the State
 * Council's yearly schedule (国务院办公厅关于部分节假日安排的通知) makes it
 * an off day, or a weekend day that the schedule makes an adjusted working
 * day (调休上班).  The schedules live in creditrisk.calendar_day: one row per
 * off day and per adjusted working day, with the year of the notice that
 * fixed it (a notice can fix days of the previous year: 2022-12-31 comes
 * from the 2023 notice).
 *
 * For a year whose notice is not loaded, the fixed-date statutory holidays
 * (元旦 Jan 1, 劳动节 May 1-2, 国庆节 Oct 1-3) still apply and every answer
 * that depends on such a year is provisional (is_provisional()).
 *
 * The table is read once per call site and query (fn_extra), never per
 * row: the days of every year from the first to the last loaded notice are
 * expanded into a dense array of day kinds with a running count of working
 * days, so that a lookup is an index and a count is a subtraction; days
 * outside that range follow the rules above.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(creditrisk_is_working_day);
PG_FUNCTION_INFO_V1(creditrisk_add_working_days);
PG_FUNCTION_INFO_V1(creditrisk_working_days_between);
PG_FUNCTION_INFO_V1(creditrisk_is_provisional);
PG_FUNCTION_INFO_V1(creditrisk_is_provisional_range);

/*
 * The calendar of one call site.  Days lo .. lo + ndays - 1 (whole years
 * first_year .. last_year) are expanded; working[i] says whether day lo + i
 * is a working day and before[i] counts the working days in [lo, lo + i).
 * scheduled[y - first_year] says whether the notice of year y is loaded.
 */
typedef struct Calendar
{
	int			first_year;
	int			last_year;
	DateADT		lo;
	int			ndays;
	bool	   *working;
	int32	   *before;			/* ndays + 1 entries */
	bool	   *scheduled;
} Calendar;

/* A generous bound on how far a count may walk (about 270 years). */
#define MAX_WALK_DAYS	100000

static int
year_of(DateADT d)
{
	int			y,
				m,
				day;

	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	return y;
}

static DateADT
date_of(int y, int m, int d)
{
	return date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
}

/* ISO day of week, 1 = Monday .. 7 = Sunday (2000-01-01 was a Saturday). */
static int
isodow(DateADT d)
{
	int			r = d % 7;

	if (r < 0)
		r += 7;
	return (r + 5) % 7 + 1;
}

/* The rule for a day that no loaded notice mentions. */
static bool
rule_working(DateADT d, bool year_scheduled)
{
	int			y,
				m,
				day;

	if (isodow(d) >= 6)
		return false;
	if (year_scheduled)
		return true;
	/* No schedule: the fixed-date statutory holidays still apply. */
	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	if ((m == 1 && day == 1) || (m == 5 && day <= 2) || (m == 10 && day <= 3))
		return false;
	return true;
}

static bool
year_scheduled(const Calendar *cal, int y)
{
	return y >= cal->first_year && y <= cal->last_year &&
		cal->scheduled[y - cal->first_year];
}

static bool
cal_working(const Calendar *cal, DateADT d)
{
	int64		i = (int64) d - cal->lo;

	if (i >= 0 && i < cal->ndays)
		return cal->working[i];
	return rule_working(d, false);
}

static void
check_finite(DateADT d, const char *what)
{
	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s must be a finite date", what),
				 errdetail("Working days are counted between real days; \"infinity\" and \"-infinity\" are not days.")));
}

/* Read creditrisk.calendar_day and expand it (once per call site). */
static Calendar *
load_calendar(FunctionCallInfo fcinfo)
{
	Calendar   *cal = (Calendar *) fcinfo->flinfo->fn_extra;
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
	int			ret;
	uint64		n,
				r;
	DateADT    *days;
	bool	   *is_work;
	int		   *notice;
	int			i;

	if (cal != NULL)
		return cal;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	ret = SPI_execute("SELECT day, kind OPERATOR(pg_catalog.=) 'work', notice_year"
					  " FROM creditrisk.calendar_day", true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: reading creditrisk.calendar_day failed: %s",
			 SPI_result_code_string(ret));
	n = SPI_processed;
	days = palloc(sizeof(DateADT) * Max(n, 1));
	is_work = palloc(sizeof(bool) * Max(n, 1));
	notice = palloc(sizeof(int) * Max(n, 1));
	for (r = 0; r < n; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull[3];

		days[r] = DatumGetDateADT(SPI_getbinval(tup, desc, 1, &isnull[0]));
		is_work[r] = DatumGetBool(SPI_getbinval(tup, desc, 2, &isnull[1]));
		notice[r] = DatumGetInt32(SPI_getbinval(tup, desc, 3, &isnull[2]));
		/* The table's constraints rule these out. */
		if (isnull[0] || isnull[1] || isnull[2] || DATE_NOT_FINITE(days[r]))
			elog(ERROR, "creditrisk: calendar_day holds a NULL or infinite value");
	}

	cal = MemoryContextAllocZero(cxt, sizeof(Calendar));
	if (n == 0)
	{
		cal->ndays = 0;
		cal->first_year = 1;
		cal->last_year = 0;
	}
	else
	{
		int			span;

		cal->first_year = INT_MAX;
		cal->last_year = INT_MIN;
		for (r = 0; r < n; r++)
		{
			int			y = year_of(days[r]);

			cal->first_year = Min(cal->first_year, Min(y, notice[r]));
			cal->last_year = Max(cal->last_year, Max(y, notice[r]));
		}
		cal->lo = date_of(cal->first_year, 1, 1);
		span = date_of(cal->last_year + 1, 1, 1) - cal->lo;
		cal->ndays = span;
		cal->working = MemoryContextAlloc(cxt, sizeof(bool) * span);
		cal->before = MemoryContextAlloc(cxt, sizeof(int32) * (span + 1));
		cal->scheduled = MemoryContextAllocZero(cxt, sizeof(bool) *
												(cal->last_year - cal->first_year + 1));
		for (r = 0; r < n; r++)
			cal->scheduled[notice[r] - cal->first_year] = true;
		for (i = 0; i < span; i++)
		{
			DateADT		d = cal->lo + i;

			cal->working[i] = rule_working(d, year_scheduled(cal, year_of(d)));
		}
		for (r = 0; r < n; r++)
			cal->working[days[r] - cal->lo] = is_work[r];
		cal->before[0] = 0;
		for (i = 0; i < span; i++)
			cal->before[i + 1] = cal->before[i] + (cal->working[i] ? 1 : 0);
	}
	SPI_finish();
	fcinfo->flinfo->fn_extra = cal;
	return cal;
}

/* Working days in [a, b) (a <= b). */
static int64
count_working(const Calendar *cal, DateADT a, DateADT b)
{
	int64		count = 0;
	DateADT		hi = cal->lo + cal->ndays;
	DateADT		d = a;

	Assert(a <= b);
	/* Before the expanded range, day by day. */
	for (; d < b && d < cal->lo; d++)
		count += rule_working(d, false) ? 1 : 0;
	/* Inside it, by the running count. */
	if (d < b && d < hi)
	{
		DateADT		e = Min(b, hi);

		count += cal->before[e - cal->lo] - cal->before[d - cal->lo];
		d = e;
	}
	/* After it, day by day. */
	for (; d < b; d++)
		count += rule_working(d, false) ? 1 : 0;
	return count;
}

Datum
creditrisk_is_working_day(PG_FUNCTION_ARGS)
{
	DateADT		d = PG_GETARG_DATEADT(0);
	Calendar   *cal;

	check_finite(d, "the day");
	cal = load_calendar(fcinfo);
	PG_RETURN_BOOL(cal_working(cal, d));
}

/*
 * The n-th working day after d (n > 0) or before it (n < 0); the start day
 * is not counted, and n = 0 gives d itself.
 */
Datum
creditrisk_add_working_days(PG_FUNCTION_ARGS)
{
	DateADT		d = PG_GETARG_DATEADT(0);
	int32		n = PG_GETARG_INT32(1);
	int32		left = n < 0 ? -n : n;
	int			step = n < 0 ? -1 : 1;
	int			walked = 0;
	Calendar   *cal;

	check_finite(d, "the start day");
	if (n == PG_INT32_MIN)
		left = PG_INT32_MAX;
	cal = load_calendar(fcinfo);
	while (left > 0)
	{
		d += step;
		if (++walked > MAX_WALK_DAYS || !IS_VALID_DATE(d))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("%d working days from %s is out of range", n,
							DatumGetCString(DirectFunctionCall1(date_out,
																DateADTGetDatum(PG_GETARG_DATEADT(0))))),
					 errdetail("Counts are limited to about %d days either way.", MAX_WALK_DAYS)));
		if (cal_working(cal, d))
			left--;
	}
	PG_RETURN_DATEADT(d);
}

/*
 * The working days after a up to and including b; when b < a, minus the
 * working days from b up to but excluding a.  So add_working_days(a,
 * working_days_between(a, b)) = b whenever b is a working day.
 */
Datum
creditrisk_working_days_between(PG_FUNCTION_ARGS)
{
	DateADT		a = PG_GETARG_DATEADT(0);
	DateADT		b = PG_GETARG_DATEADT(1);
	Calendar   *cal;

	check_finite(a, "the first day");
	check_finite(b, "the second day");
	cal = load_calendar(fcinfo);
	if (b >= a)
		PG_RETURN_INT32((int32) count_working(cal, a + 1, b + 1));
	PG_RETURN_INT32((int32) -count_working(cal, b, a));
}

/* Does an answer about day d rest on a year whose schedule is not loaded? */
Datum
creditrisk_is_provisional(PG_FUNCTION_ARGS)
{
	DateADT		d = PG_GETARG_DATEADT(0);
	Calendar   *cal;

	check_finite(d, "the day");
	cal = load_calendar(fcinfo);
	PG_RETURN_BOOL(!year_scheduled(cal, year_of(d)));
}

/* Is any day from a to b (either order) in a year whose schedule is not loaded? */
Datum
creditrisk_is_provisional_range(PG_FUNCTION_ARGS)
{
	DateADT		a = PG_GETARG_DATEADT(0);
	DateADT		b = PG_GETARG_DATEADT(1);
	Calendar   *cal;
	int			y,
				y1,
				y2;

	check_finite(a, "the first day");
	check_finite(b, "the second day");
	cal = load_calendar(fcinfo);
	y1 = year_of(Min(a, b));
	y2 = year_of(Max(a, b));
	for (y = y1; y <= y2; y++)
		if (!year_scheduled(cal, y))
			PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(false);
}
