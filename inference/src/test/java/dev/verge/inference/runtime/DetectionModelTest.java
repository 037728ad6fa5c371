package dev.verge.inference.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.demo.TinyDetectors;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.image.TestImages;
import dev.verge.inference.json.Json;
import dev.verge.inference.pkg.ManifestInvalidException;
import dev.verge.inference.pkg.ManifestInvalidException.Problem;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.predict.BoundingBox;
import dev.verge.inference.predict.CustomVisionResponse;
import dev.verge.inference.predict.LabelScore;
import dev.verge.inference.predict.OipV2;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.testing.TestPackages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every decoding end to end through ONNX Runtime, with tiny synthetic detectors and hand-computed boxes. */
class DetectionModelTest {
    private static final Offset<Double> EXACT = Offset.offset(1e-5);
    private static final ThreadSettings THREADS = new ThreadSettings(1, 1);

    /** cx, cy, w, h (640x640 input pixels), apple, pear. */
    private static final float[][] YOLO_CANDIDATES = {
        {320, 320, 64, 36, 0.9f, 0.1f},  // apple: picture 576..704 x 324..396 of 1280x720
        {322, 321, 64, 36, 0.8f, 0.1f},  // the same apple again, suppressed
        {100, 200, 40, 40, 0.05f, 0.7f}, // pear: picture 160..240 x 80..160
        {500, 500, 10, 10, 0.1f, 0.2f},  // below the 0.25 threshold
        {320, 50, 40, 40, 0.95f, 0f},    // inside the letterbox bar above the picture: dropped
    };

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void yolo_letterboxedPicture_boxesNormalizedToTheOriginalPicture(boolean transposed) {
        try (Model model = load(yoloPackage(transposed))) {
            Prediction p = model.predict(png(white(1280, 720)), ImageLimits.defaults());

            assertThat(p.predictions()).extracting(LabelScore::tagName).containsExactly("apple", "pear");
            assertThat(p.predictions()).extracting(LabelScore::tagId).containsExactly("0", "1");
            assertThat(p.predictions().get(0).probability()).isCloseTo(0.9, EXACT);
            assertBox(p.predictions().get(0).boundingBox(), 576.0 / 1280, 324.0 / 720, 128.0 / 1280, 72.0 / 720);
            assertBox(p.predictions().get(1).boundingBox(), 160.0 / 1280, 80.0 / 720, 80.0 / 1280, 80.0 / 720);
            assertThat(p.detections()).hasSize(2);
        }
    }

