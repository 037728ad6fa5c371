package dev.verge.demo;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.List;

/**
 * Tiny ONNX detectors for tests, so every detection decoding runs through ONNX Runtime end to end:
 * two give fixed candidate tensors whatever the picture (their input is read, times zero), one finds dark regions.
 */
public final class TinyDetectors {
    public static final String INPUT = "images";
    private static final int OPSET = 13;

    private TinyDetectors() {}

    /**
     * A YOLOv8-style head: input images [1, 3, size, size], output "output0" [1, 4 + labels, N] holding
     * {@code candidates} (each cx, cy, w, h in input pixels, then one score per label), or [1, N, 4 + labels] when
     * {@code transposed}.
     */
    public static byte[] yolo(int size, int labels, float[][] candidates, boolean transposed) {
        int rows = 4 + labels;
        int n = candidates.length;
        float[] values = new float[rows * n];
        for (int i = 0; i < n; i++) {
            if (candidates[i].length != rows) {
                throw new IllegalArgumentException("candidate " + i + " has " + candidates[i].length
                        + " values; expected 4 + " + labels);
            }
            for (int f = 0; f < rows; f++) {
                values[transposed ? i * rows + f : f * n + i] = candidates[i][f];
            }
        }
        long[] dims = transposed ? new long[] {1, n, rows} : new long[] {1, rows, n};
        List<OnnxMl.NodeProto> nodes = new ArrayList<>(zeroFromInput());
        nodes.add(node("Add", List.of("candidates", "zero_from_input"), "output0"));
        return model("tiny-yolo", fixedInput(size), List.of(output("output0", OnnxMl.TensorProto.DataType.FLOAT, dims)),
                List.of(floats("candidates", values, dims), floats("zero", new float[] {0f})), nodes);
    }

    /**
     * A TensorFlow Object Detection-style head: outputs detection_boxes [1, N, 4] (as given, e.g. ymin, xmin,
     * ymax, xmax in 0..1), detection_scores [1, N] and detection_classes [1, N] as int64.
     */
    public static byte[] boxesScoresClasses(int size, float[][] boxes, float[] scores, long[] classes) {
        int n = scores.length;
        float[] flat = new float[4 * n];
        float[] classFloats = new float[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(boxes[i], 0, flat, 4 * i, 4);
            classFloats[i] = classes[i];
        }
        List<OnnxMl.NodeProto> nodes = new ArrayList<>(zeroFromInput());
        nodes.add(node("Add", List.of("boxes", "zero_from_input"), "detection_boxes"));
        nodes.add(node("Add", List.of("scores", "zero_from_input"), "detection_scores"));
        nodes.add(node("Add", List.of("classes", "zero_from_input"), "classes_float"));
        nodes.add(node("Cast", List.of("classes_float"), "detection_classes").toBuilder()
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to")
                        .setType(OnnxMl.AttributeProto.AttributeType.INT)
                        .setI(OnnxMl.TensorProto.DataType.INT64.getNumber())).build());
        return model("tiny-ssd", fixedInput(size), List.of(
                        output("detection_boxes", OnnxMl.TensorProto.DataType.FLOAT, 1, n, 4),
                        output("detection_scores", OnnxMl.TensorProto.DataType.FLOAT, 1, n),
                        output("detection_classes", OnnxMl.TensorProto.DataType.INT64, 1, n)),
                List.of(floats("boxes", flat, 1, n, 4), floats("scores", scores, 1, n),
                        floats("classes", classFloats, 1, n), floats("zero", new float[] {0f})), nodes);
    }

    /**
     * A DB-style "text" detector that finds dark regions: input images [N, 3, H, W] with any height and width
     * (values 0..1), output "maps" [N, 1, H, W] = 1 - mean of the channels, so black pixels have probability 1.
     */
    public static byte[] darkRegions() {
        OnnxMl.ValueInfoProto input = value(INPUT, OnnxMl.TensorProto.DataType.FLOAT,
                dynamic("batch"), fixed(3), dynamic("height"), dynamic("width"));
        OnnxMl.ValueInfoProto out = value("maps", OnnxMl.TensorProto.DataType.FLOAT,
                dynamic("batch"), fixed(1), dynamic("height"), dynamic("width"));
        List<OnnxMl.NodeProto> nodes = List.of(
                node("ReduceMean", List.of(INPUT), "grey").toBuilder()
                        .addAttribute(ints("axes", 1)).addAttribute(intAttribute("keepdims", 1)).build(),
                node("Sub", List.of("one", "grey"), "maps"));
        return model("tiny-dark-regions", input, List.of(out), List.of(floats("one", new float[] {1f})), nodes);
    }

    /** zero_from_input = 0 x mean(images): ties a constant output to the input so the graph consumes it. */
    private static List<OnnxMl.NodeProto> zeroFromInput() {
        return List.of(
                node("ReduceMean", List.of(INPUT), "input_mean").toBuilder()
                        .addAttribute(intAttribute("keepdims", 0)).build(),
                node("Mul", List.of("input_mean", "zero"), "zero_from_input"));
    }

    private static byte[] model(String name, OnnxMl.ValueInfoProto input, List<OnnxMl.ValueInfoProto> outputs,
                                List<OnnxMl.TensorProto> initializers, List<OnnxMl.NodeProto> nodes) {
        OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName(name.replace('-', '_'))
                .addInput(input).addAllOutput(outputs).addAllInitializer(initializers);
        for (int i = 0; i < nodes.size(); i++) {
            graph.addNode(nodes.get(i).toBuilder().setName("n" + i));
        }
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(FruitQualityGraph.IR_VERSION)
                .setProducerName("verge-demo-model")
                .setProducerVersion("1")
                .setDomain("dev.verge.demo")
                .setModelVersion(1)
                .setDocString(name + ": a synthetic detector for tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static OnnxMl.ValueInfoProto fixedInput(int size) {
        return value(INPUT, OnnxMl.TensorProto.DataType.FLOAT, fixed(1), fixed(3), fixed(size), fixed(size));
    }

    static OnnxMl.ValueInfoProto output(String name, OnnxMl.TensorProto.DataType type, long... dims) {
        OnnxMl.TensorShapeProto.Dimension[] shape = new OnnxMl.TensorShapeProto.Dimension[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = fixed(dims[i]);
        }
        return value(name, type, shape);
    }

    private static OnnxMl.TensorShapeProto.Dimension fixed(long size) {
        return OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(size).build();
    }

    private static OnnxMl.TensorShapeProto.Dimension dynamic(String name) {
        return OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(name).build();
    }

    private static OnnxMl.ValueInfoProto value(String name, OnnxMl.TensorProto.DataType type,
                                               OnnxMl.TensorShapeProto.Dimension... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (OnnxMl.TensorShapeProto.Dimension d : dims) {
            shape.addDim(d);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    static OnnxMl.NodeProto node(String op, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).addAllInput(inputs).addOutput(output).build();
    }

    static OnnxMl.AttributeProto intAttribute(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    static OnnxMl.AttributeProto ints(String name, long... values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static OnnxMl.TensorProto floats(String name, float[] values, long... dims) {
        OnnxMl.TensorProto.Builder tensor = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
        for (long d : dims) {
            tensor.addDims(d);
        }
        for (float v : values) {
            tensor.addFloatData(v);
        }
        return tensor.build();
    }
}
