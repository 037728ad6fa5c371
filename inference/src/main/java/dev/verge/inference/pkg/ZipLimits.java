package dev.verge.inference.pkg;

/**
 * What a zipped package may hold: total bytes actually unpacked, number of entries, and the size of the zip
 * itself when it arrives as a stream.
 */
public record ZipLimits(long maxUnpackedBytes, int maxEntries, long maxZipBytes) {
    public ZipLimits {
        if (maxUnpackedBytes <= 0 || maxEntries <= 0 || maxZipBytes <= 0) {
            throw new IllegalArgumentException("zip limits must be positive");
        }
    }

    /** 512 MiB unpacked, 100 entries, 512 MiB zip. */
    public static ZipLimits defaults() {
        return new ZipLimits(512L * 1024 * 1024, 100, 512L * 1024 * 1024);
    }
}
