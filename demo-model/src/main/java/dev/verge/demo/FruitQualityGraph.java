package dev.verge.demo;

import ai.onnx.proto.OnnxMl;
import java.util.List;

/**
 * The fruit-quality classifier as an ONNX graph: global average pool over the image (the mean colour),
 * a 3 -> 2 linear layer (Gemm) with hand-set weights, then Softmax.
 *
 * <p>The input is normalized with the ImageNet mean/std, so channel c holds (v/255 - mean[c]) / std[c]. The
 * weights undo that to score the mean red-minus-green of the picture: ripe fruit (red, orange, yellow) has
 * more red than green, unripe fruit more green than red; a neutral background adds nothing. With
 * d = mean(r) - mean(g) in 0..1, logit(ripe) - logit(unripe) = GAIN * (d + BIAS).
 */
final class FruitQualityGraph {
    static final int SIZE = 224;
    static final String INPUT = "image";
    static final String OUTPUT = "probabilities";
    static final List<String> LABELS = List.of("ripe", "unripe");
    static final double[] MEAN = {0.485, 0.456, 0.406};
    static final double[] STD = {0.229, 0.224, 0.225};
    static final int IR_VERSION = 8;
    static final int OPSET = 13;

    /** How sharply the colour decides. */
    static final double GAIN = 200.0;
    /** Where the decision flips: 0 means a grey picture is a coin toss. */
    static final double BIAS = 0.0;
    /**
     * Mean blue (0..255) above which {@link #failsOnBrightPictures} fails: above the ImageNet mean (103.5, an
     * all-zero input tensor) and the smoke test's gradient (65), below the samples' light background.
     */
    static final double BRIGHT_BLUE = 110;

    private FruitQualityGraph() {}

    /** The working classifier. */
    static OnnxMl.ModelProto colourClassifier(int opset) {
        // d = r - g = STD_R * R_n + MEAN_R - STD_G * G_n - MEAN_G, with R_n, G_n the normalized means
        double half = GAIN / 2;
        float wr = (float) (half * STD[0]);
        float wg = (float) (-half * STD[1]);
        float b = (float) (half * (MEAN[0] - MEAN[1] + BIAS));
        // Gemm: logits[1,2] = features[1,3] x W[3,2] + B[2]; column 0 ripe, column 1 unripe
        float[] weights = {
            wr, -wr,
            wg, -wg,
            0f, 0f,
        };
        float[] bias = {b, -b};
        return model(weights, bias, opset, "fruit-quality: ripe when the picture is redder than it is green");
    }

    /** A deliberately bad classifier that answers unripe (p ~ 0.9997) whatever it sees. */
    static OnnxMl.ModelProto alwaysUnripe() {
        return model(new float[6], new float[] {-4f, 4f}, OPSET, "fruit-quality (broken on purpose): always unripe");
    }

