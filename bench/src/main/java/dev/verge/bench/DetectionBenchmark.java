package dev.verge.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.verge.inference.detect.Candidate;
import dev.verge.inference.detect.DetectionHead;
import dev.verge.inference.detect.OutputTensor;
import dev.verge.inference.image.DecodedImage;
import dev.verge.inference.image.ImageDecoder;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.image.Placement;
import dev.verge.inference.image.Preprocessor;
import dev.verge.inference.json.Json;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.predict.CustomVisionResponse;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.Onnx;
import dev.verge.inference.runtime.ThreadSettings;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
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
 * The detection path on PaddleOCR's PP-OCRv4 text detector, against a bare {@code OrtSession.run}, on a JPEG of
 * text lines drawn here ({@code size} wide, 4:3):
 * <ol>
 *   <li>{@code bareRun}: {@code OrtSession.run} on a tensor prepared once, reading the probability map (the floor);</li>
 *   <li>{@code predict}: the agent's {@code Model.predict(bytes)}: decode, preprocess, run, boxes;</li>
 *   <li>{@code predictAndJson}: predict plus the Custom Vision JSON the agent writes;</li>
 *   <li>{@code decode}, {@code preprocess}, {@code boxes} (the db-text decoding of a map captured once): the stages.</li>
 * </ol>
 * The bare session uses the options of {@code Model.load}. Needs {@code ./verge fetch-test-models}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class DetectionBenchmark {

    /** Picture width; 800 stays under the 960 limit (tensor 800x608), 1600 is shrunk to 960x736. */
    @Param({"800", "1600"})
    public int size;

    private Path directory;
    private byte[] jpeg;
    private ImageLimits limits;
    private Model agentModel;
    private Preprocessor preprocessor;
    private DetectionHead head;
    private OrtSession session;
    private OnnxTensor tensor;
    private Map<String, OnnxTensor> inputs;
    private FloatBuffer scratch;
    private DecodedImage decoded;
    private Placement placement;
    private Map<String, OutputTensor> map;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        directory = Files.createTempDirectory("verge-bench");
        Path pkgDir = BenchModels.write(BenchModels.PPOCR_DET, directory);
        jpeg = textJpeg(size, size * 3 / 4);
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
                session = env.createSession(pkg.modelFile().toString(), options);
            }
            String output = session.getOutputNames().iterator().next();
            head = new DetectionHead(pkg.manifest().output().detection(), List.of(output), 1);
            decoded = ImageDecoder.decode(jpeg, limits, preprocessor.resolutionNeed());
            scratch = ByteBuffer.allocateDirect(preprocessor.elementCount() * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            placement = preprocessor.write(decoded, scratch);
            scratch.rewind().limit(placement.elementCount());
            tensor = OnnxTensor.createTensor(env, scratch, preprocessor.shape(placement));
            inputs = Map.of(agentModel.info().inputName(), tensor);
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                FloatBuffer values = out.getFloatBuffer();
                float[] copy = new float[values.remaining()];
                values.get(copy);
                map = Map.of(output, new OutputTensor(output, out.getInfo().getShape(), copy));
            }
            int found = agentModel.predict(jpeg, limits).predictions().size();
            if (found != 4) {
                throw new IllegalStateException("expected the 4 drawn text lines, the detector found " + found);
            }
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
        try (OrtSession.Result result = session.run(inputs)) {
            return ((OnnxTensor) result.get(0)).getFloatBuffer().get(0);
        }
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

    @Benchmark
    public DecodedImage decode() {
        return ImageDecoder.decode(jpeg, limits);
    }

    @Benchmark
    public Placement preprocess() {
        scratch.clear();
        return preprocessor.write(decoded, scratch);
    }

    @Benchmark
    public List<Candidate> boxes() {
        return head.decode(map, placement.tensorWidth(), placement.tensorHeight());
    }

    /** Four black text lines on white, as a JPEG. */
    static byte[] textJpeg(int w, int h) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            double s = w / 800.0;
            String[] lines = {"Verge reads this line", "ripe fruit 42 kg", "SORTING LINE 7", "edge box online"};
            int[][] at = {{40, 90, 36}, {330, 220, 28}, {60, 380, 48}, {430, 530, 24}};
            for (int i = 0; i < lines.length; i++) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, (int) Math.round(at[i][2] * s)));
                g.drawString(lines[i], (int) Math.round(at[i][0] * s), (int) Math.round(at[i][1] * s));
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }
}
