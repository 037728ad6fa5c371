package dev.verge.inference.runtime;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;

/** No model is loaded yet (or any more): the caller should retry later. */
public final class ModelNotReadyException extends VergeException {
    public ModelNotReadyException() {
        super(ErrorKind.NOT_READY, "model_not_ready",
                "no model is loaded yet; retry when /v2/health/ready answers 200");
    }
}
