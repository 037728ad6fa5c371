package dev.verge.inference.pkg;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.json.Json;
import dev.verge.inference.pkg.ManifestInvalidException.Problem;
import dev.verge.inference.runtime.Onnx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A Custom Vision ONNX export as it comes (a zip with {@code model.onnx}, {@code labels.txt}, {@code cvexport.manifest}
 * and, in newer exports, {@code metadata_properties.json}) turned into a Verge package: the manifest is derived from
 * the export's own files and the model's metadata, and preprocessing and decoding are what the export's scoring code
 * does (a plain resize to the model's input, RGB unless {@code Image.BitmapPixelFormat} is {@code Bgr8}, 0..1 unless
 * {@code Image.NominalPixelRange} is {@code NominalRange_0_255}).
 */
public final class CustomVisionExport {
    public static final String EXPORT_MANIFEST = "cvexport.manifest";
    static final String DEFAULT_MODEL = "model.onnx";
    static final String DEFAULT_LABELS = "labels.txt";
    static final String DEFAULT_METADATA = "metadata_properties.json";
    static final long MAX_SMALL_FILE = 1024 * 1024;
    static final List<String> DETECTED = List.of("detected_boxes", "detected_scores", "detected_classes");
    /** The probability the detection exports' scoring code shows boxes from. */
    static final double DETECTED_SCORE_THRESHOLD = 0.01;
    static final int DETECTED_MAX = 64;

    private final List<Problem> problems = new ArrayList<>();

    private CustomVisionExport() {}

