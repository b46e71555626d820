# creditrisk — PGXS build
EXTENSION  = creditrisk
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = creditrisk
OBJS = src/creditrisk.o src/riskclass.o src/classify.o src/uscc.o \
       src/model.o src/score.o \
       src/compute.o src/indicator_registry.o src/uscc_index.o src/register_scan.o \
       src/record_scan.o src/indicator_rules.o src/related_parties.o src/sql_indicators.o \
       src/amount.o src/calendar.o src/arrival.o src/scope.o \
       src/records.o src/sampling.o src/stored_sql.o src/audit.o \
       src/references.o src/parallel.o

# Install sources: one file per concept under extension/, each holding the
# CURRENT definition of what it creates, read top to bottom (nothing is
# replaced or altered later).  The build concatenates them, in this order,
# into the install script creditrisk--$(EXTVERSION).sql; a new concept gets a
# new file in this list.
#   creditrisk.sql             schema, security baseline, types riskclass and
#                              uscc, classify(), the guard of shipped rows
#   scoring.sql                indicator catalogue, models, import/export, the
#                              C scorer
#   knowledge.sql              knowledge time: recorded_at, history tables,
#                              the run fence (with src/arrival.c)
#   units.sql                  reporting units (报送单位): the register every
#                              record's reported_by references
#   references.sql             references between the extension's tables
#                              (with src/references.c; pg_restore -j)
#   collection.sql             the enterprise register and the credit records
#   repair.sql                 credit repair (rule sets, applications, the end
#                              of publicity and listings: record_end()), commitments
#   indicators.sql             indicator derivation: compute_indicators() and
#                              the SQL view of it
#   reference-v1.sql           the reference model, generated from
#                              models/reference-v1.json (installed published)
#   reference-v2.sql           its calibrated successor (1.7), generated from
#                              models/reference-v2.json (installed published)
#   indicator-definitions.sql  SQL definitions of the built-in indicators
#   indicators-set.sql         the built-in indicators as one set-based query
#                              (indicators_set_sql(), a second SQL reference)
#   divisions.sql              Henan's administrative divisions: names, levels
#                              (before classification.sql: its views show names)
#   classification.sql         overrides, fusion, measures, the monthly run
#   security.sql               confidentiality: roles, jurisdictions, row-level
#                              security, sharing agreements, the view guard
#   calendar.sql               working days: holiday schedules, deadlines
#   disclosure.sql             双公示: deadlines of licences and penalties per
#                              reporting unit, the units' evaluation
#   supervision.sql            spot-check tasks, verifiable draws, inspectors,
#                              outcomes, licensing review, coverage
#   audit.sql                  accountability: change log, append-only history,
#                              hash chain over the runs, verify_history()
#   explain.sql                one enterprise explained: its indicators through
#                              the indexes, explain_enterprise()
#   quality.sql                model quality: model_performance() against the
#                              outcomes recorded after a run
#   calibration.sql            model calibration: model_calibrate() (a draft
#                              rescaled to target class shares on a run)
INSTALL_SOURCES = \
	extension/$(EXTENSION).sql \
	extension/scoring.sql \
	extension/knowledge.sql \
	extension/units.sql \
	extension/references.sql \
	extension/collection.sql \
	extension/repair.sql \
	extension/indicators.sql \
	extension/reference-v1.sql \
	extension/reference-v2.sql \
	extension/indicator-definitions.sql \
	extension/indicators-set.sql \
	extension/divisions.sql \
	extension/classification.sql \
	extension/security.sql \
	extension/calendar.sql \
	extension/disclosure.sql \
	extension/supervision.sql \
	extension/audit.sql \
	extension/explain.sql \
	extension/quality.sql \
	extension/calibration.sql

# Older versions: creditrisk--1.0.sql is the frozen base (as released), and
# every later version is reached from it through the hand-written, committed
# upgrade scripts creditrisk--X--Y.sql (each frozen once released; the one
# into $(EXTVERSION) is being written).  sql/upgrade.sql proves that the chain
# 1.0 -> ... -> $(EXTVERSION) gives the same catalog as a fresh install.
DATA_built = extension/$(EXTENSION)--$(EXTVERSION).sql
DATA = extension/$(EXTENSION)--1.0.sql $(wildcard extension/$(EXTENSION)--*--*.sql)

