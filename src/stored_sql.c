/*
 * stored_sql.c
 *		SQL stored as data: indicator definitions (creditrisk.indicator.
 *		definition_sql) and override rules (creditrisk.override_rule.rule_sql).
 *
 * Stored SQL is code, and whoever can write it must not be able to run it
 * with someone else's rights (issue 11).  Three defences, all here:
 *
 *   1. Shape, by parsing.  A definition must be exactly one expression and a
 *      rule exactly one SELECT query (no INTO, no FOR UPDATE, no
 *      data-modifying WITH).  The text is parsed on its own by PostgreSQL's
 *      raw parser, and the statement the engine actually runs, with the text
 *      inside it, is parsed too: the piece found in it must be equal, node
 *      for node, to the text parsed alone.  So no text can escape its place
 *      in the statement (a ")" or a "--" changes the tree and is refused).
 *      Checks parse and analyse; they never execute (nor does pg_restore).
 *
 *   2. Author.  Each row records its author (owner regrole: set from
 *      current_user when the SQL is written; a role may name as author only
 *      a role it is a member of).  The engine runs a piece of stored SQL as
 *      its author, in a security-restricted operation (as PostgreSQL runs
 *      index expressions and materialized views): SET ROLE and SET SESSION
 *      AUTHORIZATION are refused inside it, temporary objects cannot be
 *      created, and settings it changes are undone when it ends.  SQL
 *      shipped with the extension (shipped rows) runs as the caller, like
 *      the extension's own functions.
 *
 *   3. Trust.  A run executes stored SQL only if the runner trusts its
 *      author: the author is the runner, or a role whose privileges the
 *      runner has (a superuser has every role's), or the SQL is shipped.
 *      Anything else is refused with 42501 before anything runs.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/nodes.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/guc.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "stored_sql.h"

#define DEFINITION_HINT \
	"Write one scalar expression over the enterprise row e and the as-of date $1, e.g. " \
	"(SELECT count(*) FROM creditrisk.penalty p WHERE p.uscc = e.uscc AND p.decision_date <= $1)."
#define RULE_HINT \
	"Write one query over the classification date $1 and the knowledge time $2 with columns uscc and class, e.g. " \
	"SELECT l.uscc, 'D' AS class FROM creditrisk.serious_dishonesty_listing_as_known($2) l " \
	"WHERE creditrisk.is_current(l.listed_date, l.removed_date, $1)."

static void
report_shape(StoredSqlKind kind, const char *label, const char *detail)
{
	if (kind == STORED_SQL_DEFINITION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("SQL definition of indicator \"%s\" is not a single expression", label),
				 errdetail("%s", detail),
				 errhint(DEFINITION_HINT)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("SQL of override rule \"%s\" is not a single SELECT query", label),
			 errdetail("%s", detail),
			 errhint(RULE_HINT)));
}

/* raw_parser(), with a syntax error reported as a refused shape. */
static List *
parse_or_refuse(StoredSqlKind kind, const char *label, const char *sql, RawParseMode mode)
{
	MemoryContext cxt = CurrentMemoryContext;
	List	   *volatile result = NIL;

	PG_TRY();
	{
		result = raw_parser(sql, mode);
	}
	PG_CATCH();
	{
		ErrorData  *e;

		MemoryContextSwitchTo(cxt);
		e = CopyErrorData();
		if (e->sqlerrcode != ERRCODE_SYNTAX_ERROR)
			PG_RE_THROW();
		FlushErrorState();
		report_shape(kind, label, e->message);
	}
	PG_END_TRY();
	return result;
}

/* A SELECT that only reads: no INTO, no row locks, no data-modifying WITH. */
static void
check_read_only_select(const char *label, SelectStmt *s)
{
	if (s == NULL)
		return;
	if (s->intoClause != NULL)
		report_shape(STORED_SQL_RULE, label, "It has an INTO clause (SELECT INTO creates a table).");
	if (s->lockingClause != NIL)
		report_shape(STORED_SQL_RULE, label, "It locks rows (FOR UPDATE / FOR SHARE).");
	if (s->withClause != NULL)
	{
		ListCell   *lc;

		foreach(lc, s->withClause->ctes)
		{
			CommonTableExpr *cte = lfirst_node(CommonTableExpr, lc);

			if (!IsA(cte->ctequery, SelectStmt))
				report_shape(STORED_SQL_RULE, label, "Its WITH clause modifies data.");
			check_read_only_select(label, (SelectStmt *) cte->ctequery);
		}
	}
	check_read_only_select(label, s->larg);
	check_read_only_select(label, s->rarg);
}

