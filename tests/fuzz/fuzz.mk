# libFuzzer targets (clang). Included from the top Makefile:
#
#   include tests/fuzz/fuzz.mk
#
#   make fuzz                 build every target, run each FUZZ_SECONDS (60)
#   make fuzz FUZZ_SECONDS=10 FUZZ_TARGETS="clerk theme"
#   make fuzz-regress         run each target once over its seeds and crash
#                             reproducers (tests/fuzz/corpus, tests/fuzz/regress)
#   make fuzz-build           build only (build/fuzz/fuzz_<target>)
#
# Sources are compiled again by clang with coverage and ASan/UBSan into
# build/fuzz/obj (never the gcc objects of build/release); each target links
# the few modules it needs. See tests/fuzz/README.md.

# Wherever this is included, it leaves the default goal alone.
FUZZ_SAVED_GOAL := $(.DEFAULT_GOAL)

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= clerk basistheory plantly cbrain apideck config state theme keymap prefs sanitize jscan query \
                journal seen
FUZZ_B := build/fuzz
FUZZ_PKGS := ncursesw libcurl libcjson libsecret-1 glib-2.0
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -pthread \
               $(shell pkg-config --cflags $(FUZZ_PKGS) 2>/dev/null) \
               -Isrc -Iui -Itests/fuzz -DSESAME_DATADIR='"/usr/local/share/sesame"'
FUZZ_LIBS := $(shell pkg-config --libs $(FUZZ_PKGS) 2>/dev/null) -pthread

# What each target links besides its own tests/fuzz/fuzz_<target>.c.
FUZZ_PROVIDER_SRC := src/util.c src/model.c src/strpool.c src/strslab.c src/http_request.c src/budget.c \
                     src/account_policy.c src/budget_shared.c src/config.c src/filestamp.c src/journal.c \
                     $(wildcard src/providers/*.c)
FUZZ_SRC_clerk := $(FUZZ_PROVIDER_SRC)
FUZZ_SRC_basistheory := $(FUZZ_PROVIDER_SRC)
FUZZ_SRC_plantly := $(FUZZ_PROVIDER_SRC)
FUZZ_SRC_cbrain := $(FUZZ_PROVIDER_SRC)
FUZZ_SRC_apideck := $(FUZZ_PROVIDER_SRC)
FUZZ_SRC_config := src/config.c src/filestamp.c src/journal.c src/util.c src/model.c src/strpool.c src/strslab.c
FUZZ_SRC_state := src/state.c src/session_status.c src/seen.c src/providers/jscan.c src/config.c src/filestamp.c src/journal.c src/util.c \
                  src/model.c src/strpool.c src/strslab.c
FUZZ_SRC_theme := ui/theme.c ui/textfile.c src/util.c
FUZZ_SRC_keymap := ui/keymap.c ui/textfile.c src/util.c
FUZZ_COLUMNS_SRC := src/columns.c src/column_flags.c src/flags.c src/suggest.c src/textfold.c \
                    src/timetext.c src/session_status.c
FUZZ_SRC_prefs := ui/prefs.c ui/keymap.c ui/textfile.c src/config.c src/filestamp.c src/journal.c src/expiry.c \
                  src/browser.c src/launch.c $(FUZZ_COLUMNS_SRC) $(FUZZ_PROVIDER_SRC)
FUZZ_SRC_sanitize := src/util.c
FUZZ_SRC_jscan := src/providers/jscan.c
FUZZ_SRC_query := src/query.c src/query_time.c $(FUZZ_COLUMNS_SRC) src/util.c src/model.c \
                  src/strpool.c src/strslab.c
FUZZ_SRC_journal := src/journal.c src/config.c src/filestamp.c src/util.c src/model.c src/strpool.c src/strslab.c
FUZZ_SRC_seen := src/seen.c src/providers/jscan.c src/config.c src/filestamp.c src/journal.c src/util.c src/model.c \
                 src/strpool.c src/strslab.c

FUZZ_BINS := $(addprefix $(FUZZ_B)/fuzz_,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-build fuzz-regress

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@sh tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-regress: fuzz-build
	@sh tests/fuzz/run.sh regress 0 $(FUZZ_TARGETS)

$(FUZZ_B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

define FUZZ_LINK_RULE
$(FUZZ_B)/fuzz_$(1): $(FUZZ_B)/obj/tests/fuzz/fuzz_$(1).o \
                     $(patsubst %.c,$(FUZZ_B)/obj/%.o,$(FUZZ_SRC_$(1)))
	$$(FUZZ_CC) $$(FUZZ_SAN) -fsanitize=fuzzer -o $$@ $$^ $$(FUZZ_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_LINK_RULE,$(t))))

# Header dependencies (the top Makefile includes every build/**/*.d as well;
# including them twice is harmless).
-include $(shell find $(FUZZ_B)/obj -name '*.d' 2>/dev/null)

.DEFAULT_GOAL := $(FUZZ_SAVED_GOAL)
