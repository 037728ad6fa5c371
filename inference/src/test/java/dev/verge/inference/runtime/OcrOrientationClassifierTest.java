package dev.verge.inference.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.testing.TestPackages;
import dev.verge.inference.testing.TextPictures;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real pretrained model: PaddleOCR's text-orientation classifier (input x [?,3,48,192], BGR, output already
 * softmaxed), fetched by {@code ./verge fetch-test-models}. Skipped with a message when it has not been fetched.
 */
class OcrOrientationClassifierTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needsModel() {
        Assumptions.assumeTrue(TestPackages.ocrClassifierModel().isPresent(),
                "PaddleOCR classifier not found under " + TestPackages.vergeRoot()
                        + "/.cache/ocr-models; run ./verge fetch-test-models");
    }

    @Test
    void load_paddleOcrClassifier_validatesAndFixesDynamicBatch() {
        try (ModelPackage pkg = ModelPackage.open(TestPackages.ocrClassifierPackage(dir));
             Model model = Model.load(pkg, ThreadSettings.forAvailableCpus())) {
            ModelInfo info = model.info();
            assertThat(info.inputName()).isEqualTo("x");
            assertThat(info.inputShape()).containsExactly(1, 3, 48, 192);
            assertThat(info.labels()).containsExactly("0", "180");
            assertThat(info.opset()).isPositive();
            assertThat(info.irVersion()).isPositive();
        }
    }

    /** Short lines in a large font: the model was trained on tight text-line crops, where text fills the height. */
    @ParameterizedTest
    @ValueSource(strings = {"ripe fruit", "Verge 42", "hello edge", "sorting line"})
    void predict_uprightAndUpsideDownText_classifiedAs0And180(String line) throws IOException {
        try (ModelPackage pkg = ModelPackage.open(TestPackages.ocrClassifierPackage(dir));
             Model model = Model.load(pkg, ThreadSettings.forAvailableCpus())) {
            BufferedImage upright = TextPictures.text(line);
            Prediction up = model.predict(TextPictures.png(upright), ImageLimits.defaults());
            Prediction down = model.predict(TextPictures.png(TextPictures.rotate180(upright)), ImageLimits.defaults());

            assertThat(up.predictions()).hasSize(2);
            assertThat(up.predictions().stream().mapToDouble(s -> s.probability()).sum()).isCloseTo(1.0, Offset.offset(1e-3));
            assertThat(down.predictions().stream().mapToDouble(s -> s.probability()).sum()).isCloseTo(1.0, Offset.offset(1e-3));
            assertThat(up.top().tagName()).isEqualTo("0");
            assertThat(up.top().probability()).isGreaterThan(0.9);
            assertThat(down.top().tagName()).isEqualTo("180");
            assertThat(down.top().probability()).isGreaterThan(0.9);
        }
    }
}
