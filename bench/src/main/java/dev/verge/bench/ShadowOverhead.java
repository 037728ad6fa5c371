package dev.verge.bench;

import dev.verge.demo.DemoModels;
import dev.verge.demo.SampleImages;
import dev.verge.edge.AgentSettings;
import dev.verge.edge.EdgeAgent;
import dev.verge.wire.status.ShadowReport;
import dev.verge.edge.shadow.ShadowRunner;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.runtime.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a shadow candidate costs the answers: wrk posts the demo model's apple picture to one agent (this JVM, as
 * shipped but for its port) at {@code c} connections, in alternating rounds without a shadow and with a candidate
 * (the same model, another version) on {@code percent} % of the requests, so both see the same machine at the same
 * time. Prints each round and the medians; the added p99 is the median with minus the median without.
 *
 * <pre>bench/shadow-overhead.sh [--rounds 4] [--seconds 10] [--concurrency 4] [--percent 10]</pre>
 */
public final class ShadowOverhead {
    private ShadowOverhead() {}

    public static void main(String[] args) throws Exception {
        int rounds = intArg(args, "--rounds", 4);
        int seconds = intArg(args, "--seconds", 10);
        int concurrency = intArg(args, "--concurrency", 4);
        int percent = intArg(args, "--percent", 10);
        Path root = Path.of(stringArg(args, "--root", "."));
        Path work = Files.createTempDirectory("verge-shadow-bench");
        Path served = DemoModels.fruitQuality(work.resolve("served"), "1");
        Path candidate = DemoModels.fruitQuality(work.resolve("candidate"), "2");
        Path image = work.resolve("apple.jpg");
        Files.write(image, SampleImages.jpeg("ripe-red-apple"));
        Wrk wrk = new Wrk(root.resolve("bench/post-image.lua"));
        AgentSettings settings = AgentSettings.defaults(served).withHost("127.0.0.1").withPort(0);
        List<Wrk.Result> without = new ArrayList<>();
        List<Wrk.Result> with = new ArrayList<>();
        try (EdgeAgent agent = EdgeAgent.start(settings)) {
            String url = "http://127.0.0.1:" + agent.port() + "/image";
            ShadowRunner shadows = agent.shadows();
            System.out.printf(Locale.ROOT, "shadow overhead: demo model, %d rounds of %d s each way, c=%d, shadow on %d %%%n",
                    rounds, seconds, concurrency, percent);
            wrk.run(url, image, concurrency, Math.max(3, seconds / 2), Map.of()); // warm-up
            for (int round = 1; round <= rounds; round++) {
                shadows.clear(DemoModels.NAME);
                Wrk.Result off = wrk.run(url, image, concurrency, seconds, Map.of());
                without.add(off);
                print("round " + round + " without shadow", off);
                shadows.set(DemoModels.NAME, load(candidate, settings), percent);
                Wrk.Result on = wrk.run(url, image, concurrency, seconds, Map.of());
                with.add(on);
                print("round " + round + " with shadow   ", on);
            }
            List<ShadowReport> reports = shadows.take().reports();
            long pairs = reports.stream().mapToLong(ShadowReport::pairs).sum();
            long dropped = reports.stream().mapToLong(ShadowReport::dropped).sum();
            long answered = with.stream().mapToLong(Wrk.Result::requests).sum();
            double p99Without = median(without.stream().mapToDouble(Wrk.Result::p99Ms).toArray());
            double p99With = median(with.stream().mapToDouble(Wrk.Result::p99Ms).toArray());
            double p50Without = median(without.stream().mapToDouble(Wrk.Result::p50Ms).toArray());
            double p50With = median(with.stream().mapToDouble(Wrk.Result::p50Ms).toArray());
            double rpsWithout = median(without.stream().mapToDouble(Wrk.Result::rps).toArray());
            double rpsWith = median(with.stream().mapToDouble(Wrk.Result::rps).toArray());
            System.out.printf(Locale.ROOT, "median without: %.1f req/s, p50 %.2f ms, p99 %.2f ms%n", rpsWithout, p50Without, p99Without);
            System.out.printf(Locale.ROOT, "median with:    %.1f req/s, p50 %.2f ms, p99 %.2f ms%n", rpsWith, p50With, p99With);
            System.out.printf(Locale.ROOT, "p99 added by a %d %% shadow at c=%d: %+.2f ms (p50 %+.2f ms, throughput %+.1f %%);"
                            + " candidate ran %d pairs, dropped %d (busy), of %d requests (%.1f %% shadowed)%n",
                    percent, concurrency, p99With - p99Without, p50With - p50Without, 100 * (rpsWith / rpsWithout - 1),
                    pairs, dropped, answered, 100.0 * (pairs + dropped) / Math.max(1, answered));
            long errors = without.stream().mapToLong(Wrk.Result::errors).sum() + with.stream().mapToLong(Wrk.Result::errors).sum();
            System.out.println("failed requests: " + errors);
        }
    }

    private static Model load(Path pkg, AgentSettings settings) {
        try (ModelPackage p = ModelPackage.open(pkg)) {
            return Model.load(p, ShadowRunner.CANDIDATE_THREADS, settings.maxInferenceTime()); // as sync loads a candidate
        }
    }

    private static void print(String label, Wrk.Result r) {
        System.out.printf(Locale.ROOT, "  %s: %8.1f req/s  p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  errors %d%n",
                label, r.rps(), r.p50Ms(), r.p90Ms(), r.p99Ms(), r.errors());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static int intArg(String[] args, String name, int fallback) {
        String v = stringArg(args, name, null);
        return v == null ? fallback : Integer.parseInt(v);
    }

    private static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
