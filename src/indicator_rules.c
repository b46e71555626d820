/*
 * indicator_rules.c
 *		The record tables' rules: what one row of each table changes in the
 *		state of its enterprise (a window count, a current flag, a latest
 *		date, ...), and, for licences and legal-representative changes, the
 *		grouping per enterprise after the scan (renewals compare licences of
 *		the same enterprise; changes count by distinct day).
 *
 * Each table's RecordKind (record_<table>, listed in engine.h) names its
 * columns, its row function, the window outside which rows are passed over
 * unread, and what runs after the scan.  Related-party links are in
 * related_parties.c.
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/memutils.h"

#include "engine.h"

static void
row_licence(ComputeState *st, Datum *v, bool *null)
{
	int32		s = index_lookup(st, DatumGetUsccP(v[0]));
	Licence    *l;
	DateADT		from = DatumGetDateADT(v[1]);

	if (chunk_ent(st, s) == NULL || from > st->w.d)
		return;					/* licences granted after D play no part */
	st->licences = array_room(st->licences, st->nlicences, &st->caplicences, sizeof(Licence), st->mcxt);
	l = &st->licences[st->nlicences++];
	l->slot = s;
	l->valid_from = from;
	l->valid_to = null[2] ? DATEVAL_NOEND : DatumGetDateADT(v[2]);
	l->revoked = null[3] ? DATEVAL_NOEND : DatumGetDateADT(v[3]);
	l->kind = NULL;
	if (!null[4])
	{
		struct varlena *k = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(v[4]));
		int			len = VARSIZE_ANY_EXHDR(k);

		if (len > 0)
			l->kind = MemoryContextStrdup(st->mcxt, text_to_cstring((text *) k));
	}
}

/* by enterprise (the order of one enterprise's licences does not matter) */
PAIR_COMPARATOR(cmp_licence, Licence, slot, valid_from)

static bool
same_kind(const Licence *a, const Licence *b)
{
	return a->kind == NULL || b->kind == NULL || strcmp(a->kind, b->kind) == 0;
}

/* Licences of one enterprise: lapsed, expired without renewal, revoked. */
static void
finish_licences(ComputeState *st)
{
	const Windows *w = &st->w;
	int64		i = 0;

	if (st->nlicences > 1)
		qsort(st->licences, st->nlicences, sizeof(Licence), cmp_licence);
	while (i < st->nlicences)
	{
		int64		j = i;
		Enterprise *e = chunk_ent(st, st->licences[i].slot);
		bool		any_valid = false;

		while (j < st->nlicences && st->licences[j].slot == st->licences[i].slot)
			j++;
		for (int64 k = i; k < j; k++)
		{
			const Licence *l = &st->licences[k];

			if (w->d < l->valid_to && l->revoked > w->d)
				any_valid = true;
			if (l->revoked != DATEVAL_NOEND && IN_WINDOW(l->revoked, w->y3, w))
				e->licences_revoked_3y++;
			if (l->valid_to != DATEVAL_NOEND && IN_WINDOW(l->valid_to, w->y1, w))
			{
				bool		renewed = false;

				for (int64 m = i; m < j && !renewed; m++)
				{
					const Licence *r = &st->licences[m];

					renewed = m != k && same_kind(l, r) && r->valid_from >= l->valid_to - 180;
				}
				if (!renewed)
					e->licences_unrenewed_1y++;
			}
		}
		e->licence_lapsed = !any_valid;
		i = j;
	}
}

RECORD_COLUMNS(licence_cols, "uscc", "valid_from", "valid_to", "revoked_date", "kind");

const RecordKind record_licence = {
	.cols = licence_cols, .ncols = lengthof(licence_cols), .row = row_licence, .finish = finish_licences
};

