package dev.verge.inference.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What is loaded: the package's identity, the resolved input (dynamic dimensions fixed by the manifest),
 * and the versions that decide whether a model runs (opset, IR version, ONNX Runtime version).
 */
public record ModelInfo(String name, String version, String sha256, String task, List<String> labels,
                        String inputName, long[] inputShape, String outputName,
                        long opset, long irVersion, String onnxRuntimeVersion, ThreadSettings threads) {
    public ModelInfo {
        labels = List.copyOf(labels);
        inputShape = inputShape.clone();
    }

    @Override
    public long[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInfo m && name.equals(m.name) && version.equals(m.version) && sha256.equals(m.sha256)
                && task.equals(m.task) && labels.equals(m.labels) && inputName.equals(m.inputName)
                && Arrays.equals(inputShape, m.inputShape) && outputName.equals(m.outputName) && opset == m.opset
                && irVersion == m.irVersion && onnxRuntimeVersion.equals(m.onnxRuntimeVersion)
                && threads.equals(m.threads);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version, sha256, task, labels, inputName, Arrays.hashCode(inputShape), outputName,
                opset, irVersion, onnxRuntimeVersion, threads);
    }

    @Override
    public String toString() {
        return "ModelInfo[name=" + name + ", version=" + version + ", sha256=" + sha256 + ", task=" + task
                + ", labels=" + labels + ", inputName=" + inputName + ", inputShape=" + Arrays.toString(inputShape)
                + ", outputName=" + outputName + ", opset=" + opset + ", irVersion=" + irVersion
                + ", onnxRuntimeVersion=" + onnxRuntimeVersion + ", threads=" + threads + "]";
    }
}
