package dev.verge.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Process start to first answered {@code POST /image}: the agent without and with AppCDS (a dynamic
 * archive made by {@code -XX:+AutoCreateSharedArchive} on a training run, JDK 19+), and the Node peer.
 * The servers also log their own "ready ... N ms after (JVM) start", read back here.
 */
final class ColdStart {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** Medians over {@code runs}; every run kept too. */
    record Result(String target, String model, int runs, double medianFirstAnswerMs, double medianReadyLogMs,
                  List<Double> firstAnswerMs, List<Double> readyLogMs) {}

    private final BenchContext ctx;
    private final int runs;
    private final byte[] image;

    ColdStart(BenchContext ctx, int runs) {
        this.ctx = ctx;
        this.runs = runs;
        try {
            this.image = Files.readAllBytes(ctx.image);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    List<Result> run(String model, boolean withNode) {
        List<Result> results = new ArrayList<>();
        results.add(log(measure(model, "verge-agent", () -> ctx.launchAgent(model, List.of(), List.of(), "cold-agent"))));
        Path archive = ctx.work.resolve("agent-" + model + ".jsa");
        List<String> cds = List.of("-XX:SharedArchiveFile=" + archive, "-XX:+AutoCreateSharedArchive");
        // a training run writes the archive when the JVM exits; it is not measured
        try (ServerProcess training = ctx.launchAgent(model, cds, List.of(), "cds-training")) {
            firstAnswer(training);
        }
        if (!Files.isRegularFile(archive)) {
            System.err.println("  (no class-data archive was written at " + archive + "; the AppCDS runs show the default)");
        }
        results.add(log(measure(model, "verge-agent+AppCDS", () -> ctx.launchAgent(model, cds, List.of(), "cold-agent-cds"))));
        if (Runtime.version().feature() >= 25) {
            // JEP 514/515: a training run records the classes it loads, links and profiles; the cache is written
            // when the JVM exits
            Path cache = ctx.work.resolve("agent-" + model + ".aot");
            try (ServerProcess training = ctx.launchAgent(model, List.of("-XX:AOTCacheOutput=" + cache), List.of(),
                    "aot-training")) {
                firstAnswer(training);
            }
            List<String> aot = List.of("-XX:AOTCache=" + cache);
            results.add(log(measure(model, "verge-agent+AOT", () -> ctx.launchAgent(model, aot, List.of(), "cold-agent-aot"))));
        }
        results.add(log(measure(model, "verge-agent as shipped", () -> ctx.launchShippedAgent(model, "cold-agent-shipped"))));
        if (withNode) {
            results.add(log(measure(model, LoadBench.NODE, () -> ctx.launchNode(model, "cold-node"))));
        }
        return results;
    }

    interface Launcher {
        ServerProcess launch();
    }

    private Result measure(String model, String target, Launcher launcher) {
        List<Double> answers = new ArrayList<>();
        List<Double> logged = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            try (ServerProcess server = launcher.launch()) {
                answers.add(Math.round(firstAnswer(server) / 1e5) / 10.0);
                String ms = server.readyField(BenchContext.READY_MS);
                if (ms != null) {
                    logged.add(Double.parseDouble(ms));
                }
            }
        }
        return new Result(target, model, runs, median(answers), median(logged), answers, logged);
    }

    /**
     * Nanoseconds from the start of the process to its first 200 on {@code POST /image}; refused
     * connections are retried every 2 ms, for at most 60 s.
     */
    private long firstAnswer(ServerProcess server) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/image"))
                .header("Content-Type", "application/octet-stream")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                .build();
        long deadline = server.startNanos + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> response = HTTP.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return System.nanoTime() - server.startNanos;
                }
            } catch (IOException notListeningYet) {
                // refused or reset: the server is still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (!server.process.isAlive()) {
                throw new IllegalStateException("the server exited while starting:\n" + ServerProcess.tail(server.log));
            }
            ServerProcess.sleep(2);
        }
        throw new IllegalStateException("no answer within 60 s:\n" + ServerProcess.tail(server.log));
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static Result log(Result r) {
        System.err.printf("  %-20s %-14s first answer median %6.0f ms (runs %s), own ready log median %6.0f ms%n",
                r.target(), r.model(), r.medianFirstAnswerMs(), r.firstAnswerMs(), r.medianReadyLogMs());
        return r;
    }
}
