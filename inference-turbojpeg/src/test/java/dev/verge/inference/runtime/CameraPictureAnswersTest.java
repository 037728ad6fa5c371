package dev.verge.inference.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.CameraPictures;
import dev.verge.demo.SampleImages;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.image.TestImages;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.predict.LabelScore;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.testing.TestPackages;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import java.util.stream.Stream;

/**
 * Camera-sized photos decoded at 1/4 or 1/8 in the DCT domain answer as the same photo decoded in full by
 * ImageIO. Tolerance: the probability of every label within 0.02. Both paths end in the same filter at the
 * model's size; they differ only in how the first 4-8x of the shrink is averaged (DCT block means against a
 * triangle filter), which moves a pixel by a level or two and a probability by well under 0.01 here.
 */
class CameraPictureAnswersTest {
    private static final double TOLERANCE = 0.02;
    private static final ImageLimits LIMITS = new ImageLimits(32L << 20, 40_000_000);

    @TempDir
    static Path dir;
    private static ModelPackage pkg;
    private static Model model;

    @BeforeAll
    static void load() {
        pkg = ModelPackage.open(TestPackages.fruitQuality(dir));
        model = Model.load(pkg, ThreadSettings.forAvailableCpus());
    }

    @AfterAll
    static void close() {
        model.close();
        pkg.close();
    }

    static Stream<Arguments> photos() {
        Stream<Arguments> fullHd = SampleImages.FRUITS.stream().map(f -> Arguments.of(f.name(), 1920, 1080));
        return Stream.concat(fullHd, Stream.of(Arguments.of("ripe-yellow-banana", 4000, 3000),
                Arguments.of("unripe-green-pear", 3000, 4000)));
    }

    @ParameterizedTest(name = "{0} at {1}x{2}")
    @MethodSource("photos")
    void predict_cameraPhoto_answersAsTheFullDecode(String fruit, int width, int height) throws IOException {
        byte[] jpeg = CameraPictures.jpeg(fruit, width, height);
        Prediction scaled = model.predict(jpeg, LIMITS);
        Prediction full = model.predict(ImageIO.read(new ByteArrayInputStream(jpeg)));
        assertThat(scaled.top().tagName()).isEqualTo(SampleImages.expectedLabel(fruit)).isEqualTo(full.top().tagName());
        assertSameProbabilities(scaled, full);
    }

    @ParameterizedTest(name = "orientation {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void predict_exifOrientation_answersAsTheUprightPhoto(int orientation) throws IOException {
        // the camera stores the picture turned; EXIF says how to turn it back
        BufferedImage upright = CameraPictures.render("ripe-red-apple", 1080, 1920);
        byte[] stored = TestImages.withExifOrientation(CameraPictures.jpeg(storedAs(upright, orientation), 0.9f),
                orientation);
        Prediction fromCamera = model.predict(stored, LIMITS);
        Prediction reference = model.predict(ImageIO.read(new ByteArrayInputStream(CameraPictures.jpeg(upright, 0.9f))));
        assertThat(fromCamera.imageWidth()).isEqualTo(1080);
        assertThat(fromCamera.imageHeight()).isEqualTo(1920);
        assertSameProbabilities(fromCamera, reference);
    }

    /** The picture a camera stores so that applying EXIF {@code orientation} gives {@code upright}. */
    private static BufferedImage storedAs(BufferedImage upright, int orientation) {
        int w = upright.getWidth();
        int h = upright.getHeight();
        // the inverse of each orientation's transform, on the upright picture
        AffineTransform t = switch (orientation) {
            case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0);
            case 3 -> new AffineTransform(-1, 0, 0, -1, w, h);
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, h);
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);
            case 6 -> new AffineTransform(0, -1, 1, 0, 0, w); // stored = upright turned counter-clockwise
            case 7 -> new AffineTransform(0, -1, -1, 0, h, w);
            case 8 -> new AffineTransform(0, 1, -1, 0, h, 0);
            default -> new AffineTransform();
        };
        boolean swaps = orientation >= 5;
        BufferedImage stored = new BufferedImage(swaps ? h : w, swaps ? w : h, BufferedImage.TYPE_INT_RGB);
        new AffineTransformOp(t, AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(upright, stored);
        return stored;
    }

    private static void assertSameProbabilities(Prediction actual, Prediction expected) {
        for (LabelScore e : expected.predictions()) {
            LabelScore a = actual.predictions().stream().filter(s -> s.tagName().equals(e.tagName())).findFirst()
                    .orElseThrow();
            assertThat(a.probability()).as(e.tagName()).isCloseTo(e.probability(),
                    org.assertj.core.data.Offset.offset(TOLERANCE));
        }
    }
}
