package dev.verge.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.verge.inference.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./verge bench}: every benchmark in one bounded run, written to {@code bench/results/<time>.json}
 * and {@code .svg}. Sections: side-by-side load (the in-process pipeline ceiling, the agent, the Node peer), cold
 * starts, memory settings, edge vs cloud; {@code --soak} adds hot-swaps under load.
 */
@Command(name = "verge bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmarks the edge agent against its in-process pipeline and a Node.js peer; writes bench/results/.")
public final class Bench implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "8", description = "Measured seconds per load point (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds before each load point (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,2,4,8", description = "Concurrency levels (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--models", split = ",", defaultValue = "fruit-quality,ppocr-cls",
            description = "Models: fruit-quality (demo), ppocr-cls (PaddleOCR, ./verge fetch-test-models) (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--pictures", split = ",", defaultValue = "640x480,1920x1080,4000x3000",
            description = "Picture sizes for the load section, photo-like JPEGs the bench makes; the camera sizes run on"
                    + " the first model only (default: ${DEFAULT-VALUE}).")
    List<String> pictures;

    @Option(names = "--sections", split = ",", defaultValue = "load,cold,memory,cloud",
            description = "Sections to run: load, cold, memory, cloud, soak, fleet (default: ${DEFAULT-VALUE}).")
    List<String> sections;

    @Option(names = "--fleet-devices", split = ",", defaultValue = "1000,100000",
            description = "Fleet section: registered devices per run (default: ${DEFAULT-VALUE}).")
    List<Integer> fleetDevices;

    @Option(names = "--fleet-stores", split = ",", defaultValue = "local,dynamodb",
            description = "Fleet section: the stores, local (SQLite) and dynamodb (the AWS adapter on dynalite) (default: ${DEFAULT-VALUE}).")
    List<String> fleetStores;

    @Option(names = "--fleet-active", defaultValue = "1000",
            description = "Fleet section: devices that poll and send telemetry during the run (default: ${DEFAULT-VALUE}).")
    int fleetActive;

    @Option(names = "--fleet-seconds", defaultValue = "60",
            description = "Fleet section: seconds of traffic per run; a 10 %% canary goes out half way (default: ${DEFAULT-VALUE}).")
    int fleetSeconds;

    @Option(names = "--cold-runs", defaultValue = "5", description = "Cold starts per configuration; the median is reported (default: ${DEFAULT-VALUE}).")
    int coldRuns;

    @Option(names = "--cloud-requests", defaultValue = "100", description = "Sequential requests per edge-vs-cloud target (default: ${DEFAULT-VALUE}).")
    int cloudRequests;

    @Option(names = "--soak", description = "Also run the soak: hot-swaps under load for --soak-seconds.")
    boolean soak;

    @Option(names = "--soak-seconds", defaultValue = "60")
    int soakSeconds;

    @Option(names = "--no-node", description = "Skip the Node.js peer (no node/npm here).")
    boolean noNode;

    @Option(names = "--root", defaultValue = ".", description = "The repository (default: the working directory).")
    Path root;

    @Option(names = "--out", description = "Results folder (default: <root>/bench/results).")
    Path out;

    private static Map<String, Long> pictureSizes(BenchContext ctx) throws java.io.IOException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (Map.Entry<String, Path> p : ctx.pictures.entrySet()) {
            sizes.put(p.getKey(), Files.size(p.getValue()));
        }
        return sizes;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        root = root.toAbsolutePath().normalize();
        System.setProperty("verge.root", root.toString());
        Path results = out == null ? root.resolve("bench/results") : out;
        String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        Path work = root.resolve("bench/target/run-" + stamp);
        long started = System.nanoTime();
        Machine machine = Machine.detect();
        System.err.printf("bench: %s, %d cores, %d MiB, %s, ONNX Runtime %s, node %s%n", machine.cpuModel(), machine.cores(),
                machine.ramMiB(), machine.jdk(), machine.onnxRuntime(), machine.node());
        BenchContext ctx = new BenchContext(root, work, models, pictures, warmup, seconds, concurrency);
        boolean withNode = !noNode;

        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", Instant.now().toString());
        doc.put("machine", machine);
        doc.put("settings", Map.of("seconds", seconds, "warmupSeconds", warmup, "concurrency", concurrency, "models", models,
                "pictures", pictureSizes(ctx), "loadGenerator", "wrk, keep-alive"));
        List<LoadBench.Row> load = List.of();
        List<ColdStart.Result> cold = List.of();
        List<MemoryBench.Row> memory = List.of();
        CloudBench.Result cloud = null;
        String demo = models.getFirst();
        if (sections.contains("load")) {
            System.err.println("bench: side by side, " + seconds + " s per point after " + warmup + " s warm-up");
            load = new LoadBench(ctx).run(withNode);
            doc.put("load", load);
            doc.put("ratios", LoadBench.ratios(load));
        }
        if (sections.contains("cold")) {
            System.err.println("bench: cold start, " + coldRuns + " runs each");
            cold = new ColdStart(ctx, coldRuns).run(demo, withNode);
            doc.put("coldStart", cold);
        }
        if (sections.contains("memory")) {
            System.err.println("bench: memory settings under load (c=4)");
            memory = new MemoryBench(ctx).run(demo, 4);
            doc.put("memory", memory);
        }
        if (sections.contains("cloud")) {
            System.err.println("bench: edge vs cloud, " + cloudRequests + " sequential requests each");
            try {
                cloud = new CloudBench(ctx, cloudRequests, 3).run(demo);
                doc.put("edgeVsCloud", cloud);
            } catch (Exception | Error e) {
                System.err.println("bench: edge vs cloud failed: " + e);
                doc.put("edgeVsCloud", Map.of("error", String.valueOf(e)));
            }
        }
        if (sections.contains("fleet")) {
            System.err.println("bench: fleet, " + fleetDevices + " devices on " + fleetStores + ", " + fleetActive + " active for "
                    + fleetSeconds + " s each");
            doc.put("fleet", new FleetBench(root, work.resolve("fleet"), fleetActive, fleetSeconds).run(fleetDevices, fleetStores));
        }
        if (soak || sections.contains("soak")) {
            System.err.println("bench: soak, " + soakSeconds + " s with hot-swaps every 500 ms");
            doc.put("soak", new Soak(ctx).run(demo, soakSeconds, 4, 500));
        }
        doc.put("goals", Goals.evaluate(demo, load, cold, memory));
        doc.put("totalSeconds", Math.round((System.nanoTime() - started) / 1e9));

        Files.createDirectories(results);
        Path json = results.resolve(stamp + ".json");
        Json.mapper().writer(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
        Path svg = results.resolve(stamp + ".svg");
        Files.writeString(svg, Charts.of(machine, load, cold, memory, cloud).render());
        System.err.println("bench: goals:");
        for (Goals.Goal g : Goals.evaluate(demo, load, cold, memory)) {
            System.err.printf("  [%s] %s: %s%n", g.met() == null ? "n/a" : g.met() ? "met" : "NOT met", g.goal(), g.found());
        }
        System.err.printf("bench: wrote %s and %s in %d s%n", json, svg, Math.round((System.nanoTime() - started) / 1e9));
        return 0;
    }
}
