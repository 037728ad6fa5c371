package dev.verge.inference.runtime;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;

/** ONNX Runtime refused the model (opset or IR version too new, unknown operator, broken graph...). */
public final class ModelLoadException extends VergeException {
    public ModelLoadException(String message, Throwable cause) {
        super(ErrorKind.UNPROCESSABLE, "model_load_failed", message, cause);
    }

    public ModelLoadException(String message) {
        super(ErrorKind.UNPROCESSABLE, "model_load_failed", message);
    }
}
