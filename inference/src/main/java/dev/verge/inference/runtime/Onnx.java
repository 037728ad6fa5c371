package dev.verge.inference.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;

/** The one {@link OrtEnvironment} of the process (ONNX Runtime allows only one; it lives until exit). */
public final class Onnx {
    private Onnx() {}

    private static final class Holder {
        static final OrtEnvironment ENV =
                OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "verge");
    }

    public static OrtEnvironment environment() {
        return Holder.ENV;
    }

    /** The version of the ONNX Runtime native library, for example {@code 1.29.0}. */
    public static String runtimeVersion() {
        return environment().getVersion();
    }
}
