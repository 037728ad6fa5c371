package dev.verge.inference.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.platform.Fp16Conversions;
import dev.verge.error.ServerPaths;
import dev.verge.inference.detect.Candidate;
import dev.verge.inference.detect.DetectionHead;
import dev.verge.inference.detect.DetectorOutputException;
import dev.verge.inference.detect.OutputTensor;
import dev.verge.inference.image.DecodedImage;
import dev.verge.inference.image.ImageDecoder;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.image.Placement;
import dev.verge.inference.image.Preprocessor;
import dev.verge.inference.pkg.Manifest;
import dev.verge.inference.pkg.ManifestInvalidException;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.pkg.OnnxModelHeader;
import dev.verge.inference.predict.BoundingBox;
import dev.verge.inference.predict.LabelScore;
import dev.verge.inference.predict.OipV2;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.predict.Timings;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One loaded ONNX Runtime session with the manifest that says how to feed it. Thread-safe: any number of
 * threads may predict at once. Close it only when no prediction runs (see {@link ModelSlot}).
 */
public final class Model implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Manifest manifest;
    private final ModelInfo info;
    private final Preprocessor preprocessor;
    private final boolean dynamicBatch;
    /** The model takes float16 (fp16 exports): the preprocessed floats are converted on the way in. */
    private final boolean float16Input;
    private final BufferPool buffers;
    /** Null for classification. */
    private final DetectionHead detectionHead;
    /** Longest one ONNX Runtime run may take; zero: no limit. */
    private final Duration maxRunTime;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final OipEndpoint oip = new OipEndpoint(this);

    /**
     * The time limit of one run when the caller sets none: long enough for a large model on a small box,
     * short enough that a graph looping for hours does not hold a thread for good.
     */
    public static final Duration DEFAULT_MAX_RUN_TIME = Duration.ofSeconds(10);

    private Model(OrtEnvironment env, OrtSession session, Manifest manifest, ModelInfo info, boolean dynamicBatch,
                  List<String> outputNames, boolean float16Input, Duration maxRunTime) {
        this.float16Input = float16Input;
        this.env = env;
        this.maxRunTime = maxRunTime;
        this.session = session;
        this.manifest = manifest;
        this.info = info;
        this.preprocessor = new Preprocessor(manifest.input());
        this.dynamicBatch = dynamicBatch;
        // dynamic-size buffers hold the largest tensor (11 MiB at 960 x 960): keep fewer of them
        int keep = preprocessor.isDynamicSize() ? 2 : Math.max(2, info.threads().intraOpThreads() * 2);
        this.buffers = new BufferPool(preprocessor.elementCount(), keep);
        this.detectionHead = manifest.isDetection()
                ? new DetectionHead(manifest.output().detection(), outputNames, manifest.labels().size()) : null;
    }

    /**
     * Creates the session, validates the manifest against the model's real input and output (every problem at
     * once: {@link ManifestInvalidException}) and runs one smoke test. {@link ModelLoadException} when ONNX Runtime
     * refuses the model, for example because its opset is newer than the runtime. Every run, the smoke test's
     * too, is limited to {@link #DEFAULT_MAX_RUN_TIME}.
     */
    public static Model load(ModelPackage pkg, ThreadSettings threads) {
        return load(pkg, threads, DEFAULT_MAX_RUN_TIME);
    }

    /**
     * Like {@link #load(ModelPackage, ThreadSettings)}; ONNX Runtime stops any run of this model that takes
     * longer than {@code maxRunTime} ({@link InferenceTimeoutException}, or {@link ModelTooSlowException} for the
     * smoke test); {@link Duration#ZERO} sets no limit.
     */
    public static Model load(ModelPackage pkg, ThreadSettings threads, Duration maxRunTime) {
        if (maxRunTime.isNegative()) {
            throw new IllegalArgumentException("the inference time limit must be 0 (none) or more, found " + maxRunTime);
        }
        OrtEnvironment env = Onnx.environment();
        Manifest manifest = pkg.manifest();
        OnnxModelHeader header = pkg.onnxHeader();
        OrtSession session = createSession(env, pkg, threads, header);
        try {
            SessionContract.Resolved resolved =
                    SessionContract.resolve(manifest, session.getInputInfo(), session.getOutputInfo());
            ModelInfo info = new ModelInfo(manifest.name(), manifest.version(), pkg.modelSha256(), manifest.task(),
                    manifest.labels(), resolved.inputName(), resolved.inputShape(), resolved.outputName(),
                    header.defaultOpset(), header.irVersion(), env.getVersion(), threads);
            Model model = new Model(env, session, manifest, info, resolved.dynamicBatch(), resolved.outputNames(),
                    resolved.float16Input(), maxRunTime);
            model.checkOutputOnLoad();
            return model;
        } catch (OrtException e) {
            closeQuietly(session);
            throw new ModelLoadException("ONNX Runtime " + env.getVersion() + " cannot read the input and output of "
                    + describe(manifest, header) + ": " + ServerPaths.hide(e.getMessage(), pkg.modelFile().getParent()), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private static OrtSession createSession(OrtEnvironment env, ModelPackage pkg, ThreadSettings threads,
                                            OnnxModelHeader header) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads.intraOpThreads());
            options.setInterOpNumThreads(threads.interOpThreads());
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // The arena keeps every peak allocation for the life of the session; without it memory is freed after
            // each run, which keeps RSS near the model size on small devices (at a small cost per run).
            options.setCPUArenaAllocator(false);
            options.setMemoryPatternOptimization(true);
            // Spinning intra-op threads keep a core busy after each run, which slows the JPEG decode of the next
            // request on the same small CPU (bench: PredictBenchmark bareSpinning)
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            return env.createSession(pkg.modelFile().toString(), options);
        } catch (OrtException e) {
            // ORT names the file by its absolute path: keep server paths out of an answer a client reads
            String reason = ServerPaths.hide(String.valueOf(e.getMessage()).replace(pkg.modelFile().toString(),
                    pkg.manifest().file()), pkg.modelFile().getParent()).strip();
            throw new ModelLoadException("ONNX Runtime " + env.getVersion() + " refused " + describe(pkg.manifest(), header)
                    + ": " + reason + (reason.endsWith(".") ? "" : ".") + " Export the model with an opset and IR"
                    + " version this runtime supports, or run a newer ONNX Runtime.", e);
        }
    }

    private static String describe(Manifest manifest, OnnxModelHeader header) {
        return manifest.name() + " version " + manifest.version() + " (opset " + header.defaultOpset()
                + ", IR version " + header.irVersion() + ")";
    }

    public ModelInfo info() {
        return info;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** Decode, preprocess, run, postprocess; every label, sorted by probability. */
    public Prediction predict(byte[] imageBytes, ImageLimits limits) {
        return predict(imageBytes, limits, Integer.MAX_VALUE);
    }

    /** Like {@link #predict(byte[], ImageLimits)} with only the {@code topK} most probable labels. */
    public Prediction predict(byte[] imageBytes, ImageLimits limits, int topK) {
        long start = System.nanoTime();
        DecodedImage decoded = ImageDecoder.decode(imageBytes, limits, preprocessor.resolutionNeed());
        long decodeNanos = System.nanoTime() - start;
        return predict(decoded, decodeNanos, topK);
    }

    /** Runs an upright picture already in memory. */
    public Prediction predict(BufferedImage image) {
        return predict(DecodedImage.upright(image), 0, Integer.MAX_VALUE);
    }

    private Prediction predict(DecodedImage image, long decodeNanos, int topK) {
        if (detectionHead != null) {
            return detect(image, decodeNanos, topK);
        }
        long start = System.nanoTime();
        FloatBuffer input = buffers.take();
        try {
            preprocessor.write(image, input);
            long preprocessed = System.nanoTime();
            float[] scores = run(input, preprocessor.shape());
            long inferred = System.nanoTime();
            float[] probabilities = postprocess(scores, 0, labelCount());
            return new Prediction(ranked(probabilities, topK),
                    new Timings(decodeNanos, preprocessed - start, inferred - preprocessed),
                    image.width(), image.height());
        } finally {
            buffers.give(input);
        }
    }

    /**
     * Boxes above the score threshold, best first (at most {@code topK}), normalized to the upright picture;
     * an empty list when nothing is found.
     */
    private Prediction detect(DecodedImage image, long decodeNanos, int topK) {
        long start = System.nanoTime();
        FloatBuffer input = buffers.take();
        try {
            Placement placement = preprocessor.write(image, input);
            long preprocessed = System.nanoTime();
            Map<String, OutputTensor> outputs = runAll(input, preprocessor.shape(placement), detectionHead.outputNames());
            long inferred = System.nanoTime();
            List<Candidate> boxes = detectionHead.decode(outputs, placement.tensorWidth(), placement.tensorHeight());
            List<LabelScore> found = new ArrayList<>();
            for (Candidate c : boxes) {
                BoundingBox box = placement.toImage(c.x0(), c.y0(), c.x1(), c.y1());
                if (box != null && found.size() < topK) {
                    found.add(new LabelScore(Integer.toString(c.label()), info.labels().get(c.label()), c.score(), box));
                }
            }
            return new Prediction(found, new Timings(decodeNanos, preprocessed - start, inferred - preprocessed),
                    image.width(), image.height());
        } finally {
            buffers.give(input);
        }
    }

    /**
     * One run on a generated picture; throws {@link ModelLoadException} when the output is not as expected,
     * {@link ModelTooSlowException} when it does not end within the time limit.
     */
    public Prediction smokeTest() {
        try {
            return checkedSmokeTest();
        } catch (InferenceTimeoutException e) {
            throw new ModelTooSlowException(info.name() + " " + info.version(), maxRunTime);
        }
    }

    private Prediction checkedSmokeTest() {
        Manifest.InputSpec spec = manifest.input();
        int w = spec.isDynamicSize() ? Math.min(spec.maxSide(), 256) : spec.width();
        int h = spec.isDynamicSize() ? Math.min(spec.maxSide(), 192) : spec.height();
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        var g = image.createGraphics();
        g.setPaint(new java.awt.GradientPaint(0, 0, new java.awt.Color(200, 60, 40), w, h, new java.awt.Color(40, 160, 90)));
        g.fillRect(0, 0, w, h);
        g.dispose();
        Prediction prediction = predict(image);
        if (detectionHead != null) {
            for (LabelScore score : prediction.predictions()) {
                if (!Double.isFinite(score.probability()) || score.probability() < -1e-3 || score.probability() > 1 + 1e-3) {
                    throw new ModelLoadException("smoke test of " + info.name() + " " + info.version() + ": a "
                            + score.tagName() + " box scored " + score.probability() + "; expected a value from 0 to 1"
                            + " (decoding " + manifest.output().detection().decoding() + " reads scores as they are)");
                }
            }
            return prediction;
        }
        double sum = 0;
        for (LabelScore score : prediction.predictions()) {
            double p = score.probability();
            if (!Double.isFinite(p) || p < -1e-3 || p > 1 + 1e-3) {
                throw new ModelLoadException("smoke test of " + info.name() + " " + info.version()
                        + ": label " + score.tagName() + " got probability " + p + "; expected a value from 0 to 1"
                        + (manifest.output().appliesSoftmax() ? "" : " (does the output need \"activation\": \"softmax\"?)"));
            }
            sum += p;
        }
        if (Math.abs(sum - 1) > 0.01) {
            throw new ModelLoadException("smoke test of " + info.name() + " " + info.version()
                    + ": probabilities sum to " + sum + "; expected 1"
                    + (manifest.output().appliesSoftmax() ? "" : " (does the output need \"activation\": \"softmax\"?)"));
        }
        return prediction;
    }

    /** Dynamic output shapes are only known after a run: check the score count against the labels once. */
    private void checkOutputOnLoad() {
        if (detectionHead != null) {
            try {
                smokeTest();
            } catch (DetectorOutputException e) {
                throw new ManifestInvalidException(List.of(new ManifestInvalidException.Problem("output.decoding",
                        e.getMessage())));
            }
            return;
        }
        FloatBuffer input = buffers.take();
        try {
            int count;
            try {
                count = run(input, preprocessor.shape()).length;
            } catch (InferenceTimeoutException e) {
                throw new ModelTooSlowException(info.name() + " " + info.version(), maxRunTime);
            }
            if (count != labelCount()) {
                throw new ManifestInvalidException(List.of(new ManifestInvalidException.Problem("labels",
                        "model output \"" + info.outputName() + "\" gives " + count + " scores per image, the manifest lists "
                                + labelCount() + " labels")));
            }
        } finally {
            buffers.give(input);
        }
        smokeTest();
    }

    /** Open Inference Protocol v2 infer, with images limited to {@link ImageLimits#defaults()}. */
    public OipV2.InferResponse infer(OipV2.InferRequest request) {
        return infer(request, ImageLimits.defaults());
    }

    /** Open Inference Protocol v2 infer ({@link OipEndpoint}). */
    public OipV2.InferResponse infer(OipV2.InferRequest request, ImageLimits limits) {
        return oip.infer(request, limits);
    }

    /** {@code GET /v2/models/{name}}: the input as the model takes it, every output it gives (-1: dynamic). */
    public OipV2.MetadataResponse metadata() {
        return oip.metadata();
    }

    // ---- what OipEndpoint runs --------------------------------------------------------------------

    /** Null for classification. */
    DetectionHead detectionHead() {
        return detectionHead;
    }

    Preprocessor preprocessor() {
        return preprocessor;
    }

    BufferPool buffers() {
        return buffers;
    }

    boolean dynamicBatch() {
        return dynamicBatch;
    }

    /** The shape the session gives output {@code name} (-1: dynamic). */
    long[] outputShape(String name) {
        try {
            return session.getOutputInfo().get(name).getInfo() instanceof ai.onnxruntime.TensorInfo t ? t.getShape() : new long[] {-1};
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot describe the outputs of " + info.name(), e);
        }
    }

    /** Runs the session and reads {@code names} as floats; the input and the result are closed before returning. */
    Map<String, OutputTensor> runAll(FloatBuffer input, long[] shape, List<String> names) {
        if (closed.get()) {
            throw new IllegalStateException("model " + info.name() + " " + info.version() + " is closed");
        }
        input.clear();
        long elements = 1;
        for (long d : shape) {
            elements *= d;
        }
        input.limit((int) elements);
        RunDeadline deadline = startDeadline();
        try (deadline;
             OnnxTensor tensor = inputTensor(input, shape);
             OrtSession.Result result = session.run(Map.of(info.inputName(), tensor), new LinkedHashSet<>(names),
                     deadline.options())) {
            Map<String, OutputTensor> outputs = new LinkedHashMap<>();
            for (String name : names) {
                OnnxValue value = result.get(name).orElseThrow();
                if (!(value instanceof OnnxTensor out)) {
                    throw new DetectorOutputException("output \"" + name + "\" is not a tensor");
                }
                outputs.put(name, new OutputTensor(name, out.getInfo().getShape(), floats(name, out)));
            }
            return outputs;
        } catch (OrtException e) {
            throw runFailure(deadline, e);
        }
    }

    private RunDeadline startDeadline() {
        try {
            return RunDeadline.start(maxRunTime);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot create run options: " + e.getMessage(), e);
        }
    }

    /** A run the deadline terminated is a timeout; any other failure is the runtime's. */
    private RuntimeException runFailure(RunDeadline deadline, OrtException e) {
        if (deadline.expired()) {
            return new InferenceTimeoutException(info.name() + " " + info.version(), maxRunTime);
        }
        return new IllegalStateException("ONNX Runtime failed to run " + info.name() + " " + info.version() + ": "
                + e.getMessage(), e);
    }

    /** The longest one run may take ({@link Duration#ZERO}: no limit). */
    public Duration maxRunTime() {
        return maxRunTime;
    }

    private static float[] floats(String name, OnnxTensor out) {
        FloatBuffer f = out.getFloatBuffer();
        if (f != null) {
            float[] values = new float[f.remaining()];
            f.get(values);
            return values;
        }
        LongBuffer l = out.getLongBuffer();
        if (l != null) {
            float[] values = new float[l.remaining()];
            for (int i = 0; i < values.length; i++) {
                values[i] = l.get(i);
            }
            return values;
        }
        IntBuffer n = out.getIntBuffer();
        if (n != null) {
            float[] values = new float[n.remaining()];
            for (int i = 0; i < values.length; i++) {
                values[i] = n.get(i);
            }
            return values;
        }
        throw new DetectorOutputException("output \"" + name + "\" is " + out.getInfo().type
                + "; expected float32 (or integer class ids)");
    }

    int labelCount() {
        return info.labels().size();
    }

    /** Runs the session; the input and the result are closed before returning (native memory). */
    float[] run(FloatBuffer input, long[] shape) {
        if (closed.get()) {
            throw new IllegalStateException("model " + info.name() + " " + info.version() + " is closed");
        }
        input.clear();
        long elements = 1;
        for (long d : shape) {
            elements *= d;
        }
        input.limit((int) elements);
        RunDeadline deadline = startDeadline();
        try (deadline;
             OnnxTensor tensor = inputTensor(input, shape);
             OrtSession.Result result = session.run(Map.of(info.inputName(), tensor), Set.of(info.outputName()),
                     deadline.options())) {
            OnnxValue value = result.get(0);
            if (value instanceof ai.onnxruntime.OnnxSequence maps) {
                return ScoreMaps.read(maps, info.outputName(), info.labels());
            }
            if (!(value instanceof OnnxTensor out) || out.getFloatBuffer() == null) {
                throw new ModelLoadException("model output \"" + info.outputName() + "\" is not a float tensor");
            }
            FloatBuffer scores = out.getFloatBuffer();
            float[] array = new float[scores.remaining()];
            scores.get(array);
            return array;
        } catch (OrtException e) {
            throw runFailure(deadline, e);
        }
    }

    /** The session's input: the floats as they are, or as float16 for an fp16 model. */
    private OnnxTensor inputTensor(FloatBuffer input, long[] shape) throws OrtException {
        if (!float16Input) {
            return OnnxTensor.createTensor(env, input, shape);
        }
        return OnnxTensor.createTensor(env, Fp16Conversions.convertFloatBufferToFp16Buffer(input), shape,
                OnnxJavaType.FLOAT16);
    }

    /** The probabilities of one image from its scores, softmax applied when the manifest says so. */
    float[] postprocess(float[] scores, int offset, int count) {
        float[] out = Arrays.copyOfRange(scores, offset, offset + count);
        if (manifest.output().appliesSoftmax()) {
            float max = Float.NEGATIVE_INFINITY;
            for (float s : out) {
                max = Math.max(max, s);
            }
            double sum = 0;
            double[] exp = new double[count];
            for (int i = 0; i < count; i++) {
                exp[i] = Math.exp(out[i] - max);
                sum += exp[i];
            }
            for (int i = 0; i < count; i++) {
                out[i] = (float) (exp[i] / sum);
            }
        }
        return out;
    }

    private List<LabelScore> ranked(float[] probabilities, int topK) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
        int n = Math.max(1, Math.min(topK, order.length));
        LabelScore[] out = new LabelScore[n];
        for (int i = 0; i < n; i++) {
            int label = order[i];
            out[i] = new LabelScore(Integer.toString(label), info.labels().get(label), probabilities[label], null);
        }
        return List.of(out);
    }

    /** Closes the session. Only safe once no prediction runs; {@link ModelSlot} makes sure of that. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(session);
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException | RuntimeException ignored) {
            // closing a session that failed validation: nothing useful to report
        }
    }
}
