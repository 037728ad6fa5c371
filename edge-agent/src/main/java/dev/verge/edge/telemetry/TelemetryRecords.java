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
 * fallback) have no model either. Values are kept within the contract's bounds (a label or an error code
 * the cloud's fallback sent cut to {@link TelemetryRecord#MAX_TEXT}, a model's stray probability clamped to
 * [0, 1], NaN left out), so every record the agent produces is one the cloud can count.
 */
public final class TelemetryRecords {
    private static final double NANOS_PER_MILLI = 1e6;

    private TelemetryRecords() {}

    public static TelemetryRecord of(PredictionEvent event) {
        String model = event.servedBy().map(m -> m.name()).orElse(null);
        String version = event.servedBy().map(m -> m.version()).orElse(null);
        Prediction prediction = event.prediction();
        if (prediction == null) {
            return new TelemetryRecord(event.time().toString(), model, version, cut(event.route()), event.status(),
                    cut(event.errorCode()), null, null, null, null, null, event.inputBytes(), null);
        }
        // a detector that found nothing has no top label: the record says so with an empty detection list
        LabelScore top = prediction.isEmpty() ? null : prediction.top();
        Timings t = prediction.timings();
        return new TelemetryRecord(event.time().toString(), model, version, cut(event.route()), event.status(), null,
                top == null ? null : cut(top.tagName()), top == null ? null : probability(top.probability()),
                millis(t.decodeNanos()), millis(t.preprocessNanos()),
                millis(t.inferNanos()), event.inputBytes(), detections(prediction));
    }

    private static List<TelemetryRecord.Detection> detections(Prediction prediction) {
        if (!prediction.isEmpty() && prediction.predictions().stream().allMatch(p -> p.boundingBox() == null)) {
            return null;
        }
        return prediction.predictions().stream()
                .map(p -> new TelemetryRecord.Detection(cut(p.tagName()), orZero(probability(p.probability())),
                        box(p.boundingBox())))
                .toList();
    }

    private static TelemetryRecord.Box box(BoundingBox b) {
        if (b == null || !(Double.isFinite(b.left()) && Double.isFinite(b.top()) && Double.isFinite(b.width())
                && Double.isFinite(b.height()))) {
            return null;
        }
        return new TelemetryRecord.Box(b.left(), b.top(), b.width(), b.height());
    }

    private static Double probability(double p) {
        return Double.isNaN(p) ? null : Math.max(0, Math.min(1, p));
    }

    private static double orZero(Double p) {
        return p == null ? 0 : p;
    }

    /** At most {@link TelemetryRecord#MAX_TEXT} characters of well-formed UTF-16 (a lone surrogate cannot be sent as UTF-8). */
    private static String cut(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), TelemetryRecord.MAX_TEXT));
        for (int i = 0; i < text.length() && out.length() < TelemetryRecord.MAX_TEXT; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (out.length() + 2 > TelemetryRecord.MAX_TEXT) {
                    break;
                }
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static double millis(long nanos) {
        // three decimals: microseconds are all a dashboard can use, and the journal stays small
        double ms = Math.round(Math.max(0, nanos) / NANOS_PER_MILLI * 1000) / 1000.0;
        return Math.min(ms, TelemetryRecord.MAX_MS);
    }
}
