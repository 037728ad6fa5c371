package dev.verge.cloud;

import dev.verge.cloud.analytics.Analytics;
import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.analytics.AnalyticsRoutes;
import dev.verge.cloud.analytics.DriftMonitor;
import dev.verge.cloud.analytics.DriftSource;
import dev.verge.cloud.analytics.Rollup;
import dev.verge.cloud.analytics.RollupStore;
import dev.verge.cloud.api.DeviceAuthenticator;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.retention.Housekeeping;
import dev.verge.cloud.retention.RetentionConfig;
import dev.verge.cloud.telemetry.Samples;
import dev.verge.cloud.telemetry.TelemetryIngest;
import dev.verge.cloud.telemetry.TelemetryRoutes;
import dev.verge.cloud.analytics.DeploymentStarts;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.rights.ReportWindow;
import dev.verge.cloud.rights.RightsConfig;
import java.time.Clock;
import java.util.function.Function;
import java.util.List;

/**
 * Telemetry and what is made of it: ingest into rollups, samples for retraining, drift and the
 * analytics API. Built by {@link CloudServices}; its route groups join the API (the dashboard, which
 * also shows devices and rollouts, is built there from these parts).
 */
public final class AnalyticsServices {
    private final RollupStore rollups;
    private final DriftMonitor drift;
    private final Analytics analytics;
    private final TelemetryIngest ingest;
    private final Samples samples;
    private final Housekeeping housekeeping;
    private final List<RouteGroup> routeGroups;

    /**
     * @param windows     what each device may report (see {@code DeviceRights#reportWindow})
     * @param starts      when each model version was first deployed: drift baselines start there
     */
    public AnalyticsServices(BlobStore blobs, MetadataStore metadata, Clock clock, AnalyticsConfig config,
                             RetentionConfig retention, DeviceAuthenticator devices, Function<DeviceIdentity, ReportWindow> windows,
                             RightsConfig rights, DeploymentStarts starts) {
        this.rollups = new RollupStore(metadata, retention.deviceRollups());
        this.drift = new DriftMonitor(metadata, rollups, clock, config, starts);
        this.analytics = new Analytics(rollups, drift, clock);
        this.ingest = new TelemetryIngest(metadata, rollups, clock, config, retention.batchMarkers(), windows, this::afterRollup);
        this.housekeeping = new Housekeeping(metadata, rollups, retention, clock);
        this.samples = new Samples(blobs, metadata, clock, config.maxSampleBytes(), windows, rights.samplesPerDay(),
                rights.sampleBytesPerDay());
        this.routeGroups = List.of(
                new TelemetryRoutes(devices, ingest, samples, config.maxBatchBytes()),
                new AnalyticsRoutes(analytics, drift));
    }

    private void afterRollup(Rollup delta) {
        drift.recheck(delta.model(), delta.version());
    }

    public List<RouteGroup> routeGroups() {
        return routeGroups;
    }

    public TelemetryIngest ingest() {
        return ingest;
    }

    public Samples samples() {
        return samples;
    }

    public Analytics analytics() {
        return analytics;
    }

    /** What the rollout controller reads for its drift health rule. */
    public DriftSource driftSource() {
        return drift;
    }

    public DriftMonitor drift() {
        return drift;
    }

    public Housekeeping housekeeping() {
        return housekeeping;
    }

    public RollupStore rollups() {
        return rollups;
    }
}
