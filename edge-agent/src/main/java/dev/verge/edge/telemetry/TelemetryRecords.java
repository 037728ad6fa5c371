package dev.verge.edge.telemetry;

import dev.verge.edge.PredictionEvent;
import dev.verge.inference.predict.BoundingBox;
import dev.verge.inference.predict.LabelScore;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.predict.Timings;
import dev.verge.wire.telemetry.TelemetryRecord;
import java.util.List;

/**
 * Turns one answered request into the {@link TelemetryRecord} of the wire contract; the journal stores
 * it as that JSON. Failed requests have a status and an error code and no label; requests no model
 * served (answered before the first model, refused before one was taken, or answered by the cloud
 * fallback) have no model either.
 */
public final class TelemetryRecords {
    private static final double NANOS_PER_MILLI = 1e6;

    private TelemetryRecords() {}

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

    private static List<TelemetryRecord.Detection> detections(Prediction prediction) {
        if (!prediction.isEmpty() && prediction.predictions().stream().allMatch(p -> p.boundingBox() == null)) {
            return null;
        }
        return prediction.predictions().stream()
                .map(p -> new TelemetryRecord.Detection(p.tagName(), p.probability(), box(p.boundingBox())))
                .toList();
    }

    private static TelemetryRecord.Box box(BoundingBox b) {
        return b == null ? null : new TelemetryRecord.Box(b.left(), b.top(), b.width(), b.height());
    }

    private static double millis(long nanos) {
        // three decimals: microseconds are all a dashboard can use, and the journal stays small
        return Math.round(nanos / NANOS_PER_MILLI * 1000) / 1000.0;
    }
}
