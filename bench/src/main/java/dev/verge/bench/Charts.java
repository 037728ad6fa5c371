package dev.verge.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** The run's figures as one SVG: throughput, p99, CPU per request, cold starts, memory, edge vs cloud. */
final class Charts {
    private Charts() {}

    static SvgChart of(Machine m, List<LoadBench.Row> load, List<ColdStart.Result> cold, List<MemoryBench.Row> memory,
                       CloudBench.Result cloud) {
        SvgChart chart = new SvgChart("Verge bench: " + m.cpuModel() + ", " + m.cores() + " cores, " + m.jdk());
        List<String> targets = List.of(LoadBench.PIPELINE, LoadBench.AGENT, LoadBench.NODE);
        LinkedHashSet<String> series = new LinkedHashSet<>();
        load.forEach(r -> series.add(r.model() + " " + r.picture()));
        for (String model : series) {
            List<LoadBench.Row> rows = load.stream().filter(r -> (r.model() + " " + r.picture()).equals(model)).toList();
            List<Integer> levels = rows.stream().map(LoadBench.Row::concurrency).distinct().sorted().toList();
            List<String> categories = levels.stream().map(c -> "c=" + c).toList();
            chart.add(panel("Throughput, " + model, "req/s", categories, targets, rows, levels, LoadBench.Row::rps));
            chart.add(panel("p99 latency, " + model, "ms", categories, targets, rows, levels, LoadBench.Row::p99Ms));
            chart.add(panel("CPU per request, " + model, "ms", categories, targets, rows, levels, LoadBench.Row::cpuMsPerRequest));
        }
        if (!cold.isEmpty()) {
            double[][] v = new double[2][cold.size()];
            for (int i = 0; i < cold.size(); i++) {
                v[0][i] = cold.get(i).medianFirstAnswerMs();
                v[1][i] = cold.get(i).medianReadyLogMs();
            }
            chart.add(new SvgChart.Panel("Cold start, median", "ms", cold.stream().map(ColdStart.Result::target).toList(),
                    List.of("start to first answered request", "server's own ready log"), v, false));
        }
        if (!memory.isEmpty()) {
            double[][] v = new double[2][memory.size()];
            for (int i = 0; i < memory.size(); i++) {
                v[0][i] = memory.get(i).rssMeanMiB();
                v[1][i] = memory.get(i).rps() / 10;
            }
            chart.add(new SvgChart.Panel("Agent RSS under load (c=4) by setting", "MiB; req/s / 10",
                    memory.stream().map(MemoryBench.Row::setting).map(Charts::shorten).toList(),
                    List.of("RSS mean (MiB)", "throughput (req/s / 10)"), v, false));
        }
        if (cloud != null && !cloud.breakdowns().isEmpty()) {
            List<CloudBench.Breakdown> b = cloud.breakdowns();
            double[][] v = new double[4][b.size()];
            for (int i = 0; i < b.size(); i++) {
                v[0][i] = b.get(i).decodeMs();
                v[1][i] = b.get(i).preprocessMs();
                v[2][i] = b.get(i).inferMs();
                v[3][i] = b.get(i).transportMs();
            }
            chart.add(new SvgChart.Panel("Edge vs cloud, one request at a time (mean)", "ms",
                    b.stream().map(CloudBench.Breakdown::target).toList(), List.of("decode", "preprocess", "infer", "transport"), v, true));
        }
        return chart;
    }

    private static String shorten(String s) {
        return s.length() > 28 ? s.substring(0, 27) + "…" : s;
    }

    private static SvgChart.Panel panel(String title, String unit, List<String> categories, List<String> targets,
                                        List<LoadBench.Row> rows, List<Integer> levels,
                                        java.util.function.ToDoubleFunction<LoadBench.Row> metric) {
        List<String> present = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (String t : targets) {
            if (rows.stream().noneMatch(r -> r.target().equals(t))) {
                continue;
            }
            double[] v = new double[levels.size()];
            for (int i = 0; i < levels.size(); i++) {
                int c = levels.get(i);
                v[i] = rows.stream().filter(r -> r.target().equals(t) && r.concurrency() == c).mapToDouble(metric).findFirst().orElse(0);
            }
            present.add(t);
            values.add(v);
        }
        return new SvgChart.Panel(title, unit, categories, present, values.toArray(double[][]::new), false);
    }
}
