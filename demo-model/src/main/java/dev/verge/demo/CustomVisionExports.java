package dev.verge.demo;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Tiny models with the signatures and metadata of Custom Vision's ONNX exports, and export zips around them
 * ({@code model.onnx}, {@code labels.txt}, {@code cvexport.manifest}, optionally {@code metadata_properties.json}), so
 * tests import every kind of export without downloading one:
 * <ul>
 *   <li>classifiers: input {@code data} [1, 3, size, size] (float or float16), outputs {@code classLabel} (string
 *       [1, 1]) and {@code loss}: probabilities [1, labels] (newer exports, float or float16) or ZipMap's
 *       seq(map(string, float)) (older exports). Probabilities are softmax(mean colour x weights + bias), the mean
 *       colour being each channel's mean of the input as fed;</li>
 *   <li>detectors with {@code detected_boxes} [1, N, 4] (x1, y1, x2, y2 in 0..1), {@code detected_scores} [1, N] and
 *       {@code detected_classes} [1, N] (int64), whatever the picture;</li>
 *   <li>older YOLO-region detectors: one grid {@code model_outputs0} [1, anchors x (5 + labels), H, W], whatever the
 *       picture.</li>
 * </ul>
 */
public final class CustomVisionExports {
    public static final String INPUT = "data";
    public static final String CLASSIFICATION = "Classification";
    public static final String OBJECT_DETECTION = "ObjectDetection";
    private static final int OPSET = 13;
    private static final int ML_OPSET = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CustomVisionExports() {}

    public static final List<String> CLASSIFIER_LABELS = List.of("ripe", "unripe");
    public static final List<String> DETECTOR_LABELS = List.of("apple", "pear");
    public static final int CLASSIFIER_SIZE = 32;
    public static final int DETECTOR_SIZE = 128;

    /**
     * A ripe/unripe classifier export, 32 x 32: logit(ripe) = 4 x the mean of input channel 0, logit(unripe) = 4 x the
     * mean of channel 2, in 0..1 units (the weights are divided by 255 for a NominalRange_0_255 model). A solid
     * picture with 204 in channel 0 (red for Rgb8, blue for Bgr8), 51 in channel 1 and 0 in channel 2 thus scores
     * ripe 1 / (1 + e^-3.2) = 0.960834 when the channels are fed as the metadata says, and 0.039166 when they are
     * swapped.
     */
    public static Path fruitClassifier(Path zip, boolean float16, boolean maps, String pixelFormat, String range) {
        float unit = "NominalRange_0_255".equals(range) ? 4f / 255 : 4f;
        float[][] weights = {{unit, 0}, {0, 0}, {0, unit}};
        Map<String, String> metadata = imageMetadata(pixelFormat, range);
        byte[] model = classifier(CLASSIFIER_SIZE, CLASSIFIER_LABELS, weights, new float[] {0, 0}, float16, maps,
                metadata);
        return exportZip(zip, CLASSIFICATION, model, CLASSIFIER_LABELS, maps ? null : metadataProperties(metadata));
    }

    /**
     * A detection export with detected_boxes, 128 x 128: pear 0.9 at (0.1, 0.2)-(0.5, 0.6), apple 0.6 at
     * (0.6, 0.1)-(0.9, 0.4), and apple 0.005 at (0.2, 0.2)-(0.3, 0.3), below what the export's scoring code shows.
     */
    public static Path fruitDetector(Path zip, boolean float16) {
        float[][] boxes = {{0.1f, 0.2f, 0.5f, 0.6f}, {0.6f, 0.1f, 0.9f, 0.4f}, {0.2f, 0.2f, 0.3f, 0.3f}};
        Map<String, String> metadata = imageMetadata("Rgb8", "NominalRange_0_255");
        byte[] model = detector(DETECTOR_SIZE, boxes, new float[] {0.9f, 0.6f, 0.005f}, new long[] {1, 0, 0}, float16,
                metadata);
        return exportZip(zip, OBJECT_DETECTION, model, DETECTOR_LABELS, metadataProperties(metadata));
    }

