package dev.verge.cloud.devices;

import java.time.Instant;

/**
 * What an edge agent reports with each sync ({@code POST /api/devices/{id}/status}): the version it
 * serves and the counts and latencies of the window that started at {@code since}.
 *
 * @param state  {@code serving}, {@code no-model} or {@code loading}
 * @param errors answers with status >= 500 or failed predictions the agent caused
 */
public record StatusReport(
        String model,
        String version,
        String ortVersion,
        String agentVersion,
        String state,
        Instant since,
        long requests,
        long errors,
        Latency latencyMs,
        LastError lastError) {

    /** Latency percentiles of the window, in milliseconds. */
    public record Latency(Double p50, Double p95, Double p99) {}

    /** The agent's last failure to take a version (download, signature, load, smoke test). */
    public record LastError(String version, String code, String message, Instant at) {}

    public boolean serving(String model, String version) {
        return "serving".equals(state) && model.equals(this.model) && version.equals(this.version);
    }
}
