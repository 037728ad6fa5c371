package dev.verge.cloud.telemetry;

import java.time.Instant;

/**
 * A captured image kept for retraining: its JSON sidecar next to the image in the blob store
 * ({@code samples/<model>/<version>/<yyyy-mm-dd>/<device>/<sampleId>.json}) and its record in collection
 * {@value Samples#COLLECTION} (key: {@code <device>/<sampleId>}), which makes the upload idempotent.
 */
public record Sample(String sampleId, String key, String deviceId, String group, String model, String version, String label,
                     Double probability, String contentType, long size, String sha256, Instant receivedAt) {}
