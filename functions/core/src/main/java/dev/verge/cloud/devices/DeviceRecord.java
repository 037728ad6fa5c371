package dev.verge.cloud.devices;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A device as stored in collection {@code devices} under its id. Keys are kept as SHA-256 digests
 * only (see {@link DeviceKeys}).
 *
 * @param lastStatus the last status report, as sent
 * @param health     its reports for each deployment it currently takes part in (one per model at most); records
 *                   from before several models hold one, as an object
 * @param desired    the last signed desired state it was sent; null before its first protocol-2 poll
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
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<DeviceHealth> health,
        SentDesired desired) {

    public static final String COLLECTION = "devices";

    public DeviceRecord {
        health = health == null ? List.of() : List.copyOf(health);
    }

    /** Its reports for {@code deploymentId} (as a shadow or not); empty when it has none. */
    public Optional<DeviceHealth> health(String deploymentId, boolean shadow) {
        return health.stream().filter(h -> h.deploymentId().equals(deploymentId) && h.shadow() == shadow).findFirst();
    }

    /**
     * The revision of the signed desired state the device was last sent, the digest of what it said (not
     * counting times and download URLs, which change on every poll), and when the revision was made.
     */
    public record SentDesired(long revision, String digest, Instant at) {}

    DeviceRecord withKey(KeySlot slot, String hash, Instant at) {
        return slot == KeySlot.PRIMARY
                ? new DeviceRecord(id, group, hash, secondaryKeyHash, createdAt, at, secondaryRotatedAt, lastSeen, lastStatus, health, desired)
                : new DeviceRecord(id, group, primaryKeyHash, hash, createdAt, primaryRotatedAt, at, lastSeen, lastStatus, health, desired);
    }

    DeviceRecord withStatus(StatusReport report, List<DeviceHealth> newHealth, Instant at) {
        return new DeviceRecord(id, group, primaryKeyHash, secondaryKeyHash, createdAt, primaryRotatedAt, secondaryRotatedAt,
                at, report, newHealth, desired);
    }

    DeviceRecord withDesired(SentDesired sent) {
        return new DeviceRecord(id, group, primaryKeyHash, secondaryKeyHash, createdAt, primaryRotatedAt, secondaryRotatedAt,
                lastSeen, lastStatus, health, sent);
    }

    /** True when the device last said it serves exactly this model version. */
    @JsonIgnore
    public boolean serving(String model, String version) {
        return lastStatus != null && lastStatus.serving(model, version);
    }
}
