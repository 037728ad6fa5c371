package dev.verge.cloud.retention;

import java.time.Duration;
import java.util.Map;

/**
 * How long what grows with traffic is kept. Each figure is a number of days in its environment variable:
 * <table>
 *   <caption>retention settings</caption>
 *   <tr><td>{@code VERGE_RETAIN_BATCH_MARKERS_DAYS}</td><td>35</td><td>telemetry batch markers (a batch sent again
 *   later counts again; its records are refused by then anyway, past {@code VERGE_DEVICE_RETENTION_DAYS})</td></tr>
 *   <tr><td>{@code VERGE_RETAIN_EVENTS_DAYS}</td><td>90</td><td>event records ({@code GET /api/events}, a delivery's
 *   claim) and blob upload markers; webhook contents stay marked for good, so a replay is still refused</td></tr>
 *   <tr><td>{@code VERGE_RETAIN_DEVICE_ROLLUPS_DAYS}</td><td>14</td><td>per-device hourly rollups (the fleet's
 *   largest collection: one document per device and hour)</td></tr>
 *   <tr><td>{@code VERGE_ROLLUP_HOURLY_DAYS}</td><td>30</td><td>group rollups older than this are compacted from
 *   hourly to daily documents</td></tr>
 * </table>
 */
public record RetentionConfig(Duration batchMarkers, Duration events, Duration deviceRollups, Duration hourlyRollups) {

    public RetentionConfig {
        for (Duration d : new Duration[] {batchMarkers, events, deviceRollups, hourlyRollups}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("expected retention periods of at least a day, found " + d);
            }
        }
    }

    public static RetentionConfig defaults() {
        return new RetentionConfig(Duration.ofDays(35), Duration.ofDays(90), Duration.ofDays(14), Duration.ofDays(30));
    }

    public static RetentionConfig fromEnv(Map<String, String> env) {
        RetentionConfig d = defaults();
        return new RetentionConfig(days(env, "VERGE_RETAIN_BATCH_MARKERS_DAYS", d.batchMarkers),
                days(env, "VERGE_RETAIN_EVENTS_DAYS", d.events),
                days(env, "VERGE_RETAIN_DEVICE_ROLLUPS_DAYS", d.deviceRollups),
                days(env, "VERGE_ROLLUP_HOURLY_DAYS", d.hourlyRollups));
    }

    private static Duration days(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long days = Long.parseLong(value.strip());
            if (days < 1) {
                throw new IllegalArgumentException(name + ": expected a number of days of 1 or more, found " + value);
            }
            return Duration.ofDays(days);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": expected a number of days, found \"" + value + "\"", e);
        }
    }
}
