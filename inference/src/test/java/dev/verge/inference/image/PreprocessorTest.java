package dev.verge.inference.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.inference.pkg.Manifest;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Hand-computed values on tiny pictures, one test per manifest option. */
class PreprocessorTest {
    private static final Offset<Float> EXACT = Offset.offset(1e-6f);
    private static final double[] ZERO = {0, 0, 0};
    private static final double[] ONE = {1, 1, 1};

    /** (255,0,0) (0,255,0) / (0,0,255) (51,102,153) */
    private static final BufferedImage FOUR = TestImages.pixels(new int[][] {
            {0xFF0000, 0x00FF00},
            {0x0000FF, 0x336699}});

    @Test
    void write_nchwRgb_writesRedGreenBluePlanes() {
        float[] out = run(spec("NCHW", 2, 2, "RGB", 255, ZERO, ONE, "stretch"), FOUR);
        assertThat(out).containsExactly(new float[] {
                1, 0, 0, 0.2f,
                0, 1, 0, 0.4f,
                0, 0, 1, 0.6f}, EXACT);
    }

    @Test
    void write_nchwBgr_writesBlueGreenRedPlanes() {
        float[] out = run(spec("NCHW", 2, 2, "BGR", 255, ZERO, ONE, "stretch"), FOUR);
        assertThat(out).containsExactly(new float[] {
                0, 0, 1, 0.6f,
                0, 1, 0, 0.4f,
                1, 0, 0, 0.2f}, EXACT);
    }

    @Test
    void write_nhwcRgb_interleavesChannelsPerPixel() {
        float[] out = run(spec("NHWC", 2, 2, "RGB", 255, ZERO, ONE, "stretch"), FOUR);
        assertThat(out).containsExactly(new float[] {
                1, 0, 0, 0, 1, 0,
                0, 0, 1, 0.2f, 0.4f, 0.6f}, EXACT);
    }

    @Test
    void write_nhwcBgr_interleavesBlueGreenRed() {
        float[] out = run(spec("NHWC", 2, 2, "BGR", 255, ZERO, ONE, "stretch"), FOUR);
        assertThat(out).containsExactly(new float[] {
                0, 0, 1, 0, 1, 0,
                1, 0, 0, 0.6f, 0.4f, 0.2f}, EXACT);
    }

    @Test
    void write_meanAndStd_appliesThemPerChannel() {
        // pixel (51,102,153), scale 1: ((51-10)/2, (102-20)/4, (153-30)/5)
        BufferedImage one = TestImages.pixels(new int[][] {{0x336699}});
        float[] out = run(spec("NCHW", 1, 1, "RGB", 1, new double[] {10, 20, 30}, new double[] {2, 4, 5}, "stretch"), one);
        assertThat(out).containsExactly(new float[] {20.5f, 20.5f, 24.6f}, EXACT);
    }