static void
row_penalty(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		decided = DatumGetDateADT(v[1]);
	uint8		severity;
	bool		key_field;

	if (e == NULL || decided > w->d)
		return;
	/* revoked (撤销) on or before D: it no longer counts, nor is publicised */
	if (!null[7] && DatumGetDateADT(v[7]) <= w->d)
		return;
	if (!null[4])
	{
		/* a penalty without a publicity end stays without one (record_end()) */
		bool		open = false;
		DateADT		end = DatumGetDateADT(v[4]);

		record_end_apply(st, T_PENALTY, DatumGetInt64(v[6]), &open, &end);
		if (end > w->d)
			e->penalties_in_publicity++;
	}
	if (!IN_WINDOW(decided, w->y3, w))
		return;
	severity = text_is(v[2], "serious") ? 3 : text_is(v[2], "general") ? 2 : 1;
	key_field = !text_is(v[5], "other");
	e->penalties_3y++;
	e->penalty_max_severity_3y = Max(e->penalty_max_severity_3y, severity);
	if (severity == 3)
		e->penalties_serious_3y++;
	else if (severity == 2)
		e->penalties_general_3y++;
	e->fines_3y += amount_units(v[3]);
	if (key_field)
	{
		e->penalties_key_3y++;
		if (severity == 3)
			e->penalties_key_serious_3y++;
	}
	if (decided > w->y1)
	{
		e->penalties_1y++;
		if (key_field)
			e->penalties_key_1y++;
	}
}

RECORD_COLUMNS(penalty_cols, "uscc", "decision_date", "severity", "fine_amount", "publicity_end_date", "field", "id", "revoked_on");

/* revoked_on (column 7) since 1.5: a 1.4 install has none */
const RecordKind record_penalty = {
	.cols = penalty_cols, .ncols = lengthof(penalty_cols), .row = row_penalty, .optional = 1u << 7
};

static uint8
check_outcome_code(Datum outcome, bool refused)
{
	if (refused)
		return 5;
	if (text_is(outcome, "pass"))
		return 1;
	if (text_is(outcome, "problems_found"))
		return 2;
	if (text_is(outcome, "rectification_ordered"))
		return 3;
	return 4;					/* not_found_at_address */
}

static void
row_spot_check(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		checked = DatumGetDateADT(v[1]);
	bool		refused = DatumGetBool(v[3]);
	uint8		code;

	if (e == NULL || checked > w->d)
		return;
	code = check_outcome_code(v[2], refused);
	if (e->last_check_outcome == 0 || checked > e->last_check ||
		(checked == e->last_check && code > e->last_check_outcome))
	{
		e->last_check = checked;
		e->last_check_outcome = code;
	}
	if (!IN_WINDOW(checked, w->y3, w))
		return;
	e->checks_3y++;
	if (text_is(v[2], "pass") && !refused)
		e->checks_pass_3y++;
	else if (text_is(v[2], "problems_found"))
		e->checks_problems_3y++;
	else if (text_is(v[2], "not_found_at_address"))
		e->checks_not_found_3y++;
	if (checked > w->y1)
	{
		if (refused)
			e->checks_refused_1y++;
		if (text_is(v[2], "rectification_ordered"))
			e->checks_rectification_1y++;
	}
}

RECORD_COLUMNS(spot_check_cols, "uscc", "check_date", "outcome", "refused");

const RecordKind record_spot_check = {
	.cols = spot_check_cols, .ncols = lengthof(spot_check_cols), .row = row_spot_check
};

static void
row_complaint(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		received = DatumGetDateADT(v[1]);
	bool		report;
	bool		substantiated;

	if (e == NULL || received > w->d || received <= w->y3)
		return;
	report = text_is(v[2], "report");
	substantiated = !null[3] && DatumGetBool(v[3]);
	if (report)
		e->reports_3y++;
	else
		e->complaints_3y++;
	if (received > w->m6)
	{
		if (received > w->m3)
			e->received_3m++;
		else
			e->received_prev_3m++;
	}
	if (received <= w->y1)
		return;
	e->received_1y++;
	if (substantiated)
		e->substantiated_1y++;
	if (report)
	{
		e->reports_1y++;
		if (substantiated)
			e->reports_substantiated_1y++;
	}
	else
	{
		e->complaints_1y++;
		if (substantiated)
			e->complaints_substantiated_1y++;
	}
}

RECORD_COLUMNS(complaint_cols, "uscc", "received_date", "kind", "substantiated");

const RecordKind record_complaint = {
	.cols = complaint_cols, .ncols = lengthof(complaint_cols), .row = row_complaint, RECORD_WINDOW(1, y3)
};

