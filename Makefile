# sesame — see README.md. `make demo` and `make check` each do everything,
# starting with `make deps`.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1
DATADIR = $(PREFIX)/share/sesame

CC ?= cc
NPROC := $(shell nproc 2>/dev/null || echo 2)
PKGS = ncursesw libcurl libcjson libsecret-1 glib-2.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -pthread $(PKG_CFLAGS) \
             -DSESAME_DATADIR='"$(DATADIR)"' -Isrc -Iui
ALL_LDFLAGS = $(LDFLAGS) $(EXTRA_LDFLAGS) -pthread

# QUIET=1 (make demo): no compiler command lines, only what the compiler
# says (errors and warnings); V=1 anywhere shows them again.
Q := $(if $(and $(QUIET),$(if $(V),,1)),@,)

# One build tree per flavour: build/ (release), build/asan, build/tsan.
FLAVOUR ?= release
B = build/$(FLAVOUR)
ifeq ($(FLAVOUR),asan)
  EXTRA_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  EXTRA_LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(FLAVOUR),tsan)
  EXTRA_CFLAGS += -O1 -fsanitize=thread -fno-omit-frame-pointer
  EXTRA_LDFLAGS += -fsanitize=thread
endif

CORE_SRC = $(filter-out src/main.c,$(wildcard src/*.c src/providers/*.c src/cli/*.c))
UI_SRC = $(wildcard ui/*.c)
CORE_OBJ = $(CORE_SRC:%.c=$(B)/%.o)
UI_OBJ = $(UI_SRC:%.c=$(B)/%.o)
TEST_SUPPORT_OBJ = $(patsubst %.c,$(B)/%.o,$(wildcard tests/support/*.c))
UNIT_TESTS = $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c)) \
             $(patsubst tests/integration/%.c,$(B)/tests/%,$(wildcard tests/integration/test_*.c))

.PHONY: all deps demo demo-build check test tests unit asan tsan tsan-unit bench install uninstall clean screenshots faults fuzz

all: sesame

sesame: $(B)/sesame
	@# a rename, not a copy over it: ./sesame may be running (Text file busy)
	@if [ "$(FLAVOUR)" = release ]; then cp $(B)/sesame sesame.tmp && mv -f sesame.tmp sesame; fi

$(B)/sesame: $(CORE_OBJ) $(UI_OBJ) $(B)/src/main.o
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/test_%: $(B)/tests/unit/test_%.o $(CORE_OBJ) $(UI_OBJ) $(TEST_SUPPORT_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS)

$(B)/tests/test_%: $(B)/tests/integration/test_%.o $(CORE_OBJ) $(UI_OBJ) $(TEST_SUPPORT_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS)

-include $(shell find build -name '*.d' 2>/dev/null)
include tests/fuzz/fuzz.mk
include tools/screenshots.mk
include tests/valgrind/valgrind.mk

deps:
	@sh tools/deps.sh check

# Unit and integration tests of one flavour, inside a private keyring.
unit: $(UNIT_TESTS) $(B)/sesame
	@SESAME_BIN=$(B)/sesame sh tests/run-tests.sh $(UNIT_TESTS)

asan:
	@$(MAKE) --no-print-directory FLAVOUR=asan unit

# The whole suite under ThreadSanitizer: unit and integration binaries, the
# headless commands, the dashboard end to end, the fault matrix (tests/tsan.sh).
tsan:
	@$(MAKE) --no-print-directory -j$(NPROC) FLAVOUR=tsan tests
	@sh tests/tsan.sh build/tsan

# Some binaries only: make FLAVOUR=tsan TESTS_ONLY="test_worker test_http" tsan-unit
tsan-unit: $(UNIT_TESTS)
	@G_SLICE=always-malloc TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
	  sh tests/run-tests.sh \
	  $(foreach t,$(TESTS_ONLY),$(B)/tests/$(t))

check: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@$(MAKE) --no-print-directory -j$(NPROC) tests
	@$(MAKE) --no-print-directory -j$(NPROC) FLAVOUR=asan tests
	@$(MAKE) --no-print-directory -j$(NPROC) fuzz-build
	@sh tests/check.sh build/release/tests build/asan/tests ./sesame

# Build the test binaries of one flavour (and its sesame) without running them.
tests: $(UNIT_TESTS) $(B)/sesame

test: check

# The demo needs less than the tests (tools/deps.sh demo): no cmocka, clang
# or tmux. Its build runs in parallel and shows only what the compiler says.
demo-build:
	@sh tools/deps.sh demo
	@echo "demo: building sesame ($(NPROC) jobs; make V=1 demo shows the commands)"
	@$(MAKE) --no-print-directory -j$(NPROC) QUIET=1 all

demo: demo-build
	@sh tools/demo.sh

# Every fault of the fake against every provider, one verdict per cell.
faults: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@tests/with-keyring.sh /usr/bin/python3 tests/faults/matrix.py ./sesame

bench: deps
	@$(MAKE) --no-print-directory all
	@sh tools/bench.sh

# docs/json.md (the --json document) goes beside the man page, which names
# it: $(DOCDIR)/json.md.
DOCDIR = $(PREFIX)/share/doc/sesame

install: sesame
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(MANDIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 sesame $(DESTDIR)$(BINDIR)/sesame
	install -m 0644 themes/*.theme $(DESTDIR)$(DATADIR)/themes/ 2>/dev/null || true
	install -m 0644 doc/sesame.1 $(DESTDIR)$(MANDIR)/sesame.1
	install -m 0644 docs/json.md $(DESTDIR)$(DOCDIR)/json.md

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sesame $(DESTDIR)$(MANDIR)/sesame.1 $(DESTDIR)$(DOCDIR)/json.md
	rm -rf $(DESTDIR)$(DATADIR)
	rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null || true

clean:
	rm -rf build sesame