    /**
     * An older YOLO-region detection export, 128 x 128, a 4 x 4 grid, anchors (1, 1) and (2, 2) in
     * metadata_properties.json with {@code nmsThreshold}. Every cell and anchor has objectness -20 (nothing) but four:
     * <pre>
     * A row 1, column 1, anchor 0: t = (0, 0, 0, 0), objectness 3, class scores (2, 0)
     * B row 1, column 1, anchor 1: t = (0, 0, ln 0.6, ln 0.6), objectness 1, class scores (0, 2)
     * C row 1, column 2, anchor 0: t = (-20, 0, 0, 0), objectness 0, class scores (1, 0)
     * D row 2, column 1, anchor 0: t = (0, -20, 0, ln 2), objectness 2, class scores (2, 0)
     * </pre>
     */
    public static Path fruitYoloRegion(Path zip, String nmsThreshold) {
        return fruitYoloRegion(zip, nmsThreshold, false);
    }

    /** As {@link #fruitYoloRegion(Path, String)}, an OnnxFloat16 export when {@code float16}. */
    public static Path fruitYoloRegion(Path zip, String nmsThreshold, boolean float16) {
        int anchors = 2;
        int perAnchor = 5 + DETECTOR_LABELS.size();
        float[][][] grid = new float[anchors * perAnchor][4][4];
        for (int a = 0; a < anchors; a++) {
            for (float[] row : grid[a * perAnchor + 4]) {
                java.util.Arrays.fill(row, -20f);
            }
        }
        setCell(grid, 1, 1, 0, new float[] {0, 0, 0, 0, 3, 2, 0});
        float small = (float) Math.log(0.6);
        setCell(grid, 1, 1, 1, new float[] {0, 0, small, small, 1, 0, 2});
        setCell(grid, 1, 2, 0, new float[] {-20, 0, 0, 0, 0, 1, 0});
        setCell(grid, 2, 1, 0, new float[] {0, -20, 0, (float) Math.log(2), 2, 2, 0});
        Map<String, String> metadata = imageMetadata("Bgr8", "NominalRange_0_255");
        Map<String, String> properties = new LinkedHashMap<>(metadataProperties(metadata));
        properties.put("CustomVision.Postprocess.Method", "Yolo");
        properties.put("CustomVision.Postprocess.Yolo.Biases", "[1.0,1.0,2.0,2.0]");
        properties.put("CustomVision.Postprocess.Yolo.NmsThreshold", nmsThreshold);
        properties.put("CustomVision.Preprocess.ResizeMethod", "ByPixelCountAlign32");
        properties.put("CustomVision.Preprocess.TargetHeight", Integer.toString(DETECTOR_SIZE));
        properties.put("CustomVision.Preprocess.TargetWidth", Integer.toString(DETECTOR_SIZE));
        return exportZip(zip, OBJECT_DETECTION, yoloRegion(DETECTOR_SIZE, grid, float16, metadata), DETECTOR_LABELS,
                properties);
    }

    private static void setCell(float[][][] grid, int row, int column, int anchor, float[] values) {
        for (int f = 0; f < values.length; f++) {
            grid[anchor * values.length + f][row][column] = values[f];
        }
    }

