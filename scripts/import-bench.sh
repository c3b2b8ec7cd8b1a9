#!/bin/sh
# Times `motcua import files` on ROWS generated rows (default 100000) against DATABASE_URL
# (default: a fresh SQLite file). The demo data gives the unit and procedure codes.
#   scripts/import-bench.sh 1000000 postgres://postgres@127.0.0.1:5432/motcua_bench
# A PostgreSQL database named in the URL is dropped and created again.
set -eu
ROWS=${1:-100000}
URL=${2:-sqlite:///tmp/motcua-import-bench.db}
BIN=${MOTCUA_BIN:-target/release/motcua}
CSV=/tmp/motcua-import-bench-$ROWS.csv
case "$URL" in
  sqlite://*) rm -f "${URL#sqlite://}" "${URL#sqlite://}-wal" "${URL#sqlite://}-shm" ;;
  postgres*)
    DB=${URL##*/}
    ADMIN=${URL%/*}/postgres
    psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" ;;
esac
"$BIN" demo --no-serve --database-url "$URL" > /dev/null
# Every outcome, four units, two procedures, computed and given deadlines, some apologies.
awk -v rows="$ROWS" 'BEGIN {
  print "code,procedure_code,unit_code,channel,received_at,due_at,finished_at,returned_at,outcome,apology_at";
  split("000.21.20.H48 000.22.20.H48 000.23.20.H48 000.24.20.H48", units, " ");
  split("1.001193 1.004746", procs, " ");
  split("counter post online", channels, " ");
  for (i = 0; i < rows; i++) {
    m = 1 + int(i / 28) % 9; d = 1 + i % 28; h = 7 + i % 9;
    recv = sprintf("2025-%02d-%02dT%02d:15:00+07:00", m + 2, d, h);
    fin = sprintf("2025-%02d-%02dT%02d:45:00+07:00", m + 2, d, h);
    ret = sprintf("2025-%02d-%02dT16:00:00+07:00", m + 2, d);
    due = (i % 5 == 0) ? sprintf("2025-%02d-%02dT17:00:00+07:00", m + 3, d) : "";
    k = i % 10;
    if (k < 6) { out = "resolved"; } else if (k == 6) { out = "refused"; ret = ""; }
    else if (k == 7) { out = "withdrawn"; ret = ""; } else { out = "pending"; fin = ""; ret = ""; }
    apo = (k == 1) ? recv : "";
    printf "OLD-%08d,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", i, procs[1 + i % 2], units[1 + i % 4],
      channels[1 + i % 3], recv, due, fin, ret, out, apo;
  }
}' > "$CSV"
echo "rows: $ROWS, database: ${URL%%:*}"
/usr/bin/time -f "first run: %e s wall, %M KiB max RSS" "$BIN" import files "$CSV" --database-url "$URL"
/usr/bin/time -f "second run (all skipped): %e s wall" "$BIN" import files "$CSV" --database-url "$URL"
rm -f "$CSV"
