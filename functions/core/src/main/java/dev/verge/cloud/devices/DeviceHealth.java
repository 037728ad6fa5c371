package dev.verge.cloud.devices;

import java.time.Instant;

/**
 * What one device reported while taking part in one deployment: the sum of its status report windows since it
 * started serving that deployment's version (or, in a shadow, running it beside the served one). Reset when the
 * device's part changes. For a shadow ({@code shadow} true) {@code requests} are the pictures both versions
 * answered, {@code errors} those the new version failed on, the p95 the new version's and {@code agreements} the
 * pictures both gave the same top label.
 *
 * @param p95WeightedSum sum over reports of p95 x requests, so that {@link #p95Ms} weighs busy
 *                       windows more than idle ones
 * @param lastSince      the {@code since} of the last report counted: a report with the same or an
 *                       older {@code since} is a retry and is not counted again
 */
public record DeviceHealth(
        String deploymentId,
        String model,
        String version,
        long requests,
        long errors,
        double p95WeightedSum,
        long p95Weight,
        double p95Max,
        int reports,
        Instant firstReport,
        Instant lastSince,
        boolean shadow,
        long agreements) {

    /** A device's part in a deployment: running {@code version} of {@code model}, or running it as a shadow. */
    public record Part(String deploymentId, String model, String version, boolean shadow) {

        /** True when {@code report} says the device does its part. */
        public boolean doneIn(StatusReport report) {
            return shadow ? report.shadowing(model, version) : report.serving(model, version);
        }
    }

    public static DeviceHealth start(Part part) {
        return new DeviceHealth(part.deploymentId(), part.model(), part.version(), 0, 0, 0, 0, 0, 0, null, null, part.shadow(), 0);
    }

    public boolean isFor(Part part) {
        return part.deploymentId().equals(deploymentId) && part.shadow() == shadow;
    }

    /** Adds a report's window; a retried report (same {@code since}) changes nothing. */
    public DeviceHealth add(StatusReport report, Instant now) {
        if (report.since() != null && lastSince != null && !report.since().isAfter(lastSince)) {
            return this;
        }
        StatusReport.Window window = shadow ? report.shadowWindow(model, version) : report.window(model);
        long req = Math.max(0, window.requests());
        long err = Math.min(req, Math.max(0, window.errors()));
        long agreed = Math.min(req, Math.max(0, window.agreements()));
        Double p95 = window.p95Ms();
        boolean hasP95 = p95 != null && req > 0 && Double.isFinite(p95);
        return new DeviceHealth(deploymentId, model, version, requests + req, errors + err,
                p95WeightedSum + (hasP95 ? p95 * req : 0), p95Weight + (hasP95 ? req : 0),
                hasP95 ? Math.max(p95Max, p95) : p95Max, reports + 1,
                firstReport == null ? now : firstReport, report.since() != null ? report.since() : lastSince, shadow,
                agreements + agreed);
    }

    /** The request-weighted mean of the reported p95 latencies; null before any request. */
    public Double p95Ms() {
        return p95Weight == 0 ? null : p95WeightedSum / p95Weight;
    }
}
