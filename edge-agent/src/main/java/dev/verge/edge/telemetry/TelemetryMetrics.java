package dev.verge.edge.telemetry;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/** The journal's, the uplink's and sample capture's Prometheus metrics, registered with the agent's. */
public final class TelemetryMetrics {
    private static final String[] REASONS = {"cap", "ttl", "queue_full", "journal_error", "corrupt", "journal_lost", "crash"};
    private final Gauge journalRecords;
    private final Gauge journalBytes;
    private final Gauge journalState;
    private final Counter dropped;
    private final Counter delivered;
    private final Counter rejected;
    private final Counter batches;
    private final Counter samples;

    public TelemetryMetrics(PrometheusRegistry registry) {
        journalRecords = Gauge.builder()
                .name("verge_telemetry_journal_records")
                .help("Telemetry records in the journal, waiting for the cloud's acknowledgement")
                .register(registry);
        journalBytes = Gauge.builder()
                .name("verge_telemetry_journal_bytes")
                .help("Bytes of the journal's database pages in use (the cap applies to this)")
                .unit(Unit.BYTES)
                .register(registry);
        journalState = Gauge.builder()
                .name("verge_telemetry_journal_state")
                .help("1 for the journal's state: ok, disk_full or io_error (records cannot be journaled: they are counted"
                        + " as dropped, reason journal_error, and the journal reopens by itself once the disk works again)")
                .labelNames("state")
                .register(registry);
        dropped = Counter.builder()
                .name("verge_telemetry_records_dropped_total")
                .help("Telemetry records dropped before the cloud had them, by reason: cap (journal full), ttl (too old), "
                        + "queue_full (the journal writer fell behind), journal_error (the disk was full or failing), corrupt (the"
                        + " journal file was corrupt and set aside), journal_lost (the journal went missing or was emptied), crash"
                        + " (queued when the agent died); each is reported once in a batch's dropped count")
                .labelNames("reason")
                .register(registry);
        delivered = Counter.builder()
                .name("verge_telemetry_records_delivered_total")
                .help("Telemetry records the cloud acknowledged (accepted or already had)")
                .register(registry);
        rejected = Counter.builder()
                .name("verge_telemetry_records_rejected_total")
                .help("Telemetry records the cloud rejected one by one in its answer (it could not read them); they are not resent")
                .register(registry);
        batches = Counter.builder()
                .name("verge_telemetry_batches_total")
                .help("Telemetry batch sends, by result: accepted, duplicate, refused (whole batch, kept and retried), failed (retried)")
                .labelNames("result")
                .register(registry);
        samples = Counter.builder()
                .name("verge_samples_total")
                .help("Images for retraining, by result: captured, uploaded, dropped_cap, dropped_queue, rejected")
                .labelNames("result")
                .register(registry);
        for (String reason : REASONS) {
            dropped.labelValues(reason);
        }
        journalState(TelemetryJournal.State.OK);
    }

    void journalChanged(long records, long bytes) {
        journalRecords.set(records);
        journalBytes.set(bytes);
    }

    void journalState(TelemetryJournal.State state) {
        for (TelemetryJournal.State s : TelemetryJournal.State.values()) {
            journalState.labelValues(s.code()).set(s == state ? 1 : 0);
        }
    }

    void dropped(String reason, long n) {
        if (n > 0) {
            dropped.labelValues(reason).inc(n);
        }
    }

    /** A batch the cloud answered: {@code accepted} records counted, {@code rejected} ones it could not read. */
    void delivered(long accepted, long rejected, boolean duplicate) {
        delivered.inc(accepted);
        this.rejected.inc(rejected);
        batches.labelValues(duplicate ? "duplicate" : "accepted").inc();
    }

    void batchRefused() {
        batches.labelValues("refused").inc();
    }

    void sendFailed() {
        batches.labelValues("failed").inc();
    }

    void sample(String result) {
        samples.labelValues(result).inc();
    }

    public long droppedTotal() {
        double total = 0;
        for (String reason : REASONS) {
            total += dropped.labelValues(reason).get();
        }
        return (long) total;
    }

    public long dropped(String reason) {
        return (long) dropped.labelValues(reason).get();
    }

    public long deliveredTotal() {
        return (long) delivered.get();
    }

    public long rejectedTotal() {
        return (long) rejected.get();
    }

    public long samples(String result) {
        return (long) samples.labelValues(result).get();
    }
}
