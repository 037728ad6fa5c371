package dev.verge.cloud.devices;

import java.time.Instant;

/**
 * What one device reported while running one deployment's version: the sum of its status report
 * windows since it started serving that version. Reset when the device's deployment changes.
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
        Instant lastSince) {

    public static DeviceHealth start(String deploymentId, String model, String version) {
        return new DeviceHealth(deploymentId, model, version, 0, 0, 0, 0, 0, 0, null, null);
    }

    /** Adds a report's window; a retried report (same {@code since}) changes nothing. */
    public DeviceHealth add(StatusReport report, Instant now) {
        if (report.since() != null && lastSince != null && !report.since().isAfter(lastSince)) {
            return this;
        }
        StatusReport.Window window = report.window(model);
        long req = Math.max(0, window.requests());
        long err = Math.min(req, Math.max(0, window.errors()));
        Double p95 = window.p95Ms();
        boolean hasP95 = p95 != null && req > 0 && Double.isFinite(p95);
        return new DeviceHealth(deploymentId, model, version, requests + req, errors + err,
                p95WeightedSum + (hasP95 ? p95 * req : 0), p95Weight + (hasP95 ? req : 0),
                hasP95 ? Math.max(p95Max, p95) : p95Max, reports + 1,
                firstReport == null ? now : firstReport, report.since() != null ? report.since() : lastSince);
    }

    /** The request-weighted mean of the reported p95 latencies; null before any request. */
    public Double p95Ms() {
        return p95Weight == 0 ? null : p95WeightedSum / p95Weight;
    }
}
