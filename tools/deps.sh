#!/bin/sh
# Install the Debian packages sesame builds, tests and demos with, if any
# are missing: with apt-get when run as root, else print the command.
set -eu
pkgs="make gcc pkg-config libncurses-dev libcurl4-openssl-dev libcjson-dev libsecret-1-dev
      libglib2.0-dev libcmocka-dev gnome-keyring dbus dbus-x11 libsecret-tools
      python3 python3-pyte tmux ca-certificates openssl
      clang libclang-rt-14-dev"
[ -n "${SESAME_EXTRA_PKGS:-}" ] && pkgs="$pkgs $SESAME_EXTRA_PKGS"
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