/*
 * Gravity of an abnormal-listing reason: 1 < 9 < 2 < 3 < 4 (the registry
 * maps it back, for abnormal_list_reason_current).
 */
static const uint8 reason_gravity[10] = {0, 1, 3, 4, 5, 0, 0, 0, 0, 2};

static void
row_abnormal(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		listed = DatumGetDateADT(v[1]);
	int			reason = DatumGetInt16(v[3]);
	bool		open = null[2];
	DateADT		removed = open ? 0 : DatumGetDateADT(v[2]);

	if (e == NULL || listed > w->d)
		return;
	if (IN_WINDOW(listed, w->y3, w))
		e->abnormal_times_3y++;
	record_end_apply(st, T_ABNORMAL, DatumGetInt64(v[4]), &open, &removed);
	if (CURRENT(listed, open, removed, w))
	{
		uint8		g = (reason >= 0 && reason <= 9 && reason_gravity[reason] > 0) ? reason_gravity[reason] : 2;

		if (!e->abnormal_current || listed < e->abnormal_first_current)
			e->abnormal_first_current = listed;
		e->abnormal_current = true;
		e->abnormal_gravity = Max(e->abnormal_gravity, g);
		Assert(e->abnormal_gravity >= 1 && e->abnormal_gravity <= 5);
	}
}

RECORD_COLUMNS(abnormal_cols, "uscc", "listed_date", "removed_date", "reason", "id");

const RecordKind record_abnormal_listing = {
	.cols = abnormal_cols, .ncols = lengthof(abnormal_cols), .row = row_abnormal
};

/*
 * A listing (serious dishonesty, judgment debtors): listings in one window,
 * removals in another, and whether one is current.
 */
static inline void
count_listing(const Windows *w, DateADT listed, bool open, DateADT ended, DateADT listings_after,
			  DateADT removed_after, int32 *listings, int32 *removed, bool *current)
{
	if (IN_WINDOW(listed, listings_after, w))
		(*listings)++;
	if (!open && IN_WINDOW(ended, removed_after, w))
		(*removed)++;
	if (CURRENT(listed, open, ended, w))
		*current = true;
}

/*
 * A serious-dishonesty listing ends at its removal, an approved repair or its
 * maximum term, whichever is first (creditrisk.record_end()): that end counts
 * as its removal.
 */
static void
row_serious(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	bool		open = null[2];
	DateADT		ended = open ? 0 : DatumGetDateADT(v[2]);

	if (e == NULL || DatumGetDateADT(v[1]) > st->w.d)
		return;
	record_end_apply(st, T_SERIOUS, DatumGetInt64(v[3]), &open, &ended);
	if (st->nterms > 0)
	{
		bool		found;
		DateADT		term = listing_term_end(st, DatumGetDateADT(v[1]), &found);

		if (found && (open || term < ended))
		{
			open = false;
			ended = term;
		}
	}
	count_listing(&st->w, DatumGetDateADT(v[1]), open, ended, st->w.y5, st->w.y2,
				  &e->serious_listings_5y, &e->serious_removed_2y, &e->serious_current);
}

static void
row_debtor(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);

	if (e != NULL && DatumGetDateADT(v[1]) <= st->w.d)
		count_listing(&st->w, DatumGetDateADT(v[1]), null[2], null[2] ? 0 : DatumGetDateADT(v[2]),
					  st->w.y3, st->w.y1, &e->debtor_listings_3y, &e->debtor_removed_1y, &e->debtor_current);
}

RECORD_COLUMNS(listing_cols, "uscc", "listed_date", "removed_date");
RECORD_COLUMNS(serious_cols, "uscc", "listed_date", "removed_date", "id");

const RecordKind record_serious_dishonesty_listing = {
	.cols = serious_cols, .ncols = lengthof(serious_cols), .row = row_serious
};

const RecordKind record_judgment_debtor_listing = {
	.cols = listing_cols, .ncols = lengthof(listing_cols), .row = row_debtor
};

static void
row_annual_report(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	int			back = w->latest_due_year - DatumGetInt16(v[1]);

	if (e == NULL || back < 0 || back > 2 || DatumGetDateADT(v[2]) > w->d)
		return;
	Assert(back >= 0 && back <= 2);
	e->reports_filed |= 1 << back;
	if (!DatumGetBool(v[3]))
		e->reports_late |= 1 << back;
}

