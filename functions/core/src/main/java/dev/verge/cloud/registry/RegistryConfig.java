package dev.verge.cloud.registry;

import dev.verge.inference.pkg.ZipLimits;
import dev.verge.inference.runtime.Model;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Limits and timings of the registry.
 *
 * @param maxPackageBytes    largest package (zip) accepted; 413 above it
 * @param maxUnpackedBytes   most bytes a package may unpack to (a zip bomb is refused when it inflates past this)
 * @param tempDir            where uploads are spooled and unpacked for validation (Lambda: /tmp)
 * @param awaitPending       how long a registration waits for a concurrent one of the same bytes to finish
 * @param stalePendingAfter  when a pending claim is considered abandoned (its registrar crashed) and may be taken over
 * @param maxConcurrentLoads how many packages are loaded in ONNX Runtime at once for validation
 * @param maxSmokeTestTime   longest the smoke test's inference may run; a model past it is refused (model_too_slow)
 */
public record RegistryConfig(long maxPackageBytes, long maxUnpackedBytes, Path tempDir, Duration awaitPending,
                             Duration stalePendingAfter, int maxConcurrentLoads, Duration maxSmokeTestTime) {

    public RegistryConfig {
        if (maxPackageBytes > ZipLimits.MAX_PACKAGE_BYTES || maxUnpackedBytes > ZipLimits.MAX_PACKAGE_BYTES) {
            throw new IllegalArgumentException("the largest package is " + (ZipLimits.MAX_PACKAGE_BYTES >> 20) + " MiB,"
                    + " zipped or unpacked (what edge agents and the predict routes load); found "
                    + (Math.max(maxPackageBytes, maxUnpackedBytes) >> 20) + " MiB");
        }
    }

    /** The limits every runtime shares ({@link ZipLimits#defaults()}); the smoke test has {@link Model#DEFAULT_MAX_RUN_TIME}. */
    public static RegistryConfig defaults() {
        return new RegistryConfig(ZipLimits.MAX_PACKAGE_BYTES, ZipLimits.MAX_PACKAGE_BYTES,
                Path.of(System.getProperty("java.io.tmpdir")), Duration.ofSeconds(20), Duration.ofMinutes(15), 2,
                Model.DEFAULT_MAX_RUN_TIME);
    }

    /** The zip limits of a package under these settings. */
    public ZipLimits zipLimits() {
        return new ZipLimits(maxUnpackedBytes, ZipLimits.MAX_ENTRIES, maxPackageBytes, ZipLimits.MAX_COMPRESSION_RATIO);
    }

    /** A lower limit on the zip (never above the shared one); the unpacked limit stays the shared one. */
    public RegistryConfig withMaxPackageBytes(long bytes) {
        return new RegistryConfig(bytes, Math.max(bytes, maxUnpackedBytes), tempDir, awaitPending, stalePendingAfter,
                maxConcurrentLoads, maxSmokeTestTime);
    }

    public RegistryConfig withMaxSmokeTestTime(Duration limit) {
        return new RegistryConfig(maxPackageBytes, maxUnpackedBytes, tempDir, awaitPending, stalePendingAfter,
                maxConcurrentLoads, limit);
    }

    public RegistryConfig withMaxUnpackedBytes(long bytes) {
        return new RegistryConfig(maxPackageBytes, bytes, tempDir, awaitPending, stalePendingAfter, maxConcurrentLoads,
                maxSmokeTestTime);
    }

    public RegistryConfig withTempDir(Path dir) {
        return new RegistryConfig(maxPackageBytes, maxUnpackedBytes, dir, awaitPending, stalePendingAfter, maxConcurrentLoads,
                maxSmokeTestTime);
    }

    public RegistryConfig withTimings(Duration await, Duration staleAfter) {
        return new RegistryConfig(maxPackageBytes, maxUnpackedBytes, tempDir, await, staleAfter, maxConcurrentLoads,
                maxSmokeTestTime);
    }
}
