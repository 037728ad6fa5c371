package dev.verge.cloud.registry;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Limits and timings of the registry.
 *
 * @param maxPackageBytes    largest package (zip) accepted; 413 above it
 * @param maxUnpackedBytes   most bytes a package may unpack to (a zip bomb is refused when it inflates past this)
 * @param tempDir            where uploads are spooled (Lambda: /tmp); the inference module unpacks into java.io.tmpdir
 * @param awaitPending       how long a registration waits for a concurrent one of the same bytes to finish
 * @param stalePendingAfter  when a pending claim is considered abandoned (its registrar crashed) and may be taken over
 * @param maxConcurrentLoads how many packages are loaded in ONNX Runtime at once for validation
 */
public record RegistryConfig(long maxPackageBytes, long maxUnpackedBytes, Path tempDir, Duration awaitPending,
                             Duration stalePendingAfter, int maxConcurrentLoads) {

    public static RegistryConfig defaults() {
        return new RegistryConfig(512L << 20, 1L << 30, Path.of(System.getProperty("java.io.tmpdir")),
                Duration.ofSeconds(20), Duration.ofMinutes(15), 2);
    }

    public RegistryConfig withMaxPackageBytes(long bytes) {
        return new RegistryConfig(bytes, Math.max(bytes, maxUnpackedBytes), tempDir, awaitPending, stalePendingAfter, maxConcurrentLoads);
    }

    public RegistryConfig withMaxUnpackedBytes(long bytes) {
        return new RegistryConfig(maxPackageBytes, bytes, tempDir, awaitPending, stalePendingAfter, maxConcurrentLoads);
    }

    public RegistryConfig withTempDir(Path dir) {
        return new RegistryConfig(maxPackageBytes, maxUnpackedBytes, dir, awaitPending, stalePendingAfter, maxConcurrentLoads);
    }

    public RegistryConfig withTimings(Duration await, Duration staleAfter) {
        return new RegistryConfig(maxPackageBytes, maxUnpackedBytes, tempDir, await, staleAfter, maxConcurrentLoads);
    }
}
