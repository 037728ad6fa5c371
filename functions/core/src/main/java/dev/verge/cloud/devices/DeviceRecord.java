package dev.verge.cloud.devices;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * A device as stored in collection {@code devices} under its id. Keys are kept as SHA-256 digests
 * only (see {@link DeviceKeys}).
 *
 * @param lastStatus the last status report, as sent
 * @param health     its reports for the deployment it currently takes part in; null before any
 */
public record DeviceRecord(
        String id,
        String group,
        String primaryKeyHash,
        String secondaryKeyHash,
        Instant createdAt,
        Instant primaryRotatedAt,
        Instant secondaryRotatedAt,
        Instant lastSeen,
        StatusReport lastStatus,
        DeviceHealth health) {

    public static final String COLLECTION = "devices";

    DeviceRecord withKey(KeySlot slot, String hash, Instant at) {
        return slot == KeySlot.PRIMARY
                ? new DeviceRecord(id, group, hash, secondaryKeyHash, createdAt, at, secondaryRotatedAt, lastSeen, lastStatus, health)
                : new DeviceRecord(id, group, primaryKeyHash, hash, createdAt, primaryRotatedAt, at, lastSeen, lastStatus, health);
    }

    DeviceRecord withStatus(StatusReport report, DeviceHealth newHealth, Instant at) {
        return new DeviceRecord(id, group, primaryKeyHash, secondaryKeyHash, createdAt, primaryRotatedAt, secondaryRotatedAt,
                at, report, newHealth);
    }

    /** True when the device last said it serves exactly this model version. */
    @JsonIgnore
    public boolean serving(String model, String version) {
        return lastStatus != null && lastStatus.serving(model, version);
    }
}
