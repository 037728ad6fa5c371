package dev.verge.cloud.rights;

import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import dev.verge.cloud.port.MetadataStore;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What each device was sent: every answer of its desired state that names a model version records it here
 * ({@link #record}), and what it may report follows from it ({@link DeviceRights#reportWindow}).
 */
public final class SentVersions {
    public static final String COLLECTION = "device-versions";
    /** A poll refreshes {@code lastSentAt} only when it is older than this: one write per hour, not per poll. */
    static final Duration REFRESH = Duration.ofHours(1);
    private static final System.Logger LOG = System.getLogger(SentVersions.class.getName());

    private final JsonCollection<SentVersion> sent;

    /**
     * @param keep how long after a version was last sent its record still matters (the rights' retention and clock
     *             skew): it expires then, so the collection follows the fleet's current versions, not its history
     */
    public SentVersions(MetadataStore metadata, Duration keep) {
        this.sent = new JsonCollection<>(metadata, COLLECTION, SentVersion.class, v -> v.lastSentAt().plus(keep).plus(REFRESH));
    }

    /**
     * Records that {@code deviceId} was told to run {@code model} {@code version}. Best effort: a failed
     * write is logged and tried again at the next poll, and never costs the device its answer.
     *
     * @param deployedAt when the deployment that brought the version started (asked only the first time)
     */
    public void record(String deviceId, String model, String version, String deploymentId, Supplier<Instant> deployedAt,
                       Instant now) {
        String key = key(deviceId, model, version);
        try {
            Optional<Revisioned<SentVersion>> known = sent.get(key);
            if (known.isEmpty()) {
                Instant start = deployedAt.get();
                sent.create(key, new SentVersion(deviceId, model, version, deploymentId, start == null ? now : start, now, now));
            } else if (known.get().value().lastSentAt().plus(REFRESH).isBefore(now)) {
                sent.update(key, known.get().revision(), known.get().value().sentAgain(now));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not record that " + deviceId + " was sent " + model + "/" + version
                    + "; the next poll records it", e);
        }
    }

    /** Every version {@code deviceId} was ever sent. */
    public List<SentVersion> of(String deviceId) {
        return sent.list(deviceId + "/").stream().map(Revisioned::value).filter(v -> v.deviceId().equals(deviceId)).toList();
    }

    private static String key(String deviceId, String model, String version) {
        return deviceId + "/" + model + "/" + version;
    }
}
