#!/bin/sh
# make screenshots: the real dashboard, driven through a scripted tour, as
# colour PNGs in screenshots/ (see tools/screenshots.py for the tour and the
# rendering). Installs what it needs from Debian's archive, builds ./sesame,
# then runs the tour inside the world of tools/demo.sh: the fake providers
# with their fixed seed, a throwaway keyring and HOME, nothing left behind.
#
# The clock is fixed with faketime (it starts at SESAME_SHOTS_TIME and ticks),
# so dates come out the same on every run; only countdowns move by seconds.
#
# Usage: tools/screenshots.sh [SCENE...]     (default: every scene)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
SESAME_EXTRA_PKGS="chromium fonts-dejavu-core faketime pngquant" sh tools/deps.sh
make --no-print-directory all
when=${SESAME_SHOTS_TIME:-2026-02-02 09:30:00}
export TZ=UTC
echo "screenshots: the tour takes about a minute"
faketime -f "@$when" sh tools/demo.sh --exec /usr/bin/python3 tools/screenshots.py \
    "$top/screenshots" "$@"
