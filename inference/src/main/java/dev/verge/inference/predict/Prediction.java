package dev.verge.inference.predict;

import java.util.List;

/**
 * The answer for one image, sorted by probability, descending; size of the (upright) image. Classification: every
 * label (at least one), {@code boundingBox} null. Detection: one entry per box found, each with its
 * {@code boundingBox}; empty when nothing was found.
 */
public record Prediction(List<LabelScore> predictions, Timings timings, int imageWidth, int imageHeight) {
    public Prediction {
        predictions = List.copyOf(predictions);
    }

    /** The most probable label or box; {@link IllegalStateException} when a detector found nothing. */
    public LabelScore top() {
        if (predictions.isEmpty()) {
            throw new IllegalStateException("the detector found nothing in this image; check isEmpty() first");
        }
        return predictions.get(0);
    }

    /** True when a detector found nothing (a classification always has labels). */
    public boolean isEmpty() {
        return predictions.isEmpty();
    }

    /** The detected boxes (entries with a bounding box); empty for a classification. */
    public List<LabelScore> detections() {
        return predictions.stream().filter(p -> p.boundingBox() != null).toList();
    }
}