    @Test
    void yolo_customVisionJson_carriesBoundingBoxes() throws IOException {
        try (Model model = load(yoloPackage(false))) {
            Prediction p = model.predict(png(white(1280, 720)), ImageLimits.defaults(), 1);
            JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsBytes(CustomVisionResponse.of(p, model.info())));

            JsonNode first = json.get("predictions").get(0);
            assertThat(json.get("predictions")).hasSize(1);
            assertThat(first.get("tagName").asText()).isEqualTo("apple");
            assertThat(first.get("boundingBox").get("left").asDouble()).isCloseTo(0.45, EXACT);
            assertThat(first.get("boundingBox").get("top").asDouble()).isCloseTo(0.45, EXACT);
            assertThat(first.get("boundingBox").get("width").asDouble()).isCloseTo(0.1, EXACT);
            assertThat(first.get("boundingBox").get("height").asDouble()).isCloseTo(0.1, EXACT);
        }
    }

    @Test
    void yolo_oipInfer_answersTheRawOutputTensor() {
        try (Model model = load(yoloPackage(false))) {
            String image = Base64.getEncoder().encodeToString(png(white(64, 64)));
            OipV2.InferResponse response = model.infer(new OipV2.InferRequest("r1",
                    List.of(new OipV2.RequestTensor("images", new long[] {1}, "BYTES",
                            Json.mapper().createArrayNode().add(image))), null));

            assertThat(response.outputs()).hasSize(1);
            OipV2.ResponseTensor out = response.outputs().get(0);
            assertThat(out.name()).isEqualTo("output0");
            assertThat(out.shape()).containsExactly(1, 6, 5);
            assertThat(((float[]) out.data())[0]).isEqualTo(320f); // candidate 0's cx, as the model gave it
            assertThat(model.metadata().outputs()).singleElement()
                    .satisfies(m -> assertThat(m.shape()).containsExactly(1, 6, 5));
        }
    }

    @Test
    void dbText_oipTensorOfAnySizeUpToMaxSide_answersTheMapAndRefusesLarger() {
        try (Model model = load(darkRegionsPackage())) {
            assertThat(model.info().inputShape()).containsExactly(1, 3, -1, -1);
            var data = Json.mapper().createArrayNode();
            for (int i = 0; i < 3 * 32 * 64; i++) {
                data.add(i < 32 * 64 ? 0.0 : 1.0); // red channel 0, others 1: grey 2/3, map 1/3
            }
            OipV2.InferResponse response = model.infer(new OipV2.InferRequest(null,
                    List.of(new OipV2.RequestTensor("images", new long[] {1, 3, 32, 64}, "FP32", data)), null));
            OipV2.ResponseTensor map = response.outputs().get(0);
            assertThat(map.name()).isEqualTo("maps");
            assertThat(map.shape()).containsExactly(1, 1, 32, 64);
            assertThat(((float[]) map.data())[0]).isCloseTo(1f / 3, Offset.offset(1e-6f));

            assertThatThrownBy(() -> model.infer(new OipV2.InferRequest(null,
                    List.of(new OipV2.RequestTensor("images", new long[] {1, 3, 32, 512}, "FP32", data)), null)))
                    .hasMessageContaining("inputs[0].shape: expected [1, 3, -1, -1] (batch 1 to 64; -1: a side from 1 to 256),"
                            + " found [1, 3, 32, 512]");
        }
    }

    @Test
    void boxesScoresClasses_tensorflowStyle_offsetClassesAndPerLabelSuppression() {
        float[][] boxes = {
            {0.1f, 0.2f, 0.5f, 0.6f},   // ymin, xmin, ymax, xmax: person
            {0.1f, 0.2f, 0.5f, 0.6f},   // the same place, dog: another label, kept
            {0.12f, 0.21f, 0.5f, 0.6f}, // person again, suppressed
            {0.6f, 0.6f, 0.9f, 0.9f},   // below 0.5
            {0f, 0f, 0f, 0f},           // padding, class 0 = background
        };
        float[] scores = {0.9f, 0.6f, 0.8f, 0.3f, 0f};
        long[] classes = {1, 2, 1, 1, 0};
        byte[] onnx = TinyDetectors.boxesScoresClasses(300, boxes, scores, classes);
        Path pkg = TestPackages.writePackage(dir.resolve("ssd"), onnx, manifest("ssd", """
                "labels": ["person", "dog"], "input": {"width": 300, "height": 300},
                "output": {"decoding": "boxes-scores-classes", "classOffset": 1}""", onnx));
        try (Model model = load(pkg)) {
            // stretched: normalized tensor coordinates are normalized picture coordinates
            Prediction p = model.predict(png(white(600, 400)), ImageLimits.defaults());

            assertThat(p.predictions()).extracting(LabelScore::tagName).containsExactly("person", "dog");
            assertBox(p.predictions().get(0).boundingBox(), 0.2, 0.1, 0.4, 0.4);
            assertBox(p.predictions().get(1).boundingBox(), 0.2, 0.1, 0.4, 0.4);
        }
    }

    @Test
    void dbText_exifRotatedJpeg_boxInTheUprightPicture() {
        // stored 200x100 with a black bar at x 20..60, y 10..30; EXIF 6 shows it turned 90 degrees clockwise:
        // upright 100x200 and the bar at x 100-30..100-10 = 70..90, y 20..60
        BufferedImage stored = white(200, 100);
        fill(stored, 20, 10, 40, 20);
        try (Model model = load(darkRegionsPackage())) {
            Prediction upright = model.predict(jpeg(stored, 6), ImageLimits.defaults());
            Prediction asStored = model.predict(jpeg(stored, 1), ImageLimits.defaults());

            assertThat(upright.imageWidth()).isEqualTo(100);
            assertThat(upright.predictions()).singleElement().satisfies(s -> {
                assertThat(s.tagName()).isEqualTo("text");
                assertNear(s.boundingBox(), 0.7, 0.1, 0.2, 0.2);
            });
            assertThat(asStored.predictions()).singleElement()
                    .satisfies(s -> assertNear(s.boundingBox(), 0.1, 0.1, 0.2, 0.2));
        }
    }

    @Test
    void dbText_blankPicture_answersNoPredictions() {
        try (Model model = load(darkRegionsPackage())) {
            Prediction p = model.predict(png(white(300, 200)), ImageLimits.defaults());
            assertThat(p.predictions()).isEmpty();
            assertThat(p.isEmpty()).isTrue();
            assertThatThrownBy(p::top).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void dbText_largePicture_shrunkToMaxSideAndMappedBack() {
        // 1000x500 -> 256x128 (maxSide 256); a bar at 500..700 x 100..200 is 0.5, 0.2, 0.2, 0.2 of the picture
        BufferedImage picture = white(1000, 500);
        fill(picture, 500, 100, 200, 100);
        try (Model model = load(darkRegionsPackage())) {
            Prediction p = model.predict(png(picture), ImageLimits.defaults());
            assertThat(p.predictions()).singleElement().satisfies(s -> assertNear(s.boundingBox(), 0.5, 0.2, 0.2, 0.2));
        }
    }

    @Test
    void load_yoloOutputForOtherLabelCount_refusedAtOutputDecoding() {
        byte[] onnx = TinyDetectors.yolo(64, 2, new float[][] {{1, 1, 1, 1, 0.5f, 0.5f}}, false);
        Path pkg = TestPackages.writePackage(dir.resolve("y3"), onnx, manifest("y3", """
                "labels": ["a", "b", "c"], "input": {"name": "images", "width": 64, "height": 64},
                "output": {"decoding": "yolo"}""", onnx));
        assertThatThrownBy(() -> load(pkg)).isInstanceOfSatisfying(ManifestInvalidException.class, e -> {
            assertThat(e.problems()).extracting(Problem::path).containsExactly("output.decoding");
            assertThat(e.getMessage()).contains("output \"output0\" has shape [1, 6, 1]")
                    .contains("expects [1, 4 + labels, N] = [1, 7, N]");
        });
    }

    @Test
    void load_missingOutputNamesAndFixedSizeForFitMultiple_everyProblemNamed() {
        byte[] onnx = TinyDetectors.boxesScoresClasses(32, new float[][] {{0, 0, 1, 1}}, new float[] {1}, new long[] {0});
        Path pkg = TestPackages.writePackage(dir.resolve("bad"), onnx, manifest("bad", """
                "labels": ["a"], "input": {"resize": "fit-multiple"},
                "output": {"decoding": "boxes-scores-classes", "boxes": "boxes", "classes": "labels"}""", onnx));
        assertThatThrownBy(() -> load(pkg)).isInstanceOfSatisfying(ManifestInvalidException.class, e -> {
            assertThat(e.problems()).extracting(Problem::path)
                    .containsExactlyInAnyOrder("input.resize", "output.boxes", "output.classes");
            assertThat(e.getMessage()).contains("the model has no output \"boxes\"; its outputs are");
        });
    }

    private Model load(Path pkg) {
        try (ModelPackage opened = ModelPackage.open(pkg)) {
            return Model.load(opened, THREADS);
        }
    }

    private Path yoloPackage(boolean transposed) {
        byte[] onnx = TinyDetectors.yolo(640, 2, YOLO_CANDIDATES, transposed);
        return TestPackages.writePackage(dir.resolve("yolo-" + transposed), onnx, manifest("fruit-detector", """
                "labels": ["apple", "pear"],
                "input": {"width": 640, "height": 640, "resize": {"mode": "letterbox", "padValue": 114}},
                "output": {"decoding": "yolo", "scoreThreshold": 0.25, "iouThreshold": 0.45}""", onnx));
    }

    /** Dark regions as "text": map = 1 - grey; unclip 0 so the box is the dark region itself. */
    private Path darkRegionsPackage() {
        byte[] onnx = TinyDetectors.darkRegions();
        return TestPackages.writePackage(dir.resolve("dark"), onnx, manifest("dark-regions", """
                "labels": ["text"], "input": {"resize": {"mode": "fit-multiple", "multiple": 32, "maxSide": 256}},
                "output": {"decoding": "db-text", "binaryThreshold": 0.5, "scoreThreshold": 0.5, "unclipRatio": 0}""",
                onnx));
    }

    static String manifest(String name, String fields, byte[] onnx) {
        return "{\"name\": \"" + name + "\", \"version\": \"1\", \"task\": \"detection\", \"sha256\": \""
                + ModelPackage.sha256(onnx) + "\", " + fields + "}";
    }

    private static void fill(BufferedImage image, int x, int y, int w, int h) {
        fill(image, x, y, w, h, Color.BLACK);
    }

    private static void fill(BufferedImage image, int x, int y, int w, int h, Color color) {
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(x, y, w, h);
        g.dispose();
    }

    private static void assertBox(BoundingBox box, double left, double top, double width, double height) {
        assertThat(box.left()).isCloseTo(left, EXACT);
        assertThat(box.top()).isCloseTo(top, EXACT);
        assertThat(box.width()).isCloseTo(width, EXACT);
        assertThat(box.height()).isCloseTo(height, EXACT);
    }

    private static BufferedImage white(int w, int h) {
        return TestImages.white(w, h);
    }

    private static byte[] png(BufferedImage image) {
        return TestImages.encode(image, "png");
    }

    private static byte[] jpeg(BufferedImage image, int orientation) {
        return TestImages.jpeg(image, orientation);
    }

    /** Within 2% of the side: JPEG blurs edges and the map is resized. */
    private static void assertNear(BoundingBox box, double left, double top, double width, double height) {
        Offset<Double> near = Offset.offset(0.02);
        assertThat(box.left()).isCloseTo(left, near);
        assertThat(box.top()).isCloseTo(top, near);
        assertThat(box.width()).isCloseTo(width, near);
        assertThat(box.height()).isCloseTo(height, near);
    }
}