/*
 * Parse a piece of stored SQL on its own and check its shape.  Returns the
 * expression (a definition) or the SelectStmt (a rule), for the equality
 * check against the statement that runs it.
 */
Node *
stored_sql_parse(StoredSqlKind kind, const char *label, const char *sql)
{
	List	   *stmts;
	RawStmt    *raw;

	if (kind == STORED_SQL_DEFINITION)
	{
		SelectStmt *s;
		ResTarget  *rt;

		/* PL/pgSQL's expression grammar: "expr [FROM ...]", one statement */
		stmts = parse_or_refuse(kind, label, sql, RAW_PARSE_PLPGSQL_EXPR);
		if (list_length(stmts) != 1)
			report_shape(kind, label, "It is not one expression.");
		raw = linitial_node(RawStmt, stmts);
		s = castNode(SelectStmt, raw->stmt);
		if (s->fromClause != NIL)
			report_shape(kind, label, "It has a FROM clause after the expression.");
		if (s->whereClause != NULL || s->groupClause != NIL || s->havingClause != NULL ||
			s->windowClause != NIL || s->sortClause != NIL || s->limitCount != NULL ||
			s->limitOffset != NULL || s->lockingClause != NIL || s->distinctClause != NIL ||
			s->intoClause != NULL || s->withClause != NULL || s->valuesLists != NIL ||
			s->op != SETOP_NONE)
			report_shape(kind, label, "It has clauses of a query after the expression.");
		if (list_length(s->targetList) != 1)
			report_shape(kind, label, list_length(s->targetList) == 0 ? "It is empty." :
						 "It is a list of expressions.");
		rt = linitial_node(ResTarget, s->targetList);
		if (rt->name != NULL)
			report_shape(kind, label, "It names its result (AS).");
		if (IsA(rt->val, ColumnRef) && IsA(llast(((ColumnRef *) rt->val)->fields), A_Star))
			report_shape(kind, label, "It is a * (all columns).");
		return rt->val;
	}

	stmts = parse_or_refuse(kind, label, sql, RAW_PARSE_DEFAULT);
	if (list_length(stmts) != 1)
		report_shape(kind, label, list_length(stmts) == 0 ? "It is empty." : "It is more than one statement.");
	raw = linitial_node(RawStmt, stmts);
	if (!IsA(raw->stmt, SelectStmt))
		report_shape(kind, label, "It is not a SELECT statement.");
	if (((SelectStmt *) raw->stmt)->valuesLists != NIL && ((SelectStmt *) raw->stmt)->op == SETOP_NONE)
		report_shape(kind, label, "It is a VALUES list, not a query with columns uscc and class.");
	check_read_only_select(label, (SelectStmt *) raw->stmt);
	return raw->stmt;
}

static SelectStmt *
parse_wrapper(StoredSqlKind kind, const char *label, const char *query)
{
	List	   *stmts = parse_or_refuse(kind, label, query, RAW_PARSE_DEFAULT);
	RawStmt    *raw;

	if (list_length(stmts) != 1)
		report_shape(kind, label, "It does not stay inside the statement that runs it.");
	raw = linitial_node(RawStmt, stmts);
	if (!IsA(raw->stmt, SelectStmt))
		report_shape(kind, label, "It does not stay inside the statement that runs it.");
	return (SelectStmt *) raw->stmt;
}

/*
 * The query that computes definitions (first_target: the number of targets
 * before them) holds, in order, exactly the expressions parsed alone.
 */
