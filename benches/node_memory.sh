#!/usr/bin/env bash
# One release node on a seeded SQLite city (the embedded default, as
# `cargo run --release` runs it, background jobs on), its memory sampled
# from /proc every half second from start to stop (issue 26 point 2):
# the index read from the database, map views and indicators under `hey`,
# the whole CSV export and an XLSX, the index's snapshot written; then the
# node stopped and started again from that snapshot, and the views again.
#
#   benches/node_memory.sh [DB=target/bench-city-5000000.sqlite] [SECS=20]
#
# DB: a city the command-centre bench seeded (`cargo bench --bench
# command_centre -- N sqlite`; 5,000,000 from 1,000,000 with
# benches/sql/decade_sqlite.py). SECS: how long `hey` drives each view.
# Needs `hey` (Debian's package). The node runs on a copy of DB (its jobs
# write to the database), made with SQLite's backup API. Writes
# $SSP_NODE_DIR (default /tmp/ssp-node): the copy, samples.tsv (time,
# phase, RSS, high-water mark, PSS in MiB) and node-*.log; prints each
# phase's highest RSS. Any answer but 200 stops the run.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-target/bench-city-5000000.sqlite}
SECS=${2:-20}
WORK=${SSP_NODE_DIR:-/tmp/ssp-node}
PORT=18090
BASE=http://127.0.0.1:$PORT
[ -f "$DB" ] || { echo "no $DB: seed it first (see the header)" >&2; exit 1; }
command -v hey >/dev/null || { echo "needs hey (apt-get install hey)" >&2; exit 1; }
if curl -fsS "$BASE/healthz" >/dev/null 2>&1; then
  echo "something already answers on port $PORT" >&2; exit 1
fi
[ -n "${SSP_NODE_NO_BUILD:-}" ] || cargo build --release --bin suishoupai
BIN=$PWD/target/release/suishoupai
rm -rf "$WORK" && mkdir -p "$WORK/data"
python3 - "$(realpath "$DB")" "$WORK/city.sqlite" <<'PY'
import sqlite3, sys
src = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
with sqlite3.connect(sys.argv[2]) as dest:
    src.backup(dest)
PY

export SSP_DATABASE_URL="sqlite://$WORK/city.sqlite?mode=rw" SSP_DATA_DIR=$WORK/data
export SSP_STORE__LOCAL_ROOT=$WORK/data/objects SSP_BIND=127.0.0.1:$PORT RUST_LOG=warn
# A snapshot within the run (the default writes one every 30 minutes).
export SSP_WORKFLOW__INDEX_SNAPSHOT_SECS=60 SSP_LIMITS__LOGIN_PER_IP=1000000

