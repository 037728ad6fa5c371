package dev.verge.edge.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.verge.edge.PredictionEvent;
import dev.verge.inference.predict.BoundingBox;
import dev.verge.inference.predict.LabelScore;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.predict.Timings;
import java.util.List;

/**
 * One answered image as the cloud's {@code POST /api/telemetry} takes it (contracts.md); stored in the
 * journal as this JSON. Failed requests have a status and an error code and no label; requests answered
 * while no model was loaded have no model either.
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
        long inputBytes,
        List<Detection> detections) {

    private static final double NANOS_PER_MILLI = 1e6;

    /** One region of a detection model's answer; classification models have none. */
    @JsonPropertyOrder({"label", "probability", "boundingBox"})
    public record Detection(String label, double probability, BoundingBox boundingBox) {}

    public static TelemetryRecord of(PredictionEvent event) {
        String model = event.servedBy().map(m -> m.name()).orElse(null);
        String version = event.servedBy().map(m -> m.version()).orElse(null);
        Prediction prediction = event.prediction();
        if (prediction == null) {
            return new TelemetryRecord(event.time().toString(), model, version, event.route(), event.status(),
                    event.errorCode(), null, null, null, null, null, event.inputBytes(), null);
        }
        // a detector that found nothing has no top label: the record says so with an empty detection list
        LabelScore top = prediction.isEmpty() ? null : prediction.top();
        Timings t = prediction.timings();
        return new TelemetryRecord(event.time().toString(), model, version, event.route(), event.status(), null,
                top == null ? null : top.tagName(), top == null ? null : top.probability(),
                millis(t.decodeNanos()), millis(t.preprocessNanos()),
                millis(t.inferNanos()), event.inputBytes(), detections(prediction));
    }

    private static List<Detection> detections(Prediction prediction) {
        if (!prediction.isEmpty() && prediction.predictions().stream().allMatch(p -> p.boundingBox() == null)) {
            return null;
        }
        return prediction.predictions().stream()
                .map(p -> new Detection(p.tagName(), p.probability(), p.boundingBox()))
                .toList();
    }

    private static double millis(long nanos) {
        // three decimals: microseconds are all a dashboard can use, and the journal stays small
        return Math.round(nanos / NANOS_PER_MILLI * 1000) / 1000.0;
    }
}
