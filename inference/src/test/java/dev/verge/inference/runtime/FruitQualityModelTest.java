package dev.verge.inference.runtime;

import dev.verge.demo.SampleImages;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.testing.TestPackages;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FruitQualityModelTest {
    @TempDir
    Path dir;

    @Test
    void predict_everySampleImage_givesItsExpectedLabel() {
        try (ModelPackage pkg = ModelPackage.open(TestPackages.fruitQuality(dir));
             Model model = Model.load(pkg, ThreadSettings.forAvailableCpus())) {
            SoftAssertions softly = new SoftAssertions();
            for (Map.Entry<String, byte[]> sample : SampleImages.samples().entrySet()) {
                Prediction p = model.predict(sample.getValue(), ImageLimits.defaults());
                softly.assertThat(p.top().tagName()).as(sample.getKey())
                        .isEqualTo(SampleImages.expectedLabel(sample.getKey()));
                softly.assertThat(p.top().probability()).as(sample.getKey()).isGreaterThan(0.95);
            }
            softly.assertAll();
        }
    }
}
