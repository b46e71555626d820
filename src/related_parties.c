/*
 * related_parties.c
 *		Related-party links: each link in force (or recently in force) on D
 *		becomes two directed edges; after the scan the edges are sorted and
 *		merged, so that the related set of each enterprise is distinct, and
 *		the related enterprises' facts (read by the earlier scans) are
 *		aggregated.
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "engine.h"

#define EDGE_IN_FORCE		0x01	/* in force on D */
#define EDGE_COMMON_REP		0x02	/* common legal representative, in force */
#define EDGE_SHAREHOLDER	0x04	/* "to" is a shareholder of "from", in force */
#define EDGE_INVESTMENT		0x08	/* "from" holds equity in "to", in force */
#define EDGE_RECENT			0x10	/* in force at some time in (D - 1 year, D] */

static inline void
add_edge(ComputeState *st, int32 from, int32 to, uint8 flags)
{
	st->edges = array_room(st->edges, st->nedges, &st->capedges, sizeof(Edge), st->mcxt);
	st->edges[st->nedges].from = from;
	st->edges[st->nedges].to = to;
	st->edges[st->nedges].flags = flags;
	st->nedges++;
}

static void
row_link(ComputeState *st, Datum *v, bool *null)
{
	const Windows *w = &st->w;
	int32		a = index_lookup(st, DatumGetUsccP(v[0]));
	int32		b = index_lookup(st, DatumGetUsccP(v[1]));
	bool		started = null[3] || DatumGetDateADT(v[3]) <= w->d;
	bool		in_force = started && (null[4] || DatumGetDateADT(v[4]) > w->d);
	bool		recent = started && (null[4] || DatumGetDateADT(v[4]) > w->y1);
	uint8		common = 0;
	uint8		ab = 0;
	uint8		ba = 0;

	bool		a_here;
	bool		b_here;

	if (a < 0 || b < 0 || a == b || !recent)
		return;
	/* under the caller's jurisdiction: a link is seen by either end */
	if (!st->reg[a].visible && !st->reg[b].visible)
		return;
	/* the edges from the chunk's enterprises */
	a_here = chunk_ent(st, a) != NULL;
	b_here = chunk_ent(st, b) != NULL;
	if (!a_here && !b_here)
		return;
	if (in_force)
	{
		ab = ba = EDGE_IN_FORCE;
		if (text_is(v[2], "common_legal_representative"))
			common = EDGE_COMMON_REP;
		else if (text_is(v[2], "shareholder"))
		{
			/* a invests in b */
			ab |= EDGE_INVESTMENT;
			ba |= EDGE_SHAREHOLDER;
		}
	}
	if (a_here)
		add_edge(st, a, b, ab | common | EDGE_RECENT);
	if (b_here)
		add_edge(st, b, a, ba | common | EDGE_RECENT);
}

RECORD_COLUMNS(link_cols, "from_uscc", "to_uscc", "kind", "valid_from", "valid_to");

PAIR_COMPARATOR(cmp_edge, Edge, from, to)

/* Aggregate over the distinct related enterprises of each enterprise. */
static void
finish_related(ComputeState *st)
{
	const Windows *w = &st->w;
	int64		i = 0;

	if (st->nedges > 1)
		qsort(st->edges, st->nedges, sizeof(Edge), cmp_edge);
	while (i < st->nedges)
	{
		Enterprise *e;
		const EnterpriseRegister *r;
		RelatedFacts rf;
		uint8		flags = 0;
		int64		j = i;

		Assert(st->edges[i].from >= 0 && st->edges[i].from < st->n &&
			   st->edges[i].to >= 0 && st->edges[i].to < st->n &&
			   st->edges[i].from != st->edges[i].to);
		e = chunk_ent(st, st->edges[i].from);
		Assert(e != NULL);
		/*
		 * the related enterprise's register facts, and what was read of its
		 * records: from its state in the chunk (whose first members are its
		 * EnterpriseRegister, engine.h), else kept for the whole register
		 */
		r = register_facts(st, st->edges[i].to);
		related_facts(st, st->edges[i].to, &rf);

		while (j < st->nedges && st->edges[j].from == st->edges[i].from && st->edges[j].to == st->edges[i].to)
			flags |= st->edges[j++].flags;
		i = j;

		/* (r's register facts count when the caller's policies show them: r->seen) */
		if ((flags & EDGE_RECENT) && r->seen && r->status == ST_CANCELLED && IN_WINDOW(r->status_date, w->y1, w))
			e->related_cancelled_1y++;
		if (!(flags & EDGE_IN_FORCE))
			continue;
		e->related++;
		e->related_common_rep += (flags & EDGE_COMMON_REP) != 0;
		e->investments += (flags & EDGE_INVESTMENT) != 0;
		if (flags & EDGE_SHAREHOLDER)
		{
			e->shareholders++;
			if (rf.serious_current || rf.debtor_current)
				e->shareholder_listed = true;
		}
		e->related_penalties_1y += rf.penalties_1y;
		e->related_serious_penalties_3y += rf.penalties_serious_3y;
		if (!r->seen)
			continue;
		/* what the definitions read of r on the register (as the caller sees it) */
		e->related_seen++;
		e->related_revoked += r->status == ST_REVOKED && r->status_date <= w->d;
		e->related_abnormal += rf.abnormal_current;
		e->related_serious += rf.serious_current;
		e->related_debtor += rf.debtor_current;
	}
}

const RecordKind record_related_party_link = {
	.cols = link_cols, .ncols = lengthof(link_cols), .row = row_link, .finish = finish_related
};
