package dev.verge.inference.image;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.verge.error.VergeException;

/**
 * Jazzer: any bytes given to {@link ImageDecoder#decode} with small limits either decode within the
 * limits or are refused with a {@link VergeException} (400/413) — never another exception or an
 * out-of-memory from a huge declared size. {@code mvn verify} replays {@code ImageDecoderFuzzTestInputs/}.
 */
class ImageDecoderFuzzTest {
    private static final ImageLimits LIMITS = new ImageLimits(1 << 20, 4_000_000);

    @FuzzTest(maxDuration = "60s")
    void decode_anyBytes_decodesWithinLimitsOrThrowsVergeException(byte[] bytes) {
        try {
            DecodedImage image = ImageDecoder.decode(bytes, LIMITS);
            if ((long) image.width() * image.height() > LIMITS.maxPixels()) {
                throw new AssertionError("decoded " + image.width() + "x" + image.height() + " past the pixel limit");
            }
        } catch (VergeException expected) {
            // image_empty, image_corrupt, image_unsupported_format, image_too_many_pixels, ...
        }
    }
}
