package dev.verge.inference.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.inference.pkg.Manifest;
import dev.verge.inference.predict.BoundingBox;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Box scaling back to the picture, hand-computed for every resize mode. */
class PlacementTest {
    private static final Offset<Double> EXACT = Offset.offset(1e-9);

    @Test
    void letterbox_wideImage_barsAboveAndBelowAndBoxesMapBack() {
        // 1280x720 into 640x640: scale 0.5, picture 640x360, bars of (640 - 360) / 2 = 140 above and below
        Placement p = preprocessor(640, 640, Manifest.InputSpec.LETTERBOX, 0).placement(1280, 720);
        assertThat(p).isEqualTo(new Placement(1280, 720, 640, 640, 0.5, 0.5, 0, 140));
        // tensor (288, 302)-(352, 338): picture x 576..704, y (302 - 140) / 0.5 = 324 .. 396
        assertBox(p.toImage(288, 302, 352, 338), 576.0 / 1280, 324.0 / 720, 128.0 / 1280, 72.0 / 720);
    }

    @Test
    void letterbox_tallImage_barsLeftAndRightAndBoxInABarIsDropped() {
        // 300x600 into 320x320: scale 320/600, picture 160x320, bars of 80 left and right
        Placement p = preprocessor(320, 320, Manifest.InputSpec.LETTERBOX, 0).placement(300, 600);
        assertThat(p.offsetX()).isEqualTo(80);
        assertThat(p.offsetY()).isZero();
        assertBox(p.toImage(80, 0, 240, 320), 0, 0, 1, 1);
        assertBox(p.toImage(60, -10, 160, 160), 0, 0, 0.5, 0.5); // clipped to the picture
        assertThat(p.toImage(0, 0, 80, 320)).isNull(); // only the bar
    }

    @Test
    void stretch_scalesEachAxisOnItsOwn() {
        // 448x112 into 224x224: x halves, y doubles
        Placement p = preprocessor(224, 224, Manifest.InputSpec.STRETCH, 0).placement(448, 112);
        assertBox(p.toImage(56, 56, 112, 112), 0.25, 0.25, 0.25, 0.25);
    }

    @Test
    void centerCrop_boxesMapIntoTheCroppedMiddle() {
        // 448x224 into 224x224: scale 1, the middle 224 columns (112 .. 336) are kept
        Placement p = preprocessor(224, 224, Manifest.InputSpec.CENTER_CROP, 0).placement(448, 224);
        assertThat(p.offsetX()).isEqualTo(-112);
        assertBox(p.toImage(0, 0, 224, 224), 0.25, 0, 0.5, 1);
    }

    @Test
    void fitMultiple_shrinksToMaxSideAndRoundsEachSideToTheMultiple() {
        Preprocessor fit = new Preprocessor(fitMultiple(32, 960));
        // 1000x500: ratio 0.96 -> 960 x 480 (both multiples of 32)
        assertThat(fit.placement(1000, 500)).isEqualTo(new Placement(1000, 500, 960, 480, 0.96, 0.96, 0, 0));
        // never enlarged: 100x50 -> round(3.125) = 3, round(1.5625) = 2 multiples -> 96 x 64
        Placement small = fit.placement(100, 50);
        assertThat(small.tensorWidth()).isEqualTo(96);
        assertThat(small.tensorHeight()).isEqualTo(64);
        assertBox(small.toImage(48, 32, 96, 64), 0.5, 0.5, 0.5, 0.5);
        // tiny pictures get at least one multiple; 2000x100 -> 960 x 48 -> 960 x 64
        assertThat(fit.placement(10, 10).tensorWidth()).isEqualTo(32);
        assertThat(fit.placement(2000, 100).tensorHeight()).isEqualTo(64);
        assertThat(fit.shape(fit.placement(1000, 500))).containsExactly(1, 3, 480, 960);
        assertThat(fit.elementCount()).isEqualTo(3 * 960 * 960);
    }

    @Test
    void fitMultiple_write_fillsATensorOfThePlacedSize() {
        Preprocessor fit = new Preprocessor(fitMultiple(32, 64));
        BufferedImage image = TestImages.halves(130, 40, Color.BLACK, Color.WHITE);
        FloatBuffer buffer = FloatBuffer.allocate(fit.elementCount());
        Placement p = fit.write(image, buffer);
        // 130x40: ratio 64/130 -> 64 x 19.7 -> 64 x 32
        assertThat(p.tensorWidth()).isEqualTo(64);
        assertThat(p.tensorHeight()).isEqualTo(32);
        assertThat(buffer.get(0)).isEqualTo(0f); // left half black
        assertThat(buffer.get(63)).isEqualTo(1f); // right half white
    }

    @Test
    void letterbox_padValue_fillsTheBarsWithThatGrey() {
        Preprocessor pre = preprocessor(8, 8, Manifest.InputSpec.LETTERBOX, 114);
        FloatBuffer buffer = FloatBuffer.allocate(pre.elementCount());
        pre.write(TestImages.halves(8, 4, Color.WHITE, Color.WHITE), buffer); // bars: rows 0-1 and 6-7
        assertThat(buffer.get(0)).isCloseTo(114f / 255f, Offset.offset(1e-6f));
        assertThat(buffer.get(8 * 7 + 3)).isCloseTo(114f / 255f, Offset.offset(1e-6f));
        assertThat(buffer.get(8 * 3 + 3)).isEqualTo(1f);
    }

    private static Preprocessor preprocessor(int w, int h, String resize, int padValue) {
        return new Preprocessor(new Manifest.InputSpec(null, "NCHW", w, h, "RGB", 255.0, new double[] {0, 0, 0},
                new double[] {1, 1, 1}, resize, 0, 0, padValue));
    }

    private static Manifest.InputSpec fitMultiple(int multiple, int maxSide) {
        return new Manifest.InputSpec(null, "NCHW", 0, 0, "RGB", 255.0, new double[] {0, 0, 0},
                new double[] {1, 1, 1}, Manifest.InputSpec.FIT_MULTIPLE, multiple, maxSide, 0);
    }

    private static void assertBox(BoundingBox box, double left, double top, double width, double height) {
        assertThat(box).isNotNull();
        assertThat(box.left()).isCloseTo(left, EXACT);
        assertThat(box.top()).isCloseTo(top, EXACT);
        assertThat(box.width()).isCloseTo(width, EXACT);
        assertThat(box.height()).isCloseTo(height, EXACT);
    }
}
