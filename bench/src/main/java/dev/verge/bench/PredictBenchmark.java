package dev.verge.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.verge.demo.CameraPictures;
import dev.verge.inference.image.DecodedImage;
import dev.verge.inference.image.ImageDecoder;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.image.Preprocessor;
import dev.verge.inference.json.Json;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.predict.CustomVisionResponse;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.Onnx;
import dev.verge.inference.runtime.ThreadSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One image, one model, measured at each depth of the agent's path, so the difference between two rows
 * is the cost of one stage:
 * <ol>
 *   <li>{@code bareRun}: {@code OrtSession.run} on a tensor prepared once (the floor);</li>
 *   <li>{@code decodeAndBareRun}: decoding the JPEG, then the bare run;</li>
 *   <li>{@code predict}: the agent's {@code Model.predict(bytes)}: decode, preprocess, run, postprocess;</li>
 *   <li>{@code predictAndJson}: predict plus the Custom Vision JSON the agent writes.</li>
 * </ol>
 * {@code decode} and {@code preprocess} alone explain the rest. The bare session uses the same options as
 * {@code Model.load} (threads from {@link ThreadSettings#forAvailableCpus()}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class PredictBenchmark {

    @Param({BenchModels.FRUIT_QUALITY, BenchModels.PPOCR_CLS})
    public String model;

    /**
     * ONNX Runtime's intra-op threads spin after a run by default; "false" turns that off for the bare
     * session, to see what the spinning costs the decode that follows on the same cores.
     */
    @Param({"true"})
    public boolean bareSpinning;

    /** A photo-like picture of this size from {@link CameraPictures}. */
    @Param({"640x480", "1920x1080", "4000x3000"})
    public String image;

    private Path directory;
    private byte[] jpeg;
    private ImageLimits limits;
    private Model agentModel;
    private Preprocessor preprocessor;
    private OrtSession session;
    private OnnxTensor tensor;
    private Map<String, OnnxTensor> inputs;
    private FloatBuffer scratch;
    private DecodedImage decoded;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        directory = Files.createTempDirectory("verge-bench");
        Path pkgDir = BenchModels.write(model, directory);
        String[] size = image.split("x");
        jpeg = CameraPictures.jpeg(BenchContext.IMAGE_NAME, Integer.parseInt(size[0]), Integer.parseInt(size[1]));
        limits = ImageLimits.defaults();
        ThreadSettings threads = ThreadSettings.forAvailableCpus();
        try (ModelPackage pkg = ModelPackage.open(pkgDir)) {
            agentModel = Model.load(pkg, threads);
            preprocessor = new Preprocessor(pkg.manifest().input());
            OrtEnvironment env = Onnx.environment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                // the options Model.load uses
                options.setIntraOpNumThreads(threads.intraOpThreads());
                options.setInterOpNumThreads(threads.interOpThreads());
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setCPUArenaAllocator(false);
                options.setMemoryPatternOptimization(true);
                options.addConfigEntry("session.intra_op.allow_spinning", bareSpinning ? "1" : "0");
                session = env.createSession(pkg.modelFile().toString(), options);
            }
            decoded = ImageDecoder.decode(jpeg, limits, preprocessor.resolutionNeed());
            scratch = ByteBuffer.allocateDirect(preprocessor.elementCount() * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            preprocessor.write(decoded, scratch);
            scratch.rewind();
            tensor = OnnxTensor.createTensor(env, scratch, preprocessor.shape());
            inputs = Map.of(agentModel.info().inputName(), tensor);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, OrtException {
        tensor.close();
        session.close();
        agentModel.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public float bareRun() throws OrtException {
        return runPrepared();
    }

    @Benchmark
    public float decodeAndBareRun() throws OrtException {
        DecodedImage d = ImageDecoder.decode(jpeg, limits, preprocessor.resolutionNeed());
        return runPrepared() + d.width();
    }

    @Benchmark
    public Prediction predict() {
        return agentModel.predict(jpeg, limits);
    }

    @Benchmark
    public byte[] predictAndJson() throws IOException {
        Prediction p = agentModel.predict(jpeg, limits);
        return Json.mapper().writeValueAsBytes(CustomVisionResponse.of(p, agentModel.info()));
    }

    /** At the model's size: DCT scaling (libjpeg-turbo) or ImageIO source subsampling. */
    @Benchmark
    public DecodedImage decode() {
        return ImageDecoder.decode(jpeg, limits, preprocessor.resolutionNeed());
    }

    /** Every pixel, as the agent decoded before it decoded at the model's size. */
    @Benchmark
    public DecodedImage decodeFull() {
        return ImageDecoder.decode(jpeg, limits);
    }

    @Benchmark
    public FloatBuffer preprocess() {
        scratch.clear();
        preprocessor.write(decoded, scratch);
        return scratch;
    }

    /** Runs the session on the prepared tensor and reads the first score, as any caller must. */
    private float runPrepared() throws OrtException {
        try (OrtSession.Result result = session.run(inputs)) {
            return ((OnnxTensor) result.get(0)).getFloatBuffer().get(0);
        }
    }
}
