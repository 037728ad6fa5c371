package dev.verge.inference.turbojpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.demo.CameraPictures;
import dev.verge.error.VergeException;
import dev.verge.inference.image.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** libjpeg-turbo against the JDK's own JPEG decoder, on the variants cameras and editors write. */
class TurboJpegDecoderTest {
    private static TurboJpegDecoder decoder;
    private static BufferedImage photo;

    @BeforeAll
    static void load() {
        decoder = new TurboJpegDecoder();
        photo = CameraPictures.render("ripe-red-apple", 333, 251); // odd sizes: partial blocks on both edges
    }

    @ParameterizedTest
    @CsvSource({"1, 333, 251", "2, 167, 126", "4, 84, 63", "8, 42, 32"})
    void decode_eachDenominator_roundsEachSideUp(int denominator, int width, int height) {
        RgbImage image = decoder.decode(JpegVariants.write(photo, "4:2:0", false, 0), denominator);
        assertThat(image.width()).isEqualTo(width);
        assertThat(image.height()).isEqualTo(height);
    }

    @ParameterizedTest
    @CsvSource({"4:2:0, false, 0", "4:2:2, false, 0", "4:4:4, false, 0", "4:2:0, true, 0", "4:4:4, true, 0",
            "4:2:0, false, 4", "4:2:2, true, 2"})
    void decode_fullSize_matchesImageIo(String sampling, boolean progressive, int restartInterval) throws IOException {
        byte[] jpeg = JpegVariants.write(photo, sampling, progressive, restartInterval);
        RgbImage turbo = decoder.decode(jpeg, 1);
        RgbImage imageIo = RgbImage.of(ImageIO.read(new ByteArrayInputStream(jpeg)));
        // both are libjpeg; they differ only in chroma upsampling and rounding
        assertThat(meanAbsoluteDifference(turbo, imageIo)).isLessThan(1.5);
    }

    @Test
    void decode_scaledByEight_isTheAverageOfEachBlock() {
        byte[] jpeg = JpegVariants.write(photo, "4:4:4", false, 0);
        RgbImage full = decoder.decode(jpeg, 1);
        RgbImage eighth = decoder.decode(jpeg, 8);
        // 1/8 keeps each 8x8 block's DC coefficient: its mean colour
        double error = 0;
        int n = 0;
        for (int by = 0; by < 31; by++) {
            for (int bx = 0; bx < 41; bx++) {
                int[] mean = blockMean(full, bx * 8, by * 8);
                int px = eighth.rgbAt(bx, by);
                error += Math.abs(mean[0] - ((px >> 16) & 0xFF)) + Math.abs(mean[1] - ((px >> 8) & 0xFF))
                        + Math.abs(mean[2] - (px & 0xFF));
                n += 3;
            }
        }
        assertThat(error / n).isLessThan(2.0);
    }

    @Test
    void decode_greyscale_givesEqualChannels() {
        BufferedImage grey = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(photo, 0, 0, null);
        RgbImage image = decoder.decode(JpegVariants.write(grey, "4:2:0", false, 0), 2);
        assertThat(image.width()).isEqualTo(32);
        for (int i = 0; i < image.rgb().length; i += 3) {
            assertThat(image.rgb()[i]).isEqualTo(image.rgb()[i + 1]).isEqualTo(image.rgb()[i + 2]);
        }
    }

    @Test
    void decode_adobeCmyk_turnsInkIntoColour() {
        // left half pure cyan ink, right half pure yellow ink; Adobe CMYK is stored inverted (255 = no ink)
        WritableRaster cmyk = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 32,
                16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                cmyk.setPixel(x, y, x < 16 ? new int[] {0, 255, 255, 255} : new int[] {255, 255, 0, 255});
            }
        }
        RgbImage image = decoder.decode(JpegVariants.adobeCmyk(cmyk), 1);
        int cyan = image.rgbAt(4, 8);
        int yellow = image.rgbAt(28, 8);
        assertThat((cyan >> 16) & 0xFF).isLessThan(40);
        assertThat(cyan & 0xFF).isGreaterThan(215);
        assertThat(yellow & 0xFF).isLessThan(40);
        assertThat((yellow >> 16) & 0xFF).isGreaterThan(215);
    }

    @ParameterizedTest
    @ValueSource(ints = {40, 300, 2000})
    void decode_truncated_refusedAsCorrupt(int keep) {
        byte[] jpeg = JpegVariants.write(photo, "4:2:0", false, 0);
        byte[] cut = Arrays.copyOf(jpeg, keep);
        assertThatThrownBy(() -> decoder.decode(cut, 2)).isInstanceOfSatisfying(VergeException.class, e -> {
            assertThat(e.code()).isEqualTo("image_corrupt");
            assertThat(e.kind().httpStatus()).isEqualTo(400);
        });
    }

    @Test
    void decode_damagedFilesOneAfterAnother_eachDecodedOrRefusedAndTheNextStillDecodes() {
        // a handle that saw a fatal error once crashed the JVM on its next image: every damaged file here is
        // followed by a good one on the same decoder
        byte[] good = JpegVariants.write(photo, "4:2:0", true, 2);
        java.util.Random random = new java.util.Random(11);
        int refused = 0;
        for (int round = 0; round < 300; round++) {
            byte[] damaged = round % 3 == 0 ? Arrays.copyOf(good, 3 + random.nextInt(good.length - 3)) : good.clone();
            for (int flips = round % 3 == 0 ? 0 : 1 + random.nextInt(8); flips > 0; flips--) {
                damaged[2 + random.nextInt(damaged.length - 2)] = (byte) random.nextInt(256);
            }
            try {
                decoder.decode(damaged, 1 << random.nextInt(4));
            } catch (VergeException e) {
                assertThat(e.kind().httpStatus()).isEqualTo(400);
                refused++;
            }
            assertThat(decoder.decode(good, 2).width()).isEqualTo(167);
        }
        assertThat(refused).isGreaterThan(100);
    }

    @Test
    void decode_fromManyThreads_givesTheSamePixels() throws Exception {
        byte[] jpeg = JpegVariants.write(photo, "4:2:0", true, 0);
        byte[] expected = decoder.decode(jpeg, 2).rgb();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var results = pool.invokeAll(java.util.Collections.nCopies(32, () -> decoder.decode(jpeg, 2).rgb()));
            for (var result : results) {
                assertThat(result.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int[] blockMean(RgbImage image, int x0, int y0) {
        int[] sum = new int[3];
        for (int y = y0; y < y0 + 8; y++) {
            for (int x = x0; x < x0 + 8; x++) {
                int px = image.rgbAt(x, y);
                sum[0] += (px >> 16) & 0xFF;
                sum[1] += (px >> 8) & 0xFF;
                sum[2] += px & 0xFF;
            }
        }
        return new int[] {sum[0] / 64, sum[1] / 64, sum[2] / 64};
    }

    static double meanAbsoluteDifference(RgbImage a, RgbImage b) {
        assertThat(a.width()).isEqualTo(b.width());
        assertThat(a.height()).isEqualTo(b.height());
        long sum = 0;
        for (int i = 0; i < 3 * a.width() * a.height(); i++) {
            sum += Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF));
        }
        return (double) sum / (3L * a.width() * a.height());
    }
}
