package dev.verge.edge;

import dev.verge.inference.predict.Prediction;
import dev.verge.inference.runtime.ModelInfo;
import java.time.Instant;
import java.util.Optional;

/**
 * One answered {@code /image} or {@code /url} request.
 *
 * @param time       when the request arrived
 * @param route      {@code image} or {@code url}
 * @param model      the model that served it; null when none was loaded (503)
 * @param prediction the answer; null when the request failed
 * @param status     the HTTP status sent
 * @param errorCode  the error body's code (for example {@code image_format_unsupported}); null on success
 * @param image      the image bytes as read; null when the request failed before they were read. Not copied:
 *                   listeners must not change it.
 */
public record PredictionEvent(
        Instant time, String route, ModelInfo model, Prediction prediction, int status, String errorCode, byte[] image) {

    public boolean succeeded() {
        return prediction != null;
    }

    public long inputBytes() {
        return image == null ? 0 : image.length;
    }

    public Optional<ModelInfo> servedBy() {
        return Optional.ofNullable(model);
    }
}
