package dev.verge.cloud.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.analytics.Aggregate;
import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.analytics.Rollup;
import dev.verge.cloud.analytics.RollupKey;
import dev.verge.cloud.analytics.RollupStore;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.port.StoreKeys;
import dev.verge.cloud.port.IdempotencyLedger;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.ConditionalWrite;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.registry.ModelNames;
import dev.verge.cloud.rights.ReportWindow;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.wire.telemetry.TelemetryAnswer;
import dev.verge.wire.telemetry.TelemetryRecord;
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
import java.util.function.Function;

/**
 * {@code POST /api/telemetry}: folds a batch of records into rollups, exactly once per batch id.
 * Raw records are never stored; the batch is aggregated while it is read (see {@link BatchParser}) and
 * applied once it was read to the end. Every well-formed record is counted; a record that fails its
 * check is rejected on its own (answered with its index and reason, and counted as {@code rejected} in
 * the device's rollup and its {@link DeviceSeen}), so one bad record never costs its batch. A record the
 * device may not report ({@link ReportWindow}: a version it was not sent within the retention window, or a
 * time outside the deployment's window allowing the clock skew) is rejected the same way. Records no
 * model answered (model and version null) count in "no model" rollups of the device and its group.
 *
 * <p>Exactly once: the batch id is claimed in the {@link IdempotencyLedger} (its {@link BatchMarker}, payload hash:
 * the batch's counts), then each rollup delta is merged into its rollup with a conditional write and listed in the
 * marker as the claim's progress; the marker is completed with the answer. A repeated batch id answers the first
 * answer as {@code duplicate}; one reused for other records while unfinished is 409 {@code batch_conflict}; one whose
 * first attempt died half-way (still in progress after {@link #CLAIM_AFTER}) is finished by the retry, which
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
    private final IdempotencyLedger<BatchMarker> markers;
    private final JsonCollection<DeviceSeen> devices;
    private final ConditionalWrite<DeviceSeen> seenWrites;
    private final Clock clock;
    private final AnalyticsConfig config;
    private final Consumer<Rollup> onApplied;
    private final Function<DeviceIdentity, ReportWindow> windows;

    /**
     * @param windows   what each device may report (a record outside it is rejected on its own, with the reason)
     * @param onApplied told of every group rollup delta once its batch is recorded (drift checks hang here)
     */
    public TelemetryIngest(MetadataStore metadata, RollupStore rollups, Clock clock, AnalyticsConfig config, Duration keepMarkers,
                           Function<DeviceIdentity, ReportWindow> windows, Consumer<Rollup> onApplied) {
        this.windows = windows;
        this.rollups = rollups;
        this.markers = new IdempotencyLedger<>(metadata, BATCHES, BatchMarker.class, clock, keepMarkers, TelemetryIngest::legacyStamp);
        this.devices = new JsonCollection<>(metadata, DEVICES_SEEN, DeviceSeen.class);
        this.seenWrites = new ConditionalWrite<>(devices);
        this.clock = clock;
        this.config = config;
        this.onApplied = onApplied;
    }

    /** Ingests a batch already freed of its transfer encoding (see {@code api.BoundedBody}). */
    public TelemetryAnswer ingest(DeviceIdentity device, InputStream body) {
        Instant now = clock.instant();
        Deltas deltas = new Deltas(device);
        List<TelemetryAnswer.Rejection> rejections = new ArrayList<>();
        BatchParser.Header header = BatchParser.parse(body, config.maxBatchRecords(), now, windows.apply(device), deltas::add, rejection -> {
            if (rejections.size() < TelemetryAnswer.MAX_LISTED) {
                rejections.add(rejection);
            }
        });
        if (!header.deviceId().equals(device.deviceId())) {
            throw new VergeException(ErrorKind.FORBIDDEN, "device_mismatch",
                    "expected deviceId \"" + device.deviceId() + "\" (the X-Device-Id that authenticated), found \""
                            + header.deviceId() + "\"");
        }
        if (header.rejected() > 0) {
            deltas.rejected(now, header.rejected());
            LOG.log(System.Logger.Level.INFO, "telemetry batch " + header.batchId() + " of device " + device.deviceId()
                    + ": " + header.rejected() + " record(s) rejected, " + header.records() + " counted; first: "
                    + rejections.get(0).field() + ": " + rejections.get(0).reason());
        }
        List<Rollup> rollupDeltas = deltas.rollups();
        DeviceSeen seen = deltas.seen(now, header);
        String key = StoreKeys.segment(device.deviceId()) + "/" + header.batchId();
        BatchMarker fresh = new BatchMarker(header.batchId(), device.deviceId(), now, 1,
                header.records(), header.dropped(), List.of(), header.rejected(), rejections);
        Function<Optional<BatchMarker>, BatchMarker> inProgress = abandoned -> abandoned.map(m -> m.claimed(now)).orElse(fresh);
        String hash = BatchMarker.payloadHash(header.records(), header.rejected(), header.dropped());
        return switch (markers.claim(key, hash, inProgress, CLAIM_AFTER)) {
            case IdempotencyLedger.Claimed<BatchMarker> claimed -> {
                BatchMarker marker = inProgress.apply(claimed.abandoned());
                apply(claimed.lease(), marker, rollupDeltas, seen);
                // a batch taken over: the attempt that started it never answered, so to the device this is the first acceptance
                yield marker.answer(false);
            }
            case IdempotencyLedger.AlreadyCompleted<BatchMarker> done -> done.result().answer(true);
            case IdempotencyLedger.InProgressElsewhere<BatchMarker> elsewhere -> throw new VergeException(ErrorKind.CONFLICT,
                    "batch_in_progress", "expected batch " + header.batchId() + " once, found it being recorded by an earlier"
                            + " attempt right now; send it again in a few seconds");
            case IdempotencyLedger.PayloadMismatch<BatchMarker> other -> {
                if (other.status() == IdempotencyLedger.Status.COMPLETED) {
                    yield other.stored().answer(true); // a recorded batch answers what it answered the first time
                }
                throw new VergeException(ErrorKind.CONFLICT, "batch_conflict", "expected batch " + header.batchId()
                        + " again with its " + other.stored().accepted() + " records, found " + header.records()
                        + "; a batch id must not be reused for other records");
            }
        };
    }

    private void apply(IdempotencyLedger.Lease lease, BatchMarker marker, List<Rollup> rollupDeltas, DeviceSeen seen) {
        for (Rollup delta : rollupDeltas) {
            String id = delta.key().scope() + ":" + delta.key().id();
            if (marker.applied().contains(id)) {
                continue;
            }
            rollups.add(delta.key(), delta.aggregate());
            marker = marker.with(id);
            lease = strikeOff(lease, marker);
        }
        if (!marker.applied().contains(SEEN)) {
            recordSeen(seen);
            marker = marker.with(SEEN);
            lease = strikeOff(lease, marker);
        }
        if (!markers.complete(lease, marker.done())) {
            throw lost(marker);
        }
        // after the batch is safe: a failing drift check must not make the device send it again
        for (Rollup delta : rollupDeltas) {
            if (delta.deviceId() == null && ModelNames.isValidName(delta.model()) && ModelNames.isValidVersion(delta.version())) {
                try {
                    onApplied.accept(delta);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "after batch " + marker.batchId() + ": " + e, e);
                }
            }
        }
    }

    private IdempotencyLedger.Lease strikeOff(IdempotencyLedger.Lease lease, BatchMarker next) {
        return markers.progress(lease, next).orElseThrow(() -> lost(next));
    }

    private static VergeException lost(BatchMarker marker) {
        return new VergeException(ErrorKind.CONFLICT, "batch_in_progress",
                "another attempt took batch " + marker.batchId() + " over while this one was recording it; it will finish it");
    }

    /** A batch marker stored before the ledger: its {@code state} said where it was. */
    private static IdempotencyLedger.Stamp legacyStamp(JsonNode marker) {
        Instant receivedAt = IdempotencyLedger.instant(marker, "receivedAt");
        String hash = BatchMarker.payloadHash(marker.path("accepted").asLong(), marker.path("rejected").asLong(),
                marker.path("dropped").asLong());
        return "APPLYING".equals(marker.path("state").asText())
                ? new IdempotencyLedger.Stamp(IdempotencyLedger.Status.IN_PROGRESS, hash, receivedAt,
                        receivedAt == null ? null : receivedAt.plus(CLAIM_AFTER))
                : new IdempotencyLedger.Stamp(IdempotencyLedger.Status.COMPLETED, hash, receivedAt, null);
    }

    private void recordSeen(DeviceSeen seen) {
        String key = StoreKeys.segment(seen.deviceId());
        seenWrites.upsert(key, current -> current.map(c -> c.merge(seen)).orElse(seen), failure -> new VergeException(
                ErrorKind.NOT_READY, "device_contended", "expected to record device " + seen.deviceId()
                        + ", found it changed by another writer every time; send again"));
    }

    /** What telemetry says about every device that sent some, by device id. */
    public List<DeviceSeen> devices() {
        return devices.list("").stream().map(JsonCollection.Revisioned::value).toList();
    }

    /** The first {@code limit} devices that sent telemetry, by (encoded) device id. */
    public List<DeviceSeen> devices(int limit) {
        return devices.page("", null, limit).records().stream().map(JsonCollection.Revisioned::value).toList();
    }

    /** What telemetry says about one device; empty when it sent none. */
    public Optional<DeviceSeen> device(String deviceId) {
        return devices.get(StoreKeys.segment(deviceId)).map(JsonCollection.Revisioned::value);
    }

    /** The rollup deltas of one batch, built while it is parsed. */
    private static final class Deltas {
        private final DeviceIdentity device;
        private final Map<RollupKey, Aggregate> byKey = new LinkedHashMap<>();
        private RecordCheck.Checked latest;

        Deltas(DeviceIdentity device) {
            this.device = device;
        }

        void add(RecordCheck.Checked checked) {
            TelemetryRecord record = checked.record();
            var observation = checked.observation();
            groupDelta(record.model(), record.version(), checked.time()).add(observation);
            deviceDelta(record.model(), record.version(), checked.time()).add(observation);
            if (latest == null || preferred(checked, latest)) {
                latest = checked;
            }
        }

        /** The latest record that names a model, else the latest one: what tells the version a device serves. */
        private static boolean preferred(RecordCheck.Checked a, RecordCheck.Checked b) {
            boolean aModel = a.record().model() != null;
            if (aModel != (b.record().model() != null)) {
                return aModel;
            }
            return !a.time().isBefore(b.time());
        }

        /** Rejected records count where their time is sure: the hour they reached the cloud, under "no model". */
        void rejected(Instant now, int n) {
            groupDelta(null, null, now).reject(n);
            deviceDelta(null, null, now).reject(n);
        }

        private Aggregate groupDelta(String model, String version, Instant time) {
            return byKey.computeIfAbsent(RollupKey.group(model, version, device.group(), device.deviceId(), time), k -> new Aggregate());
        }

        private Aggregate deviceDelta(String model, String version, Instant time) {
            return byKey.computeIfAbsent(RollupKey.device(device.deviceId(), device.group(), model, version, time),
                    k -> new Aggregate());
        }

        List<Rollup> rollups() {
            return byKey.entrySet().stream().map(e -> Rollup.of(e.getKey(), e.getValue())).toList();
        }

        DeviceSeen seen(Instant now, BatchParser.Header header) {
            TelemetryRecord r = latest == null ? null : latest.record();
            return new DeviceSeen(device.deviceId(), device.group(), now, latest == null ? null : latest.time(),
                    r == null ? null : r.model(), r == null ? null : r.version(), 1, header.records(),
                    header.dropped(), header.rejected());
        }
    }
}