echo start >"$WORK/phase"
node=
sampler=
stop() { kill $node $sampler 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT

# Samples the node whose pid is in $WORK/pid, labelled with $WORK/phase.
python3 - "$WORK" >"$WORK/samples.tsv" <<'PY' &
import sys, time, pathlib
work = pathlib.Path(sys.argv[1])
def field(text, name):
    for line in text.splitlines():
        if line.startswith(name):
            return int(line.split()[1]) / 1024
    return 0.0
t0 = time.time()
print("secs\tphase\trss_mib\thwm_mib\tpss_mib", flush=True)
while True:
    try:
        pid = (work / "pid").read_text().strip()
        st = pathlib.Path(f"/proc/{pid}/status").read_text()
        sm = pathlib.Path(f"/proc/{pid}/smaps_rollup").read_text()
        phase = (work / "phase").read_text().strip()
        print(f"{time.time() - t0:.1f}\t{phase}\t{field(st, 'VmRSS:'):.0f}\t"
              f"{field(st, 'VmHWM:'):.0f}\t{field(sm, 'Pss:'):.0f}", flush=True)
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    time.sleep(0.5)
PY
sampler=$!

start_node() { # $1: phase name
  echo "$1" >"$WORK/phase"
  local t0=$SECONDS
  "$BIN" >"$WORK/node-$1.log" 2>&1 &
  node=$!
  echo $node >"$WORK/pid"
  until curl -fsS "$BASE/readyz" >/dev/null 2>&1; do
    kill -0 $node 2>/dev/null || { echo "the node stopped: $WORK/node-$1.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "$1: ready in $((SECONDS - t0)) s"
}

views() { # $1: phase name
  echo "$1" >"$WORK/phase"
  local token today year_ago
  token=$(curl -fsS "$BASE/api/v1/auth/password" -H 'content-type: application/json' \
    -d '{"username":"dispatcher","password":"Dispatch@2026"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')
  today=$(date -u +%F)
  year_ago=$(date -u -d '364 days ago' +%F)
  for path in \
    "/api/v1/map/clusters?bbox=111.4,40.6,112.0,41.0&zoom=10" \
    "/api/v1/map/clusters?bbox=111.6264,40.7901,111.7436,40.8399&zoom=14" \
    "/api/v1/map/heatmap?bbox=111.4,40.6,112.0,41.0&zoom=12" \
    "/api/v1/map/areas?level=grid&zoom=14" \
    "/api/v1/stats/indicators?from=$year_ago&to=$today&groupBy=unit" \
    "/api/v1/stats/indicators?from=$year_ago&to=$today&groupBy=day"; do
    printf '%s: ' "${path%%\?*}"
    hey -z "${SECS}s" -c 4 -H "Authorization: Bearer $token" "$BASE$path" >"$WORK/hey.txt"
    awk '/Requests\/sec/ {r=$2} /99% in/ {p=$3*1000} /\[200\]/ {ok=$2} END {printf "%.0f req/s, p99 %.1f ms, %s answered 200\n", r, p, ok}' "$WORK/hey.txt"
    if grep -qE '^\s+\[([013-9][0-9]{2}|2[1-9][0-9]|20[1-9])\]|Error distribution' "$WORK/hey.txt"; then
      echo "answers other than 200:" >&2; cat "$WORK/hey.txt" >&2; exit 1
    fi
  done
  echo "$1-export" >"$WORK/phase"
  curl -fsS -o /dev/null -w 'CSV export: %{size_download} bytes in %{time_total} s\n' \
    -H "Authorization: Bearer $token" "$BASE/api/v1/exports/cases.csv"
  curl -fsS -o /dev/null -w 'XLSX, 30 days: %{size_download} bytes in %{time_total} s\n' \
    -H "Authorization: Bearer $token" \
    "$BASE/api/v1/exports/cases.xlsx?createdFrom=$(date -u -d '30 days ago' +%F)T00:00:00%2B08:00"
}

start_node from-database
views from-database
echo from-database-snapshot >"$WORK/phase"
deadline=$((SECONDS + 300))
until grep -q 'case_index_total{event="save_ok"}' <<<"$(curl -fsS "$BASE/metrics" || true)"; do
  [ $SECONDS -lt $deadline ] || { echo "no snapshot within 300 s: $WORK/node-from-database.log" >&2; exit 1; }
  sleep 1
done
kill $node && wait $node 2>/dev/null || true
start_node from-snapshot
sleep 10 # the rollups, built in the background after the load
views from-snapshot
kill $node && wait $node 2>/dev/null || true

python3 - "$WORK/samples.tsv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
phases = {}
for r in rows:
    p = phases.setdefault(r["phase"], [0, 0])
    p[0] = max(p[0], float(r["rss_mib"]))
    p[1] = max(p[1], float(r["pss_mib"]))
print("\n| phase | highest RSS MiB | highest PSS MiB |\n|---|---|---|")
for name, (rss, pss) in phases.items():
    print(f"| {name} | {rss:.0f} | {pss:.0f} |")
print(f"\nhighest RSS of any sample: {max(float(r['rss_mib']) for r in rows):.0f} MiB;"
      f" the kernel's high-water mark: {max(float(r['hwm_mib']) for r in rows):.0f} MiB;"
      f" {len(rows)} samples")
PY
