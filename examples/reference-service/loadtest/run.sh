#!/usr/bin/env bash
# The reference service's load test, in one command: builds the service if needed, starts a
# dedicated Redis, a fresh PostgreSQL database and two service instances sharing them, drives them
# with Artillery (open model) through the documents' phase shape, samples the instances, Redis and
# PostgreSQL, and writes report.md, report.html and summary.json under runs/<name>/.
#
#   loadtest/run.sh                        # primitives off, then on; both reports and comparison.md
#   MODE=on loadtest/run.sh                # one run with every primitive on
#   PROFILE=ramp MODE=on loadtest/run.sh   # rising constant rates, to find the highest sustained one
#   PROFILE=smoke MODE=on loadtest/run.sh  # seconds, for CI; fails on errors
#   PROFILE=cost MODE=on loadtest/run.sh   # Redis commands and DB queries per request of each endpoint
#
# Settings (environment): SCALE (documents profile: 10, 50, 100, 200, 50 arrivals/s times SCALE;
# default 0.2 for a 2-core machine), PHASE_SECONDS (default 30), RAMP (arrivals/s of the ramp
# profile, default "10 20 30 40 50 60"), FAULTS=1 (during the peak of an "on" run: stop Redis 20 s,
# SIGKILL one instance; both restarted), RUN_NAME, PG_HOST/PG_PORT/PG_USER (127.0.0.1, 5432,
# postgres; trust auth), REDIS_PORT (dedicated server, default 16391), REDIS_FSYNC (its
# appendfsync: everysec, or always), BASE_PORT (default 18181).
# Needs java, mvn (first build), node/npm, redis-server, psql.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
service="$(dirname "$here")"
root="$(cd "$service/../.." && pwd)"

MODE="${MODE:-both}"
PROFILE="${PROFILE:-documents}"
SCALE="${SCALE:-0.2}"
PHASE_SECONDS="${PHASE_SECONDS:-30}"
RAMP="${RAMP:-10 20 30 40 50 60}"
FAULTS="${FAULTS:-0}"
PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
PG_USER="${PG_USER:-postgres}"
PG_DB="${PG_DB:-headroom_refsvc_load}"
REDIS_PORT="${REDIS_PORT:-16391}"
REDIS_FSYNC="${REDIS_FSYNC:-everysec}"
BASE_PORT="${BASE_PORT:-18181}"
SEED_USERS="${SEED_USERS:-20000}"
SEED_TRACKS="${SEED_TRACKS:-100000}"
RUN_NAME="${RUN_NAME:-$(date -u +%Y%m%dT%H%M%SZ)-$PROFILE}"
out_root="$here/runs/$RUN_NAME"
mkdir -p "$out_root"
log() { printf '[loadtest] %s\n' "$*"; }

jar="$service/target/reference-service-exec.jar"
if [ ! -f "$jar" ] || [ -n "${REBUILD:-}" ]; then
  log "building the service"
  (cd "$root" && mvn -B -ntp -q -pl examples/reference-service -am package -DskipTests)
fi
if [ ! -x "$here/node_modules/.bin/artillery" ]; then
  log "installing Artillery (npm ci)"
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

