package dev.verge.cloud.analytics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /api/analytics}, computed from rollups only.
 *
 * @param source  which rollups answered: {@code group} (model version x group x hour) or {@code device}
 * @param series  one point per hour of the range, hours without data included as zeros
 * @param totals  every request, those no model answered included; {@code rejected} counts records the
 *                cloud could not read (not in {@code requests})
 * @param noModel requests no model answered: before the first model was loaded, or refused before one was taken
 * @param drift   the drift of every model version in the answer
 */
public record AnalyticsReport(AnalyticsQuery query, String source, int rollups, Summary totals, List<Point> series,
                              List<VersionSummary> versions, NoModel noModel, List<DriftReading> drift) {

    /** Requests answered without a model, and records rejected (which count under no model too). */
    public record NoModel(long requests, long errors, long clientErrors, long rejected) {
        static NoModel of(Aggregate a) {
            return new NoModel(a.requests(), a.errors(), a.clientErrors(), a.rejected());
        }
    }

    /** Latency percentiles in milliseconds; null when nothing reported a latency. */
    public record Percentiles(Double p50, Double p95, Double p99) {
        static Percentiles latency(Aggregate a) {
            return new Percentiles(a.latencyQuantile(0.50), a.latencyQuantile(0.95), a.latencyQuantile(0.99));
        }

        static Percentiles infer(Aggregate a) {
            return new Percentiles(a.inferQuantile(0.50), a.inferQuantile(0.95), a.inferQuantile(0.99));
        }
    }

    /**
     * Totals of a set of rollups.
     *
     * @param confidence counts per bin; bin i is [i/10, (i+1)/10), the last one includes 1.0
     */
    public record Summary(long requests, long errors, long clientErrors, long rejected, double errorRate, Percentiles latencyMs,
                          Percentiles inferMs, Map<String, Long> labels, List<Long> confidence) {
        static Summary of(Aggregate a) {
            return new Summary(a.requests(), a.errors(), a.clientErrors(), a.rejected(), a.errorRate(), Percentiles.latency(a),
                    Percentiles.infer(a), a.labels(), a.toDoc().confidence());
        }
    }

    /** One hour of the series. */
    public record Point(Instant hour, long requests, long errors, long clientErrors, long rejected, double errorRate,
                        Percentiles latencyMs) {}

    /** Totals of one model version within the answer. */
    public record VersionSummary(String model, String version, long requests, long errors, double errorRate, Percentiles latencyMs) {}
}