void
stored_sql_verify_definitions(const char *label, const char *query, List *exprs, int first_target)
{
	SelectStmt *s = parse_wrapper(STORED_SQL_DEFINITION, label, query);
	ListCell   *lc;
	int			i = first_target;

	if (list_length(s->targetList) != first_target + list_length(exprs) ||
		list_length(s->fromClause) != 1 || s->withClause != NULL || s->op != SETOP_NONE)
		report_shape(STORED_SQL_DEFINITION, label, "It does not stay inside the statement that runs it.");
	foreach(lc, exprs)
	{
		ResTarget  *rt = list_nth_node(ResTarget, s->targetList, i++);

		if (rt->name != NULL || !IsA(rt->val, TypeCast) ||
			!equal(((TypeCast *) rt->val)->arg, lfirst(lc)))
			report_shape(STORED_SQL_DEFINITION, label, "It does not stay inside the statement that runs it.");
	}
}

/* The query that runs a rule holds exactly the rule parsed alone. */
void
stored_sql_verify_rule(const char *label, const char *query, Node *select)
{
	SelectStmt *s = parse_wrapper(STORED_SQL_RULE, label, query);
	RangeSubselect *sub;

	if (list_length(s->targetList) != 3 || list_length(s->fromClause) != 1 ||
		s->whereClause == NULL || s->withClause != NULL || s->op != SETOP_NONE ||
		!IsA(linitial(s->fromClause), RangeSubselect))
		report_shape(STORED_SQL_RULE, label, "It does not stay inside the statement that runs it.");
	sub = linitial_node(RangeSubselect, s->fromClause);
	if (!equal(sub->subquery, select))
		report_shape(STORED_SQL_RULE, label, "It does not stay inside the statement that runs it.");
}

/*
 * The trust rule: the role a piece of stored SQL runs as, or an error.
 * Shipped SQL runs as the caller; other SQL as its author, who must be the
 * caller or a role whose privileges the caller has.
 */
Oid
stored_sql_run_as(const char *label, bool shipped, bool owner_isnull, Oid owner)
{
	Oid			runner = GetUserId();
	char	   *runner_name = GetUserNameFromId(runner, false);

	if (shipped)
		return runner;
	if (owner_isnull || !SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(owner)))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s has no known author and is not run", label),
				 owner_isnull
				 ? errdetail("Stored SQL runs with its author's rights; this SQL was stored before creditrisk recorded authors (1.4), or was disowned.")
				 : errdetail("Stored SQL runs with its author's rights; its author (role OID %u) no longer exists.", owner),
				 errhint("A role that has reviewed the SQL adopts it by recording itself as its author: SET owner = CURRENT_ROLE::text::regrole.")));
	if (owner == runner || has_privs_of_role(runner, owner))
		return owner;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("%s is written by role \"%s\", which role \"%s\" does not trust",
					label, GetUserNameFromId(owner, false), runner_name),
			 errdetail("Stored SQL runs with its author's rights; a run executes only SQL written by the runner, by a role whose privileges the runner has, or shipped with creditrisk."),
			 errhint("Run it as a member of role \"%s\", or have a role the runner trusts review and adopt the SQL (set owner to that role).",
					 GetUserNameFromId(owner, false))));
	return InvalidOid;			/* not reached */
}

/*
 * Run as a role in a security-restricted operation, with search_path =
 * pg_catalog, creditrisk, pg_temp; settings changed inside are undone by
 * stored_sql_leave().  On error, transaction abort restores the user and
 * the settings.
 */
