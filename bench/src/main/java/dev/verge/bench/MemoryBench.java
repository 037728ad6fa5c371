package dev.verge.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The agent's RSS under load (demo model, concurrency 4, the largest picture of the run) as it ships and with
 * JVM and ONNX Runtime settings that might keep it smaller, next to the throughput each gives.
 */
final class MemoryBench {
    /** One setting under load: its throughput, p99 and RSS. */
    record Row(String setting, List<String> jvmOptions, List<String> agentOptions, double rps, double p99Ms,
               double rssMeanMiB, double rssMaxMiB, double cpuMsPerRequest, long errors) {}

    private record Setting(String name, List<String> jvm, List<String> agent) {}

    static final String SHIPPED = "as shipped (./verge edge)";
    private static final List<Setting> SETTINGS = List.of(
            new Setting(SHIPPED, List.of(), List.of()),
            new Setting("JVM defaults", List.of(), List.of()),
            new Setting("SerialGC", List.of("-XX:+UseSerialGC"), List.of()),
            new Setting("SerialGC, Xmx64m", List.of("-XX:+UseSerialGC", "-Xmx64m"), List.of()),
            new Setting("SerialGC, Xmx64m, small code cache, Xss512k",
                    List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:ReservedCodeCacheSize=32m", "-Xss512k",
                            "-XX:MaxMetaspaceSize=64m"), List.of()),
            new Setting("SerialGC, Xmx64m, 1 intra-op thread", List.of("-XX:+UseSerialGC", "-Xmx64m"),
                    List.of("--intra-op-threads", "1")));

    private final BenchContext ctx;

    MemoryBench(BenchContext ctx) {
        this.ctx = ctx;
    }

    List<Row> run(String model, int concurrency) {
        List<Row> rows = new ArrayList<>();
        LoadBench load = new LoadBench(ctx);
        String picture = List.copyOf(ctx.pictures.keySet()).getLast();
        System.err.println("  picture " + picture);
        for (Setting s : SETTINGS) {
            String log = "memory-" + rows.size();
            try (ServerProcess agent = s.name().equals(SHIPPED) ? ctx.startShippedAgent(model, log)
                    : ctx.startAgent(model, s.jvm(), s.agent(), log)) {
                LoadBench.Row r = load.overHttp(LoadBench.AGENT, model, picture, concurrency, agent);
                Row row = new Row(s.name(), s.jvm(), s.agent(), r.rps(), r.p99Ms(), r.rssMeanMiB(), r.rssMaxMiB(),
                        r.cpuMsPerRequest(), r.errors());
                System.err.printf("  %-48s %8.1f req/s  p99 %6.2f ms  RSS mean %6.1f max %6.1f MiB%n",
                        row.setting(), row.rps(), row.p99Ms(), row.rssMeanMiB(), row.rssMaxMiB());
                rows.add(row);
            }
        }
        return rows;
    }
}
