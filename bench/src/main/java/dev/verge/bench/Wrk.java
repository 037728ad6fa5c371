package dev.verge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** wrk (Debian's package) posting one image over keep-alive connections, for a bounded time. */
final class Wrk {
    private static final Pattern RESULT = Pattern.compile(
            "RESULT requests=(\\d+) rps=([0-9.]+) p50_ms=([0-9.]+) p90_ms=([0-9.]+) p99_ms=([0-9.]+) max_ms=([0-9.]+) errors=(\\d+)");

    /** What wrk measured: requests answered, throughput, latency percentiles (ms), non-2xx and socket errors. */
    record Result(long requests, double rps, double p50Ms, double p90Ms, double p99Ms, double maxMs, long errors) {}

    private final Path script;

    Wrk(Path script) {
        this.script = script;
    }

    /** Posts {@code image} to {@code url} from {@code connections} connections for {@code seconds}. */
    Result run(String url, Path image, int connections, int seconds, Map<String, String> headers) {
        int threads = Math.min(connections, 2);
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--timeout", "30s", "-s", script.toString(), url));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("IMAGE", image.toString());
        StringBuilder extra = new StringBuilder();
        headers.forEach((k, v) -> extra.append(k).append(": ").append(v).append('\n'));
        builder.environment().put("EXTRA_HEADERS", extra.toString());
        try {
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("wrk did not finish");
            }
            Matcher m = RESULT.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException("wrk printed no RESULT line:\n" + out);
            }
            return new Result(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                    Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6)),
                    Long.parseLong(m.group(7)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run wrk (Debian: apt-get install wrk)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