void
stored_sql_enter(StoredSqlContext *c, Oid role)
{
	GetUserIdAndSecContext(&c->saved_user, &c->saved_sec_context);
	SetUserIdAndSecContext(role, c->saved_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	c->guc_nest_level = NewGUCNestLevel();
	/* the environment stored SQL is written for, whoever calls (a restore's is empty) */
	(void) set_config_option("search_path", "pg_catalog, creditrisk, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
}

void
stored_sql_leave(StoredSqlContext *c)
{
	AtEOXact_GUC(false, c->guc_nest_level);
	SetUserIdAndSecContext(c->saved_user, c->saved_sec_context);
}

/* ------------------------------------------------------------------------
 * stored_sql_check(kind text, code text, sql text): the check of the
 * catalogue triggers.  Parses the text, then analyses the statement that
 * will run it, without executing anything: parse analysis resolves names
 * and types but calls no function of the text, so it is safe as any role,
 * during a superuser's restore too (when the author's grants are not
 * restored yet).
 * ------------------------------------------------------------------------ */
static void
check_text(StoredSqlKind kind, const char *code, const char *sql)
{
	Node	   *parsed;
	StringInfoData query;
	Oid			argtypes[2] = {DATEOID, TIMESTAMPTZOID};
	StoredSqlContext ctx;
	MemoryContext cxt;
	char	   *label;

	parsed = stored_sql_parse(kind, code, sql);
	initStringInfo(&query);
	if (kind == STORED_SQL_DEFINITION)
	{
		appendStringInfo(&query, "SELECT " STORED_SQL_DEFINITION_OPEN "%s" STORED_SQL_DEFINITION_CLOSE
						 "\n  FROM creditrisk.enterprise e", sql);
		stored_sql_verify_definitions(code, query.data, list_make1(parsed), 0);
		label = psprintf("SQL definition of indicator \"%s\"", code);
	}
	else
	{
		appendStringInfo(&query, STORED_SQL_RULE_OPEN "%s" STORED_SQL_RULE_CLOSE, sql);
		stored_sql_verify_rule(code, query.data, parsed);
		label = psprintf("SQL of override rule \"%s\"", code);
	}

	/* Analyse, never execute (SPI_prepare does not plan). */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	stored_sql_enter(&ctx, GetUserId());
	cxt = CurrentMemoryContext;
	PG_TRY();
	{
		SPIPlanPtr	plan = SPI_prepare(query.data, 2, argtypes);

		if (plan == NULL)
			elog(ERROR, "creditrisk: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	}
	PG_CATCH();
	{
		ErrorData  *e;

		MemoryContextSwitchTo(cxt);
		e = CopyErrorData();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s does not compile", label),
				 errdetail("%s", e->message),
				 errhint(kind == STORED_SQL_DEFINITION ? DEFINITION_HINT : RULE_HINT)));
	}
	PG_END_TRY();
	stored_sql_leave(&ctx);
	SPI_finish();
}

static StoredSqlKind
kind_of(const char *kindname)
{
	if (strcmp(kindname, "definition") == 0)
		return STORED_SQL_DEFINITION;
	if (strcmp(kindname, "rule") == 0)
		return STORED_SQL_RULE;
	elog(ERROR, "creditrisk: unknown kind of stored SQL \"%s\"", kindname);
	return STORED_SQL_RULE;		/* not reached */
}

PG_FUNCTION_INFO_V1(stored_sql_check);
Datum
stored_sql_check(PG_FUNCTION_ARGS)
{
	check_text(kind_of(text_to_cstring(PG_GETARG_TEXT_PP(0))),
			   text_to_cstring(PG_GETARG_TEXT_PP(1)),
			   text_to_cstring(PG_GETARG_TEXT_PP(2)));
	PG_RETURN_VOID();
}

/* ------------------------------------------------------------------------
 * The trigger on the tables that store SQL (indicator, override_rule),
 * BEFORE INSERT OR UPDATE FOR EACH ROW; TG_ARGV: the kind (definition or
 * rule) and the column holding the SQL.  The table has columns code,
 * shipped and owner.  It records the author and checks the text:
 *   - shipped rows (written only by the install script) have no owner;
 *   - a new text, with owner left as it was, is its writer's (current_user);
 *   - naming a role as owner needs membership in it (a superuser, as in a
 *     restore, may name any);
 *   - a new text is parsed and analysed (never executed).
 * A C trigger, so that a role with INSERT on the table needs no EXECUTE
 * on any function.
 * ------------------------------------------------------------------------ */
PG_FUNCTION_INFO_V1(stored_sql_trigger);
Datum
stored_sql_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	HeapTuple	newtup;
	HeapTuple	oldtup = NULL;
	StoredSqlKind kind;
	int			sqlno;
	int			ownerno;
	int			shippedno;
	int			codeno;
	bool		isnull;
	bool		owner_isnull;
	bool		old_owner_isnull = true;
	Oid			owner;
	Oid			old_owner = InvalidOid;
	char	   *sql;
	bool		sql_changed;
	bool		shipped;
	bool		set_owner = false;
	Oid			new_owner = InvalidOid;
	bool		new_owner_isnull = false;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event) || td->tg_trigger->tgnargs != 2)
		elog(ERROR, "creditrisk: stored_sql_trigger must be a BEFORE ... FOR EACH ROW trigger with two arguments");
	kind = kind_of(td->tg_trigger->tgargs[0]);
	desc = RelationGetDescr(td->tg_relation);
	sqlno = SPI_fnumber(desc, td->tg_trigger->tgargs[1]);
	ownerno = SPI_fnumber(desc, "owner");
	shippedno = SPI_fnumber(desc, "shipped");
	codeno = SPI_fnumber(desc, "code");
	if (sqlno <= 0 || ownerno <= 0 || shippedno <= 0 || codeno <= 0)
		elog(ERROR, "creditrisk: stored_sql_trigger on a table without code, shipped, owner or %s",
			 td->tg_trigger->tgargs[1]);

	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		oldtup = td->tg_trigtuple;
		newtup = td->tg_newtuple;
	}
	else
		newtup = td->tg_trigtuple;

	sql = SPI_getvalue(newtup, desc, sqlno);
	shipped = DatumGetBool(SPI_getbinval(newtup, desc, shippedno, &isnull)) && !isnull;
	owner = DatumGetObjectId(SPI_getbinval(newtup, desc, ownerno, &owner_isnull));
	if (oldtup != NULL)
	{
		char	   *old_sql = SPI_getvalue(oldtup, desc, sqlno);

		old_owner = DatumGetObjectId(SPI_getbinval(oldtup, desc, ownerno, &old_owner_isnull));
		sql_changed = (sql == NULL) != (old_sql == NULL) ||
			(sql != NULL && strcmp(sql, old_sql) != 0);
	}
	else
		sql_changed = true;

	if (shipped)
	{
		/* the extension's own SQL: only its install script writes shipped rows */
		if (!owner_isnull)
		{
			set_owner = true;
			new_owner_isnull = true;
		}
	}
	else if (oldtup != NULL && sql_changed && owner_isnull == old_owner_isnull &&
			 (owner_isnull || owner == old_owner))
	{
		/* a new text is its writer's */
		set_owner = true;
		new_owner = GetUserId();
	}
	else if ((oldtup == NULL || owner_isnull != old_owner_isnull || owner != old_owner) &&
			 !owner_isnull && !is_member_of_role(GetUserId(), owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("role \"%s\" cannot record role \"%s\" as the author of stored SQL",
						GetUserNameFromId(GetUserId(), false), GetUserNameFromId(owner, true) ? GetUserNameFromId(owner, true) : "?"),
				 errdetail("Stored SQL runs with its author's rights, so a role can name as author only itself or a role it is a member of."),
				 errhint("Leave owner out: it defaults to the current role.")));

	if (sql != NULL && sql_changed)
		check_text(kind, SPI_getvalue(newtup, desc, codeno), sql);

	if (set_owner)
	{
		Datum		value = ObjectIdGetDatum(new_owner);

		newtup = heap_modify_tuple_by_cols(newtup, desc, 1, &ownerno, &value, &new_owner_isnull);
	}
	return PointerGetDatum(newtup);
}

