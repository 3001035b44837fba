# valgrind memcheck over an end-to-end session. Included from the top Makefile:
#
#   include tests/valgrind/valgrind.mk
#
#   make valgrind     build sesame at -O1 -g into build/valgrind (its own
#                     tree: the release objects are left alone), then run
#                     tests/valgrind/run.py inside the private keyring: every
#                     headless command and the dashboard in a pty against the
#                     fake (all five providers), each process under
#                     valgrind --leak-check=full --errors-for-leak-kinds=definite
#                     --error-exitcode=99, one verdict each, "N passed, N failed".
#
# Suppressions: tests/valgrind/sesame.supp (library one-time allocations only).

# Wherever this is included, it leaves the default goal alone.
VALGRIND_SAVED_GOAL := $(.DEFAULT_GOAL)

.PHONY: valgrind

valgrind:
	@SESAME_EXTRA_PKGS=valgrind sh tools/deps.sh
	@$(MAKE) --no-print-directory -j$(NPROC) FLAVOUR=valgrind CFLAGS="-O1 -g" build/valgrind/sesame
	@tests/with-keyring.sh /usr/bin/python3 tests/valgrind/run.py build/valgrind/sesame

.DEFAULT_GOAL := $(VALGRIND_SAVED_GOAL)
