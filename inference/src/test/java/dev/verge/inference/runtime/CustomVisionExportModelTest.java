package dev.verge.inference.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.demo.CustomVisionExports;
import dev.verge.error.VergeException;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.image.TestImages;
import dev.verge.inference.json.Json;
import dev.verge.inference.pkg.CustomVisionExport;
import dev.verge.inference.pkg.Manifest;
import dev.verge.inference.pkg.ManifestInvalidException;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.pkg.ZipLimits;
import dev.verge.inference.predict.BoundingBox;
import dev.verge.inference.predict.CustomVisionResponse;
import dev.verge.inference.predict.LabelScore;
import dev.verge.inference.predict.Prediction;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Custom Vision ONNX exports as they come, through the derived package and ONNX Runtime, against values computed by
 * hand from the tiny models' weights (see {@link CustomVisionExports}): 1e-6 for float32 models, 1e-3 for float16 ones
 * (half precision keeps 11 significant bits, a relative error of 4.9e-4).
 */
class CustomVisionExportModelTest {
    private static final Offset<Double> FLOAT32 = Offset.offset(1e-6);
    private static final Offset<Double> FLOAT16 = Offset.offset(1e-3);
    /** 1 / (1 + e^-3.2): ripe for a solid (204, 51, 0) picture fed in the channel order the model wants. */
    private static final double RIPE = 0.9608342772;
    private static final ThreadSettings THREADS = new ThreadSettings(1, 1);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "fp16 {0}, maps {1}, {2}, {3}")
    @CsvSource({
        "false, false, Rgb8, Normalized_0_1",
        "false, false, Bgr8, Normalized_0_1",
        "false, false, Rgb8, NominalRange_0_255",
        "false, false, Bgr8, NominalRange_0_255",
        "false, true, Bgr8, NominalRange_0_255",
        "false, true, Rgb8, Normalized_0_1",
        "true, false, Bgr8, Normalized_0_1",
        "true, false, Rgb8, NominalRange_0_255",
    })
    void classification_everyKindOfExport_probabilitiesAsTheExportComputesThem(boolean float16, boolean maps,
                                                                               String pixelFormat, String range) {
        Path export = CustomVisionExports.fruitClassifier(dir.resolve("export.zip"), float16, maps, pixelFormat, range);

        // ripe follows the model's channel 0: red for an Rgb8 model, blue for a Bgr8 one
        Color ripe = pixelFormat.equals("Rgb8") ? new Color(204, 51, 0) : new Color(0, 51, 204);
        try (Model model = load(export)) {
            Prediction p = model.predict(png(solid(64, 48, ripe)), ImageLimits.defaults());

            Offset<Double> tolerance = float16 ? FLOAT16 : FLOAT32;
            assertThat(p.predictions()).extracting(LabelScore::tagName).containsExactly("ripe", "unripe");
            assertThat(p.predictions().get(0).probability()).isCloseTo(RIPE, tolerance);
            assertThat(p.predictions().get(1).probability()).isCloseTo(1 - RIPE, tolerance);
            assertThat(model.manifest().input().channels()).isEqualTo(pixelFormat.equals("Bgr8") ? "BGR" : "RGB");
            assertThat(model.manifest().input().scale()).isEqualTo(range.equals("NominalRange_0_255") ? 1.0 : 255.0);
        }
    }

    @Test
    void classification_channelsSwapped_otherLabelWins() {
        // the picture that is ripe for an Rgb8 model is unripe for a Bgr8 one: the channel order is not ignored
        Path export = CustomVisionExports.fruitClassifier(dir.resolve("export.zip"), false, false, "Bgr8",
                "Normalized_0_1");
        try (Model model = load(export)) {
            Prediction p = model.predict(png(solid(64, 48, new Color(204, 51, 0))), ImageLimits.defaults());

            assertThat(p.predictions().get(0).tagName()).isEqualTo("unripe");
            assertThat(p.predictions().get(0).probability()).isCloseTo(RIPE, FLOAT32);
        }
    }

    @Test
    void derivedManifest_fromTheExportsOwnFiles() throws IOException {
        Path export = CustomVisionExports.fruitClassifier(dir.resolve("export.zip"), false, true, "Bgr8",
                "NominalRange_0_255");
        Path pkg = CustomVisionExport.writePackage(export, "fruit", "7", dir.resolve("package.zip"), ZipLimits.defaults(),
                dir);

        try (ModelPackage opened = ModelPackage.open(pkg)) {
            Manifest m = opened.manifest();
            assertThat(m.name()).isEqualTo("fruit");
            assertThat(m.version()).isEqualTo("7");
            assertThat(m.task()).isEqualTo("classification");
            assertThat(m.labels()).containsExactly("ripe", "unripe");
            assertThat(m.input().name()).isEqualTo("data");
            assertThat(m.input().width()).isEqualTo(32);
            assertThat(m.input().resize()).isEqualTo("stretch");
            assertThat(m.output().name()).isEqualTo("loss");
            assertThat(m.output().activation()).isEqualTo("none");
        }
        try (ZipFile zip = new ZipFile(pkg.toFile())) {
            assertThat(zip.stream().map(ZipEntry::getName)).containsExactly("manifest.json", "cvexport.manifest",
                    "labels.txt", "model.onnx");
        }
        Path again = CustomVisionExport.writePackage(export, "fruit", "7", dir.resolve("again.zip"), ZipLimits.defaults(),
                dir);
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(pkg));
    }

    @ParameterizedTest(name = "fp16 {0}")
    @CsvSource({"false", "true"})
    void detectedBoxes_boxesAsTheModelGivesThem_belowTheExportsThresholdLeftOut(boolean float16) throws IOException {
        Path export = CustomVisionExports.fruitDetector(dir.resolve("export.zip"), float16);

        try (Model model = load(export)) {
            Prediction p = model.predict(png(solid(320, 240, Color.GRAY)), ImageLimits.defaults());

            Offset<Double> tolerance = float16 ? FLOAT16 : FLOAT32;
            assertThat(p.predictions()).extracting(LabelScore::tagName).containsExactly("pear", "apple");
            assertThat(p.predictions().get(0).probability()).isCloseTo(0.9, tolerance);
            assertBox(p.predictions().get(0).boundingBox(), 0.1, 0.2, 0.4, 0.4, tolerance);
            assertThat(p.predictions().get(1).probability()).isCloseTo(0.6, tolerance);
            assertBox(p.predictions().get(1).boundingBox(), 0.6, 0.1, 0.3, 0.3, tolerance);

            JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsBytes(CustomVisionResponse.of(p, model.info())));
            JsonNode first = json.get("predictions").get(0);
            assertThat(first.get("tagId").isInt()).as("detection tagId is an integer, as the export's").isTrue();
            assertThat(first.get("tagId").intValue()).isEqualTo(1);
            assertThat(json.get("project").asText()).isEqualTo("fruit");
            assertThat(json.get("iteration").asText()).isEqualTo("7");
        }
    }

    @ParameterizedTest(name = "fp16 {0}")
    @CsvSource({"false", "true"})
    void yoloRegion_decodedAsTheExportsScoringCode_handComputedBoxes(boolean float16) {
        Path export = CustomVisionExports.fruitYoloRegion(dir.resolve("export.zip"), "0.45", float16);
        Offset<Double> tolerance = float16 ? FLOAT16 : FLOAT32;

        try (Model model = load(export)) {
            Prediction p = model.predict(png(solid(300, 200, Color.GRAY)), ImageLimits.defaults());

            // A: sigmoid(3) x softmax(2, 0)[0] = 0.952574 x 0.880797; box centre (0.5 + 1) / 4, size e^0 x 1 / 4
            // B: sigmoid(1) x softmax(0, 2)[1]; size 0.6 x 2 / 4 = 0.3 around the same centre; another label than A
            // C: sigmoid(0) x softmax(1, 0); centre ((sigmoid(-20) + 2) / 4, 0.375); then C again as its second label
            // D: overlaps A by IoU 0.5 (apple zeroed) and B by 0.470 (pear zeroed), both over 0.45: gone
            assertThat(p.predictions()).extracting(LabelScore::tagName).containsExactly("apple", "pear", "apple", "pear");
            double[] probabilities = {0.839024507, 0.643914260, 0.365529289, 0.134470711};
            double[][] boxes = {{0.25, 0.25, 0.25, 0.25}, {0.225, 0.225, 0.3, 0.3}, {0.375, 0.25, 0.25, 0.25},
                {0.375, 0.25, 0.25, 0.25}};
            for (int i = 0; i < 4; i++) {
                assertThat(p.predictions().get(i).probability()).as("probability " + i).isCloseTo(probabilities[i], tolerance);
                BoundingBox box = p.predictions().get(i).boundingBox();
                assertBox(box, boxes[i][0], boxes[i][1], boxes[i][2], boxes[i][3], tolerance);
            }
            assertThat(model.manifest().output().detection().anchors()).containsExactly(1.0, 1.0, 2.0, 2.0);
        }
    }

    @Test
    void yoloRegion_nmsThresholdFromTheExport_looserThresholdKeepsD() {
        Path export = CustomVisionExports.fruitYoloRegion(dir.resolve("export.zip"), "0.5");

        try (Model model = load(export)) {
            Prediction p = model.predict(png(solid(300, 200, Color.GRAY)), ImageLimits.defaults());

            // IoU(A, D) = 0.5 is not over 0.5: D stays an apple, sigmoid(2) x softmax(2, 0)[0]; as in the export's code
            // there are at most as many answers as boxes over the threshold (4), so C's second label is not reached
            assertThat(p.predictions()).extracting(LabelScore::tagName).containsExactly("apple", "apple", "pear", "apple");
            double[] probabilities = {0.839024507, 0.775803493, 0.643914260, 0.365529289};
            for (int i = 0; i < 4; i++) {
                assertThat(p.predictions().get(i).probability()).as("probability " + i).isCloseTo(probabilities[i], FLOAT32);
            }
            assertBox(p.predictions().get(1).boundingBox(), 0.25, 0.25, 0.25, 0.5, FLOAT32);
        }
    }

    @Test
    void export_withAnotherPlatform_refusedWithTheField() throws IOException {
        Path export = CustomVisionExports.fruitClassifier(dir.resolve("export.zip"), false, false, "Rgb8",
                "Normalized_0_1");
        Path tensorflow = rewrite(export, "cvexport.manifest", text -> text.replace("\"ONNX\"", "\"TensorFlow\""));

        assertThatThrownBy(() -> CustomVisionExport.writePackage(tensorflow, "fruit", "7", dir.resolve("p.zip"),
                ZipLimits.defaults(), dir))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e -> assertThat(e.problems())
                        .anySatisfy(problem -> assertThat(problem.path()).isEqualTo("cvexport.manifest.Platform")));
    }

    @Test
    void export_modelNotTheOneTheExportHashed_refused() throws IOException {
        Path export = CustomVisionExports.fruitClassifier(dir.resolve("export.zip"), false, false, "Rgb8",
                "Normalized_0_1");
        Path altered = rewrite(export, "cvexport.manifest", text -> text.replaceAll("\"ModelFileSHA1\" : \"[0-9A-F]+\"",
                "\"ModelFileSHA1\" : \"0000000000000000000000000000000000000000\""));

        assertThatThrownBy(() -> CustomVisionExport.writePackage(altered, "fruit", "7", dir.resolve("p.zip"),
                ZipLimits.defaults(), dir))
                .isInstanceOfSatisfying(VergeException.class, e -> assertThat(e.code()).isEqualTo("package_digest_mismatch"));
    }

    @Test
    void isExport_tellsExportsFromPackages() {
        Path export = CustomVisionExports.fruitClassifier(dir.resolve("export.zip"), false, false, "Rgb8",
                "Normalized_0_1");
        Path pkg = CustomVisionExport.writePackage(export, "fruit", "7", dir.resolve("package.zip"), ZipLimits.defaults(),
                dir);

        assertThat(CustomVisionExport.isExport(export)).isTrue();
        assertThat(CustomVisionExport.isExport(pkg)).isFalse();
    }

    private Model load(Path export) {
        Path pkg = CustomVisionExport.writePackage(export, "fruit", "7", dir.resolve("package-" + System.nanoTime() + ".zip"),
                ZipLimits.defaults(), dir);
        try (ModelPackage opened = ModelPackage.open(pkg)) {
            return Model.load(opened, THREADS);
        }
    }

    private Path rewrite(Path zip, String entryName, java.util.function.UnaryOperator<String> change) throws IOException {
        Path out = dir.resolve("rewritten-" + System.nanoTime() + ".zip");
        try (ZipFile in = new ZipFile(zip.toFile()); OutputStream file = Files.newOutputStream(out);
             ZipOutputStream zipOut = new ZipOutputStream(file)) {
            for (ZipEntry entry : in.stream().toList()) {
                byte[] bytes = in.getInputStream(entry).readAllBytes();
                if (entry.getName().equals(entryName)) {
                    bytes = change.apply(new String(bytes, java.nio.charset.StandardCharsets.UTF_8))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                zipOut.putNextEntry(new ZipEntry(entry.getName()));
                zipOut.write(bytes);
                zipOut.closeEntry();
            }
        }
        return out;
    }

    private static void assertBox(BoundingBox box, double left, double top, double width, double height,
                                  Offset<Double> tolerance) {
        assertThat(box.left()).isCloseTo(left, tolerance);
        assertThat(box.top()).isCloseTo(top, tolerance);
        assertThat(box.width()).isCloseTo(width, tolerance);
        assertThat(box.height()).isCloseTo(height, tolerance);
    }

    private static BufferedImage solid(int w, int h, Color color) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    private static byte[] png(BufferedImage image) {
        return TestImages.encode(image, "png");
    }
}
