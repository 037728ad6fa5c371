package dev.verge.cloud.dashboard;

import dev.verge.cloud.analytics.AnalyticsReport;
import dev.verge.cloud.analytics.DriftAlert;
import dev.verge.wire.status.ShadowReport;
import java.time.Instant;
import java.util.List;

/**
 * Everything one dashboard page shows.
 *
 * @param devices  one row per device known to the device registry or to telemetry
 * @param rollouts the most recent deployments, newest first (empty until deployments exist)
 */
record DashboardData(Instant now, AnalyticsReport report, List<DeviceRow> devices, List<RolloutRow> rollouts,
                     List<DriftAlert> alerts, List<ShadowRow> shadows) {

    /** One shadow candidate on one device, as its last status report says. */
    record ShadowRow(String device, ShadowReport shadow) {}

    /**
     * @param version        the model and version its last status report says it serves (null when unknown)
     * @param seenVersion    the model and version of its latest telemetry record
     * @param lastSeen       its last status report or telemetry batch, whichever came later
     * @param dropped        records its agent lost before sending them (and said so)
     * @param rejected       records the cloud could not read
     * @param journal        its telemetry journal as its last status report says: {@code ok}, {@code disk_full},
     *                       {@code io_error}; null when unknown
     */
    record DeviceRow(String id, String group, String version, String seenVersion, Instant lastSeen, long records, long dropped,
                     long rejected, String journal) {}

    record RolloutRow(String id, String model, String version, String group, String strategy, String state, Instant at) {}
}
