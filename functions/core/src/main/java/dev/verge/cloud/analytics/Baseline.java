package dev.verge.cloud.analytics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a model version's predictions looked like when it was known to be fine (collection
 * {@value DriftMonitor#BASELINES}, key {@code <model>/<version>}): label counts and confidence
 * histogram counts (or proportions, for an uploaded reference; only their ratios matter).
 *
 * @param source {@code first-hours} (computed from the first N hours of data) or {@code uploaded}
 * @param from   start of the hours it was computed from (null when uploaded)
 * @param to     end of those hours, exclusive; recent data is only compared from here on
 */
public record Baseline(String model, String version, String source, Instant from, Instant to, Map<String, Double> labels,
                       List<Double> confidence, Instant createdAt) {

    public static final String FIRST_HOURS = "first-hours";
    public static final String UPLOADED = "uploaded";

    double[] confidenceArray() {
        double[] out = new double[Aggregate.CONFIDENCE_BINS];
        if (confidence != null) {
            for (int i = 0; i < Math.min(out.length, confidence.size()); i++) {
                out[i] = confidence.get(i) == null ? 0 : confidence.get(i);
            }
        }
        return out;
    }

    /** How many predictions it summarises (0 for an uploaded reference given as proportions). */
    double count() {
        return labels == null ? 0 : labels.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
