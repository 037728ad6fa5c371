#!/usr/bin/env bash
# Load test of the edge agent's POST /image with wrk: starts the agent jar on the demo model, then runs
# wrk at each concurrency for a bounded time and prints throughput and latency percentiles.
#
#   bench/load-image.sh                       # concurrency 1 2 4 8, 10 s each, after a 5 s warm-up
#   DURATION=5s CONCURRENCY="1 4" bench/load-image.sh
#   BENCH_MODEL=ppocr-cls bench/load-image.sh   # PaddleOCR's cls model (./verge fetch-test-models)
#   IMAGE=apple.jpg MODEL=my-model.zip AGENT_OPTS="--max-concurrent-inferences 1" JAVA_OPTS=-Xmx256m bench/load-image.sh
#
# Needs bench/target/benchmarks.jar and edge-agent/target/verge-edge-agent.jar (./verge build) and wrk
# (Debian: apt-get install wrk; installed here when missing and running as root). Traffic goes to 127.0.0.1 only.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-5s}"
CONCURRENCY="${CONCURRENCY:-1 2 4 8}"
AGENT_JAR="$ROOT/edge-agent/target/verge-edge-agent.jar"
BENCH_JAR="$HERE/target/benchmarks.jar"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
for jar in "$AGENT_JAR" "$BENCH_JAR"; do
  [ -f "$jar" ] || { echo "load-image: $jar is missing; run ./verge build first" >&2; exit 3; }
done
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  else
    echo "load-image: wrk is needed (Debian: sudo apt-get install wrk)" >&2
    exit 3
  fi
fi

WORK="$(mktemp -d "$HERE/target/load-image.XXXXXX")"
AGENT_PID=""
cleanup() {
  if [ -n "$AGENT_PID" ] && kill -0 "$AGENT_PID" 2>/dev/null; then
    kill -TERM "$AGENT_PID" 2>/dev/null || true
    wait "$AGENT_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${MODEL:-}" ] || [ -z "${IMAGE:-}" ]; then
  "$JAVA" -cp "$BENCH_JAR" dev.verge.demo.WriteDemoPackage "$WORK/demo" 1 >"$WORK/demo.log" 2>&1 ||
    { cat "$WORK/demo.log" >&2; exit 1; }
fi
if [ -n "${BENCH_MODEL:-}" ] && [ -z "${MODEL:-}" ]; then
  MODEL="$(cd "$ROOT" && "$JAVA" -cp "$BENCH_JAR" dev.verge.bench.BenchModels "$BENCH_MODEL" "$WORK/models" 2>"$WORK/models.log")" ||
    { cat "$WORK/models.log" >&2; exit 1; }
fi
MODEL="${MODEL:-$WORK/demo/fruit-quality-1.zip}"
IMAGE="${IMAGE:-$WORK/demo/samples/ripe-red-tomato.jpg}"
export IMAGE

# shellcheck disable=SC2086
"$JAVA" ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -jar "$AGENT_JAR" --model "$MODEL" --host 127.0.0.1 --port 0 \
  ${AGENT_OPTS:-} >"$WORK/agent.log" 2>&1 &
AGENT_PID=$!
PORT=""
for _ in $(seq 1 600); do
  PORT="$(sed -n 's/.*ready: .* port \([0-9]*\),.*/\1/p' "$WORK/agent.log" | head -n 1)"
  [ -n "$PORT" ] && break
  kill -0 "$AGENT_PID" 2>/dev/null || { cat "$WORK/agent.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$PORT" ] || { echo "load-image: the agent did not start within 60 s" >&2; cat "$WORK/agent.log" >&2; exit 1; }
URL="http://127.0.0.1:$PORT/image"
grep 'ready:' "$WORK/agent.log"
echo "image: $IMAGE ($(wc -c <"$IMAGE") bytes), $DURATION per concurrency, on $(nproc) CPUs"

wrk -t1 -c1 -d"$WARMUP" -s "$HERE/post-image.lua" "$URL" >/dev/null

printf '%-12s %10s %9s %9s %9s %9s %8s\n' concurrency "req/s" "p50 ms" "p90 ms" "p99 ms" "max ms" errors
for c in $CONCURRENCY; do
  threads=$(( c < 2 ? c : 2 ))
  line="$(wrk -t"$threads" -c"$c" -d"$DURATION" --timeout 30s -s "$HERE/post-image.lua" "$URL" | grep '^RESULT')"
  field() { echo "$line" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
  printf '%-12s %10s %9s %9s %9s %9s %8s\n' "$c" "$(field rps)" "$(field p50_ms)" "$(field p90_ms)" \
    "$(field p99_ms)" "$(field max_ms)" "$(field errors)"
done

curl -s "http://127.0.0.1:$PORT/metrics" |
  grep -E '^verge_(inference_stage|inference_wait|http_request)_duration_seconds_(sum|count)(\{stage=|\{route="image"| )' >"$WORK/stages" || true
if [ -s "$WORK/stages" ]; then
  echo "mean time inside the agent, over every request above:"
  awk -F'[{}" ]+' '{key = NF >= 4 ? $3 : "wait for a turn"; if (key == "image") key = "POST /image (handler)"}
    $1 ~ /_sum$/ {sum[key] = $NF} $1 ~ /_count$/ {count[key] = $NF}
    END {for (k in sum) if (count[k] > 0) printf "  %-24s %8.3f ms\n", k, 1000 * sum[k] / count[k]}' \
    "$WORK/stages" | sort
fi
