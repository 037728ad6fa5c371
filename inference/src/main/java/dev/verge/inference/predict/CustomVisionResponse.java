package dev.verge.inference.predict;

import dev.verge.inference.runtime.ModelInfo;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The JSON answer of {@code POST /image}, as the Custom Vision export container gives it. */
public record CustomVisionResponse(String created, String id, String iteration, String project,
                                   List<LabelScore> predictions) {
    public CustomVisionResponse {
        predictions = List.copyOf(predictions);
    }

    /** created = now (ISO-8601), id = a random UUID, iteration = model version, project = model name. */
    public static CustomVisionResponse of(Prediction p, ModelInfo model) {
        return new CustomVisionResponse(Instant.now().toString(), UUID.randomUUID().toString(), model.version(),
                model.name(), p.predictions());
    }
}
