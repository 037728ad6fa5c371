package dev.verge.cloud.analytics;

import java.time.Instant;

/**
 * A stored rollup document: what it covers and its {@link Aggregate}.
 *
 * @param hour  the hour it covers, or the first of them
 * @param hours how many hours from {@code hour} it covers: 1 (0 in documents stored before compaction), 24 once
 *              compacted into a day (see {@code Housekeeping})
 */
public record Rollup(String model, String version, String group, String deviceId, Instant hour, int shard, int hours,
                     Aggregate.Doc data) {

    public Rollup {
        hours = hours == 0 ? 1 : hours;
    }

    public static Rollup of(RollupKey key, Aggregate aggregate) {
        return new Rollup(key.model(), key.version(), key.group(), key.deviceId(), key.hour(), key.shard(), 1, aggregate.toDoc());
    }

    public RollupKey key() {
        return new RollupKey(deviceId == null ? RollupKey.Scope.GROUP : RollupKey.Scope.DEVICE, model, version, group,
                deviceId, hour, shard);
    }

    public Aggregate aggregate() {
        return Aggregate.fromDoc(data);
    }
}
