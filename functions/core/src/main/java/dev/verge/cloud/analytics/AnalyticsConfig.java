package dev.verge.cloud.analytics;

import java.util.Map;

/**
 * Limits of telemetry ingest and the drift rules.
 *
 * @param maxBatchBytes    largest telemetry batch, counted after gzip is undone (413 beyond)
 * @param maxBatchRecords  most records in one batch (413 beyond)
 * @param maxSampleBytes   largest sample image (413 beyond)
 * @param baselineHours    a model version's baseline is its first N hours of data, unless one was uploaded
 * @param driftWindowHours the recent hours compared against the baseline
 * @param driftThreshold   PSI at or above which a model version is drifting (0.2 is the usual "significant shift")
 * @param driftMinCount    fewer recent predictions than this give no PSI (too noisy to judge)
 */
public record AnalyticsConfig(long maxBatchBytes, int maxBatchRecords, long maxSampleBytes, int baselineHours,
                              int driftWindowHours, double driftThreshold, long driftMinCount) {

    public AnalyticsConfig {
        if (maxBatchBytes <= 0 || maxBatchRecords <= 0 || maxSampleBytes <= 0 || baselineHours <= 0 || driftWindowHours <= 0
                || driftThreshold <= 0 || driftMinCount < 0) {
            throw new IllegalArgumentException("expected positive analytics limits, found " + this);
        }
    }

    public static AnalyticsConfig defaults() {
        return new AnalyticsConfig(16L << 20, 50_000, 4L << 20, 24, 6, 0.2, 100);
    }

    /**
     * Reads {@code VERGE_TELEMETRY_MAX_BATCH_MB}, {@code VERGE_TELEMETRY_MAX_RECORDS}, {@code VERGE_SAMPLE_MAX_MB},
     * {@code VERGE_DRIFT_BASELINE_HOURS}, {@code VERGE_DRIFT_WINDOW_HOURS}, {@code VERGE_DRIFT_THRESHOLD} and
     * {@code VERGE_DRIFT_MIN_COUNT}; each missing one keeps its default.
     */
    public static AnalyticsConfig fromEnv(Map<String, String> env) {
        AnalyticsConfig d = defaults();
        return new AnalyticsConfig(
                env.containsKey("VERGE_TELEMETRY_MAX_BATCH_MB") ? Long.parseLong(env.get("VERGE_TELEMETRY_MAX_BATCH_MB").strip()) << 20 : d.maxBatchBytes,
                env.containsKey("VERGE_TELEMETRY_MAX_RECORDS") ? Integer.parseInt(env.get("VERGE_TELEMETRY_MAX_RECORDS").strip()) : d.maxBatchRecords,
                env.containsKey("VERGE_SAMPLE_MAX_MB") ? Long.parseLong(env.get("VERGE_SAMPLE_MAX_MB").strip()) << 20 : d.maxSampleBytes,
                env.containsKey("VERGE_DRIFT_BASELINE_HOURS") ? Integer.parseInt(env.get("VERGE_DRIFT_BASELINE_HOURS").strip()) : d.baselineHours,
                env.containsKey("VERGE_DRIFT_WINDOW_HOURS") ? Integer.parseInt(env.get("VERGE_DRIFT_WINDOW_HOURS").strip()) : d.driftWindowHours,
                env.containsKey("VERGE_DRIFT_THRESHOLD") ? Double.parseDouble(env.get("VERGE_DRIFT_THRESHOLD").strip()) : d.driftThreshold,
                env.containsKey("VERGE_DRIFT_MIN_COUNT") ? Long.parseLong(env.get("VERGE_DRIFT_MIN_COUNT").strip()) : d.driftMinCount);
    }

    public AnalyticsConfig withBaselineHours(int hours) {
        return new AnalyticsConfig(maxBatchBytes, maxBatchRecords, maxSampleBytes, hours, driftWindowHours, driftThreshold, driftMinCount);
    }

    public AnalyticsConfig withDriftWindowHours(int hours) {
        return new AnalyticsConfig(maxBatchBytes, maxBatchRecords, maxSampleBytes, baselineHours, hours, driftThreshold, driftMinCount);
    }

    public AnalyticsConfig withDriftMinCount(long count) {
        return new AnalyticsConfig(maxBatchBytes, maxBatchRecords, maxSampleBytes, baselineHours, driftWindowHours, driftThreshold, count);
    }

    public AnalyticsConfig withMaxBatch(long bytes, int records) {
        return new AnalyticsConfig(bytes, records, maxSampleBytes, baselineHours, driftWindowHours, driftThreshold, driftMinCount);
    }
}
