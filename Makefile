# creditrisk — PGXS build
EXTENSION  = creditrisk
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = creditrisk
OBJS = src/creditrisk.o src/riskclass.o src/classify.o src/uscc.o \
       src/model.o src/score.o src/indicators.o

# The install script is kept readable in parts under extension/ and
# assembled at build time:
#   creditrisk.sql        foundation (1.0): types, classify(), security baseline
#   scoring.sql           scoring engine (1.1): model tables, scorers
#   models/*.json         the reference model, installed published
# Full scripts of older versions and every upgrade script are installed
# next to it; released scripts (1.0, 1.1, 1.2 and their upgrades) are kept frozen as
# released, so editing a part never changes what an old version installs.
#   collection.sql        collection (1.1): the register and credit records
#   indicators.sql        indicator derivation (1.2): catalogue definitions,
#                         compute_indicators()
#   indicator-definitions.sql  SQL definitions of the built-in indicators (1.2)
#   classification.sql    classification pipeline (1.2)
#   inline-helpers.sql    is_current(), in_population() made inlinable (1.3)
PARTS_1_1 = extension/scoring.sql extension/collection.sql extension/reference-v1.sql
PARTS_1_2 = extension/indicators.sql extension/indicator-definitions.sql extension/classification.sql
PARTS_1_3 = extension/inline-helpers.sql

DATA_built = extension/$(EXTENSION)--$(EXTVERSION).sql
DATA = extension/$(EXTENSION)--1.0.sql extension/$(EXTENSION)--1.1.sql extension/$(EXTENSION)--1.2.sql \
       extension/$(EXTENSION)--1.0--1.1.sql extension/$(EXTENSION)--1.1--1.2.sql \
       extension/$(EXTENSION)--1.2--1.3.sql extension/$(EXTENSION)--1.3--1.4.sql

# pg_regress suites (sql/ + expected/); pgTAP suites live in test/ and are
# run by tools/run-tests with pg_prove.
REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=$(EXTENSION)

PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare -Werror -std=gnu99
EXTRA_CLEAN = results regression.diffs regression.out extension/reference-v1.sql

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

extension/$(EXTENSION)--1.4.sql: extension/$(EXTENSION).sql $(PARTS_1_1) $(PARTS_1_2) $(PARTS_1_3)
	cat $^ > $@

# The reference model is kept as a model_export() document and installed
# with model_import(), published; its catalogue entries are marked builtin
# so that pg_dump leaves them to CREATE EXTENSION.
REFERENCE_MODEL ?= models/reference-v1.json
extension/reference-v1.sql: $(REFERENCE_MODEL)
	{ echo '-- The reference model reference-v1 (generated from models/reference-v1.json)'; \
	  echo 'SELECT creditrisk.model_import($$reference$$'; \
	  cat $<; \
	  echo '$$reference$$::jsonb || '"'"'{"status": "published"}'"'"');'; \
	  echo 'UPDATE creditrisk.indicator SET builtin = true'; \
	  echo ' WHERE code IN (SELECT code FROM creditrisk.model_indicator WHERE model_key = '"'"'reference-v1'"'"');'; \
	} > $@