    @Test
    void write_meanAndStdWithBgr_followTheModelsChannelOrder() {
        // BGR: channel 0 is blue (153), 1 green (102), 2 red (51); mean/std listed in that order
        BufferedImage one = TestImages.pixels(new int[][] {{0x336699}});
        float[] out = run(spec("NCHW", 1, 1, "BGR", 255, new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5},
                "stretch"), one);
        assertThat(out).containsExactly(new float[] {
                (float) ((153 / 255.0 - 0.5) / 0.5), (float) ((102 / 255.0 - 0.5) / 0.5), (float) ((51 / 255.0 - 0.5) / 0.5)},
                EXACT);
    }

    @Test
    void write_stretchOneUniformPixelToTwoByTwo_fillsEveryPixel() {
        BufferedImage one = TestImages.pixels(new int[][] {{0x6496C8}}); // (100,150,200)
        float[] out = run(spec("NCHW", 2, 2, "RGB", 1, ZERO, ONE, "stretch"), one);
        assertThat(out).containsExactly(new float[] {
                100, 100, 100, 100,
                150, 150, 150, 150,
                200, 200, 200, 200}, EXACT);
    }

    @Test
    void write_centerCropWideImage_keepsTheMiddleColumns() {
        // 4x2 -> 2x2: scale max(2/4, 2/2) = 1, columns 1 and 2 stay
        BufferedImage wide = TestImages.pixels(new int[][] {
                {0x0A0000, 0x140000, 0x1E0000, 0x280000},
                {0x0A0000, 0x140000, 0x1E0000, 0x280000}});
        float[] out = run(spec("NCHW", 2, 2, "RGB", 1, ZERO, ONE, "center-crop"), wide);
        assertThat(out).containsExactly(new float[] {
                20, 30, 20, 30,
                0, 0, 0, 0,
                0, 0, 0, 0}, EXACT);
    }

    @Test
    void write_centerCropTallImage_keepsTheMiddleRows() {
        // 1x4 -> 1x2: rows 1 and 2 stay
        BufferedImage tall = TestImages.pixels(new int[][] {{0x000A00}, {0x001400}, {0x001E00}, {0x002800}});
        float[] out = run(spec("NHWC", 1, 2, "RGB", 1, ZERO, ONE, "center-crop"), tall);
        assertThat(out).containsExactly(new float[] {0, 20, 0, 0, 30, 0}, EXACT);
    }

    @Test
    void write_letterboxWideImage_padsTopAndBottomWithBlack() {
        // 2x1 -> 2x3: scale min(2/2, 3/1) = 1, image on the middle row, black above and below
        BufferedImage wide = TestImages.pixels(new int[][] {{0x0A141E, 0x28323C}});
        float[] out = run(spec("NHWC", 2, 3, "RGB", 1, ZERO, ONE, "letterbox"), wide);
        assertThat(out).containsExactly(new float[] {
                0, 0, 0, 0, 0, 0,
                10, 20, 30, 40, 50, 60,
                0, 0, 0, 0, 0, 0}, EXACT);
    }

    @Test
    void write_letterboxShrinkingUniformImage_keepsColourAndPadsBelow() {
        // 4x2 -> 2x2: scale 0.5, a 2x1 picture at the top row (offset (2-1)/2 = 0), black row below
        BufferedImage wide = TestImages.pixels(new int[][] {
                {0x6496C8, 0x6496C8, 0x6496C8, 0x6496C8},
                {0x6496C8, 0x6496C8, 0x6496C8, 0x6496C8}});
        float[] out = run(spec("NCHW", 2, 2, "RGB", 1, ZERO, ONE, "letterbox"), wide);
        assertThat(out).containsExactly(new float[] {
                100, 100, 0, 0,
                150, 150, 0, 0,
                200, 200, 0, 0}, EXACT);
    }

    @Test
    void write_letterboxTallImage_padsLeftAndRight() {
        // 1x2 -> 3x2: scale min(3/1, 2/2) = 1, image in the middle column
        BufferedImage tall = TestImages.pixels(new int[][] {{0x0A0000}, {0x140000}});
        float[] out = run(spec("NCHW", 3, 2, "RGB", 1, ZERO, ONE, "letterbox"), tall);
        assertThat(out).startsWith(new float[] {0, 10, 0, 0, 20, 0}, EXACT);
    }

    @Test
    void write_shrinkingFineStripes_averagesInsteadOfAliasing() {
        // one white column in three, 96x96 -> 2x2: each output pixel covers 48 columns, 16 of them white = 85;
        // sampling only the pixels next to each output centre would give 127.5 or 0 or 255
        int[][] rows = new int[96][96];
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                rows[y][x] = x % 3 == 0 ? 0xFFFFFF : 0x000000;
            }
        }
        float[] out = run(spec("NCHW", 2, 2, "RGB", 1, ZERO, ONE, "stretch"), TestImages.pixels(rows));
        for (float v : out) {
            assertThat(v).isCloseTo(85f, Offset.offset(12f));
        }
    }

    @Test
    void write_greyscaleImage_keepsGreyValuesInEveryChannel() {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 100);
        grey.getRaster().setSample(1, 0, 0, 200);
        float[] out = run(spec("NCHW", 2, 1, "RGB", 1, ZERO, ONE, "stretch"), grey);
        assertThat(out).containsExactly(new float[] {100, 200, 100, 200, 100, 200}, EXACT);
    }

    @Test
    void write_decodedGreyscaleJpeg_keepsGreyValues() {
        BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                grey.getRaster().setSample(x, y, 0, 120);
            }
        }
        BufferedImage decoded = ImageDecoder.decode(TestImages.encode(grey, "jpg"), ImageLimits.defaults()).toUprightImage();
        float[] out = run(spec("NHWC", 1, 1, "RGB", 1, ZERO, ONE, "stretch"), decoded);
        assertThat(out).containsExactly(new float[] {120, 120, 120}, Offset.offset(2f));
    }

    @Test
    void write_pictureOnePixelWideAndVeryTall_givesItsColourEverywhere() {
        // 1 x 60000: a resize that widens one axis while it shrinks the other must not build a huge intermediate
        byte[] rgb = new byte[3 * 60_000];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = 10;
            rgb[i + 1] = 20;
            rgb[i + 2] = 30;
        }
        Preprocessor p = new Preprocessor(spec("NHWC", 4, 4, "RGB", 1, ZERO, ONE, "stretch"));
        FloatBuffer buffer = direct(p.elementCount());
        p.write(new DecodedImage(new RgbImage(rgb, 1, 60_000), 1, 60_000, 1, "test"), buffer);
        for (int i = 0; i < p.elementCount(); i += 3) {
            assertThat(new float[] {buffer.get(i), buffer.get(i + 1), buffer.get(i + 2)})
                    .containsExactly(new float[] {10, 20, 30}, Offset.offset(1e-3f));
        }
    }

    @Test
    void shape_nchwAndNhwc_putChannelsWhereTheLayoutSays() {
        assertThat(new Preprocessor(spec("NCHW", 4, 3, "RGB", 255, ZERO, ONE, "stretch")).shape())
                .containsExactly(1, 3, 3, 4);
        assertThat(new Preprocessor(spec("NHWC", 4, 3, "RGB", 255, ZERO, ONE, "stretch")).shape())
                .containsExactly(1, 3, 4, 3);
    }

    @Test
    void write_reusedBuffer_overwritesPreviousValues() {
        Preprocessor p = new Preprocessor(spec("NCHW", 2, 2, "RGB", 255, ZERO, ONE, "stretch"));
        FloatBuffer buffer = direct(p.elementCount());
        p.write(TestImages.pixels(new int[][] {{0xFFFFFF, 0xFFFFFF}, {0xFFFFFF, 0xFFFFFF}}), buffer);
        p.write(FOUR, buffer);
        float[] out = new float[p.elementCount()];
        buffer.get(0, out);
        assertThat(out).containsExactly(new float[] {1, 0, 0, 0.2f, 0, 1, 0, 0.4f, 0, 0, 1, 0.6f}, EXACT);
    }

    private static float[] run(Manifest.InputSpec spec, BufferedImage image) {
        Preprocessor p = new Preprocessor(spec);
        FloatBuffer buffer = direct(p.elementCount());
        p.write(image, buffer);
        float[] out = new float[p.elementCount()];
        buffer.get(0, out);
        return out;
    }

    private static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static Manifest.InputSpec spec(String layout, int w, int h, String channels, double scale, double[] mean,
                                           double[] std, String resize) {
        return new Manifest.InputSpec(null, layout, w, h, channels, scale, mean, std, resize);
    }
}