# The suites, each run against the cluster that the PG* variables name:
#   make installcheck        pg_regress: sql/*.sql against expected/*.out, in a
#                            database created with --no-locale, UTF8
#   make pgtap_installcheck  pgTAP (test/*.sql) with pg_prove, in database
#                            $(TAP_DB) (dropped and created again)
#   make prove_installcheck  shell TAP tests (test/shell/*.sh) with prove,
#                            SHELL_JOBS at a time (each test has its own
#                            database or inner cluster and its own roles)
# PGTAP_TESTS and SHELL_TESTS choose files (PROVE* names belong to PGXS);
# tools/run-tests runs all three and
# adds up their summaries.
REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=$(EXTENSION) --no-locale --encoding=UTF8
TAP_DB ?= creditrisk_tap
PGTAP_PROVE ?= pg_prove
PGTAP_FLAGS ?= --failures --comments --timer
PGTAP_TESTS ?= $(sort $(wildcard test/*.sql))
SHELL_PROVE ?= prove
SHELL_PROVE_FLAGS ?= --failures --comments --timer
# The longest first (each file's measured time, 1.9, CHANGELOG "The suite's
# wall time"): with SHELL_JOBS=2, prove -j2 hands the next file to whichever
# slot is free, so that the two slots finish together.  Files not listed
# (new ones) run last, in name order.
SHELL_TESTS_BY_TIME = explain_run parallel_restore_records analyst_questions history_tamper \
	parallel_restore spotcheck_dump stored_sql_author classification_dump engine_scope roles_dump \
	explain_scope dump_restore upgrade_data pg_cron_schedule explain_reads python_client \
	pgaudit_reads concurrent_refresh run_snapshot scope_cache
SHELL_TESTS_FIRST = $(filter $(wildcard test/shell/*.sh),$(patsubst %,test/shell/%.sh,$(SHELL_TESTS_BY_TIME)))
SHELL_TESTS ?= $(SHELL_TESTS_FIRST) $(filter-out $(SHELL_TESTS_FIRST),$(sort $(wildcard test/shell/*.sh)))
SHELL_JOBS ?= 1

# make ASSERTS=1: Assert() checks on (USE_ASSERT_CHECKING).  The PostgreSQL
# 15 headers allow it against a server built without assertions (Debian's):
# the module links and runs.  CI builds and tests this way (.ci/run).
ifeq ($(ASSERTS),1)
PG_CPPFLAGS += -DUSE_ASSERT_CHECKING
endif
# The module's files call one another through global symbols (the engine's
# load_register, scan_records, ...).  PostgreSQL loads libraries RTLD_GLOBAL,
# so the server or another library defining the same name would take those
# calls (the server's index_build once did): bind them inside the module.
SHLIB_LINK += -Wl,-Bsymbolic -lcrypto
# Warnings are errors in CI only (tools/test builds with COPT=-Werror).
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare -std=gnu99
EXTRA_CLEAN = src/build-flags results regression.diffs regression.out extension/reference-v1.sql extension/reference-v2.sql

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies (autodepend is off in Debian's build):
# every object is rebuilt when a header of src/ changes, or when the
# preprocessor or extra compiler flags change (ASSERTS=1 or not, COPT).
$(OBJS): $(wildcard src/*.h) src/build-flags

src/build-flags: FORCE
	@echo '$(PG_CPPFLAGS) $(COPT)' | cmp -s - $@ || echo '$(PG_CPPFLAGS) $(COPT)' > $@

.PHONY: FORCE

.PHONY: pgtap_installcheck prove_installcheck
pgtap_installcheck:
	PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists $(TAP_DB)
	createdb $(TAP_DB)
	psql -X -q -v ON_ERROR_STOP=1 -d $(TAP_DB) -c 'CREATE SCHEMA tap' \
	    -c 'CREATE EXTENSION pgtap SCHEMA tap' -c 'CREATE EXTENSION $(EXTENSION)'
	PGOPTIONS='-c search_path=tap,public' $(PGTAP_PROVE) $(PGTAP_FLAGS) -d $(TAP_DB) $(PGTAP_TESTS)

prove_installcheck:
	$(SHELL_PROVE) $(SHELL_PROVE_FLAGS) -j$(SHELL_JOBS) $(SHELL_TESTS)

extension/$(EXTENSION)--$(EXTVERSION).sql: $(INSTALL_SOURCES)
	cat $^ > $@

# The reference model is kept as a model_export() document and installed
# with model_import(), published; its catalogue entries are marked shipped
# (so that pg_dump leaves them to CREATE EXTENSION) and builtin (computed in C).
REFERENCE_MODEL ?= models/reference-v1.json
extension/reference-v1.sql: $(REFERENCE_MODEL) Makefile
	{ echo '-- The reference model reference-v1 (generated from models/reference-v1.json)'; \
	  echo 'SELECT creditrisk.model_import($$reference$$'; \
	  cat $<; \
	  echo '$$reference$$::jsonb || '"'"'{"status": "published"}'"'"');'; \
	  echo 'UPDATE creditrisk.indicator SET builtin = true, shipped = true'; \
	  echo ' WHERE code IN (SELECT code FROM creditrisk.model_indicator WHERE model_key = '"'"'reference-v1'"'"');'; \
	} > $@
# Its calibrated successor (issue 15, doc/calibration.md): the same indicators,
# installed published next to it; creditrisk--1.6--1.7.sql imports the same
# document (sql/upgrade.sql compares the two).
extension/reference-v2.sql: models/reference-v2.json Makefile
	{ echo '-- The calibrated reference model reference-v2 (generated from models/reference-v2.json)'; \
	  echo 'SELECT creditrisk.model_import($$reference$$'; \
	  cat $<; \
	  echo '$$reference$$::jsonb || '"'"'{"status": "published"}'"'"');'; \
	} > $@
