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

    /** One region of a detection model's answer. */
    @JsonPropertyOrder({"label", "probability", "boundingBox"})
    public record Detection(String label, double probability, Box boundingBox) {}

    /** A region as fractions of the image's width and height (Custom Vision's shape). */
    @JsonPropertyOrder({"left", "top", "width", "height"})
    public record Box(double left, double top, double width, double height) {}
}
