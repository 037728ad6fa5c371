#!/usr/bin/env bash
# RSS of the edge agent with one model and with two loaded: ./verge edge with the demo model, then with the demo model
# and PaddleOCR's text-orientation classifier (./verge fetch-test-models); after N answers from each model served, the
# process's VmRSS (and VmHWM, its peak) from /proc.
#
#   bench/multi-model-rss.sh            # N=200
#   N=500 bench/multi-model-rss.sh
#
# Needs ./verge build (edge-agent jar, demo-model/target/demo) and curl. Traffic goes to 127.0.0.1 only.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
N="${N:-200}"
DEMO="$ROOT/demo-model/target/demo/fruit-quality-1"
APPLE="$ROOT/demo-model/target/demo/samples/ripe-red-apple.jpg"
ONNX="$ROOT/.cache/ocr-models/package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx"
for f in "$DEMO/manifest.json" "$APPLE" "$ONNX"; do
  [ -f "$f" ] || { echo "multi-model-rss: $f is missing; run ./verge build and ./verge fetch-test-models" >&2; exit 3; }
done
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
OCR="$WORK/text-orientation"
mkdir -p "$OCR"
cp "$ONNX" "$OCR/model.onnx"
cat > "$OCR/manifest.json" <<JSON
{"name": "text-orientation", "version": "2.0", "task": "classification", "file": "model.onnx",
 "sha256": "$(sha256sum "$OCR/model.onnx" | cut -d' ' -f1)", "labels": ["0", "180"],
 "input": {"name": "x", "layout": "NCHW", "width": 192, "height": 48, "channels": "BGR", "scale": 255.0,
           "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "resize": "stretch"},
 "output": {"activation": "none"}}
JSON

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

measure() { # label, then the --model arguments
  local label="$1"; shift
  local p; p="$(port)"
  "$ROOT/verge" edge --host 127.0.0.1 --port "$p" "$@" >"$WORK/agent.log" 2>&1 &
  local pid=$!
  local ready=""
  for _ in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$p/v2/health/ready" >/dev/null 2>&1 && { ready=1; break; }
    sleep 0.1
  done
  [ -n "$ready" ] || { echo "multi-model-rss: the agent did not start:" >&2; cat "$WORK/agent.log" >&2; exit 1; }
  local paths=("/image")
  [ $# -gt 2 ] && paths+=("/text-orientation/image")
  for path in "${paths[@]}"; do
    for _ in $(seq 1 "$N"); do
      curl -sf --data-binary @"$APPLE" -H 'Content-Type: application/octet-stream' "http://127.0.0.1:$p$path" >/dev/null
    done
  done
  local java; java="$(pgrep -P "$pid" java || echo "$pid")"
  local rss hwm
  rss="$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$java/status")"
  hwm="$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$java/status")"
  echo "$label: RSS $rss MiB (peak $hwm MiB) after $N answers from each of ${paths[*]}"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

measure "one model (fruit-quality)" --model "$DEMO"
measure "two models (fruit-quality, text-orientation)" --model "$DEMO" --model "$OCR"