pids=()
redis_dir="$(mktemp -d)"
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for f in "$out_root"/*/instance-*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$redis_dir"
}
trap cleanup EXIT

start_redis() {
  # an append-only file, fsynced every second (REDIS_FSYNC=always: on every write), as a Redis that
  # holds a job queue and rate-limit counters runs in production
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync "$REDIS_FSYNC" --daemonize yes \
    --maxmemory-policy noeviction --dir "$redis_dir" --logfile "$redis_dir/redis.log"
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  log "Redis did not start"; return 1
}

# start_instance N OUTDIR FEATURE-ARGS...: starts instance N (1 or 2) and records its pid
start_instance() {
  local n="$1" dir="$2"; shift 2
  local port=$((BASE_PORT + n - 1))
  DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$PG_DB" DB_USER="$PG_USER" DB_PASSWORD="" DB_POOL_SIZE=10 \
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT" PORT="$port" \
    java -Xms256m -Xmx512m -jar "$jar" --reference.seed-users="$SEED_USERS" \
      --reference.seed-tracks="$SEED_TRACKS" "$@" >"$dir/instance-$n.log" 2>&1 &
  echo $! >"$dir/instance-$n.pid"
}
stop_instance() {
  local f="$1/instance-$2.pid"
  [ -f "$f" ] || return 0
  kill "$(cat "$f")" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$(cat "$f")" 2>/dev/null || break; sleep 0.5; done
  rm -f "$f"
}
wait_healthy() {
  local port=$((BASE_PORT + $1 - 1)) pidfile="$2/instance-$1.pid"
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && return 0
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "instance $1 exited: see $2/instance-$1.log"; tail -5 "$2/instance-$1.log"; return 1
    fi
    sleep 0.5
  done
  log "instance $1 did not become healthy"; return 1
}

phases_json() {
  case "$PROFILE" in
    documents)
      node -e 'const s=Number(process.argv[1]),d=Number(process.argv[2]);console.log(JSON.stringify([10,50,100,200,50].map((r,i)=>({name:`p${i+1} (${r}/s × ${s})`,arrivalRate:Math.max(1,Math.round(r*s)),duration:d}))))' "$SCALE" "$PHASE_SECONDS" ;;
    ramp)
      node -e 'const d=Number(process.argv[1]);console.log(JSON.stringify(process.argv[2].trim().split(/\s+/).map(Number).map((r,i)=>({name:`step ${i+1}`,arrivalRate:r,duration:d}))))' "$PHASE_SECONDS" "$RAMP" ;;
    cost) echo '[]' ;;
    smoke)
      echo '[{"name":"smoke","arrivalRate":4,"duration":8}]' ;;
    *) log "unknown PROFILE $PROFILE"; exit 2 ;;
  esac
}

machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/{print $2}') GiB; $(java -version 2>&1 | head -n1); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"

# run_one MODE: one complete run with fresh Redis, database and instances
run_one() {
  local mode="$1" dir="$out_root/$1"
  mkdir -p "$dir"
  local -a features
  if [ "$mode" = off ]; then
    features=(--reference.cache=false --reference.batching=false --reference.inline-jobs=true --headroom.ratelimit.enabled=false)
  else
    features=()
  fi
  log "[$mode] fresh Redis on $REDIS_PORT and database $PG_DB"
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "${redis_dir:?}"/*
  start_redis
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qAtc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qAtc "CREATE DATABASE $PG_DB" >/dev/null
  start_instance 1 "$dir" "${features[@]}"
  wait_healthy 1 "$dir"
  start_instance 2 "$dir" "${features[@]}"
  wait_healthy 2 "$dir"
  local targets="http://127.0.0.1:$BASE_PORT,http://127.0.0.1:$((BASE_PORT + 1))"
  if [ "$PROFILE" = cost ]; then
    TARGETS="$targets" REDIS_PORT="$REDIS_PORT" PG_DB="$PG_DB" node "$here/cost.js" "$dir/cost.json" | tee "$dir/cost.log"
    stop_instance "$dir" 1; stop_instance "$dir" 2
    return 0
  fi
  local phases; phases="$(phases_json)"
  log "[$mode] phases: $phases"
  TARGETS="$targets" REDIS_PORT="$REDIS_PORT" PG_DB="$PG_DB" node "$here/collect.js" "$dir/samples.jsonl" &
  local collector=$!; pids+=("$collector")
  if [ "$FAULTS" = 1 ] && [ "$mode" = on ]; then
    faults "$dir" "$phases" "${features[@]}" &
    pids+=("$!")
    limit_probe "$dir" "$targets" &
    pids+=("$!")
  fi
  local overrides; overrides="$(node -e 'console.log(JSON.stringify({config:{phases:JSON.parse(process.argv[1]).map(p=>({name:p.name,arrivalRate:p.arrivalRate,duration:p.duration}))}}))' "$phases")"
  TARGETS="$targets" PHASES="$phases" SEED_USERS="$SEED_USERS" ACCEPTED_JOBS="$dir/accepted-jobs.txt" STARTED_FILE="$dir/started" \
    "$here/node_modules/.bin/artillery" run --quiet --overrides "$overrides" --output "$dir/artillery.json" \
    "$here/journey.yml" >"$dir/artillery.log" 2>&1 || { log "artillery failed: see $dir/artillery.log"; tail -20 "$dir/artillery.log"; return 1; }
  # let queued jobs finish before the last samples
  sleep 4
  kill "$collector" 2>/dev/null || true; wait "$collector" 2>/dev/null || true
  jobs_check "$dir" "$targets"
  node -e '
    const fs=require("fs"), a=process.argv;
    fs.writeFileSync(a[1], JSON.stringify({mode:a[2], command:a[3], date:new Date().toISOString(), machine:a[4], setup:a[5],
      phases:JSON.parse(a[6]), jobs:JSON.parse(a[7]), features:a.slice(8)}, null, 2));' \
    "$dir/meta.json" "$mode" "$CMDLINE" "$machine" \
    "two instances (-Xmx512m each) sharing PostgreSQL $(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -Atc 'show server_version') and a dedicated Redis $(redis-server --version | awk '{print $3}') (appendfsync $REDIS_FSYNC), Artillery 2.0.21, all on this one machine (shared with other builds while it ran); seed $SEED_USERS users, $SEED_TRACKS tracks" \
    "$phases" "$(cat "$dir/jobs.json")" "${features[@]:-all primitives on}"
  node "$here/report.js" "$dir" >/dev/null
  stop_instance "$dir" 1; stop_instance "$dir" 2
  log "[$mode] report: $dir/report.md"
}

# Checks every AI job the run accepted (a 202 with its job id is what the caller was told) against
# the generations table, where the handler records each job it finished or gave up on: none may be
# missing once the queues are empty.
jobs_check() {
  local dir="$1" first="${2%%,*}" left=1
  for _ in $(seq 1 120); do
    left="$(curl -sf "$first/api/stats" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const q=JSON.parse(s).queue;console.log(q.waiting+q.active+q.delayed)})' 2>/dev/null || echo 1)"
    [ "$left" = 0 ] && break
    sleep 1
  done
  touch "$dir/accepted-jobs.txt"
  local accepted found
  accepted="$(sort -u "$dir/accepted-jobs.txt" | grep -c . || true)"
  if [ "$accepted" -gt 0 ]; then
    found="$( (echo "CREATE TEMP TABLE accepted (job_id VARCHAR(200)); COPY accepted FROM STDIN;"; sort -u "$dir/accepted-jobs.txt"; printf '\\.\n'; \
      echo "SELECT COUNT(*) FROM accepted a WHERE EXISTS (SELECT 1 FROM generations g WHERE g.job_id = a.job_id);") \
      | psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -qAt | tail -n1)"
  else
    found=0
  fi
  local ai_left; ai_left="$(curl -sf "$first/api/stats" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const q=JSON.parse(s).queues.ai;console.log(q.waiting+q.active+q.delayed)})' 2>/dev/null || echo 0)"
  local dead; dead="$(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -qAtc "SELECT COUNT(*) FROM generations WHERE status = 'dead'")"
  # "lost" only once the AI queue is empty: while it drains, the two counts are taken moments apart
  local lost=null; [ "$ai_left" = 0 ] && lost=$((accepted - found))
  echo "{\"accepted\":$accepted,\"recorded\":$found,\"stillQueued\":$ai_left,\"lost\":$lost,\"deadLettered\":$dead}" >"$dir/jobs.json"
  log "AI jobs: $(cat "$dir/jobs.json")"
}

# One client address tries to sign in (wrong password) twice a second through both instances for
# the whole run: the login policy allows it 5 attempts in 15 minutes, whatever fails meanwhile.
limit_probe() {
  local dir="$1" i=0
  local -a urls; IFS=, read -r -a urls <<<"$2"
  while [ -f "$dir/instance-1.pid" ]; do
    local url="${urls[$((i % ${#urls[@]}))]}"
    local code; code="$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H 'Content-Type: application/json' \
      -H 'X-Forwarded-For: 10.255.255.1' -d '{"email":"user1@example.com","password":"wrong"}' "$url/api/auth/login" || true)"
    echo "$(date +%s%3N) $url $code" >>"$dir/limit-probe.log"
    i=$((i + 1)); sleep 0.5
  done
}

faults() {
  local dir="$1" phases="$2"; shift 2
  # the peak phase starts after the first three phases
  local before; before="$(node -e 'const p=JSON.parse(process.argv[1]);console.log(p.slice(0,3).reduce((a,x)=>a+x.duration,0))' "$phases")"
  for _ in $(seq 1 120); do [ -f "$dir/started" ] && break; sleep 0.5; done
  sleep $((before + 5))
  echo "$(date +%s%3N) redis-stop" >>"$dir/faults.log"
  redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
  sleep 20
  start_redis
  echo "$(date +%s%3N) redis-start" >>"$dir/faults.log"
  sleep 5
  echo "$(date +%s%3N) kill-instance-2" >>"$dir/faults.log"
  kill -9 "$(cat "$dir/instance-2.pid")" 2>/dev/null || true
  sleep 2
  start_instance 2 "$dir" "$@"
  wait_healthy 2 "$dir" || true
  echo "$(date +%s%3N) instance-2-healthy" >>"$dir/faults.log"
}

CMDLINE="MODE=$MODE PROFILE=$PROFILE REDIS_FSYNC=$REDIS_FSYNC SCALE=$SCALE PHASE_SECONDS=$PHASE_SECONDS$(if [ "$FAULTS" = 1 ]; then echo " FAULTS=1"; fi) examples/reference-service/loadtest/run.sh"
case "$MODE" in
  both) run_one off; run_one on; node "$here/compare.js" "$out_root/off" "$out_root/on" >"$out_root/comparison.md"; log "comparison: $out_root/comparison.md" ;;
  on|off) run_one "$MODE" ;;
  *) log "MODE must be on, off or both"; exit 2 ;;
esac
if [ "$PROFILE" = smoke ]; then
  node "$here/check.js" "$out_root/$MODE"
fi