/*
 * Look a rule up (SPI connected): as it is, or as entered by known_at.
 * Leaves rule_sql, shipped, owner in SPI_tuptable's first row.
 */
static void
lookup_rule(const char *codestr, text *code, bool known_given, TimestampTz known_at)
{
	Oid			argtypes[2] = {TEXTOID, TIMESTAMPTZOID};
	Datum		args[2] = {PointerGetDatum(code), TimestampTzGetDatum(known_at)};

	if (SPI_execute_with_args(known_given
							  ? "SELECT o.rule_sql, o.shipped, o.owner FROM creditrisk.override_rule_as_known($2) o WHERE o.code = $1"
							  : "SELECT o.rule_sql, o.shipped, o.owner FROM creditrisk.override_rule o WHERE o.code = $1",
							  known_given ? 2 : 1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "creditrisk: override rule lookup failed");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("override rule \"%s\" does not exist", codestr),
				 known_given ? errdetail("Not as known at the knowledge time given.") : 0,
				 errhint("SELECT code FROM creditrisk.override_rule lists the rules.")));
}

/* ------------------------------------------------------------------------
 * override_rule_matches(code text, as_of date, known_at timestamptz)
 *		RETURNS TABLE (uscc uscc, class riskclass, detail jsonb)
 * The enterprises an override rule names on a date, with the rule run as
 * its author (shipped rules as the caller).
 * ------------------------------------------------------------------------ */
