#!/usr/bin/env bash
# Flame graphs of the benchmarks that still trail their peer, as HTML (async-profiler) and PNG
# (headless Chromium). Run from the repository root after
#   mvn -B -q -pl benchmarks -am package -DskipTests
# Needs async-profiler's native library: from Maven Central,
#   mvn -q dependency:get -Dartifact=tools.profiler:async-profiler:4.2:jar:linux-x64
# and unzip linux-x64/libasyncProfiler.so from it (ASYNC_PROFILER_LIB points at the .so).
# Usage: benchmarks/profiles/profile.sh [name ...]   (default: every name below)
set -euo pipefail

JAR=${JAR:-benchmarks/target/benchmarks.jar}
LIB=${ASYNC_PROFILER_LIB:?set ASYNC_PROFILER_LIB to libasyncProfiler.so}
EVENT=${EVENT:-cpu}
OUT=${OUT:-benchmarks/profiles}
WORK=${WORK:-benchmarks/target/profiles}

# name | JMH benchmark regex | JMH parameters
declare -A BENCH=(
  [cache-getall]='CacheGetAllBenchmark.getAll|-p impl=headroom'
  [cache-getall-lettuce]='CacheGetAllBenchmark.getAll|-p impl=lettuce'
  [cache-l1-hit]='CacheL1HitBenchmark.get|-p impl=headroom'
  [cache-l1-hit-caffeine]='CacheL1HitBenchmark.get|-p impl=caffeine'
  [ratelimit-hot-key]='RateLimitLocalBenchmark.tryAcquire|-p impl=headroom -p keys=hot'
  [ratelimit-hot-key-resilience4j]='RateLimitLocalBenchmark.tryAcquire|-p impl=resilience4j -p keys=hot'
  [ratelimit-redis]='RateLimitRedisBenchmark.decide|-p impl=headroom'
  [ratelimit-redis-script]='RateLimitRedisBenchmark.decide|-p impl=script'
  [cdn-many-paths]='CdnUrlBenchmark.routeVersionedManyPaths|-p impl=headroom'
  [cdn-many-paths-jdk]='CdnUrlBenchmark.routeVersionedManyPaths|-p impl=jdk'
  [queue-memory]='QueueMemoryBenchmark.enqueueAndRun|-p impl=headroom'
  [queue-memory-executor]='QueueMemoryBenchmark.enqueueAndRun|-p impl=executor'
)

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=(cache-getall cache-getall-lettuce cache-l1-hit cache-l1-hit-caffeine
    ratelimit-hot-key ratelimit-hot-key-resilience4j ratelimit-redis ratelimit-redis-script
    cdn-many-paths cdn-many-paths-jdk queue-memory queue-memory-executor)
fi

mkdir -p "$WORK" "$OUT"
for name in "${names[@]}"; do
  IFS='|' read -r regex params <<<"${BENCH[$name]}"
  dir="$WORK/$name"
  rm -rf "$dir"
  # shellcheck disable=SC2086 # params are separate JMH arguments
  # Other JMH runs may share the machine: their lock does not stop this one.
  java -Djmh.ignoreLock=true -cp "$JAR" org.openjdk.jmh.Main "^dev.headroom.benchmarks.$regex\$" $params \
    -f 1 -wi 5 -w 1 -i 5 -r 2 \
    -prof "async:libPath=$LIB;event=$EVENT;interval=1000000;output=flamegraph;dir=$dir;title=$name;simple=true;exclude=*CompileBroker*" \
    | tail -n 5
  html=$(find "$dir" -name 'flame-*-forward.html' | head -n 1)
  # Drawn as an icicle (root at the top) so the first 1000 pixels show the frames that matter.
  sed 's/let inverted = false;/let inverted = true;/' "$html" >"$WORK/$name.html"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1600,1000 --screenshot="$OUT/$name.png" "file://$(realpath "$WORK/$name.html")" \
    2>/dev/null
done
