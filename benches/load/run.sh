#!/usr/bin/env bash
# The whole system under a city's load (issue 26 point 4): two release
# nodes on PostgreSQL, Redis and an S3 server (s3s-fs, benches/load/s3_server.rs)
# on this machine, driven by Locust (PyPI) in steps of users, with each
# process's CPU and memory sampled from /proc. See benches/README.md,
# "The whole system under load".
#
#   benches/load/run.sh [CASES=1000000] [STEPS=100,200,300,400,500] [STEP_SECS=150]
#
# CASES: the city's history, seeded by `admin seed` into the schema
# `load_city` (kept between runs; a run adds its own reports to it).
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres, database test) and
# Redis at 127.0.0.1:6379. Writes $SSP_LOAD_DIR (default /tmp/ssp-load):
# steps.json (per step and operation: rate, p50, p99, errors),
# samples.json (per 2 s: CPU and PSS of each node, PostgreSQL, Redis, the
# S3 server and Locust), summary.md (both, as the README's tables).
set -euo pipefail
cd "$(dirname "$0")/../.."
CASES=${1:-1000000}
STEPS=${2:-100,200,300,400,500}
STEP_SECS=${3:-150}
WORK=${SSP_LOAD_DIR:-/tmp/ssp-load}
PG=postgres://postgres@127.0.0.1:5432/test
SCHEMA=load_city
mkdir -p "$WORK"

# SSP_LOAD_NO_BUILD=1: the binaries as they are (a further run of the same build).
[ -n "${SSP_LOAD_NO_BUILD:-}" ] || cargo build --release --features jpeg-simd --bin suishoupai --example s3_server
BIN=$PWD/target/release/suishoupai
S3=$PWD/target/release/examples/s3_server

if [ ! -x "$WORK/venv/bin/locust" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q 'locust==2.47.0' 'pillow>=11'
fi
# What the mini-program uploads: the camera's photo recompressed on the
# phone to 1920 px at quality 70 (miniprogram/src/api/upload.ts).
"$WORK/venv/bin/python" - "$WORK" <<'PY'
import sys
from PIL import Image
for name in ["phone-12mp.jpg", "street-4mp.jpg"]:
    im = Image.open(f"../shared/data/photos/{name}")
    im.thumbnail((1920, 1920))
    im.save(f"{sys.argv[1]}/{name}", quality=70)
PY
PHOTOS="$WORK/phone-12mp.jpg,$WORK/street-4mp.jpg"

pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait "${pids[@]}" 2>/dev/null || true; }
trap stop EXIT

export SSP_DATABASE_URL=$PG SSP_DATABASE_SCHEMA=$SCHEMA
export SSP_REDIS_URL=redis://127.0.0.1:6379 SSP_KEY_PREFIX=load: SSP_NODES=2
export SSP_STORE__KIND=s3 SSP_STORE__S3__ENDPOINT=http://127.0.0.1:19000 SSP_STORE__S3__BUCKET=load
export SSP_STORE__S3__ACCESS_KEY=load-access SSP_STORE__S3__SECRET_KEY=load-secret-key
export SSP_STORE__S3__PATH_STYLE=true SSP_STORE__S3__CREATE_BUCKET=true SSP_STORE__S3__CHECKSUMS=when_required
export SSP_JWT_SECRET=load-test-secret-load-test-secret-0123456789
export SSP_PUBLIC_URL=http://127.0.0.1:18081 RUST_LOG=warn
# Every simulated phone comes from 127.0.0.1: the per-address limits would
# see one client (behind a proxy they see each phone). Per-user limits stay,
# but for the live feeds a supervisor account may hold (all the listeners
# share the demo's one supervisor).
export SSP_LIMITS__UPLOAD_PER_IP=1000000 SSP_LIMITS__REPORT_PER_IP=1000000 SSP_LIMITS__LOGIN_PER_IP=1000000
export SSP_LIMITS__UPLOADS_PER_ADDRESS=100000 SSP_LIMITS__FEEDS_PER_ACCOUNT=100000

"$S3" "$WORK/s3" 127.0.0.1:19000 load-access load-secret-key >"$WORK/s3.log" 2>&1 &
pids+=($!); S3_PID=$!

node() { # node N PORT [env…]
  local n=$1 port=$2; shift 2
  env SSP_BIND=127.0.0.1:$port SSP_DATA_DIR="$WORK/node$n" "$@" "$BIN" serve >"$WORK/node$n.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return 0
    sleep 0.5
  done
  echo "node $n did not become ready: $WORK/node$n.log" >&2
  exit 1
}

have=$(psql "$PG" -Atqc "select count(*) from $SCHEMA.cases" 2>/dev/null || echo 0)
if [ "$have" -lt "$CASES" ]; then
  node 1 18081   # migrates and loads the demo city
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'
  t=$(date +%s)
  # A seed of its own: a top-up must not repeat an earlier run's case numbers.
  "$BIN" admin seed --cases $((CASES - have)) --seed "$(date +%s)"
  echo "seeded $((CASES - have)) cases in $(( $(date +%s) - t )) s"
fi

# Fresh statistics for the planner (a restored or just seeded schema has none).
psql "$PG" -qAt -c "select format('analyze %I.%I;', schemaname, tablename) from pg_tables where schemaname = '$SCHEMA'" |
  psql "$PG" -q
t=$(date +%s)
node 1 18081
N1=${pids[-1]}
echo "node 1 ready in $(( $(date +%s) - t )) s"
t=$(date +%s)
node 2 18082 SSP_WORKFLOW__BACKGROUND_JOBS=false
N2=${pids[-1]}
echo "node 2 ready in $(( $(date +%s) - t )) s"
cases_before=$(psql "$PG" -Atqc "select count(*) from $SCHEMA.cases")

python3 benches/load/sample.py "$WORK/samples.json" node1=$N1 node2=$N2 s3=$S3_PID postgres redis-server locust &
SAMPLER=$!
pids+=($SAMPLER)
IFS=, read -ra steps <<<"$STEPS"
SSP_LOAD_NODES=http://127.0.0.1:18081,http://127.0.0.1:18082 SSP_LOAD_STEPS=$STEPS SSP_LOAD_STEP_SECS=$STEP_SECS \
SSP_LOAD_OUT="$WORK/steps.json" SSP_LOAD_PHOTOS=$PHOTOS \
  "$WORK/venv/bin/locust" -f benches/load/locustfile.py --headless --only-summary \
  --run-time $(( ${#steps[@]} * STEP_SECS + 5 ))s --stop-timeout 10 >"$WORK/locust.log" 2>&1 || true
kill -TERM $SAMPLER; wait $SAMPLER || true
cases_after=$(psql "$PG" -Atqc "select count(*) from $SCHEMA.cases")
echo "cases: $cases_before before, $cases_after after"
python3 benches/load/summary.py "$WORK/steps.json" "$WORK/samples.json" | tee "$WORK/summary.md"
