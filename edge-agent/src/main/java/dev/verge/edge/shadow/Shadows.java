package dev.verge.edge.shadow;

import dev.verge.inference.predict.Prediction;
import dev.verge.inference.runtime.ModelInfo;

/** Told about every answer a model gave, once it was sent, so a shadow candidate can be judged on the same picture. */
@FunctionalInterface
public interface Shadows {
    Shadows NONE = (served, image, answer) -> {};

    /** Must return at once: the candidate runs on a thread of its own, or not at all when that one is busy. */
    void offer(ModelInfo served, byte[] image, Prediction answer);
}