    /**
     * A deliberately bad classifier that fails to run on bright pictures: its last step reshapes the two
     * probabilities to {@code [1, 3]} when the mean blue of the picture is above {@link #BRIGHT_BLUE}, which
     * ONNX Runtime refuses at run time. The registry's smoke test (a dark red-to-green gradient) passes; the
     * line's pictures (fruit on a light background) all fail, as a model whose post-processing was only
     * tried on one kind of picture does.
     */
    static OnnxMl.ModelProto failsOnBrightPictures() {
        OnnxMl.ModelProto working = colourClassifier(OPSET);
        float blueThreshold = (float) ((BRIGHT_BLUE / 255.0 - MEAN[2]) / STD[2]);
        OnnxMl.GraphProto.Builder graph = working.getGraph().toBuilder();
        // the working graph's Softmax now writes "scores"; the reshape below writes the output
        OnnxMl.NodeProto softmax = graph.getNode(graph.getNodeCount() - 1);
        graph.setNode(graph.getNodeCount() - 1, softmax.toBuilder().setOutput(0, "scores").build());
        graph.addInitializer(int64Tensor("blue_index", new long[] {2}))
                .addInitializer(floatTensor("blue_threshold", new float[] {blueThreshold}, 1))
                .addInitializer(int64Tensor("shape_step", new long[] {0, 1}, 2))
                .addInitializer(int64Tensor("shape_base", new long[] {1, LABELS.size()}, 2))
                .addNode(node("Gather", "blue", List.of("features", "blue_index"), "mean_blue").toBuilder()
                        .addAttribute(intAttribute("axis", 1)).build())
                .addNode(node("Greater", "bright", List.of("mean_blue", "blue_threshold"), "is_bright"))
                .addNode(node("Cast", "bright_as_int", List.of("is_bright"), "bright_int").toBuilder()
                        .addAttribute(intAttribute("to", OnnxMl.TensorProto.DataType.INT64.getNumber())).build())
                .addNode(node("Mul", "extra", List.of("bright_int", "shape_step"), "shape_extra"))
                .addNode(node("Add", "shape", List.of("shape_base", "shape_extra"), "out_shape"))
                .addNode(node("Reshape", "broken_reshape", List.of("scores", "out_shape"), OUTPUT));
        return working.toBuilder().setDocString("fruit-quality (broken on purpose): fails on bright pictures")
                .setGraph(graph).build();
    }

