package dev.verge.cloud.analytics;

import java.time.Instant;

/**
 * An event stored when a model version's PSI crosses the threshold ({@code drift.detected}) or falls
 * back under it ({@code drift.resolved}); collection {@value DriftMonitor#ALERTS}, key
 * {@code <model>/<version>/<at>}.
 */
public record DriftAlert(String type, String model, String version, Double psi, Double labelPsi, Double confidencePsi,
                         double threshold, Instant at) {
    public static final String DETECTED = "drift.detected";
    public static final String RESOLVED = "drift.resolved";
}
