#!/bin/sh
# Install the Debian packages sesame needs, if any are missing: with
# apt-get when run as root, else print the command.
#
#   tools/deps.sh demo     what `make demo` needs: the build, and the fake
#                          providers, bus and keyring the demo runs in
#   tools/deps.sh [check]  what `make check` needs as well: cmocka, the
#                          e2e tools (pyte, tmux, secret-tool), openssl for
#                          the TLS tests, clang for the fuzz targets
#   tools/deps.sh --list demo|check   only print the packages, one a line
set -eu
list=""
if [ "${1:-}" = --list ]; then
    list=yes
    shift
fi
demo="make gcc pkg-config libncurses-dev libcurl4-openssl-dev libcjson-dev libsecret-1-dev
      libglib2.0-dev gnome-keyring dbus python3"
check="$demo libcmocka-dev dbus-x11 libsecret-tools python3-pyte tmux ca-certificates openssl
       clang libclang-rt-14-dev"
case "${1:-check}" in
demo) pkgs=$demo ;;
check) pkgs=$check ;;
*) echo "usage: tools/deps.sh [--list] [demo|check]" >&2; exit 2 ;;
esac
[ -n "${SESAME_EXTRA_PKGS:-}" ] && pkgs="$pkgs $SESAME_EXTRA_PKGS"
if [ -n "$list" ]; then
    for p in $pkgs; do echo "$p"; done
    exit 0
fi
missing=""
for p in $pkgs; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in *"ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "sesame: missing packages:$missing" >&2
    echo "run: sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
