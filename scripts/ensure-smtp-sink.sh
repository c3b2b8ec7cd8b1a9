#!/usr/bin/env bash
# aiosmtpd (PyPI): a real SMTP server the notification tests send e-mail to (crates/cli/tests/jobs.rs).
# Idempotent: does nothing when the module already imports.
set -euo pipefail
PYTHON="${PYTHON:-python3}"
if "$PYTHON" -c 'import aiosmtpd' 2>/dev/null; then
  exit 0
fi
"$PYTHON" -m pip install --quiet --user aiosmtpd 2>/dev/null ||
  "$PYTHON" -m pip install --quiet --user --break-system-packages aiosmtpd 2>/dev/null ||
  "$PYTHON" -m pip install --quiet aiosmtpd
"$PYTHON" -c 'import aiosmtpd'
