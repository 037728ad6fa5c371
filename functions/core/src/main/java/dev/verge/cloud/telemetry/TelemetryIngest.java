package dev.verge.cloud.telemetry;

import dev.verge.cloud.analytics.Aggregate;
import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.analytics.Rollup;
import dev.verge.cloud.analytics.RollupKey;
import dev.verge.cloud.analytics.RollupStore;
import dev.verge.cloud.api.DeviceAuthenticator.AuthenticatedDevice;
import dev.verge.cloud.api.UriPaths;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code POST /api/telemetry}: folds a batch of records into rollups, exactly once per batch id.
 * Raw records are never stored; the batch is aggregated while it is read (see {@link BatchParser}),
 * checked whole, and only then applied, so a malformed record anywhere changes nothing.
 *
 * <p>Exactly once: the batch's marker is created (atomically: a second create of the same key fails),
 * then each rollup delta is merged into its rollup with a conditional write and listed in the marker.
 * A repeated batch id finds the marker and answers {@code duplicate}; one whose first attempt died
 * half-way (marker still {@code APPLYING} after {@link #CLAIM_AFTER}) is finished by the retry, which
 * carries the same records, merging only the rollups the marker does not list. The one window left
 * is a crash between a rollup write and listing it, which would count that one delta twice.
 */
public final class TelemetryIngest {
    public static final String BATCHES = "telemetry-batches";
    public static final String DEVICES_SEEN = "telemetry-devices";
    /** How long an unfinished batch belongs to the attempt that started it before a retry takes it over. */
    static final Duration CLAIM_AFTER = Duration.ofMinutes(2);
    private static final String SEEN = "seen";
    private static final System.Logger LOG = System.getLogger(TelemetryIngest.class.getName());

    private final RollupStore rollups;
    private final JsonCollection<BatchMarker> markers;
    private final JsonCollection<DeviceSeen> devices;
    private final Clock clock;
    private final AnalyticsConfig config;
    private final Consumer<Rollup> onApplied;

    /**
     * @param onApplied told of every group rollup delta once its batch is recorded (drift checks hang here)
     */
    public TelemetryIngest(MetadataStore metadata, RollupStore rollups, Clock clock, AnalyticsConfig config,
                           Consumer<Rollup> onApplied) {
        this.rollups = rollups;
        this.markers = new JsonCollection<>(metadata, BATCHES, BatchMarker.class);
        this.devices = new JsonCollection<>(metadata, DEVICES_SEEN, DeviceSeen.class);
        this.clock = clock;
        this.config = config;
        this.onApplied = onApplied;
    }

    /** Ingests a batch already freed of its transfer encoding (see {@link BoundedBody}). */
    public IngestResult ingest(AuthenticatedDevice device, InputStream body) {
        Instant now = clock.instant();
        Deltas deltas = new Deltas(device);
        BatchParser.Header header = BatchParser.parse(body, config.maxBatchRecords(), now, deltas::add);
        if (!header.deviceId().equals(device.deviceId())) {
            throw new VergeException(ErrorKind.FORBIDDEN, "device_mismatch",
                    "expected deviceId \"" + device.deviceId() + "\" (the X-Device-Id that authenticated), found \""
                            + header.deviceId() + "\"");
        }
        List<Rollup> rollupDeltas = deltas.rollups();
        DeviceSeen seen = deltas.seen(now, header);
        String key = UriPaths.encodeSegment(device.deviceId()) + "/" + header.batchId();
        BatchMarker marker = new BatchMarker(header.batchId(), device.deviceId(), BatchMarker.State.APPLYING, now, 1,
                header.records(), header.dropped(), List.of());
        if (markers.create(key, marker)) {
            apply(key, 1, marker, rollupDeltas, seen);
            return new IngestResult(header.batchId(), header.records(), false);
        }
        return again(key, now, header, rollupDeltas, seen);
    }

    /** A batch id seen before: a duplicate, or an attempt that died half-way and is finished now. */
    private IngestResult again(String key, Instant now, BatchParser.Header header, List<Rollup> rollupDeltas, DeviceSeen seen) {
        JsonCollection.Revisioned<BatchMarker> existing = markers.get(key).orElseThrow(() -> new VergeException(
                ErrorKind.CONFLICT, "batch_in_progress", "the batch was being recorded a moment ago; send it again"));
        BatchMarker marker = existing.value();
        if (marker.state() == BatchMarker.State.APPLIED) {
            return new IngestResult(marker.batchId(), marker.accepted(), true);
        }
        if (marker.accepted() != header.records() || marker.dropped() != header.dropped()) {
            throw new VergeException(ErrorKind.CONFLICT, "batch_conflict",
                    "expected batch " + marker.batchId() + " again with its " + marker.accepted() + " records, found "
                            + header.records() + "; a batch id must not be reused for other records");
        }
        if (marker.receivedAt().plus(CLAIM_AFTER).isAfter(now)) {
            throw new VergeException(ErrorKind.CONFLICT, "batch_in_progress",
                    "expected batch " + marker.batchId() + " once, found it being recorded by an earlier attempt"
                            + " right now; send it again in a few seconds");
        }
        BatchMarker claimed = marker.claimed(now);
        if (!markers.update(key, existing.revision(), claimed)) {
            throw new VergeException(ErrorKind.CONFLICT, "batch_in_progress",
                    "another attempt took batch " + marker.batchId() + " over just now; send it again in a few seconds");
        }
        apply(key, existing.revision() + 1, claimed, rollupDeltas, seen);
        // the attempt that started it never answered, so to the device this is the first acceptance
        return new IngestResult(marker.batchId(), marker.accepted(), false);
    }

    private void apply(String key, long revision, BatchMarker marker, List<Rollup> rollupDeltas, DeviceSeen seen) {
        for (Rollup delta : rollupDeltas) {
            String id = delta.key().scope() + ":" + delta.key().id();
            if (marker.applied().contains(id)) {
                continue;
            }
            rollups.add(delta.key(), delta.aggregate());
            marker = marker.with(id);
            revision = strikeOff(key, revision, marker);
        }
        if (!marker.applied().contains(SEEN)) {
            recordSeen(seen);
            marker = marker.with(SEEN);
            revision = strikeOff(key, revision, marker);
        }
        strikeOff(key, revision, marker.done());
        // after the batch is safe: a failing drift check must not make the device send it again
        for (Rollup delta : rollupDeltas) {
            if (delta.deviceId() == null) {
                try {
                    onApplied.accept(delta);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "after batch " + marker.batchId() + ": " + e, e);
                }
            }
        }
    }

    private long strikeOff(String key, long revision, BatchMarker next) {
        if (!markers.update(key, revision, next)) {
            throw new VergeException(ErrorKind.CONFLICT, "batch_in_progress",
                    "another attempt took batch " + next.batchId() + " over while this one was recording it; it will finish it");
        }
        return revision + 1;
    }

    private void recordSeen(DeviceSeen seen) {
        String key = UriPaths.encodeSegment(seen.deviceId());
        for (int attempt = 0; attempt < 200; attempt++) {
            Optional<JsonCollection.Revisioned<DeviceSeen>> current = devices.get(key);
            boolean written = current.isEmpty()
                    ? devices.create(key, seen)
                    : devices.update(key, current.get().revision(), current.get().value().merge(seen));
            if (written) {
                return;
            }
        }
        throw new VergeException(ErrorKind.NOT_READY, "device_contended",
                "expected to record device " + seen.deviceId() + " within 200 attempts, found it changed every time; send again");
    }

    /** What telemetry says about every device that sent some, by device id. */
    public List<DeviceSeen> devices() {
        return devices.list("").stream().map(JsonCollection.Revisioned::value).toList();
    }

    /** The rollup deltas of one batch, built while it is parsed. */
    private static final class Deltas {
        private final AuthenticatedDevice device;
        private final Map<RollupKey, Aggregate> byKey = new LinkedHashMap<>();
        private TelemetryRecord latest;

        Deltas(AuthenticatedDevice device) {
            this.device = device;
        }

        void add(TelemetryRecord record) {
            var observation = record.observation();
            byKey.computeIfAbsent(RollupKey.group(record.model(), record.version(), device.group(), record.time()),
                    k -> new Aggregate()).add(observation);
            byKey.computeIfAbsent(RollupKey.device(device.deviceId(), device.group(), record.model(), record.version(),
                    record.time()), k -> new Aggregate()).add(observation);
            if (latest == null || !record.time().isBefore(latest.time())) {
                latest = record;
            }
        }

        List<Rollup> rollups() {
            return byKey.entrySet().stream().map(e -> Rollup.of(e.getKey(), e.getValue())).toList();
        }

        DeviceSeen seen(Instant now, BatchParser.Header header) {
            return new DeviceSeen(device.deviceId(), device.group(), now, latest == null ? null : latest.time(),
                    latest == null ? null : latest.model(), latest == null ? null : latest.version(), 1, header.records(),
                    header.dropped());
        }
    }
}
