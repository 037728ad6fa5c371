package dev.verge.inference.image;

/** How big an image request may be: bytes on the wire and pixels once decoded (checked from the header). */
public record ImageLimits(long maxBytes, long maxPixels) {
    public static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024;
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    public ImageLimits {
        if (maxBytes <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("image limits must be positive, found maxBytes=" + maxBytes
                    + ", maxPixels=" + maxPixels);
        }
    }

    /** 4 MiB, 40 megapixels. */
    public static ImageLimits defaults() {
        return new ImageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS);
    }
}