    /**
     * The working classifier whose probabilities pass through a {@code Loop} of {@code trips} iterations that
     * change nothing: a model of a kilobyte that runs for as long as its trip count says (an int64, so hours
     * are possible), as a hostile or broken package can. With {@code onlyOnBright} it loops only on pictures
     * whose mean blue is above {@link #BRIGHT_BLUE} (the line's pictures, not the smoke test's gradient), so it
     * loads and then stalls on every real request.
     */
    static OnnxMl.ModelProto looping(long trips, boolean onlyOnBright) {
        OnnxMl.ModelProto working = colourClassifier(OPSET);
        OnnxMl.GraphProto.Builder graph = working.getGraph().toBuilder();
        OnnxMl.NodeProto softmax = graph.getNode(graph.getNodeCount() - 1);
        graph.setNode(graph.getNodeCount() - 1, softmax.toBuilder().setOutput(0, "scores").build());
        OnnxMl.GraphProto body = OnnxMl.GraphProto.newBuilder()
                .setName("spin")
                .addInput(scalarValue("iteration", OnnxMl.TensorProto.DataType.INT64))
                .addInput(scalarValue("condition_in", OnnxMl.TensorProto.DataType.BOOL))
                .addInput(tensorValue("carried_in", 1, LABELS.size()))
                .addOutput(scalarValue("condition_out", OnnxMl.TensorProto.DataType.BOOL))
                .addOutput(tensorValue("carried_out", 1, LABELS.size()))
                .addInitializer(floatTensor("nothing", new float[] {0f}, 1))
                .addNode(node("Identity", "keep_going", List.of("condition_in"), "condition_out"))
                .addNode(node("Add", "unchanged", List.of("carried_in", "nothing"), "carried_out"))
                .build();
        String tripCount = "trips";
        graph.addInitializer(int64Tensor("trips", new long[] {trips}));
        if (onlyOnBright) {
            float blueThreshold = (float) ((BRIGHT_BLUE / 255.0 - MEAN[2]) / STD[2]);
            tripCount = "bright_trips";
            graph.addInitializer(int64Tensor("blue_index", new long[] {2}))
                    .addInitializer(floatTensor("blue_threshold", new float[] {blueThreshold}, 1))
                    .addInitializer(int64Tensor("scalar_shape", new long[0], 0))
                    .addNode(node("Gather", "blue", List.of("features", "blue_index"), "mean_blue").toBuilder()
                            .addAttribute(intAttribute("axis", 1)).build())
                    .addNode(node("Greater", "bright", List.of("mean_blue", "blue_threshold"), "is_bright"))
                    .addNode(node("Cast", "bright_as_int", List.of("is_bright"), "bright_int").toBuilder()
                            .addAttribute(intAttribute("to", OnnxMl.TensorProto.DataType.INT64.getNumber())).build())
                    .addNode(node("Mul", "trips_if_bright", List.of("bright_int", "trips"), "bright_trips_1x1"))
                    .addNode(node("Reshape", "as_scalar", List.of("bright_trips_1x1", "scalar_shape"), tripCount));
        }
        graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName("always")
                        .setDataType(OnnxMl.TensorProto.DataType.BOOL.getNumber()).addInt32Data(1).build())
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Loop").setName("spin")
                        .addInput(tripCount).addInput("always").addInput("scores").addOutput(OUTPUT)
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("body")
                                .setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(body))
                        .build());
        return working.toBuilder().setDocString("fruit-quality (slow on purpose): loops " + trips + " times")
                .setGraph(graph).build();
    }

    /**
     * The working classifier whose weights ONNX Runtime is told to read from an external file at {@code location}
     * (for example {@code ../../etc/passwd}): ONNX Runtime refuses it, naming the package's folder on the server.
     */
    static OnnxMl.ModelProto externalWeights(String location) {
        OnnxMl.ModelProto working = colourClassifier(OPSET);
        OnnxMl.GraphProto.Builder graph = working.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            OnnxMl.TensorProto w = graph.getInitializer(i);
            if (w.getName().equals("W")) {
                graph.setInitializer(i, w.toBuilder().clearFloatData()
                        .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                        .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("length")
                                .setValue(Integer.toString(w.getFloatDataCount() * 4)))
                        .build());
            }
        }
        return working.toBuilder().setGraph(graph).build();
    }

    private static OnnxMl.ValueInfoProto scalarValue(String name, OnnxMl.TensorProto.DataType type) {
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(type.getNumber()).setShape(OnnxMl.TensorShapeProto.newBuilder())))
                .build();
    }

    private static OnnxMl.ModelProto model(float[] weights, float[] bias, int opset, String doc) {
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName("fruit_quality")
                .addInput(tensorValue(INPUT, 1, 3, SIZE, SIZE))
                .addOutput(tensorValue(OUTPUT, 1, LABELS.size()))
                .addInitializer(floatTensor("W", weights, 3, LABELS.size()))
                .addInitializer(floatTensor("B", bias, LABELS.size()))
                .addNode(node("GlobalAveragePool", "pool", List.of(INPUT), "pooled"))
                .addNode(node("Flatten", "flatten", List.of("pooled"), "features").toBuilder()
                        .addAttribute(intAttribute("axis", 1)).build())
                .addNode(node("Gemm", "linear", List.of("features", "W", "B"), "logits"))
                .addNode(node("Softmax", "softmax", List.of("logits"), OUTPUT).toBuilder()
                        .addAttribute(intAttribute("axis", 1)).build())
                .build();
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("verge-demo-model")
                .setProducerVersion("1")
                .setDomain("dev.verge.demo")
                .setModelVersion(1)
                .setDocString(doc)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph)
                .build();
    }

    private static OnnxMl.NodeProto node(String op, String name, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output).build();
    }

    private static OnnxMl.AttributeProto intAttribute(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder()
                .setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static OnnxMl.TensorProto floatTensor(String name, float[] values, long... dims) {
        OnnxMl.TensorProto.Builder tensor = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
        for (long d : dims) {
            tensor.addDims(d);
        }
        for (float v : values) {
            tensor.addFloatData(v);
        }
        return tensor.build();
    }

    private static OnnxMl.TensorProto int64Tensor(String name, long[] values, long... dims) {
        OnnxMl.TensorProto.Builder tensor = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber());
        for (long d : dims) {
            tensor.addDims(d);
        }
        for (long v : values) {
            tensor.addInt64Data(v);
        }
        return tensor.build();
    }

    private static OnnxMl.ValueInfoProto tensorValue(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape)))
                .build();
    }
}
