package dev.verge.bench;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ThreadSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Target (a), the ceiling: the agent's whole pipeline in-process, no HTTP: {@code Model.predict} on the
 * picture's bytes (decode at the model's size, preprocess, ONNX Runtime, postprocess), with the threads the
 * agent uses (one inference per CPU at most, as its default {@code --max-concurrent-inferences}). Runs in
 * its own JVM so its RSS and CPU can be read like the servers'; prints {@code measuring} when the measured
 * window starts and {@code done requests=.. p50_ms=.. p99_ms=..} when it ends.
 *
 * <pre>PipelineLoad &lt;package dir&gt; &lt;image&gt; &lt;concurrency&gt; &lt;warm-up s&gt; &lt;seconds&gt;</pre>
 */
public final class PipelineLoad {
    private PipelineLoad() {}

    public static void main(String[] args) throws Exception {
        Path pkgDir = Path.of(args[0]);
        byte[] image = Files.readAllBytes(Path.of(args[1]));
        int concurrency = Math.min(Integer.parseInt(args[2]), Runtime.getRuntime().availableProcessors());
        long warmupNanos = Long.parseLong(args[3]) * 1_000_000_000L;
        long measureNanos = Long.parseLong(args[4]) * 1_000_000_000L;

        ModelPackage pkg = ModelPackage.open(pkgDir);
        Model model = Model.load(pkg, ThreadSettings.forAvailableCpus());
        ImageLimits limits = ImageLimits.defaults();

        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + measureNanos;
        AtomicLong failures = new AtomicLong();
        List<DDSketch> sketches = new ArrayList<>();
        List<long[]> counts = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            DDSketch sketch = DDSketches.unboundedDense(0.005);
            long[] count = new long[1];
            sketches.add(sketch);
            counts.add(count);
            workers.add(Thread.ofPlatform().name("pipeline-" + i).start(() -> {
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                        return;
                    }
                    try {
                        model.predict(image, limits);
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= measureFrom && t1 <= end) {
                        sketch.accept((t1 - t0) / 1e6);
                        count[0]++;
                    }
                }
            }));
        }
        long now = System.nanoTime();
        if (measureFrom > now) {
            Thread.sleep((measureFrom - now) / 1_000_000, (int) ((measureFrom - now) % 1_000_000));
        }
        System.out.println("measuring");
        System.out.flush();
        for (Thread worker : workers) {
            worker.join();
        }
        DDSketch all = DDSketches.unboundedDense(0.005);
        long requests = 0;
        for (int i = 0; i < concurrency; i++) {
            all.mergeWith(sketches.get(i));
            requests += counts.get(i)[0];
        }
        double seconds = measureNanos / 1e9;
        System.out.println(String.format(Locale.ROOT, "done requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d",
                requests, requests / seconds, all.getValueAtQuantile(0.5), all.getValueAtQuantile(0.99), failures.get()));
        System.out.flush();
        model.close();
        pkg.close();
    }
}
