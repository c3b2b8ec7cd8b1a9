#!/usr/bin/env bash
# Makes sure the tools the motcua-forms tests read generated PDFs back with are on PATH, as a
# viewer and a phone would: poppler's pdftotext, pdffonts, pdfinfo, pdftoppm (poppler-utils)
# and zbarimg (zbar-tools) to scan the receipt's QR code.
# Idempotent: does nothing when they are already there; runs `apt-get update` only when the
# package lists do not know the packages yet.
set -euo pipefail

have() { for tool in "$@"; do command -v "$tool" >/dev/null || return 1; done; }

if have pdftotext pdffonts pdfinfo pdftoppm zbarimg; then
  exit 0
fi

sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

echo "ensure-pdftools: installing poppler-utils and zbar-tools from Debian's packages" >&2
if ! apt-cache show poppler-utils zbar-tools >/dev/null 2>&1; then
  sudo_ apt-get update -qq
fi
DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -qq --no-install-recommends \
  poppler-utils zbar-tools >/dev/null

have pdftotext pdffonts pdfinfo pdftoppm zbarimg ||
  { echo "ensure-pdftools: tools still missing after install" >&2; exit 1; }
