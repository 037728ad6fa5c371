package dev.verge.edge.sync;

import dev.verge.wire.status.ModelStatus;
import dev.verge.wire.status.ShadowReport;
import java.util.List;

/**
 * The body of {@code POST /api/devices/{id}/status}: what the agent serves and how its predictions went
 * since the previous report (README "Roll out to devices"; the cloud reads it as devices.StatusReport).
 *
 * @param state     {@code serving}, {@code no-model} or {@code loading} (no model yet, one is on its way)
 * @param since     start of the window the counts cover (ISO-8601)
 * @param errors    answers with status 500 or above
 * @param latencyMs p50/p95/p99 of the time from a request's arrival to its answer; null without requests
 * @param lastError the last failure of sync, or null
 * @param telemetry the telemetry journal's health; null when telemetry is off
 * @param models    every model the agent serves ({@link ModelStatus}, in the wire module as the cloud reads it) ({@code model} and {@code version} above are the default one's)
 * @param shadows   each shadow candidate's pairs with the version serving its model since the previous report;
 *                  empty when none ran
 */
public record StatusReport(
        String model,
        String version,
        String ortVersion,
        String agentVersion,
        String state,
        String since,
        long requests,
        long errors,
        Latency latencyMs,
        SyncError lastError,
        Telemetry telemetry,
        List<ModelStatus> models,
        List<ShadowReport> shadows) {

    public record Latency(double p50, double p95, double p99) {}

    /**
     * @param journal {@code ok}, {@code disk_full} or {@code io_error}: whether records are being journaled
     * @param waiting records in the journal, waiting for the cloud
     * @param dropped records dropped since the agent started (each also reported in a batch)
     */
    public record Telemetry(String journal, long waiting, long dropped) {}
}