RECORD_COLUMNS(annual_report_cols, "uscc", "year", "filed_on", "on_time");

/* a report for year Y is filed after 31 December of Y (a constraint) */
const RecordKind record_annual_report = {
	.cols = annual_report_cols, .ncols = lengthof(annual_report_cols), .row = row_annual_report,
	RECORD_WINDOW(2, reports_after)
};

static void
row_change(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		changed = DatumGetDateADT(v[1]);

	if (e == NULL || !IN_WINDOW(changed, w->y3, w))
		return;
	e->changes_3y++;
	if (changed <= w->y1)
		return;
	if (text_is(v[2], "legal_representative"))
	{
		st->rep_changes = array_room(st->rep_changes, st->nrep_changes, &st->caprep_changes,
									 sizeof(SlotDate), st->mcxt);
		st->rep_changes[st->nrep_changes].slot = slot_of(st, e);
		st->rep_changes[st->nrep_changes].date = changed;
		st->nrep_changes++;
	}
	else if (text_is(v[2], "name"))
		e->changes_name_1y++;
	else if (text_is(v[2], "address"))
		e->changes_address_1y++;
	else if (text_is(v[2], "scope"))
		e->changes_scope_1y++;
	else if (text_is(v[2], "capital"))
		e->changes_capital_1y++;
}

RECORD_COLUMNS(change_cols, "uscc", "change_date", "kind");

PAIR_COMPARATOR(cmp_slot_date, SlotDate, slot, date)

/* Several changes of the legal representative on one day count once. */
static void
finish_rep_changes(ComputeState *st)
{
	if (st->nrep_changes > 1)
		qsort(st->rep_changes, st->nrep_changes, sizeof(SlotDate), cmp_slot_date);
	for (int64 i = 0; i < st->nrep_changes; i++)
		if (i == 0 || st->rep_changes[i].slot != st->rep_changes[i - 1].slot ||
			st->rep_changes[i].date != st->rep_changes[i - 1].date)
			chunk_ent(st, st->rep_changes[i].slot)->changes_legal_rep_1y++;
}

const RecordKind record_registration_change = {
	.cols = change_cols, .ncols = lengthof(change_cols), .row = row_change, RECORD_WINDOW(1, y3),
	.finish = finish_rep_changes
};

static void
row_equity(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		start = DatumGetDateADT(v[2]);
	bool		pledge = text_is(v[1], "pledge");
	bool		current;

	if (e == NULL || start > w->d)
		return;
	current = CURRENT(start, null[3], DatumGetDateADT(v[3]), w);
	if (pledge)
	{
		e->pledges_current += current;
		e->pledges_1y += IN_WINDOW(start, w->y1, w);
	}
	else
	{
		e->freezes_current += current;
		e->freezes_3y += IN_WINDOW(start, w->y3, w);
	}
}

RECORD_COLUMNS(equity_cols, "uscc", "kind", "start_date", "end_date");

const RecordKind record_equity_pledge_freeze = {
	.cols = equity_cols, .ncols = lengthof(equity_cols), .row = row_equity
};

static void
row_lawsuit(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		filed = DatumGetDateADT(v[1]);

	if (e == NULL || !IN_WINDOW(filed, w->y3, w) || !text_is(v[2], "defendant"))
		return;
	e->defendant_3y++;
	if (text_is(v[3], "criminal"))
		e->criminal_defendant_3y++;
	if (filed > w->y1)
	{
		e->defendant_1y++;
		if (text_is(v[3], "labour"))
			e->labour_defendant_1y++;
	}
}

RECORD_COLUMNS(lawsuit_cols, "uscc", "filed_date", "role", "kind");

const RecordKind record_lawsuit = {
	.cols = lawsuit_cols, .ncols = lengthof(lawsuit_cols), .row = row_lawsuit, RECORD_WINDOW(1, y3)
};

