package dev.verge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.demo.SampleImages;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ThreadSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's bad versions load (they pass the registry's checks) and show their flaw on the sample pictures. */
class BadVersionTest {

    @TempDir
    Path dir;

    private Model load(BadVersion bad) {
        try (ModelPackage pkg = ModelPackage.open(bad.write(dir))) {
            return Model.load(pkg, ThreadSettings.forAvailableCpus()); // runs the smoke test
        }
    }

    @Test
    void alwaysUnripe_loads_answersUnripeForEverySample() {
        try (Model model = load(BadVersion.ALWAYS_UNRIPE)) {
            for (Map.Entry<String, byte[]> sample : SampleImages.samples().entrySet()) {
                assertThat(model.predict(sample.getValue(), ImageLimits.defaults()).predictions().get(0).tagName())
                        .as(sample.getKey()).isEqualTo("unripe");
            }
        }
    }

    @Test
    void failsOnBrightPictures_passesTheSmokeTest_failsOnEverySample() {
        try (Model model = load(BadVersion.FAILS_ON_BRIGHT_PICTURES)) {
            for (Map.Entry<String, byte[]> sample : SampleImages.samples().entrySet()) {
                assertThatThrownBy(() -> model.predict(sample.getValue(), ImageLimits.defaults())).as(sample.getKey())
                        .hasMessageContaining("broken_reshape");
            }
        }
    }
}
