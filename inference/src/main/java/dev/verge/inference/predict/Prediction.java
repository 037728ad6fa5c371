package dev.verge.inference.predict;

import java.util.List;

/** The answer for one image: labels sorted by probability, descending; size of the (upright) image. */
public record Prediction(List<LabelScore> predictions, Timings timings, int imageWidth, int imageHeight) {
    public Prediction {
        predictions = List.copyOf(predictions);
        if (predictions.isEmpty()) {
            throw new IllegalArgumentException("a prediction has at least one label");
        }
    }

    /** The most probable label. */
    public LabelScore top() {
        return predictions.get(0);
    }
}
