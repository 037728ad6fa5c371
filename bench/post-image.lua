-- wrk script: POST the image at $IMAGE as raw bytes (plus "Name: value" lines from $EXTRA_HEADERS), and
-- print the figures bench reads. Non-2xx answers count as errors.
local path = os.getenv("IMAGE")
local f = assert(io.open(path, "rb"), "cannot read IMAGE=" .. tostring(path))
wrk.method = "POST"
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "application/octet-stream"
for name, value in string.gmatch(os.getenv("EXTRA_HEADERS") or "", "([^:\n]+): ([^\n]*)\n") do
  wrk.headers[name] = value
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read
            + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, bad))
end
