package dev.verge.inference.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import dev.verge.inference.pkg.Manifest;
import dev.verge.inference.pkg.ManifestInvalidException;
import dev.verge.inference.pkg.ManifestInvalidException.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks a manifest against the input and output a session really has, collecting every disagreement.
 * Dynamic dimensions (-1 or named) are fixed by the manifest.
 */
final class SessionContract {
    /**
     * The names to feed and fetch, the input shape for one image (-1 for sides that follow the picture), and whether
     * the batch is free. {@code outputNames}: every output read (a detector may read several); the first is
     * {@code outputName}.
     */
    record Resolved(String inputName, long[] inputShape, boolean dynamicBatch, String outputName,
                    List<String> outputNames, boolean float16Input) {}

    private final List<Problem> problems = new ArrayList<>();

    private SessionContract() {}

    static Resolved resolve(Manifest manifest, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
        return new SessionContract().check(manifest, inputs, outputs);
    }

    private Resolved check(Manifest manifest, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
        Manifest.InputSpec spec = manifest.input();
        boolean dynamicBatch = false;
        boolean float16Input = false;
        String inputName = pick(spec.name(), inputs, "input.name", "input");
        if (inputs.size() > 1 && inputName != null) {
            problems.add(new Problem("input.name", "the model has " + inputs.size() + " inputs " + inputs.keySet()
                    + "; Verge feeds exactly one image input"));
        }
        if (inputName != null) {
            dynamicBatch = checkInput(spec, inputName, inputs.get(inputName));
            float16Input = inputs.get(inputName).getInfo() instanceof TensorInfo t && t.type == OnnxJavaType.FLOAT16;
        }
        List<String> outputNames = manifest.isDetection()
                ? detectionOutputs(manifest, outputs) : classificationOutput(manifest, outputs);
        if (!problems.isEmpty()) {
            throw new ManifestInvalidException(problems);
        }
        long h = spec.isDynamicSize() ? -1 : spec.height();
        long w = spec.isDynamicSize() ? -1 : spec.width();
        long[] shape = spec.isNchw() ? new long[] {1, 3, h, w} : new long[] {1, h, w, 3};
        return new Resolved(inputName, shape, dynamicBatch, outputNames.get(0), outputNames, float16Input);
    }

    private List<String> classificationOutput(Manifest manifest, Map<String, NodeInfo> outputs) {
        String outputName = pick(manifest.output().name(), outputs, "output.name", "output");
        if (outputName != null) {
            checkOutput(manifest, outputName, outputs.get(outputName));
        }
        return java.util.Collections.singletonList(outputName);
    }

    private List<String> detectionOutputs(Manifest manifest, Map<String, NodeInfo> outputs) {
        Manifest.Detection d = manifest.output().detection();
        if (!Manifest.Detection.BOXES_SCORES_CLASSES.equals(d.decoding())) {
            String name = pick(manifest.output().name(), outputs, "output.name", "output");
            if (name != null) {
                checkNumeric("output.name", name, outputs.get(name), false);
            }
            return java.util.Collections.singletonList(name);
        }
        List<String> names = d.outputNames(null);
        List<String> paths = List.of("output.boxes", "output.scores", "output.classes");
        for (int i = 0; i < names.size(); i++) {
            NodeInfo node = outputs.get(names.get(i));
            if (node == null) {
                problems.add(new Problem(paths.get(i), "the model has no output \"" + names.get(i) + "\"; its outputs"
                        + " are " + outputs.keySet()));
            } else {
                checkNumeric(paths.get(i), names.get(i), node, i == 2);
            }
        }
        return names;
    }

    /** Float outputs (float16 too); class ids may also be integers. */
    private void checkNumeric(String path, String name, NodeInfo node, boolean integersToo) {
        boolean ok = node.getInfo() instanceof TensorInfo tensor && (isFloat(tensor)
                || (integersToo && (tensor.type == OnnxJavaType.INT64 || tensor.type == OnnxJavaType.INT32)));
        if (!ok) {
            problems.add(new Problem(path, "model output \"" + name + "\" is " + node.getInfo() + "; expected a float32"
                    + " tensor" + (integersToo ? " (or int64/int32 class ids)" : "")));
        }
    }

    private String pick(String wanted, Map<String, NodeInfo> nodes, String path, String kind) {
        if (wanted != null) {
            if (nodes.containsKey(wanted)) {
                return wanted;
            }
            problems.add(new Problem(path, "the model has no " + kind + " \"" + wanted + "\"; its " + kind + "s are "
                    + nodes.keySet()));
            return null;
        }
        if (nodes.size() == 1) {
            return nodes.keySet().iterator().next();
        }
        problems.add(new Problem(path, "the model has " + nodes.size() + " " + kind + "s " + nodes.keySet()
                + "; name the one to use"));
        return null;
    }

