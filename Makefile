# creditrisk — PGXS build
EXTENSION  = creditrisk
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = creditrisk
OBJS = src/creditrisk.o src/riskclass.o src/classify.o src/uscc.o

# The install script is kept readable in extension/creditrisk.sql and
# installed under its versioned name.  Older full scripts and every upgrade
# script are kept frozen next to it.
DATA_built = extension/$(EXTENSION)--$(EXTVERSION).sql
DATA = $(filter-out $(DATA_built), $(wildcard extension/$(EXTENSION)--*.sql))

# pg_regress suites (sql/ + expected/); pgTAP suites live in test/ and are
# run by tools/test with pg_prove.
REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=$(EXTENSION)

PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Werror -std=gnu99
EXTRA_CLEAN = results regression.diffs regression.out

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

extension/$(EXTENSION)--$(EXTVERSION).sql: extension/$(EXTENSION).sql
	cp $< $@
