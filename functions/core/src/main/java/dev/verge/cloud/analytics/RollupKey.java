package dev.verge.cloud.analytics;

import dev.verge.cloud.port.StoreKeys;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Which rollup a request counts in: per model version x device group x hour, or per device x hour
 * (and model version, so a device's numbers can be filtered by model too). Keys sort by time within
 * a model version (group rollups) or a device (device rollups), so a query lists one prefix.
 *
 * @param model    null (with {@code version}) for requests no model answered and for rejected records: "no model"
 * @param group    the device's group; null for a device in no group
 * @param deviceId null for group rollups
 * @param shard    which of a group rollup's {@value #SHARDS} documents (0 for device rollups)
 */
public record RollupKey(Scope scope, String model, String version, String group, String deviceId, Instant hour, int shard) {

    /** The two kinds of rollup. */
    public enum Scope { GROUP, DEVICE }

    /** Stands for "no group" in keys; an encoded group name never contains '%' followed by 'n'. */
    static final String NO_GROUP = "%none";
    /** Stands for "no model" (and its version) in keys; model names never contain '%'. */
    static final String NO_MODEL = "%none";

    /**
     * A group rollup is kept in this many documents, a device's batches always adding to the same one: 1,000 devices
     * sending every 10 s give one group's hour 100 additions a second, more than one document takes conditional
     * writes for without losing most races (the fleet bench on dynalite lost 4 races a request with 16). Readers
     * merge them, as they merge hours; a group's older rollups are shard 0.
     */
    public static final int SHARDS = 64;

    public RollupKey {
        hour = hour.truncatedTo(ChronoUnit.HOURS);
    }

    /** The group rollup's shard 0; for adding where no device sends (tests, imports). */
    public static RollupKey group(String model, String version, String group, Instant time) {
        return new RollupKey(Scope.GROUP, model, version, group, null, time, 0);
    }

    /** The group rollup's shard that {@code deviceId}'s batches add to. */
    public static RollupKey group(String model, String version, String group, String deviceId, Instant time) {
        return new RollupKey(Scope.GROUP, model, version, group, null, time, Math.floorMod(deviceId.hashCode(), SHARDS));
    }

    public static RollupKey device(String deviceId, String group, String model, String version, Instant time) {
        return new RollupKey(Scope.DEVICE, model, version, group, deviceId, time, 0);
    }

    /** The document key inside the scope's collection. */
    public String id() {
        return switch (scope) {
            case GROUP -> orNone(model) + "/" + orNone(version) + "/" + hour + "/" + groupSegment(group) + (shard == 0 ? "" : "/" + shard);
            case DEVICE -> StoreKeys.segment(deviceId) + "/" + hour + "/" + orNone(model) + "/" + orNone(version);
        };
    }

    private static String orNone(String modelOrVersion) {
        return modelOrVersion == null ? NO_MODEL : modelOrVersion;
    }

    static String groupSegment(String group) {
        return group == null ? NO_GROUP : StoreKeys.segment(group);
    }
}
