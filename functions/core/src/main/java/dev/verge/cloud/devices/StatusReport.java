package dev.verge.cloud.devices;

import dev.verge.wire.status.ModelStatus;
import dev.verge.wire.status.ShadowReport;
import java.time.Instant;
import java.util.List;

/**
 * What an edge agent reports with each sync ({@code POST /api/devices/{id}/status}): the version it
 * serves and the counts and latencies of the window that started at {@code since}.
 *
 * @param state  {@code serving}, {@code no-model} or {@code loading}
 * @param errors    answers with status >= 500 or failed predictions the agent caused
 * @param telemetry the agent's telemetry journal: {@code ok}, or that it cannot write ({@code disk_full},
 *                  {@code io_error}); null from agents without telemetry or older ones
 * @param models    every model the agent serves (its {@code model} and {@code version} are the default one's); empty
 *                  from agents with one model
 * @param shadows   how each shadow candidate agreed with the version it ran beside, since the previous report
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
        LastError lastError,
        Telemetry telemetry,
        List<ModelStatus> models,
        List<ShadowReport> shadows) {

    public StatusReport {
        models = models == null ? List.of() : List.copyOf(models);
        shadows = shadows == null ? List.of() : List.copyOf(shadows);
    }

    public StatusReport(String model, String version, String ortVersion, String agentVersion, String state, Instant since,
                        long requests, long errors, Latency latencyMs, LastError lastError) {
        this(model, version, ortVersion, agentVersion, state, since, requests, errors, latencyMs, lastError, null);
    }

    public StatusReport(String model, String version, String ortVersion, String agentVersion, String state, Instant since,
                        long requests, long errors, Latency latencyMs, LastError lastError, Telemetry telemetry) {
        this(model, version, ortVersion, agentVersion, state, since, requests, errors, latencyMs, lastError, telemetry, null, null);
    }

    /** The agent's telemetry journal: its health, the records waiting in it, the records dropped since it started. */
    public record Telemetry(String journal, long waiting, long dropped) {}

    /** Latency percentiles of the window, in milliseconds. */
    public record Latency(Double p50, Double p95, Double p99) {}

    /** The agent's last failure to take a version (download, signature, load, smoke test). */
    public record LastError(String version, String code, String message, Instant at) {}

    /** True when the agent serves exactly this model version: as its default model, or as one of its others. */
    public boolean serving(String model, String version) {
        return "serving".equals(state) && (model.equals(this.model) && version.equals(this.version)
                || models.stream().anyMatch(m -> m.name().equals(model) && m.version().equals(version)));
    }

    /** True when the agent serves some version of {@code model}. */
    public boolean runs(String model) {
        return "serving".equals(state) && (model.equals(this.model) || models.stream().anyMatch(m -> m.name().equals(model)));
    }

    /** True when the agent runs {@code candidate} of {@code model} as a shadow (it reports the pair's figures). */
    public boolean shadowing(String model, String candidate) {
        return "serving".equals(state) && shadows.stream().anyMatch(s -> model.equals(s.model()) && candidate.equals(s.candidate()));
    }

    /**
     * This report's figures for a shadow: pictures both versions answered as requests, the candidate's failures as
     * errors, its p95, and the pictures with the same top label; zeros when the report has no such pair.
     */
    public Window shadowWindow(String model, String candidate) {
        return shadows.stream().filter(s -> model.equals(s.model()) && candidate.equals(s.candidate())).findFirst()
                .map(s -> new Window(s.pairs(), s.failures(), s.candidateLatencyMs() == null ? null : s.candidateLatencyMs().p95(),
                        s.agreements()))
                .orElseGet(() -> new Window(0, 0, null, 0));
    }

    /**
     * This report's figures for one model: from an agent with several models that model's own counts and
     * latencies (its totals mix every model's), else the report's own.
     */
    public Window window(String model) {
        return models.stream().filter(m -> m.name().equals(model)).findFirst()
                .map(m -> new Window(m.requests(), m.errors(), m.latencyMs() == null ? null : m.latencyMs().p95(), 0))
                .orElseGet(() -> new Window(requests, errors, latencyMs == null ? null : latencyMs.p95(), 0));
    }

    /** Requests, errors and p95 of one report window, and for a shadow the pictures both versions agreed on. */
    public record Window(long requests, long errors, Double p95Ms, long agreements) {}
}
