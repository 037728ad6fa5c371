package dev.verge.cloud.devices;

import java.time.Instant;
import java.util.List;

/**
 * A device as the API shows it: what it reported last, never its key digests.
 *
 * @param desiredRevision the revision of the signed desired state it was last sent; null while it has only
 *                        asked in protocol 1 (an agent from before the signed desired state)
 * @param models          every model it said it serves, {@code name/version}, its default first
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
        Long desiredRevision,
        List<String> models) {

    static DeviceView of(DeviceRecord d) {
        StatusReport s = d.lastStatus();
        return new DeviceView(d.id(), d.group(), d.createdAt(), d.lastSeen(),
                s == null ? null : s.model(), s == null ? null : s.version(), s == null ? null : s.state(),
                s == null ? null : s.ortVersion(), s == null ? null : s.agentVersion(), s,
                d.primaryRotatedAt(), d.secondaryRotatedAt(), d.desired() == null ? null : d.desired().revision(), modelsOf(s));
    }

    /** Every model the device serves, as {@code name/version}, its default first; one agent with one model lists that one. */
    public static List<String> modelsOf(StatusReport s) {
        if (s == null) {
            return List.of();
        }
        if (!s.models().isEmpty()) {
            return s.models().stream().sorted(java.util.Comparator.comparing((dev.verge.wire.status.ModelStatus m) -> !m.isDefault()))
                    .map(m -> m.name() + "/" + m.version()).toList();
        }
        return s.model() == null || s.version() == null ? List.of() : List.of(s.model() + "/" + s.version());
    }
}