static void
row_opinion(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);
	const Windows *w = &st->w;
	DateADT		published = DatumGetDateADT(v[1]);
	bool		negative;

	if (e == NULL || !IN_WINDOW(published, w->y1, w))
		return;
	negative = text_is(v[2], "negative");
	e->opinions_1y++;
	e->negative_1y += negative;
	e->negative_3m += negative && published > w->m3;
}

RECORD_COLUMNS(opinion_cols, "uscc", "published_date", "sentiment");

const RecordKind record_public_opinion = {
	.cols = opinion_cols, .ncols = lengthof(opinion_cols), .row = row_opinion, RECORD_WINDOW(1, y1)
};

/*
 * A credit commitment (信用承诺) counts when its breach was established in the
 * last three years (not in reference-v1: the catalogue entry
 * commitment_breaches_3y, extension/repair.sql, for models that use it).
 */
static void
row_commitment(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e;

	if (null[1] || !IN_WINDOW(DatumGetDateADT(v[1]), st->w.y3, &st->w))
		return;
	e = enterprise_of(st, v[0]);
	if (e != NULL)
		e->commitment_breaches_3y++;
}

RECORD_COLUMNS(commitment_cols, "uscc", "breached_date");

const RecordKind record_credit_commitment = {
	.cols = commitment_cols, .ncols = lengthof(commitment_cols), .row = row_commitment
};

/*
 * Administrative enforcement (行政强制): a measure is in force from its
 * decision until lifted (lifted_date, exclusive); enforcement_2y counts the
 * decisions of the last two years.
 */
static void
row_enforcement(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e;
	DateADT		decided = DatumGetDateADT(v[1]);

	if (decided > st->w.d)
		return;
	e = enterprise_of(st, v[0]);
	if (e == NULL)
		return;
	e->enforcement_in_force += CURRENT(decided, null[2], DatumGetDateADT(v[2]), &st->w);
	e->enforcement_2y += IN_WINDOW(decided, st->w.y2, &st->w);
}

RECORD_COLUMNS(enforcement_cols, "uscc", "decision_date", "lifted_date");

const RecordKind record_enforcement = {
	.cols = enforcement_cols, .ncols = lengthof(enforcement_cols), .row = row_enforcement
};

/*
 * Administrative confirmations (行政确认): valid from the confirmation until
 * valid_to (exclusive), or without end.
 */
static void
row_confirmation(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e;

	if (!CURRENT(DatumGetDateADT(v[1]), null[2], DatumGetDateADT(v[2]), &st->w))
		return;
	e = enterprise_of(st, v[0]);
	if (e != NULL)
		e->confirmations_valid++;
}

RECORD_COLUMNS(confirmation_cols, "uscc", "confirmed_date", "valid_to");

const RecordKind record_confirmation = {
	.cols = confirmation_cols, .ncols = lengthof(confirmation_cols), .row = row_confirmation
};

/*
 * Administrative rewards (行政奖励), a positive signal: awarded in the last
 * three years and not revoked on or before D; the highest level of them
 * (county 1, city 2, provincial 3, national 4).
 */
static void
row_reward(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e;
	uint8		level;

	if (!null[3] && DatumGetDateADT(v[3]) <= st->w.d)
		return;
	e = enterprise_of(st, v[0]);
	if (e == NULL)
		return;
	level = text_is(v[2], "national") ? 4 : text_is(v[2], "provincial") ? 3 :
		text_is(v[2], "city") ? 2 : 1;
	e->rewards_3y++;
	e->reward_level_3y = Max(e->reward_level_3y, level);
}

RECORD_COLUMNS(reward_cols, "uscc", "award_date", "level", "revoked_date");

const RecordKind record_reward = {
	.cols = reward_cols, .ncols = lengthof(reward_cols), .row = row_reward, RECORD_WINDOW(1, y3)
};

static void
row_domain_class(ComputeState *st, Datum *v, bool *null)
{
	Enterprise *e = enterprise_of(st, v[0]);

	if (e != NULL && DatumGetDateADT(v[1]) <= st->w.d)
		e->domain_class = true;
}

RECORD_COLUMNS(domain_class_cols, "uscc", "assessed_date");

const RecordKind record_domain_risk_class = {
	.cols = domain_class_cols, .ncols = lengthof(domain_class_cols), .row = row_domain_class
};
