package dev.verge.inference.image;

/**
 * A JPEG decoder that scales in the DCT domain (libjpeg's 1/2, 1/4, 1/8), so its work and memory follow the size
 * asked for, not the photo's. Implementations are found with {@link java.util.ServiceLoader}; the one Verge ships,
 * over libjpeg-turbo's TurboJPEG API, needs Java 22+ (the Foreign Function and Memory API) and libturbojpeg.
 * Implementations are thread-safe.
 */
public interface ScaledJpegDecoder {
    /** A name for logs and metrics, with the library version where known. */
    String name();

    /**
     * The JPEG at 1/{@code denominator} of its stored size (each side rounded up), before EXIF orientation.
     *
     * @param denominator 1, 2, 4 or 8
     * @throws dev.verge.error.VergeException 400 {@code image_corrupt} or {@code image_unsupported_format}
     */
    RgbImage decode(byte[] jpeg, int denominator);
}
