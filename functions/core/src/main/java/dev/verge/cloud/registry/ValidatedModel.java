package dev.verge.cloud.registry;

import java.util.List;

/**
 * What validation learned by loading the model in ONNX Runtime: the model file's digest and size,
 * its real input and output, its opset and IR version, and the ONNX Runtime version that loaded it
 * (models exported with a newer opset than a runtime supports are the most common deployment failure,
 * so the registry records what was proven to work).
 */
public record ValidatedModel(
        String modelSha256,
        long modelSize,
        String inputName,
        List<Long> inputShape,
        String outputName,
        long opset,
        long irVersion,
        String onnxRuntimeVersion) {}
