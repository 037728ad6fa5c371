package dev.verge.cloud.analytics;

import java.time.Instant;

/**
 * The drift of one model version now: the population stability index of its recent label mix and
 * confidence histogram against its baseline.
 *
 * @param status        {@code ok}, {@code drifting}, {@code baseline-pending} (the first N hours are not over),
 *                      {@code insufficient-data} (fewer recent predictions than the minimum) or {@code no-data}
 * @param psi           the larger of the two PSIs; null unless status is ok or drifting
 * @param recentCount   successful predictions in the recent window
 */
public record DriftReading(String model, String version, String status, Double psi, Double labelPsi, Double confidencePsi,
                           double threshold, String baselineSource, Instant windowFrom, Instant windowTo, long recentCount) {

    public static final String OK = "ok";
    public static final String DRIFTING = "drifting";
    public static final String BASELINE_PENDING = "baseline-pending";
    public static final String INSUFFICIENT_DATA = "insufficient-data";
    public static final String NO_DATA = "no-data";

    /** True when the PSI is at or above the threshold. */
    public boolean drifting() {
        return DRIFTING.equals(status);
    }
}
