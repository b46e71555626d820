/*
 * stored_sql.h
 *		SQL stored as data (indicator definitions, override rules): parse
 *		checks, the trust rule, and running it as its author.
 */
#ifndef CREDITRISK_STORED_SQL_H
#define CREDITRISK_STORED_SQL_H

#include "nodes/pg_list.h"

/* What a piece of stored SQL is. */
typedef enum StoredSqlKind
{
	STORED_SQL_DEFINITION,		/* indicator.definition_sql: one expression */
	STORED_SQL_RULE				/* override_rule.rule_sql: one SELECT query */
} StoredSqlKind;

/* The wrappers the engine runs stored SQL in (each piece on lines of its own). */
#define STORED_SQL_DEFINITION_OPEN	"(\n"
#define STORED_SQL_DEFINITION_CLOSE	"\n)::double precision"
#define STORED_SQL_RULE_OPEN \
	"SELECT q.uscc::creditrisk.uscc, q.class::creditrisk.riskclass," \
	" pg_catalog.to_jsonb(q) - 'uscc' - 'class'\n  FROM (\n"
#define STORED_SQL_RULE_CLOSE "\n) q\n WHERE q.class IS NOT NULL"

/* A running piece of stored SQL: what to restore afterwards. */
typedef struct StoredSqlContext
{
	Oid			saved_user;
	int			saved_sec_context;
	int			guc_nest_level;
} StoredSqlContext;

extern Node *stored_sql_parse(StoredSqlKind kind, const char *label, const char *sql);
extern void stored_sql_verify_definitions(const char *label, const char *query, List *exprs, int first_target);
extern void stored_sql_verify_rule(const char *label, const char *query, Node *select);
extern Oid	stored_sql_run_as(const char *label, bool shipped, bool owner_isnull, Oid owner);
extern void stored_sql_enter(StoredSqlContext *c, Oid role);
extern void stored_sql_leave(StoredSqlContext *c);

#endif