    private boolean checkInput(Manifest.InputSpec spec, String name, NodeInfo node) {
        if (!(node.getInfo() instanceof TensorInfo tensor)) {
            problems.add(new Problem("input.name", "model input \"" + name + "\" is " + node.getInfo()
                    + "; expected a float32 tensor"));
            return false;
        }
        if (!isFloat(tensor)) {
            problems.add(new Problem("input.name", "model input \"" + name + "\" takes " + tensor.onnxType
                    + " tensors; expected float32 or float16"));
        }
        long[] shape = tensor.getShape();
        if (shape.length != 4) {
            problems.add(new Problem("input.layout", "model input \"" + name + "\" has shape " + Arrays.toString(shape)
                    + " (" + shape.length + " dimensions); expected 4 dimensions (" + spec.layout() + ")"));
            return false;
        }
        boolean nchw = spec.isNchw();
        int c = nchw ? 1 : 3;
        int h = nchw ? 2 : 1;
        int w = nchw ? 3 : 2;
        if (shape[0] > 1) {
            problems.add(new Problem("input", "model input \"" + name + "\" has shape " + Arrays.toString(shape)
                    + ": its batch dimension is fixed to " + shape[0] + "; expected 1 or dynamic"));
        }
        if (shape[c] >= 0 && shape[c] != 3) {
            long other = shape[nchw ? 3 : 1];
            String hint = other == 3 ? "; the model looks " + (nchw ? "NHWC" : "NCHW") + ", set input.layout to it" : "";
            problems.add(new Problem("input.layout", "model input \"" + name + "\" has shape " + Arrays.toString(shape)
                    + ": its channel dimension (index " + c + " in " + spec.layout() + ") is " + shape[c]
                    + ", expected 3" + hint));
            return shape[0] < 0;
        }
        if (spec.isDynamicSize()) {
            if (shape[h] >= 0 || shape[w] >= 0) {
                problems.add(new Problem("input.resize", "model input \"" + name + "\" has shape "
                        + Arrays.toString(shape) + ": a fixed height or width; resize mode fit-multiple needs dynamic"
                        + " sides (use stretch or letterbox with input.width and input.height)"));
            }
            return shape[0] < 0;
        }
        if (shape[h] >= 0 && shape[h] != spec.height()) {
            problems.add(new Problem("input.height", "model input \"" + name + "\" has shape " + Arrays.toString(shape)
                    + ": its height is " + shape[h] + ", the manifest says " + spec.height()));
        }
        if (shape[w] >= 0 && shape[w] != spec.width()) {
            problems.add(new Problem("input.width", "model input \"" + name + "\" has shape " + Arrays.toString(shape)
                    + ": its width is " + shape[w] + ", the manifest says " + spec.width()));
        }
        return shape[0] < 0;
    }

    private void checkOutput(Manifest manifest, String name, NodeInfo node) {
        if (isScoreMaps(node)) {
            return; // labels are checked against the map's keys after the first run
        }
        if (!(node.getInfo() instanceof TensorInfo tensor)) {
            problems.add(new Problem("output.name", "model output \"" + name + "\" is " + node.getInfo()
                    + "; expected a float32 tensor of class scores (or a sequence of maps from label to probability)"));
            return;
        }
        if (!isFloat(tensor)) {
            problems.add(new Problem("output.name", "model output \"" + name + "\" gives " + tensor.onnxType
                    + " tensors; expected float32 (or float16) class scores"));
        }
        long perImage = valuesPerImage(tensor.getShape());
        if (perImage > 0 && perImage != manifest.labels().size()) {
            problems.add(new Problem("labels", "model output \"" + name + "\" has shape "
                    + Arrays.toString(tensor.getShape()) + " (" + perImage + " scores per image), the manifest lists "
                    + manifest.labels().size() + " labels"));
        }
    }

    /** A classifier output of ONNX-ML's ZipMap: seq(map(string or int64, float)), one map per image. */
    static boolean isScoreMaps(NodeInfo node) {
        return node.getInfo() instanceof ai.onnxruntime.SequenceInfo seq && seq.isSequenceOfMaps()
                && seq.mapInfo.valueType == OnnxJavaType.FLOAT
                && (seq.mapInfo.keyType == OnnxJavaType.STRING || seq.mapInfo.keyType == OnnxJavaType.INT64);
    }

    private static boolean isFloat(TensorInfo tensor) {
        return tensor.type == OnnxJavaType.FLOAT || tensor.type == OnnxJavaType.FLOAT16;
    }

    /** Scores per image when every non-batch dimension is fixed, else -1. */
    static long valuesPerImage(long[] shape) {
        if (shape.length == 0) {
            return 1;
        }
        long product = 1;
        for (int i = shape.length == 1 ? 0 : 1; i < shape.length; i++) {
            if (shape[i] < 0) {
                return -1;
            }
            product *= shape[i];
        }
        return product;
    }
}
