package dev.verge.inference.pkg;

/**
 * What a zipped package may hold: total bytes actually unpacked, number of entries, the size of the zip itself,
 * and how many times larger than the zip its content may be. {@link #defaults()} is the one definition the
 * registry, the cloud's predict routes and the edge agent share, so a package the registry accepts is one
 * every runtime can load.
 */
public record ZipLimits(long maxUnpackedBytes, int maxEntries, long maxZipBytes, int maxCompressionRatio) {
    /** 512 MiB: the largest package, zipped or unpacked. */
    public static final long MAX_PACKAGE_BYTES = 512L * 1024 * 1024;
    public static final int MAX_ENTRIES = 100;
    /**
     * Unpacked bytes per zipped byte. ONNX weights hardly compress (float noise; 1.1 to 2 times); a zip bomb
     * inflates a thousand times or more. Apache POI refuses the same ratio (its minimum inflate ratio 0.01).
     */
    public static final int MAX_COMPRESSION_RATIO = 100;
    /** Below this many unpacked bytes the ratio is not checked: a tiny manifest-only zip compresses well. */
    public static final long RATIO_FREE_BYTES = 1024L * 1024;

    public ZipLimits {
        if (maxUnpackedBytes <= 0 || maxEntries <= 0 || maxZipBytes <= 0 || maxCompressionRatio <= 0) {
            throw new IllegalArgumentException("zip limits must be positive");
        }
    }

    /** The shared limits with another cap on the unpacked bytes (tests). */
    public ZipLimits(long maxUnpackedBytes, int maxEntries, long maxZipBytes) {
        this(maxUnpackedBytes, maxEntries, maxZipBytes, MAX_COMPRESSION_RATIO);
    }

    /** 512 MiB unpacked, 100 entries, 512 MiB zip, 100 times compression at most. */
    public static ZipLimits defaults() {
        return new ZipLimits(MAX_PACKAGE_BYTES, MAX_ENTRIES, MAX_PACKAGE_BYTES, MAX_COMPRESSION_RATIO);
    }

    /** Whether {@code unpacked} bytes out of a {@code zipped}-byte zip inflate more than the ratio allows. */
    boolean overRatio(long unpacked, long zipped) {
        return unpacked > RATIO_FREE_BYTES && unpacked > (double) maxCompressionRatio * Math.max(1, zipped);
    }
}
