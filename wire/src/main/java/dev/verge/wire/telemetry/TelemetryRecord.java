package dev.verge.wire.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One request an edge agent answered, as it travels in a {@link TelemetryBatch}.
 *
 * <p>{@code model} and {@code version} are null when no model served the request: it was answered
 * before the first model was loaded (503), or refused before a model was taken (a {@code /url} call
 * with the wrong content type, 415). Failed requests carry {@code error} (the error body's code) and no
 * label. {@code detections} is null for classification models and a list (maybe empty) for detectors.
 *
 * @param time        when the request arrived, ISO-8601 ({@code 2026-12-02T10:00:00.123Z})
 * @param route       {@code image} or {@code url}
 * @param status      the HTTP status the agent answered
 * @param inputBytes  the image's size as read; 0 when it was never read
 *
 * <p>Bounds both sides keep: texts ({@code label}, {@code error}, {@code route}) of at most {@link #MAX_TEXT}
 * characters, probabilities in [0, 1], latencies in [0, {@link #MAX_MS}] ms, finite numbers only.
 */
@JsonPropertyOrder({"time", "model", "version", "route", "status", "error", "label", "probability",
        "decodeMs", "preprocessMs", "inferMs", "inputBytes", "detections"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TelemetryRecord(
        String time,
        String model,
        String version,
        String route,
        int status,
        String error,
        String label,
        Double probability,
        Double decodeMs,
        Double preprocessMs,
        Double inferMs,
        Long inputBytes,
        List<Detection> detections) {

    /** The longest label, error code or route a record carries; the agent cuts longer ones. */
    public static final int MAX_TEXT = 256;
    /** The longest latency a record carries, in milliseconds (an hour). */
    public static final double MAX_MS = 3_600_000;

    /** One region of a detection model's answer. */
    @JsonPropertyOrder({"label", "probability", "boundingBox"})
    public record Detection(String label, double probability, Box boundingBox) {}

    /** A region as fractions of the image's width and height (Custom Vision's shape). */
    @JsonPropertyOrder({"left", "top", "width", "height"})
    public record Box(double left, double top, double width, double height) {}
}
