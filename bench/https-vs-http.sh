#!/usr/bin/env bash
# Requests per second on the edge agent's POST /image at c=4 with keep-alive (wrk holds its connections),
# plain HTTP against HTTPS (--tls-cert/--tls-key, an EC P-256 certificate made here with openssl), in
# alternating rounds; 5 s warm-up, DURATION measured (default 20s). Needs ./verge build, wrk and openssl.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DURATION="${DURATION:-20s}"
ROUNDS="${ROUNDS:-2}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAR="$ROOT/edge-agent/target/verge-edge-agent.jar"
MODEL="${MODEL:-$ROOT/demo-model/target/demo/fruit-quality-1}"
export IMAGE="${IMAGE:-$ROOT/demo-model/target/demo/samples/ripe-red-apple.jpg}"
TLS="$(mktemp -d)"
trap 'rm -rf "$TLS"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$TLS/ca.key" -out "$TLS/ca.pem" \
  -days 2 -subj "/CN=bench CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$TLS/srv.key" -out "$TLS/srv.csr" \
  -subj "/CN=127.0.0.1" 2>/dev/null
printf "subjectAltName=IP:127.0.0.1\n" > "$TLS/ext"
openssl x509 -req -in "$TLS/srv.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial -out "$TLS/srv.pem" -days 2 \
  -extfile "$TLS/ext" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$TLS/srv.key" -out "$TLS/srv.pk8.pem"
cat "$TLS/srv.pem" "$TLS/ca.pem" > "$TLS/chain.pem"

run() {
  local scheme=$1 port=$2; shift 2
  "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" --model "$MODEL" --host 127.0.0.1 --port "$port" "$@" \
    > "$TLS/agent-$scheme.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 60); do curl -sk "$scheme://127.0.0.1:$port/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  wrk -t2 -c4 -d5s -s "$HERE/post-image.lua" "$scheme://127.0.0.1:$port/image" >/dev/null 2>&1
  echo "$scheme $(wrk -t2 -c4 -d"$DURATION" -s "$HERE/post-image.lua" "$scheme://127.0.0.1:$port/image" 2>&1 | grep RESULT)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for _ in $(seq 1 "$ROUNDS"); do
  run http 18181
  run https 18182 --tls-cert "$TLS/chain.pem" --tls-key "$TLS/srv.pk8.pem"
done
