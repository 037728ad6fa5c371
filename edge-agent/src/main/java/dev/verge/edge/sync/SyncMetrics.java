package dev.verge.edge.sync;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** What sync adds to {@code /metrics}: desired states refused, by reason, and the revision taken. */
final class SyncMetrics {
    private final Counter refusals;
    private final Gauge revision;

    SyncMetrics(PrometheusRegistry registry) {
        refusals = Counter.builder()
                .name("verge_sync_refusals_total")
                .help("Desired states from the cloud refused, by reason (statement_replayed, statement_expired, ...)")
                .labelNames("reason")
                .register(registry);
        revision = Gauge.builder()
                .name("verge_sync_statement_revision")
                .help("The highest revision of the cloud's signed desired state this device took")
                .register(registry);
    }

    void refused(String reason) {
        refusals.labelValues(reason).inc();
    }

    void revision(long taken) {
        revision.set(taken);
    }
}
