package dev.verge.cloud.devices;

import java.time.Instant;

/**
 * A device as the API shows it: what it reported last, never its key digests.
 *
 * @param desiredRevision the revision of the signed desired state it was last sent; null while it has only
 *                        asked in protocol 1 (an agent from before the signed desired state)
 */
public record DeviceView(
        String id,
        String group,
        Instant createdAt,
        Instant lastSeen,
        String model,
        String version,
        String state,
        String ortVersion,
        String agentVersion,
        StatusReport lastStatus,
        Instant primaryKeyRotatedAt,
        Instant secondaryKeyRotatedAt,
        Long desiredRevision) {

    static DeviceView of(DeviceRecord d) {
        StatusReport s = d.lastStatus();
        return new DeviceView(d.id(), d.group(), d.createdAt(), d.lastSeen(),
                s == null ? null : s.model(), s == null ? null : s.version(), s == null ? null : s.state(),
                s == null ? null : s.ortVersion(), s == null ? null : s.agentVersion(), s,
                d.primaryRotatedAt(), d.secondaryRotatedAt(), d.desired() == null ? null : d.desired().revision());
    }
}
