package dev.verge.cloud.rights;

import java.time.Duration;
import java.util.Map;

/**
 * What a device may report, read from the environment:
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><td>{@code VERGE_DEVICE_RETENTION_DAYS}</td><td>telemetry and samples are accepted for a version this
 *       long after it was last sent to the device (default 7)</td></tr>
 *   <tr><td>{@code VERGE_DEVICE_CLOCK_SKEW_SECONDS}</td><td>how far a record's time may lie before the start of
 *       the deployment that brought its version, or after the cloud's clock (default 300)</td></tr>
 *   <tr><td>{@code VERGE_SAMPLES_PER_DEVICE_PER_DAY}</td><td>samples one device may upload per UTC day (default 500)</td></tr>
 *   <tr><td>{@code VERGE_SAMPLE_MB_PER_DEVICE_PER_DAY}</td><td>their bytes per UTC day, in MiB (default 100)</td></tr>
 * </table>
 */
public record RightsConfig(Duration retention, Duration clockSkew, int samplesPerDay, long sampleBytesPerDay) {

    public RightsConfig {
        if (retention.isNegative() || retention.isZero() || clockSkew.isNegative() || samplesPerDay <= 0 || sampleBytesPerDay <= 0) {
            throw new IllegalArgumentException("expected a positive retention, quota and byte quota and a clock skew >= 0, found "
                    + retention + ", " + samplesPerDay + ", " + sampleBytesPerDay + " and " + clockSkew);
        }
    }

    public static RightsConfig defaults() {
        return new RightsConfig(Duration.ofDays(7), Duration.ofMinutes(5), 500, 100L << 20);
    }

    public static RightsConfig fromEnv(Map<String, String> env) {
        RightsConfig d = defaults();
        return new RightsConfig(
                env.containsKey("VERGE_DEVICE_RETENTION_DAYS") ? Duration.ofDays(Long.parseLong(env.get("VERGE_DEVICE_RETENTION_DAYS").strip())) : d.retention,
                env.containsKey("VERGE_DEVICE_CLOCK_SKEW_SECONDS") ? Duration.ofSeconds(Long.parseLong(env.get("VERGE_DEVICE_CLOCK_SKEW_SECONDS").strip())) : d.clockSkew,
                env.containsKey("VERGE_SAMPLES_PER_DEVICE_PER_DAY") ? Integer.parseInt(env.get("VERGE_SAMPLES_PER_DEVICE_PER_DAY").strip()) : d.samplesPerDay,
                env.containsKey("VERGE_SAMPLE_MB_PER_DEVICE_PER_DAY") ? Long.parseLong(env.get("VERGE_SAMPLE_MB_PER_DEVICE_PER_DAY").strip()) << 20 : d.sampleBytesPerDay);
    }

    public RightsConfig withSampleQuota(int count, long bytes) {
        return new RightsConfig(retention, clockSkew, count, bytes);
    }
}
