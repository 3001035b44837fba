#!/bin/sh
# The first five minutes, from the Makefile's side: what make demo installs
# (the demo's packages, not the tests'), its build (in parallel, no compiler
# command lines, errors still shown) in a copy of the source tree, and
# make install / uninstall of the man page and docs/json.md.
#
#   sh tests/integration/test_make.sh
#
# Ends with "N passed, N failed"; exit status 0 only when nothing failed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/make.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
# a make of our own, not a sub-make of whoever runs this (make check)
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL: $*"
    [ -s "$T/out" ] && sed 's/^/    out: /' "$T/out" | tail -n 8
    return 0
}
check() { _n=$1; shift; if "$@"; then pass; else fail "$_n"; fi; }
has() { grep -qx -- "$1" "$T/pkgs"; }

# ---- what make demo installs ---------------------------------------------------------

sh "$top/tools/deps.sh" --list demo >"$T/pkgs"
for p in make gcc pkg-config libncurses-dev libcurl4-openssl-dev libcjson-dev libsecret-1-dev \
    libglib2.0-dev gnome-keyring dbus python3; do
    check "make demo installs $p" has "$p"
done
for p in clang libclang-rt-14-dev libcmocka-dev tmux python3-pyte libsecret-tools; do
    check "make demo does not install $p" sh -c "! grep -qx -- '$p' '$T/pkgs'"
done
sh "$top/tools/deps.sh" --list check >"$T/pkgs"
for p in gcc gnome-keyring clang libcmocka-dev tmux python3-pyte; do
    check "make check installs $p" has "$p"
done
sh "$top/tools/deps.sh" --list nonsense >/dev/null 2>&1
check "deps.sh: an unknown group is refused" test $? -eq 2
make -n -C "$top" demo-build >"$T/out" 2>&1
check "make demo asks for the demo's packages only" grep -q "tools/deps.sh demo" "$T/out"
check "make demo builds in parallel, quietly" grep -Eq -- "-j[0-9]+ QUIET=1 all" "$T/out"
make -n -C "$top" demo >"$T/out" 2>&1
check "make demo does not install what check needs" sh -c "! grep -q 'tools/deps.sh check' '$T/out'"

# ---- the build of make demo, in a copy of the source ------------------------------------

mkdir "$T/src"
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$top" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$T/src")
else
    (cd "$top" && tar --exclude=./build --exclude=./sesame -cf - .) | (cd "$T/src" && tar xf -)
fi
make -C "$T/src" demo-build >"$T/out" 2>&1
rc=$?
check "make demo builds" test "$rc" -eq 0
check "the build says what it does" grep -q "^demo: building sesame" "$T/out"
check "no compiler command lines" sh -c "! grep -Eq -- '-Wall|^(cc|gcc) ' '$T/out'"
check "a few lines in all" test "$(wc -l <"$T/out")" -le 5
check "the binary it made runs" sh -c "'$T/src/sesame' --version | grep -q '^sesame '"
cp "$T/src/src/util.c" "$T/util.c"
printf '\n#error broken on purpose\n' >>"$T/src/src/util.c"
make -C "$T/src" demo-build >"$T/out" 2>&1
rc=$?
check "a build that fails fails" test "$rc" -ne 0
check "its error is shown" grep -q "src/util.c.*broken on purpose" "$T/out"
cp "$T/util.c" "$T/src/src/util.c"

# ---- install and uninstall -------------------------------------------------------------------

make -C "$T/src" install DESTDIR="$T/root" PREFIX=/usr >"$T/out" 2>&1
check "make install" test $? -eq 0
check "the man page installed" test -f "$T/root/usr/share/man/man1/sesame.1"
check "docs/json.md installed beside it" cmp -s "$T/root/usr/share/doc/sesame/json.md" "$top/docs/json.md"
make -C "$T/src" uninstall DESTDIR="$T/root" PREFIX=/usr >"$T/out" 2>&1
check "make uninstall" test $? -eq 0
check "nothing left but empty directories" test -z "$(find "$T/root" -type f)"
check "no doc directory left" test ! -e "$T/root/usr/share/doc/sesame"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
