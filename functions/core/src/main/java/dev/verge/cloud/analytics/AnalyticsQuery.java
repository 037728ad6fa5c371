package dev.verge.cloud.analytics;

import java.time.Instant;

/**
 * The filters of {@code GET /api/analytics}: every one may be null (no filter), except the time
 * range, which covers whole hours: {@code from} rounded down, {@code to} exclusive.
 */
public record AnalyticsQuery(String model, String version, String group, String device, Instant from, Instant to) {}
