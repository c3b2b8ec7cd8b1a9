#!/usr/bin/env bash
# Peer comparison (issue 11): the same file-lifecycle load, at the same concurrency and for the
# same time, against django-helpdesk (PyPI; a well-known open-source helpdesk) and against
# motcua, both on the local PostgreSQL, one after the other in one run; prints both and the ratio.
#
#   scripts/bench-peer.sh [CLIENTS] [SECONDS]      (default 8 clients, 20 s)
#
# django-helpdesk runs under gunicorn (5 sync workers: 2 × cores + 1) with token authentication
# for its REST API; its site settings are in scripts/peer/helpdesk_site. motcua runs as
# `motcua serve` (the release binary: MOTCUA_BIN, default target/release/motcua, built if absent).
# Each gets a fresh PostgreSQL database, dropped afterwards. Nothing here is a test: it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS="${1:-8}"
SECONDS_="${2:-20}"
PSQL=(psql -h 127.0.0.1 -U postgres -qAt)
VENV=.tools/peer-venv
MOTCUA_BIN="${MOTCUA_BIN:-target/release/motcua}"

scripts/ensure-postgres.sh
if ! "$VENV/bin/python" -c 'import helpdesk, gunicorn, psycopg2' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    django-helpdesk==2.6.1 gunicorn==27.0.1 psycopg2-binary==2.9.13
fi
[ -x "$MOTCUA_BIN" ] || cargo build --release --locked -p motcua

PEER_DB="motcua_peer_$$"
OURS_DB="motcua_lifecycle_$$"
GUNICORN_PID=""
cleanup() {
  [ -n "$GUNICORN_PID" ] && kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $PEER_DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS $OURS_DB WITH (FORCE)" || true
}
trap cleanup EXIT
"${PSQL[@]}" -c "CREATE DATABASE $PEER_DB" -c "CREATE DATABASE $OURS_DB"

# The peer.
export PEER_DB DJANGO_SETTINGS_MODULE=helpdesk_site.settings PYTHONPATH=scripts/peer
"$VENV/bin/django-admin" migrate -v 0
read -r TOKEN QUEUE USER_ID < <("$VENV/bin/python" scripts/peer/setup_peer.py)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$VENV/bin/gunicorn" -w 5 -b "127.0.0.1:$PORT" --log-level warning helpdesk_site.wsgi &
GUNICORN_PID=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/" -H "Authorization: Token $TOKEN" && break; sleep 0.1; done
PEER_OUT=$("$MOTCUA_BIN" bench peer --url "http://127.0.0.1:$PORT" --token "$TOKEN" --queue "$QUEUE" \
  --user "$USER_ID" --clients "$CLIENTS" --seconds "$SECONDS_")
echo "$PEER_OUT"
kill "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true; GUNICORN_PID=""

# motcua (with its demo province for the users and procedures).
OURS_URL="postgres://postgres@127.0.0.1:5432/$OURS_DB"
"$MOTCUA_BIN" demo --no-serve --database-url "$OURS_URL" >/dev/null
OURS_OUT=$(MOTCUA_LOG=warn "$MOTCUA_BIN" bench lifecycle --database-url "$OURS_URL" \
  --clients "$CLIENTS" --seconds "$SECONDS_")
echo "$OURS_OUT"

rate() { sed -n 's/.*lifecycles: [0-9]* (\([0-9.]*\)\/s).*/\1/p' | head -1; }
PEER_RATE=$(echo "$PEER_OUT" | rate)
OURS_RATE=$(echo "$OURS_OUT" | rate)
python3 -c "p=$PEER_RATE; o=$OURS_RATE; print(f'ratio: motcua {o:.1f} / django-helpdesk {p:.1f} lifecycles/s = ' + (f'{o/p:.1f}×' if p else 'n/a') + ' (target ≥ 20×)')"
