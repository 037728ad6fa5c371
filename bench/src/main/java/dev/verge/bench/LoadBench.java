package dev.verge.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Side by side, same model, same picture, same concurrency levels: (a) the agent's pipeline in-process (the
 * ceiling: decode, preprocess, run, no HTTP), (b) the edge agent over HTTP as it ships ({@code ./verge edge}),
 * (c) the Node.js peer over HTTP; throughput, p50/p99, RSS (mean and peak), CPU per request. The first model
 * runs on every picture size, the others on the first.
 */
final class LoadBench {
    static final String PIPELINE = "pipeline";
    static final String AGENT = "verge-agent";
    static final String NODE = "node-peer";

    /** One target at one concurrency. CPU per request is the process's utime + stime over the window / requests. */
    record Row(String target, String model, String picture, int concurrency, long requests, double rps, double p50Ms, double p99Ms,
               long errors, double rssMeanMiB, double rssMaxMiB, double cpuMsPerRequest) {}

    /** Ratios at one model and concurrency (agent / other; below 1 is better for p99, CPU and RSS). */
    record Ratios(String model, String picture, int concurrency, double agentRpsVsPipeline, double agentRpsVsNode, double agentP99VsNode,
                  double agentCpuPerRequestVsPipeline, double agentCpuPerRequestVsNode, double agentRssVsNode,
                  double nodeRpsVsPipeline) {}

    private static final Pattern DONE = Pattern.compile(
            "done requests=(\\d+) rps=([0-9.]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+) errors=(\\d+)");

    private final BenchContext ctx;

    LoadBench(BenchContext ctx) {
        this.ctx = ctx;
    }

    List<Row> run(boolean withNode) {
        List<Row> rows = new ArrayList<>();
        String first = ctx.packages.keySet().iterator().next();
        for (String model : ctx.packages.keySet()) {
            List<String> pictures = model.equals(first) ? List.copyOf(ctx.pictures.keySet())
                    : List.of(ctx.pictures.keySet().iterator().next());
            for (String picture : pictures) {
                for (int c : ctx.concurrency) {
                    rows.add(log(pipeline(model, picture, c)));
                }
            }
            try (ServerProcess agent = ctx.startShippedAgent(model, "agent-" + model)) {
                for (String picture : pictures) {
                    for (int c : ctx.concurrency) {
                        rows.add(log(overHttp(AGENT, model, picture, c, agent)));
                    }
                }
            }
            if (withNode) {
                try (ServerProcess node = ctx.startNode(model, "node-" + model)) {
                    for (String picture : pictures) {
                        for (int c : ctx.concurrency) {
                            rows.add(log(overHttp(NODE, model, picture, c, node)));
                        }
                    }
                }
            }
        }
        return rows;
    }

    static List<Ratios> ratios(List<Row> rows) {
        List<Ratios> out = new ArrayList<>();
        for (Row agent : rows) {
            if (!agent.target().equals(AGENT)) {
                continue;
            }
            Row pipeline = find(rows, PIPELINE, agent);
            Row node = find(rows, NODE, agent);
            out.add(new Ratios(agent.model(), agent.picture(), agent.concurrency(),
                    ratio(agent.rps(), pipeline == null ? 0 : pipeline.rps()),
                    ratio(agent.rps(), node == null ? 0 : node.rps()),
                    ratio(agent.p99Ms(), node == null ? 0 : node.p99Ms()),
                    ratio(agent.cpuMsPerRequest(), pipeline == null ? 0 : pipeline.cpuMsPerRequest()),
                    ratio(agent.cpuMsPerRequest(), node == null ? 0 : node.cpuMsPerRequest()),
                    ratio(agent.rssMeanMiB(), node == null ? 0 : node.rssMeanMiB()),
                    node == null || pipeline == null ? Double.NaN : ratio(node.rps(), pipeline.rps())));
        }
        return out;
    }

    static Row find(List<Row> rows, String target, Row like) {
        return rows.stream().filter(r -> r.target().equals(target) && r.model().equals(like.model())
                && r.picture().equals(like.picture()) && r.concurrency() == like.concurrency()).findFirst().orElse(null);
    }

    static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : Math.round(a / b * 1000) / 1000.0;
    }

    /** Warm-up, then wrk for the measured window while the server's /proc is read. */
    Row overHttp(String target, String model, String picture, int c, ServerProcess server) {
        String url = "http://127.0.0.1:" + server.port + "/image";
        Path image = ctx.pictures.get(picture);
        ctx.wrk.run(url, image, c, ctx.warmupSeconds, Map.of());
        Wrk.Result r;
        ProcessProbe.Window window = server.probe().open();
        try (window) {
            r = ctx.wrk.run(url, image, c, ctx.seconds, Map.of());
        }
        ProcessProbe.Usage u = window.usage();
        return new Row(target, model, picture, c, r.requests(), r.rps(), r.p50Ms(), r.p99Ms(), r.errors(),
                round(u.rssMeanMiB()), round(u.rssMaxMiB()), cpuPerRequest(u, r.requests()));
    }

    /** {@link PipelineLoad} in a JVM of its own, with the agent's collector; the window opens at "measuring". */
    Row pipeline(String model, String picture, int c) {
        List<String> command = List.of(ctx.java().toString(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), PipelineLoad.class.getName(),
                ctx.packages.get(model).toString(), ctx.pictures.get(picture).toString(), Integer.toString(c),
                Integer.toString(ctx.warmupSeconds), Integer.toString(ctx.seconds));
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            ProcessProbe probe = new ProcessProbe(p.pid());
            ProcessProbe.Window window = null;
            Matcher done = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.equals("measuring")) {
                        window = probe.open();
                    } else if (DONE.matcher(line).find()) {
                        if (window != null) {
                            window.close();
                        }
                        done = DONE.matcher(line);
                        done.find();
                    }
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            if (done == null || window == null) {
                throw new IllegalStateException("PipelineLoad printed no result (exit " + p.exitValue() + ")");
            }
            ProcessProbe.Usage u = window.usage();
            long requests = Long.parseLong(done.group(1));
            return new Row(PIPELINE, model, picture, c, requests, Double.parseDouble(done.group(2)), Double.parseDouble(done.group(3)),
                    Double.parseDouble(done.group(4)), Long.parseLong(done.group(5)),
                    round(u.rssMeanMiB()), round(u.rssMaxMiB()), cpuPerRequest(u, requests));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double cpuPerRequest(ProcessProbe.Usage u, long requests) {
        return requests == 0 ? Double.NaN : Math.round(u.cpuSeconds() * 1000 / requests * 10000) / 10000.0;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static Row log(Row row) {
        System.err.printf("  %-12s %-14s %-10s c=%d  %9.1f req/s  p50 %7.2f ms  p99 %7.2f ms  RSS %6.1f (peak %6.1f) MiB"
                        + "  CPU %.3f ms/req  errors %d%n", row.target(), row.model(), row.picture(), row.concurrency(),
                row.rps(), row.p50Ms(), row.p99Ms(), row.rssMeanMiB(), row.rssMaxMiB(), row.cpuMsPerRequest(), row.errors());
        return row;
    }
}
