#!/usr/bin/env bash
# Makes sure poppler's command-line tools (pdftotext, pdffonts, pdfinfo, pdftoppm) are on PATH:
# the motcua-forms tests read the generated PDFs back with them, as a viewer would.
# Idempotent: does nothing when pdftotext is already there; runs `apt-get update` only when the
# package lists do not know poppler-utils yet.
set -euo pipefail

if command -v pdftotext >/dev/null && command -v pdffonts >/dev/null && command -v pdfinfo >/dev/null; then
  exit 0
fi

sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

echo "ensure-pdftools: installing poppler-utils from Debian's packages" >&2
if ! apt-cache show poppler-utils >/dev/null 2>&1; then
  sudo_ apt-get update -qq
fi
DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null

command -v pdftotext >/dev/null || { echo "ensure-pdftools: pdftotext still missing" >&2; exit 1; }
