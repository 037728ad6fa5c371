#!/usr/bin/env bash
# What a shadow candidate adds to the answers' latency: one run, the same agent, alternating rounds without and
# with a 10 % shadow (dev.verge.bench.ShadowOverhead), wrk at c=4 on POST /image with the demo model.
#
#   bench/shadow-overhead.sh                                   # 4 rounds of 10 s each way, c=4, 10 %
#   bench/shadow-overhead.sh --rounds 6 --seconds 15 --concurrency 8 --percent 25
#
# Needs bench/target/verge-bench.jar (./verge build) and wrk. Traffic goes to 127.0.0.1 only.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -f "$HERE/target/verge-bench.jar" ] || { echo "shadow-overhead: $HERE/target/verge-bench.jar is missing; run ./verge build first" >&2; exit 3; }
command -v wrk >/dev/null 2>&1 || { echo "shadow-overhead: wrk is needed (Debian: sudo apt-get install wrk)" >&2; exit 3; }
cd "$ROOT"
exec "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$HERE/target/verge-bench.jar" \
  dev.verge.bench.ShadowOverhead --root "$ROOT" "$@"
