package dev.verge.inference.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.demo.SampleImages;
import dev.verge.error.VergeException;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {
    private static final ImageLimits LIMITS = ImageLimits.defaults();

    @ParameterizedTest
    @ValueSource(strings = {"jpg", "png", "bmp"})
    void decode_supportedFormat_returnsPixelsAndSize(String format) {
        BufferedImage source = TestImages.halves(40, 20, new Color(220, 30, 30), new Color(30, 30, 220));
        DecodedImage decoded = ImageDecoder.decode(TestImages.encode(source, format), LIMITS);
        assertThat(decoded.width()).isEqualTo(40);
        assertThat(decoded.height()).isEqualTo(20);
        assertThat(decoded.format()).isEqualTo(format.equals("jpg") ? "jpeg" : format);
        assertRoughly(decoded.toUprightImage().getRGB(5, 10), new Color(220, 30, 30));
        assertRoughly(decoded.toUprightImage().getRGB(35, 10), new Color(30, 30, 220));
    }

    @Test
    void decode_jpegWithExifOrientation6_rotatesClockwise() {
        BufferedImage source = TestImages.halves(40, 20, new Color(220, 30, 30), new Color(30, 30, 220));
        byte[] jpeg = TestImages.withExifOrientation(TestImages.encode(source, "jpg"), 6);
        DecodedImage decoded = ImageDecoder.decode(jpeg, LIMITS);
        assertThat(decoded.width()).isEqualTo(20);
        assertThat(decoded.height()).isEqualTo(40);
        // turned 90 degrees clockwise: the left (red) half is now on top
        assertRoughly(decoded.toUprightImage().getRGB(10, 5), new Color(220, 30, 30));
        assertRoughly(decoded.toUprightImage().getRGB(10, 35), new Color(30, 30, 220));
    }

    @Test
    void decode_jpegWithExifOrientation3_turnsUpsideDown() {
        BufferedImage source = TestImages.halves(40, 20, new Color(220, 30, 30), new Color(30, 30, 220));
        byte[] jpeg = TestImages.withExifOrientation(TestImages.encode(source, "jpg"), 3);
        DecodedImage decoded = ImageDecoder.decode(jpeg, LIMITS);
        assertThat(decoded.width()).isEqualTo(40);
        assertRoughly(decoded.toUprightImage().getRGB(5, 10), new Color(30, 30, 220));
        assertRoughly(decoded.toUprightImage().getRGB(35, 10), new Color(220, 30, 30));
    }

    @Test
    void decode_jpegWithExifOrientation8_rotatesCounterClockwise() {
        BufferedImage source = TestImages.halves(40, 20, new Color(220, 30, 30), new Color(30, 30, 220));
        byte[] jpeg = TestImages.withExifOrientation(TestImages.encode(source, "jpg"), 8);
        DecodedImage decoded = ImageDecoder.decode(jpeg, LIMITS);
        assertThat(decoded.width()).isEqualTo(20);
        assertThat(decoded.height()).isEqualTo(40);
        assertRoughly(decoded.toUprightImage().getRGB(10, 5), new Color(30, 30, 220));
        assertRoughly(decoded.toUprightImage().getRGB(10, 35), new Color(220, 30, 30));
    }

    @Test
    void orientation_everyValue_mapsCornersLikeExifSays() {
        // 3x2 picture with distinct pixels; EXIF 1..8 transforms checked against the spec's tables
        int[][] rows = {{1, 2, 3}, {4, 5, 6}};
        BufferedImage src = TestImages.pixels(rows);
        assertThat(grid(oriented(src, 1))).isEqualTo(new int[][] {{1, 2, 3}, {4, 5, 6}});
        assertThat(grid(oriented(src, 2))).isEqualTo(new int[][] {{3, 2, 1}, {6, 5, 4}});
        assertThat(grid(oriented(src, 3))).isEqualTo(new int[][] {{6, 5, 4}, {3, 2, 1}});
        assertThat(grid(oriented(src, 4))).isEqualTo(new int[][] {{4, 5, 6}, {1, 2, 3}});
        assertThat(grid(oriented(src, 5))).isEqualTo(new int[][] {{1, 4}, {2, 5}, {3, 6}});
        assertThat(grid(oriented(src, 6))).isEqualTo(new int[][] {{4, 1}, {5, 2}, {6, 3}});
        assertThat(grid(oriented(src, 7))).isEqualTo(new int[][] {{6, 3}, {5, 2}, {4, 1}});
        assertThat(grid(oriented(src, 8))).isEqualTo(new int[][] {{3, 6}, {2, 5}, {1, 4}});
    }

    @Test
    void decode_pngNeededSmallerOnOneAxis_subsamplesThatAxisOnly() {
        // a strip 4 wide and 4000 tall, stretched to 224 x 224: every column counts, one row in 40 is plenty
        byte[] png = TestImages.encode(TestImages.halves(4, 4000, Color.RED, Color.BLUE), "png");
        DecodedImage decoded = ImageDecoder.decode(png, LIMITS, (w, h) -> new double[] {224.0 / w, 224.0 / h});
        assertThat(decoded.width()).isEqualTo(4);
        assertThat(decoded.height()).isEqualTo(4000);
        assertThat(decoded.pixels().width()).isEqualTo(4);
        assertThat(decoded.pixels().height()).isBetween(448, 800);
    }

    @Test
    void decode_pngHeaderClaiming50000x50000_refusedBeforeDecoding() {
        byte[] png = TestImages.pngHeaderOnly(50_000, 50_000);
        assertThat(png.length).isLessThan(100); // nothing to decode: only the header is looked at
        assertError(() -> ImageDecoder.decode(png, LIMITS), 413, "image_too_many_pixels", "50000x50000");
    }

    @Test
    void decode_overConfiguredPixels_refused() {
        byte[] png = TestImages.encode(TestImages.halves(100, 100, Color.RED, Color.BLUE), "png");
        assertError(() -> ImageDecoder.decode(png, new ImageLimits(1_000_000, 9_999)), 413, "image_too_many_pixels",
                "at most 9999 pixels");
    }

    @Test
    void decode_overConfiguredBytes_refused() {
        byte[] jpeg = SampleImages.jpeg("ripe-red-apple");
        assertError(() -> ImageDecoder.decode(jpeg, new ImageLimits(100, 40_000_000)), 413, "image_too_large",
                "larger than 100 bytes");
    }

    @Test
    void decode_gif_refusedAsUnsupportedListingAcceptedFormats() {
        byte[] gif = TestImages.encode(TestImages.halves(10, 10, Color.RED, Color.BLUE), "gif");
        assertError(() -> ImageDecoder.decode(gif, LIMITS), 400, "image_unsupported_format",
                "expected a JPEG, PNG or BMP image, found GIF");
    }

    @Test
    void decode_webpHeader_refusedAsUnsupported() {
        byte[] webp = "RIFF\0\0\0\0WEBPVP8 rest".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertError(() -> ImageDecoder.decode(webp, LIMITS), 400, "image_unsupported_format", "found WebP");
    }

    @Test
    void decode_zeroBytes_refusedAsEmpty() {
        assertError(() -> ImageDecoder.decode(new byte[0], LIMITS), 400, "image_empty", "no image bytes");
    }

    @Test
    void decode_randomBytes_refusedAsUnsupported() {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        noise[0] = 0x11; // make sure no magic number matches by chance
        assertError(() -> ImageDecoder.decode(noise, LIMITS), 400, "image_unsupported_format",
                "not a recognized image");
    }

    @Test
    void decode_truncatedJpeg_refusedAsCorrupt() {
        byte[] jpeg = SampleImages.jpeg("ripe-red-tomato");
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length * 6 / 10);
        assertError(() -> ImageDecoder.decode(truncated, LIMITS), 400, "image_corrupt", "JPEG");
    }

    @Test
    void decode_jpegCutRightAfterHeader_refusedAsCorrupt() {
        byte[] jpeg = SampleImages.jpeg("ripe-red-tomato");
        assertError(() -> ImageDecoder.decode(Arrays.copyOf(jpeg, 40), LIMITS), 400, "image_corrupt", "JPEG");
    }

    @Test
    void decode_jpegWithTrailerAfterEndMarker_accepted() {
        byte[] jpeg = SampleImages.jpeg("ripe-red-apple");
        byte[] withTrailer = Arrays.copyOf(jpeg, jpeg.length + 16);
        assertThat(ImageDecoder.decode(withTrailer, LIMITS).width()).isEqualTo(320);
    }

    @Test
    void decode_progressiveJpeg_acceptedAndTruncatedOneRefused() throws Exception {
        BufferedImage source = dev.verge.demo.SampleImages.render(dev.verge.demo.SampleImages.fruit("ripe-red-apple"));
        javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (var stream = javax.imageio.ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new javax.imageio.IIOImage(source, null, null), param);
        } finally {
            writer.dispose();
        }
        byte[] progressive = out.toByteArray();
        assertThat(ImageDecoder.decode(progressive, LIMITS).width()).isEqualTo(320);
        byte[] truncated = Arrays.copyOf(progressive, progressive.length * 8 / 10);
        assertError(() -> ImageDecoder.decode(truncated, LIMITS), 400, "image_corrupt", "JPEG");
    }

    @Test
    void decode_truncatedPng_refusedAsCorrupt() {
        byte[] png = SampleImages.samples().get("ripe-red-apple.png");
        byte[] truncated = Arrays.copyOf(png, png.length / 2);
        assertError(() -> ImageDecoder.decode(truncated, LIMITS), 400, "image_corrupt", "PNG");
    }

    @Test
    void decode_truncatedBmp_refusedAsCorrupt() {
        byte[] bmp = TestImages.encode(TestImages.halves(64, 64, Color.RED, Color.BLUE), "bmp");
        byte[] truncated = Arrays.copyOf(bmp, bmp.length / 2);
        assertError(() -> ImageDecoder.decode(truncated, LIMITS), 400, "image_corrupt", "BMP");
    }

    private static BufferedImage oriented(BufferedImage stored, int orientation) {
        return new DecodedImage(RgbImage.of(stored), 0, 0, orientation, "test").toUprightImage();
    }

    private static void assertError(ThrowingCallable call, int status, String code, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(VergeException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.kind().httpStatus()).isEqualTo(status);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    private static void assertRoughly(int rgb, Color expected) {
        Color c = new Color(rgb);
        assertThat(Math.abs(c.getRed() - expected.getRed())).as("red of " + c).isLessThan(30);
        assertThat(Math.abs(c.getGreen() - expected.getGreen())).as("green of " + c).isLessThan(30);
        assertThat(Math.abs(c.getBlue() - expected.getBlue())).as("blue of " + c).isLessThan(30);
    }

    private static int[][] grid(BufferedImage image) {
        int[][] out = new int[image.getHeight()][image.getWidth()];
        for (int y = 0; y < out.length; y++) {
            for (int x = 0; x < out[y].length; x++) {
                out[y][x] = image.getRGB(x, y) & 0xFFFFFF;
            }
        }
        return out;
    }
}