    /** True when the zip is a Custom Vision export rather than a Verge package: a cvexport.manifest, no manifest.json. */
    public static boolean isExport(Path zip) {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            boolean export = false;
            for (Iterator<? extends ZipEntry> it = file.entries().asIterator(); it.hasNext(); ) {
                String name = it.next().getName();
                String base = name.substring(name.lastIndexOf('/') + 1);
                if (base.equals(Manifest.FILE_NAME)) {
                    return false;
                }
                export |= base.equals(EXPORT_MANIFEST);
            }
            return export;
        } catch (IOException | RuntimeException notAZip) {
            return false;
        }
    }

    /**
     * Writes the Verge package of an export zip: manifest.json (named {@code name} and {@code version}) next to the
     * export's files, with fixed timestamps, so that the same export always gives the same package bytes.
     *
     * @throws ManifestInvalidException every problem of the export's files at once
     * @throws PackageInvalidException  the zip cannot be read safely
     */
    public static Path writePackage(Path exportZip, String name, String version, Path targetZip, ZipLimits limits,
                                    Path workDir) {
        Path unpacked = SafeUnzip.unzipToTemporaryFolder(exportZip, limits, workDir);
        try {
            Path root = root(unpacked);
            byte[] manifest = deriveManifest(root, name, version).toJson();
            List<Path> files;
            try (var listing = Files.list(root)) {
                files = listing.filter(Files::isRegularFile).sorted().toList();
            }
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(targetZip))) {
                put(zip, Manifest.FILE_NAME, out -> out.write(manifest));
                for (Path file : files) {
                    put(zip, file.getFileName().toString(), out -> Files.copy(file, out));
                }
            }
            return targetZip;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the package of " + exportZip.getFileName(), e);
        } finally {
            ModelPackage.deleteQuietly(unpacked);
        }
    }

    /** The Verge manifest of an unpacked export folder. */
    public static Manifest deriveManifest(Path exportRoot, String name, String version) {
        return new CustomVisionExport().derive(exportRoot, name, version);
    }

    private Manifest derive(Path root, String name, String version) {
        JsonNode export = readJson(root.resolve(EXPORT_MANIFEST), EXPORT_MANIFEST, true);
        String domain = text(export, "DomainType");
        String platform = text(export, "Platform");
        String modelFile = fileName(export, "ModelFileName", DEFAULT_MODEL, root);
        String labelFile = fileName(export, "LabelFileName", DEFAULT_LABELS, root);
        if (platform != null && !platform.equalsIgnoreCase("ONNX")) {
            problem(EXPORT_MANIFEST + ".Platform", "expected ONNX, found \"" + platform + "\": Verge serves the ONNX"
                    + " exports of Custom Vision (compact domains)");
        }
        String task = null;
        if (domain == null) {
            problem(EXPORT_MANIFEST + ".DomainType", "is required: Classification or ObjectDetection");
        } else if (domain.toLowerCase(Locale.ROOT).contains("classification")) {
            task = Manifest.CLASSIFICATION;
        } else if (domain.toLowerCase(Locale.ROOT).contains("objectdetection")) {
            task = Manifest.DETECTION;
        } else {
            problem(EXPORT_MANIFEST + ".DomainType", "expected Classification or ObjectDetection, found \"" + domain + "\"");
        }
        List<String> labels = labelFile == null ? List.of() : labels(root.resolve(labelFile), labelFile);
        String metadataFile = export.path("MetadataPropsFileName").asText(DEFAULT_METADATA);
        Map<String, String> metadata = new LinkedHashMap<>(properties(root, metadataFile));
        if (modelFile == null) {
            throw invalid();
        }
        Path model = root.resolve(modelFile);
        checkSha1(export, model, modelFile);
        ObjectNode manifest = Json.mapper().createObjectNode();
        manifest.put("name", name).put("version", version).put("task", task == null ? Manifest.CLASSIFICATION : task)
                .put("file", modelFile).put("sha256", ModelPackage.sha256(model));
        labels.forEach(manifest.putArray("labels")::add);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = Onnx.environment().createSession(model.toString(), options)) {
            metadata.putAll(session.getMetadata().getCustomMetadata()); // the model's own metadata wins
            manifest.set("input", input(session.getInputInfo(), metadata));
            if (Manifest.DETECTION.equals(task)) {
                manifest.set("output", detectionOutput(session.getOutputInfo(), metadata));
            } else {
                manifest.set("output", classificationOutput(session.getOutputInfo(), labels.size()));
            }
        } catch (OrtException e) {
            throw new PackageInvalidException("ONNX Runtime " + Onnx.runtimeVersion() + " cannot read " + modelFile
                    + " of the Custom Vision export: " + String.valueOf(e.getMessage()).replace(model.toString(), modelFile));
        }
        if (!problems.isEmpty()) {
            throw invalid();
        }
        try {
            return Manifest.parse(Json.mapper().writeValueAsBytes(manifest));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: writing a tree to bytes", e);
        }
    }

    /** NCHW float input, RGB or BGR and the range from the model's image metadata, resized to the model's size. */
    private ObjectNode input(Map<String, NodeInfo> inputs, Map<String, String> metadata) {
        ObjectNode in = Json.mapper().createObjectNode();
        if (inputs.size() != 1) {
            problem("model.onnx", "the model has " + inputs.size() + " inputs " + inputs.keySet()
                    + "; a Custom Vision export has one image input");
            return in;
        }
        Map.Entry<String, NodeInfo> only = inputs.entrySet().iterator().next();
        in.put("name", only.getKey()).put("layout", Manifest.InputSpec.NCHW);
        if (only.getValue().getInfo() instanceof TensorInfo tensor && tensor.getShape().length == 4) {
            long[] shape = tensor.getShape();
            in.put("height", side(shape[2], metadata, "CustomVision.Preprocess.TargetHeight", "height"));
            in.put("width", side(shape[3], metadata, "CustomVision.Preprocess.TargetWidth", "width"));
        } else {
            problem("model.onnx", "model input \"" + only.getKey() + "\" is " + only.getValue().getInfo()
                    + "; expected an image tensor [1, 3, height, width]");
        }
        String format = metadata.getOrDefault("Image.BitmapPixelFormat", "Rgb8");
        switch (format) {
            case "Bgr8" -> in.put("channels", Manifest.InputSpec.BGR);
            case "Rgb8" -> in.put("channels", Manifest.InputSpec.RGB);
            default -> problem("Image.BitmapPixelFormat", "expected Bgr8 or Rgb8, found \"" + format + "\"");
        }
        String range = metadata.getOrDefault("Image.NominalPixelRange", "Normalized_0_1");
        switch (range) {
            case "NominalRange_0_255" -> in.put("scale", 1.0);
            case "Normalized_0_1" -> in.put("scale", 255.0);
            default -> problem("Image.NominalPixelRange", "expected NominalRange_0_255 or Normalized_0_1, found \""
                    + range + "\"");
        }
        // the export's scoring code resizes to the model's input whatever the resize method says
        in.put("resize", Manifest.InputSpec.STRETCH);
        return in;
    }

    /** A fixed side of the model, or the export's target size when the model leaves it dynamic. */
    private int side(long fromModel, Map<String, String> metadata, String key, String what) {
        if (fromModel > 0) {
            return (int) fromModel;
        }
        String target = metadata.get(key);
        try {
            int value = Integer.parseInt(String.valueOf(target).strip());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problem(key, "the model's input " + what + " is dynamic; expected the export's target " + what
                + " in " + key + ", found " + (target == null ? "none" : "\"" + target + "\""));
        return 1;
    }

    /** Probabilities: a float tensor of one score per label (newer exports) or ZipMap's sequence of maps (older). */
    private ObjectNode classificationOutput(Map<String, NodeInfo> outputs, int labels) {
        ObjectNode out = Json.mapper().createObjectNode().put("activation", Manifest.OutputSpec.NONE);
        String maps = null;
        for (Map.Entry<String, NodeInfo> e : outputs.entrySet()) {
            if (e.getValue().getInfo() instanceof TensorInfo t
                    && (t.type == OnnxJavaType.FLOAT || t.type == OnnxJavaType.FLOAT16)) {
                return out.put("name", e.getKey());
            }
            if (e.getValue().getInfo() instanceof SequenceInfo seq && seq.isSequenceOfMaps() && maps == null) {
                maps = e.getKey();
            }
        }
        if (maps == null) {
            problem("model.onnx", "the model's outputs " + describe(outputs) + " hold no probabilities; expected a"
                    + " float tensor of " + labels + " scores or a sequence of maps from label to probability");
            return out;
        }
        return out.put("name", maps);
    }

    /** detected_boxes/scores/classes (newer exports) or one YOLO region grid with the export's anchors (older). */
    private ObjectNode detectionOutput(Map<String, NodeInfo> outputs, Map<String, String> metadata) {
        ObjectNode out = Json.mapper().createObjectNode();
        if (outputs.keySet().containsAll(DETECTED)) {
            return out.put("decoding", Manifest.Detection.BOXES_SCORES_CLASSES)
                    .put("boxes", DETECTED.get(0)).put("scores", DETECTED.get(1)).put("classes", DETECTED.get(2))
                    .put("boxFormat", "xyxy").put("normalized", true)
                    .put("scoreThreshold", DETECTED_SCORE_THRESHOLD).put("maxDetections", DETECTED_MAX)
                    // the model suppresses overlaps itself; its scoring code keeps every box it gives
                    .put("iouThreshold", 1.0);
        }
        if (outputs.size() != 1) {
            problem("model.onnx", "the detection model's outputs are " + describe(outputs) + "; expected "
                    + DETECTED + " or one YOLO region grid [1, anchors x (5 + labels), H, W]");
            return out;
        }
        out.put("decoding", Manifest.Detection.YOLO_REGION).put("name", outputs.keySet().iterator().next());
        String biases = metadata.get("CustomVision.Postprocess.Yolo.Biases");
        if (biases != null) {
            var anchors = out.putArray("anchors");
            try {
                for (String v : biases.replace("[", "").replace("]", "").split("[,\\s]+")) {
                    if (!v.isBlank()) {
                        anchors.add(Double.parseDouble(v));
                    }
                }
            } catch (NumberFormatException e) {
                problem("CustomVision.Postprocess.Yolo.Biases", "expected anchor widths and heights such as"
                        + " [0.573, 0.677, 1.87, 2.06], found \"" + biases + "\"");
            }
        }
        String nms = metadata.get("CustomVision.Postprocess.Yolo.NmsThreshold");
        if (nms != null) {
            try {
                out.put("iouThreshold", Double.parseDouble(nms.strip()));
            } catch (NumberFormatException e) {
                problem("CustomVision.Postprocess.Yolo.NmsThreshold", "expected a number from 0 to 1, found \"" + nms
                        + "\"");
            }
        }
        return out;
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        List<String> shown = new ArrayList<>();
        nodes.forEach((name, node) -> shown.add(name + " " + node.getInfo()));
        return shown.toString();
    }

    private void checkSha1(JsonNode export, Path model, String modelFile) {
        String expected = text(export, "ModelFileSHA1");
        if (expected == null) {
            return;
        }
        String actual = sha1(model);
        if (!actual.equalsIgnoreCase(expected.strip())) {
            throw new VergeException(ErrorKind.UNPROCESSABLE, "package_digest_mismatch", "SHA-1 of " + modelFile
                    + " is " + actual + ", but " + EXPORT_MANIFEST + " expects " + expected.strip()
                    + " (ModelFileSHA1); the export was altered or damaged, export it again");
        }
    }

    private List<String> labels(Path file, String shownName) {
        if (!Files.isRegularFile(file)) {
            problem(EXPORT_MANIFEST + ".LabelFileName", "the export has no " + shownName);
            return List.of();
        }
        String text = new String(readSmall(file, shownName), StandardCharsets.UTF_8);
        List<String> labels = text.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (labels.isEmpty()) {
            problem(shownName, "expected one label per line, found none");
        }
        return labels;
    }

    private Map<String, String> properties(Path root, String fileName) {
        Map<String, String> values = new LinkedHashMap<>();
        if (!Manifest.isSafeName(fileName) || !Files.isRegularFile(root.resolve(fileName))) {
            return values;
        }
        JsonNode node = readJson(root.resolve(fileName), fileName, false);
        node.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().isTextual()
                ? e.getValue().textValue() : e.getValue().toString()));
        return values;
    }

    private JsonNode readJson(Path file, String shownName, boolean required) {
        if (!Files.isRegularFile(file)) {
            if (required) {
                throw new PackageInvalidException("the Custom Vision export has no " + shownName);
            }
            return Json.mapper().createObjectNode();
        }
        try {
            JsonNode node = Json.mapper().readTree(readSmall(file, shownName));
            if (node != null && node.isObject()) {
                return node;
            }
            problem(shownName, "expected a JSON object");
        } catch (IOException e) {
            problem(shownName, "not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return Json.mapper().createObjectNode();
    }

    private String fileName(JsonNode export, String field, String fallback, Path root) {
        String value = export.path(field).asText(fallback);
        if (!Manifest.isSafeName(value)) {
            problem(EXPORT_MANIFEST + "." + field, "expected a file name in the export, found \"" + value + "\"");
            return null;
        }
        if (!Files.isRegularFile(root.resolve(value))) {
            problem(EXPORT_MANIFEST + "." + field, "the export has no file " + value);
            return null;
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }

    private void problem(String path, String message) {
        problems.add(new Problem(path, message));
    }

    private ManifestInvalidException invalid() {
        return new ManifestInvalidException("the Custom Vision export", problems);
    }

    /** The folder holding cvexport.manifest: the zip's root, or its single top-level folder. */
    private static Path root(Path unpacked) throws IOException {
        if (Files.isRegularFile(unpacked.resolve(EXPORT_MANIFEST))) {
            return unpacked;
        }
        try (var children = Files.list(unpacked)) {
            List<Path> all = children.toList();
            if (all.size() == 1 && Files.isRegularFile(all.get(0).resolve(EXPORT_MANIFEST))) {
                return all.get(0);
            }
        }
        throw new PackageInvalidException("the zip has no " + EXPORT_MANIFEST + " at its root (or in a single top-level"
                + " folder)");
    }

    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static void put(ZipOutputStream zip, String name, Content content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setLastModifiedTime(FileTime.fromMillis(0));
        zip.putNextEntry(entry);
        content.writeTo(zip);
        zip.closeEntry();
    }

    private static byte[] readSmall(Path file, String shownName) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) MAX_SMALL_FILE + 1);
            if (bytes.length > MAX_SMALL_FILE) {
                throw new PackageInvalidException(shownName + " is larger than " + MAX_SMALL_FILE + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new PackageInvalidException("cannot read " + shownName + ": " + e.getMessage(), e);
        }
    }

    private static String sha1(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-1"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new PackageInvalidException("cannot read " + file.getFileName() + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
