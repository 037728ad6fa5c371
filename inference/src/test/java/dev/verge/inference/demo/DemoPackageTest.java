package dev.verge.inference.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.demo.DemoModels;
import dev.verge.demo.SampleImages;
import dev.verge.demo.WriteDemoPackage;
import dev.verge.inference.image.ImageDecoder;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.pkg.ModelPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo-model module only writes files; these tests read them back with the inference module. */
class DemoPackageTest {
    @TempDir
    Path dir;

    @Test
    void main_writesPackageZipAndSamples() throws Exception {
        WriteDemoPackage.main(new String[] {dir.toString(), "3"});
        try (ModelPackage folder = ModelPackage.open(dir.resolve("fruit-quality-3"));
             ModelPackage zip = ModelPackage.open(dir.resolve("fruit-quality-3.zip"))) {
            assertThat(folder.manifest().version()).isEqualTo("3");
            assertThat(zip.modelSha256()).isEqualTo(folder.modelSha256());
        }
        try (var samples = Files.list(dir.resolve("samples"))) {
            assertThat(samples.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(SampleImages.samples().keySet());
        }
    }

    @Test
    void samples_areJpegAndPngOfEveryFruitNamedByExpectedLabel() {
        Map<String, byte[]> samples = SampleImages.samples();
        assertThat(samples).hasSize(SampleImages.FRUITS.size() * 2);
        assertThat(samples.keySet()).allMatch(n -> n.matches("(ripe|unripe)-[a-z-]+\\.(jpg|png)"));
        assertThat(samples.keySet().stream().map(SampleImages::expectedLabel).distinct()).containsExactlyInAnyOrder(
                "ripe", "unripe");
        samples.forEach((name, bytes) -> assertThat(ImageDecoder.decode(bytes, ImageLimits.defaults()).format())
                .as(name).isEqualTo(name.endsWith(".jpg") ? "jpeg" : "png"));
        assertThat(SampleImages.samples().get("ripe-red-apple.png")).isEqualTo(samples.get("ripe-red-apple.png"));
    }

    @Test
    void fruitQuality_manifestIsTheDesignFormatWithRealDigest() throws Exception {
        Path folder = DemoModels.fruitQuality(dir, "1");
        try (ModelPackage pkg = ModelPackage.open(folder)) {
            assertThat(pkg.manifest().labels()).containsExactly("ripe", "unripe");
            assertThat(pkg.manifest().input().name()).isEqualTo("image");
            assertThat(pkg.manifest().output().name()).isEqualTo("probabilities");
            assertThat(pkg.manifest().output().activation()).isEqualTo("none");
            assertThat(pkg.manifest().sha256()).isEqualTo(ModelPackage.sha256(DemoModels.fruitQualityOnnx()));
        }
    }

    @Test
    void fruitQuality_unsafeVersion_refused() {
        assertThatThrownBy(() -> DemoModels.fruitQuality(dir, "../x")).isInstanceOf(IllegalArgumentException.class);
    }
}
