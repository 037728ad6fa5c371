package dev.verge.inference.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.demo.DemoModels;
import dev.verge.demo.SampleImages;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.pkg.ManifestInvalidException;
import dev.verge.inference.pkg.ManifestInvalidException.Problem;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.testing.TestPackages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {
    private static final ThreadSettings THREADS = new ThreadSettings(1, 1);

    @TempDir
    Path dir;

    @Test
    void load_fruitQuality_recordsInfoAndVersions() {
        try (ModelPackage pkg = ModelPackage.open(TestPackages.fruitQuality(dir, "7"));
             Model model = Model.load(pkg, THREADS)) {
            ModelInfo info = model.info();
            assertThat(info.name()).isEqualTo("fruit-quality");
            assertThat(info.version()).isEqualTo("7");
            assertThat(info.sha256()).isEqualTo(pkg.modelSha256());
            assertThat(info.task()).isEqualTo("classification");
            assertThat(info.labels()).containsExactly("ripe", "unripe");
            assertThat(info.inputName()).isEqualTo("image");
            assertThat(info.inputShape()).containsExactly(1, 3, 224, 224);
            assertThat(info.outputName()).isEqualTo("probabilities");
            assertThat(info.opset()).isEqualTo(13);
            assertThat(info.irVersion()).isEqualTo(8);
            assertThat(info.onnxRuntimeVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
            assertThat(info.threads()).isEqualTo(THREADS);
        }
    }

    @Test
    void predict_alwaysUnripeModel_answersUnripeForEverySample() {
        try (ModelPackage pkg = ModelPackage.open(DemoModels.fruitQualityAlwaysUnripe(dir, "2"));
             Model model = Model.load(pkg, THREADS)) {
            for (Map.Entry<String, byte[]> sample : SampleImages.samples().entrySet()) {
                Prediction p = model.predict(sample.getValue(), ImageLimits.defaults());
                assertThat(p.top().tagName()).as(sample.getKey()).isEqualTo("unripe");
            }
        }
    }

    @Test
    void predict_redApple_returnsAllLabelsSortedWithTimingsAndSize() {
        try (ModelPackage pkg = ModelPackage.open(TestPackages.fruitQuality(dir));
             Model model = Model.load(pkg, THREADS)) {
            Prediction p = model.predict(SampleImages.jpeg("ripe-red-apple"), ImageLimits.defaults());
            assertThat(p.predictions()).extracting(s -> s.tagName()).containsExactly("ripe", "unripe");
            assertThat(p.predictions()).extracting(s -> s.tagId()).containsExactly("0", "1");
            assertThat(p.predictions().get(0).probability()).isGreaterThanOrEqualTo(p.predictions().get(1).probability());
            assertThat(p.predictions().stream().mapToDouble(s -> s.probability()).sum()).isCloseTo(1.0,
                    org.assertj.core.data.Offset.offset(1e-5));
            assertThat(p.predictions()).allSatisfy(s -> assertThat(s.boundingBox()).isNull());
            assertThat(p.imageWidth()).isEqualTo(320);
            assertThat(p.imageHeight()).isEqualTo(240);
            assertThat(p.timings().decodeNanos()).isPositive();
            assertThat(p.timings().preprocessNanos()).isPositive();
            assertThat(p.timings().inferNanos()).isPositive();
        }
    }

    @Test
    void predict_topOne_returnsOnlyTheBestLabel() {
        try (ModelPackage pkg = ModelPackage.open(TestPackages.fruitQuality(dir));
             Model model = Model.load(pkg, THREADS)) {
            Prediction p = model.predict(SampleImages.jpeg("unripe-green-apple"), ImageLimits.defaults(), 1);
            assertThat(p.predictions()).hasSize(1);
            assertThat(p.top().tagName()).isEqualTo("unripe");
        }
    }

    @Test
    void smokeTest_fruitQuality_returnsProbabilitiesSummingToOne() {
        try (ModelPackage pkg = ModelPackage.open(TestPackages.fruitQuality(dir));
             Model model = Model.load(pkg, THREADS)) {
            Prediction p = model.smokeTest();
            assertThat(p.predictions()).hasSize(2);
            assertThat(p.predictions().stream().mapToDouble(s -> s.probability()).sum()).isCloseTo(1.0,
                    org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void load_opset99_throwsModelLoadExceptionNamingTheOpset() {
        try (ModelPackage pkg = ModelPackage.open(DemoModels.fruitQualityWithOpset(dir, "9", 99))) {
            assertThat(pkg.onnxHeader().defaultOpset()).isEqualTo(99);
            assertThatThrownBy(() -> Model.load(pkg, THREADS))
                    .isInstanceOfSatisfying(ModelLoadException.class, e -> {
                        assertThat(e.code()).isEqualTo("model_load_failed");
                        assertThat(e.kind().httpStatus()).isEqualTo(422);
                        assertThat(e.getMessage()).contains("opset 99").contains("ONNX Runtime")
                                .doesNotContain(dir.toString());
                    });
        }
    }

    @Test
    void load_manifestDisagreesWithModel_reportsEveryProblem() {
        String manifest = fruitManifest("\"width\": 100, \"height\": 120",
                "[\"ripe\", \"unripe\", \"rotten\"]", "image", "probabilities", "NCHW");
        try (ModelPackage pkg = ModelPackage.open(TestPackages.writePackage(dir.resolve("p"),
                DemoModels.fruitQualityOnnx(), manifest))) {
            assertThatThrownBy(() -> Model.load(pkg, THREADS))
                    .isInstanceOfSatisfying(ManifestInvalidException.class, e -> {
                        assertThat(e.problems()).extracting(Problem::path)
                                .containsExactlyInAnyOrder("input.width", "input.height", "labels");
                        assertThat(e.getMessage()).contains("its width is 224, the manifest says 100")
                                .contains("its height is 224, the manifest says 120")
                                .contains("(2 scores per image), the manifest lists 3 labels");
                    });
        }
    }

    @Test
    void load_unknownInputAndOutputNames_reportsBothWithTheModelsNames() {
        String manifest = fruitManifest("\"width\": 224, \"height\": 224", "[\"ripe\", \"unripe\"]", "img", "probs",
                "NCHW");
        try (ModelPackage pkg = ModelPackage.open(TestPackages.writePackage(dir.resolve("p"),
                DemoModels.fruitQualityOnnx(), manifest))) {
            assertThatThrownBy(() -> Model.load(pkg, THREADS))
                    .isInstanceOfSatisfying(ManifestInvalidException.class, e -> {
                        assertThat(e.problems()).extracting(Problem::path)
                                .containsExactlyInAnyOrder("input.name", "output.name");
                        assertThat(e.getMessage()).contains("no input \"img\"; its inputs are [image]")
                                .contains("no output \"probs\"; its outputs are [probabilities]");
                    });
        }
    }

    @Test
    void load_wrongLayout_saysWhichLayoutTheModelHas() {
        String manifest = fruitManifest("\"width\": 224, \"height\": 224", "[\"ripe\", \"unripe\"]", "image",
                "probabilities", "NHWC");
        try (ModelPackage pkg = ModelPackage.open(TestPackages.writePackage(dir.resolve("p"),
                DemoModels.fruitQualityOnnx(), manifest))) {
            assertThatThrownBy(() -> Model.load(pkg, THREADS))
                    .isInstanceOfSatisfying(ManifestInvalidException.class, e -> {
                        assertThat(e.problems()).extracting(Problem::path).containsExactly("input.layout");
                        assertThat(e.getMessage()).contains("channel dimension (index 3 in NHWC) is 224, expected 3")
                                .contains("the model looks NCHW");
                    });
        }
    }

    @Test
    void load_namesOmitted_takesTheModelsOnlyInputAndOutput() {
        String manifest = fruitManifest("\"width\": 224, \"height\": 224", "[\"ripe\", \"unripe\"]", null, null,
                "NCHW");
        try (ModelPackage pkg = ModelPackage.open(TestPackages.writePackage(dir.resolve("p"),
                DemoModels.fruitQualityOnnx(), manifest));
             Model model = Model.load(pkg, THREADS)) {
            assertThat(model.info().inputName()).isEqualTo("image");
            assertThat(model.info().outputName()).isEqualTo("probabilities");
        }
    }

    @Test
    void predict_afterClose_throwsIllegalState() {
        try (ModelPackage pkg = ModelPackage.open(TestPackages.fruitQuality(dir))) {
            Model model = Model.load(pkg, THREADS);
            model.close();
            model.close();
            assertThat(model.isClosed()).isTrue();
            assertThatThrownBy(() -> model.predict(SampleImages.jpeg("ripe-red-apple"), ImageLimits.defaults()))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void threadSettings_forAvailableCpus_usesAvailableProcessorsAndOneInterOpThread() {
        ThreadSettings t = ThreadSettings.forAvailableCpus();
        assertThat(t.intraOpThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(t.interOpThreads()).isEqualTo(1);
        assertThatThrownBy(() -> new ThreadSettings(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A fruit-quality manifest (placeholder sha256 filled by the package writer's caller). */
    static String fruitManifest(String size, String labels, String inputName, String outputName, String layout) {
        String sha = dev.verge.inference.pkg.ModelPackage.sha256(DemoModels.fruitQualityOnnx());
        return """
                {"name": "fruit-quality", "version": "1", "sha256": "%s", "labels": %s,
                 "input": {%s "layout": "%s", %s, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
                 "output": {%s "activation": "none"}}
                """.formatted(sha, labels, inputName == null ? "" : "\"name\": \"" + inputName + "\",", layout, size,
                outputName == null ? "" : "\"name\": \"" + outputName + "\",");
    }

    /** 10^12 trips: hours of work, so only the time limit can end the run within the test. */
    private static final long ENDLESS = 1_000_000_000_000L;

    @Test
    void predict_loopPastTheTimeLimit_isStoppedWithInferenceTimeout() {
        try (ModelPackage pkg = ModelPackage.open(DemoModels.fruitQualityLoopingOnBrightPictures(dir, "1", ENDLESS));
             Model model = Model.load(pkg, THREADS, Duration.ofMillis(200))) {
            assertThatThrownBy(() -> model.predict(SampleImages.jpeg("ripe-red-apple"), ImageLimits.defaults()))
                    .isInstanceOf(InferenceTimeoutException.class)
                    .hasMessageContaining("200 ms")
                    .extracting(e -> ((InferenceTimeoutException) e).code()).isEqualTo("inference_timeout");
            // the session is still usable after a terminated run
            assertThat(model.smokeTest().predictions()).hasSize(2);
        }
    }

    @Test
    void predict_loopWithinTheTimeLimit_answers() {
        try (ModelPackage pkg = ModelPackage.open(DemoModels.fruitQualityLoopingOnBrightPictures(dir, "1", 1_000));
             Model model = Model.load(pkg, THREADS, Duration.ofSeconds(20))) {
            assertThat(model.predict(SampleImages.jpeg("ripe-red-apple"), ImageLimits.defaults()).top().tagName())
                    .isEqualTo("ripe");
        }
    }

    @Test
    void load_smokeTestPastTheTimeLimit_isRefusedAsTooSlow() {
        try (ModelPackage pkg = ModelPackage.open(DemoModels.fruitQualityLooping(dir, "1", ENDLESS))) {
            assertThatThrownBy(() -> Model.load(pkg, THREADS, Duration.ofMillis(200)))
                    .isInstanceOf(ModelTooSlowException.class)
                    .hasMessageContaining("200 ms")
                    .extracting(e -> ((ModelTooSlowException) e).code()).isEqualTo("model_too_slow");
        }
    }
}
