package dev.verge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The goals of issue 9, checked against a run's figures; "met" is null when the run did not measure it. */
final class Goals {
    record Goal(String goal, Boolean met, String found) {}

    private Goals() {}

    static List<Goal> evaluate(String model, List<LoadBench.Row> load, List<ColdStart.Result> cold, List<MemoryBench.Row> memory) {
        List<Goal> goals = new ArrayList<>();
        LoadBench.Row agent4 = row(load, LoadBench.AGENT, model, 4);
        LoadBench.Row bare4 = row(load, LoadBench.BARE, model, 4);
        LoadBench.Row node4 = row(load, LoadBench.NODE, model, 4);
        if (agent4 != null && bare4 != null) {
            double r = agent4.rps() / bare4.rps();
            goals.add(new Goal("agent throughput >= 90% of bare ONNX Runtime at c=4 (" + model + ")", r >= 0.9,
                    String.format(Locale.ROOT, "%.0f%% (%.1f vs %.1f req/s)", r * 100, agent4.rps(), bare4.rps())));
        } else {
            goals.add(new Goal("agent throughput >= 90% of bare ONNX Runtime at c=4", null, "not measured"));
        }
        if (agent4 != null && node4 != null) {
            double r = agent4.rps() / node4.rps();
            goals.add(new Goal("agent >= 1.3x the Node peer's throughput with a lower p99 at c=4 (" + model + ")",
                    r >= 1.3 && agent4.p99Ms() < node4.p99Ms(),
                    String.format(Locale.ROOT, "%.2fx (%.1f vs %.1f req/s), p99 %.2f vs %.2f ms", r, agent4.rps(), node4.rps(),
                            agent4.p99Ms(), node4.p99Ms())));
        } else {
            goals.add(new Goal("agent >= 1.3x the Node peer's throughput with a lower p99", null, "not measured"));
        }
        ColdStart.Result plain = cold.stream().filter(c -> c.target().equals("verge-agent")).findFirst().orElse(null);
        ColdStart.Result cds = cold.stream().filter(c -> c.target().equals("verge-agent+AppCDS")).findFirst().orElse(null);
        if (plain != null) {
            double best = cds == null ? plain.medianFirstAnswerMs() : Math.min(plain.medianFirstAnswerMs(), cds.medianFirstAnswerMs());
            goals.add(new Goal("agent ready < 500 ms after JVM start (" + model + ", first answered request, median)", best < 500,
                    String.format(Locale.ROOT, "%.0f ms without AppCDS, %s with (agent's own ready log: %.0f / %s ms)",
                            plain.medianFirstAnswerMs(), cds == null ? "n/a" : String.format(Locale.ROOT, "%.0f ms", cds.medianFirstAnswerMs()),
                            plain.medianReadyLogMs(), cds == null ? "n/a" : String.format(Locale.ROOT, "%.0f", cds.medianReadyLogMs()))));
        } else {
            goals.add(new Goal("agent ready < 500 ms after JVM start", null, "not measured"));
        }
        MemoryBench.Row defaults = memory.isEmpty() ? null : memory.getFirst();
        double rss = defaults != null ? defaults.rssMeanMiB() : agent4 != null ? agent4.rssMeanMiB() : Double.NaN;
        if (Double.isFinite(rss)) {
            String best = memory.stream().min((a, b) -> Double.compare(a.rssMeanMiB(), b.rssMeanMiB()))
                    .map(m -> String.format(Locale.ROOT, "; smallest: %.1f MiB with %s (%.1f req/s)", m.rssMeanMiB(), m.setting(), m.rps()))
                    .orElse("");
            goals.add(new Goal("steady RSS < 200 MiB under load (" + model + ", JVM defaults, c=4)", rss < 200,
                    String.format(Locale.ROOT, "%.1f MiB%s", rss, best)));
        } else {
            goals.add(new Goal("steady RSS < 200 MiB", null, "not measured"));
        }
        return goals;
    }

    private static LoadBench.Row row(List<LoadBench.Row> rows, String target, String model, int c) {
        return rows.stream().filter(r -> r.target().equals(target) && r.model().equals(model) && r.concurrency() == c)
                .findFirst().orElse(null);
    }
}
