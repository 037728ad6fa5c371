package dev.verge.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import dev.verge.inference.image.ImageDecoder;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.image.Preprocessor;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.runtime.Onnx;
import dev.verge.inference.runtime.ThreadSettings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Target (a), the ceiling: {@code OrtSession.run} in-process on a tensor prepared once from the image,
 * with the session options {@code Model.load} uses, from {@code concurrency} threads at once. Runs in its
 * own JVM so its RSS and CPU can be read like the servers'; prints {@code measuring} when the measured
 * window starts and {@code done requests=.. p50_ms=.. p99_ms=..} when it ends.
 *
 * <pre>BareLoad &lt;package dir&gt; &lt;image&gt; &lt;concurrency&gt; &lt;warm-up s&gt; &lt;seconds&gt;</pre>
 */
public final class BareLoad {
    private BareLoad() {}

    public static void main(String[] args) throws Exception {
        Path pkgDir = Path.of(args[0]);
        byte[] image = Files.readAllBytes(Path.of(args[1]));
        int concurrency = Integer.parseInt(args[2]);
        long warmupNanos = Long.parseLong(args[3]) * 1_000_000_000L;
        long measureNanos = Long.parseLong(args[4]) * 1_000_000_000L;

        ThreadSettings threads = ThreadSettings.forAvailableCpus();
        OrtEnvironment env = Onnx.environment();
        OrtSession session;
        OnnxTensor tensor;
        String inputName;
        try (ModelPackage pkg = ModelPackage.open(pkgDir); OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads.intraOpThreads());
            options.setInterOpNumThreads(threads.interOpThreads());
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setCPUArenaAllocator(false);
            options.setMemoryPatternOptimization(true);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = env.createSession(pkg.modelFile().toString(), options);
            Preprocessor preprocessor = new Preprocessor(pkg.manifest().input());
            FloatBuffer values = ByteBuffer.allocateDirect(preprocessor.elementCount() * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            preprocessor.write(ImageDecoder.decode(image, ImageLimits.defaults()).image(), values);
            values.rewind();
            tensor = OnnxTensor.createTensor(env, values, preprocessor.shape());
            inputName = session.getInputNames().iterator().next();
        }
        Map<String, OnnxTensor> inputs = Map.of(inputName, tensor);

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
            workers.add(Thread.ofPlatform().name("bare-" + i).start(() -> {
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                        return;
                    }
                    try (OrtSession.Result result = session.run(inputs)) {
                        ((OnnxTensor) result.get(0)).getFloatBuffer().get(0);
                    } catch (OrtException e) {
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
        tensor.close();
        session.close();
    }
}
