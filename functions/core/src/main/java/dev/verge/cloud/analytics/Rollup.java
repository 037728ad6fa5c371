package dev.verge.cloud.analytics;

import java.time.Instant;

/** A stored rollup document: what it covers and its {@link Aggregate}. */
public record Rollup(String model, String version, String group, String deviceId, Instant hour, int shard, Aggregate.Doc data) {

    public static Rollup of(RollupKey key, Aggregate aggregate) {
        return new Rollup(key.model(), key.version(), key.group(), key.deviceId(), key.hour(), key.shard(), aggregate.toDoc());
    }

    public RollupKey key() {
        return new RollupKey(deviceId == null ? RollupKey.Scope.GROUP : RollupKey.Scope.DEVICE, model, version, group,
                deviceId, hour, shard);
    }

    public Aggregate aggregate() {
        return Aggregate.fromDoc(data);
    }
}
