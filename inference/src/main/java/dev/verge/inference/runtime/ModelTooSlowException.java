package dev.verge.inference.runtime;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.time.Duration;

/** The smoke test of a model did not end within the inference time limit: the package is refused. */
public final class ModelTooSlowException extends VergeException {
    public ModelTooSlowException(String model, Duration limit) {
        super(ErrorKind.UNPROCESSABLE, "model_too_slow", "the smoke test of " + model + " (one inference on a generated"
                + " picture) did not end within the inference time limit of " + limit.toMillis() + " ms; expected a model"
                + " that answers within it (a Loop with a huge trip count never does)");
    }
}