    /** metadata_properties.json of a newer export: the model's metadata and the preprocessing Custom Vision used. */
    private static Map<String, String> metadataProperties(Map<String, String> imageMetadata) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("CustomVision.Metadata.Version", "1.2");
        properties.put("CustomVision.Preprocess.CropMethod", "NoCrop");
        properties.put("CustomVision.Preprocess.NormalizeMean", "[0.0,0.0,0.0]");
        properties.put("CustomVision.Preprocess.NormalizeStd", "[1.0,1.0,1.0]");
        properties.putAll(imageMetadata);
        return properties;
    }

    /** The image metadata Custom Vision writes into an export: pixel format Bgr8 or Rgb8, range 0..255 or 0..1. */
    public static Map<String, String> imageMetadata(String pixelFormat, String range) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("Image.BitmapPixelFormat", pixelFormat);
        metadata.put("Image.ColorSpaceGamma", "SRGB");
        metadata.put("Image.NominalPixelRange", range);
        return metadata;
    }

    /**
     * A classifier: probabilities = softmax(mean colour x {@code weights} [3][labels] + {@code bias}); the mean colour
     * is of the input as fed (channels in the model's order and range).
     *
     * @param float16 input and probabilities in float16 (an OnnxFloat16 export)
     * @param maps    probabilities as ZipMap's sequence of maps (older exports) instead of a tensor
     */
    public static byte[] classifier(int size, List<String> labels, float[][] weights, float[] bias, boolean float16,
                                    boolean maps, Map<String, String> metadata) {
        int k = labels.size();
        float[] w = new float[3 * k];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(weights[c], 0, w, c * k, k);
        }
        List<OnnxMl.NodeProto> nodes = new ArrayList<>(floatInput(float16));
        nodes.add(TinyDetectors.node("ReduceMean", List.of("data_float"), "features").toBuilder()
                .addAttribute(TinyDetectors.ints("axes", 2, 3)).addAttribute(TinyDetectors.intAttribute("keepdims", 0))
                .build());
        nodes.add(TinyDetectors.node("MatMul", List.of("features", "weights"), "weighted"));
        nodes.add(TinyDetectors.node("Add", List.of("weighted", "bias"), "logits"));
        nodes.add(TinyDetectors.node("Softmax", List.of("logits"), "probabilities").toBuilder()
                .addAttribute(TinyDetectors.intAttribute("axis", 1)).build());
        nodes.add(TinyDetectors.node("ArgMax", List.of("probabilities"), "best").toBuilder()
                .addAttribute(TinyDetectors.intAttribute("axis", 1)).addAttribute(TinyDetectors.intAttribute("keepdims", 1))
                .build());
        OnnxMl.NodeProto.Builder encoder = TinyDetectors.node("LabelEncoder", List.of("best"), "classLabel").toBuilder()
                .setDomain("ai.onnx.ml");
        OnnxMl.AttributeProto.Builder keys = OnnxMl.AttributeProto.newBuilder().setName("keys_int64s")
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        OnnxMl.AttributeProto.Builder values = OnnxMl.AttributeProto.newBuilder().setName("values_strings")
                .setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
        for (int i = 0; i < k; i++) {
            keys.addInts(i);
            values.addStrings(com.google.protobuf.ByteString.copyFromUtf8(labels.get(i)));
        }
        nodes.add(encoder.addAttribute(keys).addAttribute(values).build());
        OnnxMl.ValueInfoProto loss;
        if (maps) {
            OnnxMl.AttributeProto.Builder classLabels = OnnxMl.AttributeProto.newBuilder().setName("classlabels_strings")
                    .setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
            labels.forEach(l -> classLabels.addStrings(com.google.protobuf.ByteString.copyFromUtf8(l)));
            nodes.add(TinyDetectors.node("ZipMap", List.of("probabilities"), "loss").toBuilder().setDomain("ai.onnx.ml")
                    .addAttribute(classLabels).build());
            loss = scoreMaps("loss");
        } else {
            nodes.add(float16 ? cast("probabilities", "loss", DataType.FLOAT16)
                    : TinyDetectors.node("Identity", List.of("probabilities"), "loss"));
            loss = TinyDetectors.output("loss", float16 ? DataType.FLOAT16 : DataType.FLOAT, 1, k);
        }
        return model("cv-classifier", input(size, float16),
                List.of(TinyDetectors.output("classLabel", DataType.STRING, 1, 1), loss),
                List.of(TinyDetectors.floats("weights", w, 3, k), TinyDetectors.floats("bias", bias, k)), nodes, metadata);
    }

    /** A newer detection export: the given boxes (x1, y1, x2, y2 in 0..1), scores and classes whatever the picture. */
    public static byte[] detector(int size, float[][] boxes, float[] scores, long[] classes, boolean float16,
                                  Map<String, String> metadata) {
        int n = scores.length;
        float[] flat = new float[4 * n];
        float[] classFloats = new float[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(boxes[i], 0, flat, 4 * i, 4);
            classFloats[i] = classes[i];
        }
        DataType out = float16 ? DataType.FLOAT16 : DataType.FLOAT;
        List<OnnxMl.NodeProto> nodes = new ArrayList<>(floatInput(float16));
        nodes.addAll(zeroFromInput());
        nodes.add(TinyDetectors.node("Add", List.of("boxes", "zero_from_input"), "boxes_float"));
        nodes.add(TinyDetectors.node("Add", List.of("scores", "zero_from_input"), "scores_float"));
        nodes.add(TinyDetectors.node("Add", List.of("classes", "zero_from_input"), "classes_float"));
        nodes.add(cast("boxes_float", "detected_boxes", out));
        nodes.add(cast("scores_float", "detected_scores", out));
        nodes.add(cast("classes_float", "detected_classes", DataType.INT64));
        return model("cv-detector", input(size, float16), List.of(
                        TinyDetectors.output("detected_boxes", out, 1, n, 4),
                        TinyDetectors.output("detected_classes", DataType.INT64, 1, n),
                        TinyDetectors.output("detected_scores", out, 1, n)),
                List.of(TinyDetectors.floats("boxes", flat, 1, n, 4), TinyDetectors.floats("scores", scores, 1, n),
                        TinyDetectors.floats("classes", classFloats, 1, n), TinyDetectors.floats("zero", new float[] {0f})),
                nodes, metadata);
    }

    /**
     * An older YOLO-region detection export: output {@code model_outputs0} [1, channels, gridHeight, gridWidth] =
     * {@code grid} (channel-major: channel, row, column) whatever the picture.
     */
    public static byte[] yoloRegion(int size, float[][][] grid, Map<String, String> metadata) {
        return yoloRegion(size, grid, false, metadata);
    }

    /** As {@link #yoloRegion(int, float[][][], Map)}, with input and grid in float16 when {@code float16}. */
    public static byte[] yoloRegion(int size, float[][][] grid, boolean float16, Map<String, String> metadata) {
        int channels = grid.length;
        int h = grid[0].length;
        int w = grid[0][0].length;
        float[] flat = new float[channels * h * w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(grid[c][y], 0, flat, (c * h + y) * w, w);
            }
        }
        List<OnnxMl.NodeProto> nodes = new ArrayList<>(floatInput(float16));
        nodes.addAll(zeroFromInput());
        nodes.add(TinyDetectors.node("Add", List.of("grid", "zero_from_input"), "grid_float"));
        nodes.add(cast("grid_float", "model_outputs0", float16 ? DataType.FLOAT16 : DataType.FLOAT));
        return model("cv-yolo-region", input(size, float16),
                List.of(TinyDetectors.output("model_outputs0", float16 ? DataType.FLOAT16 : DataType.FLOAT, 1, channels, h, w)),
                List.of(TinyDetectors.floats("grid", flat, 1, channels, h, w), TinyDetectors.floats("zero", new float[] {0f})),
                nodes, metadata);
    }

    /**
     * Writes an export zip as Custom Vision does: model.onnx, labels.txt (one label a line), cvexport.manifest (with
     * the model's SHA-1) and, when {@code properties} is not null, metadata_properties.json.
     */
    public static Path exportZip(Path zipFile, String domainType, byte[] model, List<String> labels,
                                 Map<String, String> properties) {
        ObjectNode manifest = JSON.createObjectNode()
                .put("DomainType", domainType).put("Platform", "ONNX").put("Flavor", "")
                .put("ExporterVersion", "2.0").put("ExportedDate", "2026-11-30T09:12:44.1234567Z")
                .put("IterationId", "6b1c8a6e-4f5e-4cf7-9d3a-2f7b8d1e0c42")
                .put("ModelFileName", "model.onnx").put("LabelFileName", "labels.txt")
                .put("ModelFileSHA1", sha1(model)).put("SchemaVersion", "1.0");
        if (properties != null) {
            manifest.put("MetadataPropsFileName", "metadata_properties.json");
        }
        try {
            if (zipFile.getParent() != null) {
                Files.createDirectories(zipFile.getParent());
            }
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(zipFile))) {
                put(zip, "cvexport.manifest", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
                put(zip, "labels.txt", (String.join("\n", labels) + "\n").getBytes(StandardCharsets.UTF_8));
                if (properties != null) {
                    put(zip, "metadata_properties.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(properties));
                }
                put(zip, "model.onnx", model);
            }
            return zipFile;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + zipFile, e);
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setLastModifiedTime(FileTime.fromMillis(0));
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
    }

    private static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** data_float: the input as float (a Cast for float16 models). */
    private static List<OnnxMl.NodeProto> floatInput(boolean float16) {
        return List.of(float16 ? cast(INPUT, "data_float", DataType.FLOAT)
                : TinyDetectors.node("Identity", List.of(INPUT), "data_float"));
    }

    /** zero_from_input = 0 x mean(data): ties constant outputs to the input so the graph consumes it. */
    private static List<OnnxMl.NodeProto> zeroFromInput() {
        return List.of(
                TinyDetectors.node("ReduceMean", List.of("data_float"), "input_mean").toBuilder()
                        .addAttribute(TinyDetectors.intAttribute("keepdims", 0)).build(),
                TinyDetectors.node("Mul", List.of("input_mean", "zero"), "zero_from_input"));
    }

    private static OnnxMl.NodeProto cast(String from, String to, DataType type) {
        return TinyDetectors.node("Cast", List.of(from), to).toBuilder()
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to")
                        .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(type.getNumber()))
                .build();
    }

    private static OnnxMl.ValueInfoProto input(int size, boolean float16) {
        return TinyDetectors.output(INPUT, float16 ? DataType.FLOAT16 : DataType.FLOAT, 1, 3, size, size);
    }

    /** seq(map(string, tensor(float))), ZipMap's output. */
    private static OnnxMl.ValueInfoProto scoreMaps(String name) {
        OnnxMl.TypeProto value = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(DataType.FLOAT.getNumber())).build();
        OnnxMl.TypeProto map = OnnxMl.TypeProto.newBuilder().setMapType(OnnxMl.TypeProto.Map.newBuilder()
                .setKeyType(DataType.STRING.getNumber()).setValueType(value)).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setSequenceType(OnnxMl.TypeProto.Sequence.newBuilder()
                        .setElemType(map)))
                .build();
    }

    private static byte[] model(String name, OnnxMl.ValueInfoProto input, List<OnnxMl.ValueInfoProto> outputs,
                                List<OnnxMl.TensorProto> initializers, List<OnnxMl.NodeProto> nodes,
                                Map<String, String> metadata) {
        OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName(name.replace('-', '_'))
                .addInput(input).addAllOutput(outputs).addAllInitializer(initializers);
        for (int i = 0; i < nodes.size(); i++) {
            graph.addNode(nodes.get(i).toBuilder().setName("n" + i));
        }
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(FruitQualityGraph.IR_VERSION)
                .setProducerName("verge-demo-model")
                .setProducerVersion("1")
                .setDomain("dev.verge.demo")
                .setModelVersion(1)
                .setDocString(name + ": a tiny model with a Custom Vision export's signature, for tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(ML_OPSET))
                .setGraph(graph);
        if (metadata != null) {
            metadata.forEach((key, value) -> model.addMetadataProps(
                    OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        }
        return model.build().toByteArray();
    }
}
