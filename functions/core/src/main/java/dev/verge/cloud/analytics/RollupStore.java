package dev.verge.cloud.analytics;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.verge.cloud.api.UriPaths;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The rollups in the metadata store: collection {@value #GROUP_ROLLUPS} (model version x group x hour)
 * and {@value #DEVICE_ROLLUPS} (device x hour x model version). Adding to a rollup is a read, a merge
 * and a conditional write, retried with jittered backoff when another ingest wrote first, so
 * concurrent ingests never lose a count.
 */
public final class RollupStore {
    public static final String GROUP_ROLLUPS = "rollups-group";
    public static final String DEVICE_ROLLUPS = "rollups-device";
    private static final long HOURLY_LISTING_UP_TO = 72;

    private final JsonCollection<Rollup> groupRollups;
    private final JsonCollection<Rollup> deviceRollups;
    private final RetryPolicy<Boolean> onConflict = RetryPolicy.<Boolean>builder()
            // only lost races are retried; a failing store is the caller's to see
            .handleIf((written, failure) -> failure == null && Boolean.FALSE.equals(written))
            .withMaxRetries(200)
            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(50))
            .withJitter(0.5)
            .build();

    public RollupStore(MetadataStore metadata) {
        this.groupRollups = new JsonCollection<>(metadata, GROUP_ROLLUPS, Rollup.class);
        this.deviceRollups = new JsonCollection<>(metadata, DEVICE_ROLLUPS, Rollup.class);
    }

    /** Merges {@code delta} into the rollup {@code key}, creating it when it is the first. */
    public void add(RollupKey key, Aggregate delta) {
        JsonCollection<Rollup> collection = collection(key.scope());
        boolean written = Failsafe.with(onConflict).get(() -> tryAdd(collection, key, delta));
        if (!written) {
            throw new VergeException(ErrorKind.NOT_READY, "rollup_contended",
                    "expected to update rollup " + key.id() + " within 200 attempts, found it changed by another writer"
                            + " every time; send the batch again");
        }
    }

    private static boolean tryAdd(JsonCollection<Rollup> collection, RollupKey key, Aggregate delta) {
        String id = key.id();
        var existing = collection.get(id);
        if (existing.isEmpty()) {
            return collection.create(id, Rollup.of(key, delta));
        }
        Aggregate merged = existing.get().value().aggregate().merge(delta);
        return collection.update(id, existing.get().revision(), Rollup.of(key, merged));
    }

    /** Group rollups of one model (every model when null), and of one version of it when given. */
    public List<Rollup> groupRollups(String model, String version) {
        String prefix = model == null ? "" : version == null ? model + "/" : model + "/" + version + "/";
        return groupRollups.list(prefix).stream().map(Revisioned::value).toList();
    }

    /**
     * Group rollups of one model version in the hours [{@code from}, {@code to}): a listing per hour for
     * short ranges (drift windows, the dashboard's day), so the cost does not grow with the version's age.
     */
    public List<Rollup> groupRollups(String model, String version, Instant from, Instant to) {
        Instant start = from.truncatedTo(ChronoUnit.HOURS);
        if (Duration.between(start, to).toHours() > HOURLY_LISTING_UP_TO) {
            return groupRollups(model, version).stream()
                    .filter(r -> !r.hour().isBefore(start) && r.hour().isBefore(to))
                    .toList();
        }
        List<Rollup> out = new ArrayList<>();
        for (Instant hour = start; hour.isBefore(to); hour = hour.plus(Duration.ofHours(1))) {
            groupRollups.list(model + "/" + version + "/" + hour + "/").forEach(r -> out.add(r.value()));
        }
        return out;
    }

    /** Rollups of one device, across model versions. */
    public List<Rollup> deviceRollups(String deviceId) {
        return deviceRollups.list(UriPaths.encodeSegment(deviceId) + "/").stream().map(Revisioned::value).toList();
    }

    private JsonCollection<Rollup> collection(RollupKey.Scope scope) {
        return scope == RollupKey.Scope.GROUP ? groupRollups : deviceRollups;
    }
}