PG_FUNCTION_INFO_V1(override_rule_matches);
Datum
override_rule_matches(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *code;
	DateADT		as_of;
	bool		known_given = !PG_ARGISNULL(2);
	TimestampTz known_at = known_given ? PG_GETARG_TIMESTAMPTZ(2) : 0;
	Oid			dargtypes[2] = {DATEOID, TIMESTAMPTZOID};
	Datum		dargs[2];
	char		dnulls[2] = {' ', known_given ? ' ' : 'n'};
	char	   *codestr;
	char	   *sql;
	bool		shipped;
	bool		owner_isnull;
	Oid			owner;
	Oid			role;
	Node	   *parsed;
	StringInfoData query;
	StoredSqlContext ctx;
	SPIPlanPtr	plan;
	Portal		portal;
	MemoryContext cxt = CurrentMemoryContext;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	code = PG_GETARG_TEXT_PP(0);
	as_of = PG_GETARG_DATEADT(1);
	codestr = text_to_cstring(code);
	dargs[0] = DateADTGetDatum(as_of);
	dargs[1] = TimestampTzGetDatum(known_at);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	lookup_rule(codestr, code, known_given, known_at);
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		MemoryContext old = MemoryContextSwitchTo(cxt);

		sql = SPI_getvalue(tup, desc, 1);
		MemoryContextSwitchTo(old);
		shipped = DatumGetBool(SPI_getbinval(tup, desc, 2, &isnull));
		owner = DatumGetObjectId(SPI_getbinval(tup, desc, 3, &owner_isnull));
	}

	role = stored_sql_run_as(psprintf("override rule \"%s\"", codestr), shipped, owner_isnull, owner);
	parsed = stored_sql_parse(STORED_SQL_RULE, codestr, sql);
	initStringInfo(&query);
	appendStringInfo(&query, STORED_SQL_RULE_OPEN "%s" STORED_SQL_RULE_CLOSE, sql);
	stored_sql_verify_rule(codestr, query.data, parsed);

	stored_sql_enter(&ctx, role);
	plan = SPI_prepare(query.data, 2, dargtypes);
	if (plan == NULL)
		elog(ERROR, "creditrisk: SPI_prepare failed for override rule \"%s\": %s",
			 codestr, SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, dargs, dnulls, true);
	for (;;)
	{
		SPI_cursor_fetch(portal, true, 10000);
		if (SPI_processed == 0)
			break;
		for (uint64 r = 0; r < SPI_processed; r++)
			tuplestore_puttuple(rsinfo->setResult, SPI_tuptable->vals[r]);
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	stored_sql_leave(&ctx);
	SPI_finish();
	PG_RETURN_NULL();
}

/* ------------------------------------------------------------------------
 * override_rule_run_as(code text, known_at timestamptz) RETURNS regrole: the
 * trust check alone.
 * ------------------------------------------------------------------------ */
PG_FUNCTION_INFO_V1(override_rule_run_as);
Datum
override_rule_run_as(PG_FUNCTION_ARGS)
{
	text	   *code;
	char	   *codestr;
	bool		known_given = !PG_ARGISNULL(1);
	TimestampTz known_at = known_given ? PG_GETARG_TIMESTAMPTZ(1) : 0;
	bool		isnull;
	bool		shipped;
	bool		owner_isnull;
	Oid			owner;
	Oid			role;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	code = PG_GETARG_TEXT_PP(0);
	codestr = text_to_cstring(code);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "creditrisk: SPI_connect failed");
	lookup_rule(codestr, code, known_given, known_at);
	shipped = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &owner_isnull));
	SPI_finish();
	role = stored_sql_run_as(psprintf("override rule \"%s\"", codestr), shipped, owner_isnull, owner);
	PG_RETURN_OID(role);
}
