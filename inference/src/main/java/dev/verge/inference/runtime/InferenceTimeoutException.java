package dev.verge.inference.runtime;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.time.Duration;

/**
 * ONNX Runtime was stopped because one run went past the inference time limit. Temporary from the caller's
 * side (503, retry later): the server is fine, this input or this load made the model too slow.
 */
public final class InferenceTimeoutException extends VergeException {
    public InferenceTimeoutException(String model, Duration limit) {
        super(ErrorKind.NOT_READY, "inference_timeout", "the inference on " + model + " was stopped after the time limit of "
                + limit.toMillis() + " ms; retry later, or ask the operator to raise the limit (--max-inference-ms,"
                + " VERGE_MAX_INFERENCE_MS)");
    }
}
