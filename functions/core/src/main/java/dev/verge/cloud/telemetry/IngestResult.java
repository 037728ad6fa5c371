package dev.verge.cloud.telemetry;

/** The answer to a telemetry batch: {@code {"batchId": ..., "accepted": 12, "duplicate": false}}. */
public record IngestResult(String batchId, int accepted, boolean duplicate) {}
