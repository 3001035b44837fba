# make screenshots: colour PNGs of the real dashboard in screenshots/, from a
# scripted tour (tools/screenshots.sh, tools/screenshots.py). Installs what it
# needs (chromium, fonts-dejavu-core, faketime, pngquant), builds, runs.
# Included from the top Makefile:
#
#   include tools/screenshots.mk
#
# Wherever it is included, it leaves the default goal alone.
SCREENSHOTS_SAVED_GOAL := $(.DEFAULT_GOAL)

.PHONY: screenshots
screenshots:
	@sh tools/screenshots.sh

.DEFAULT_GOAL := $(SCREENSHOTS_SAVED_GOAL)
