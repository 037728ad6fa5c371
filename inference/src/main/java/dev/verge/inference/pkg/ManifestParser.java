package dev.verge.inference.pkg;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.inference.json.Json;
import dev.verge.inference.pkg.ManifestInvalidException.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns manifest bytes into a {@link Manifest}, collecting every problem before failing. */
final class ManifestParser {
    static final String DEFAULT_TASK = "classification";
    static final String DEFAULT_FILE = "model.onnx";
    static final int MAX_SIDE = 8192;
    static final int MAX_LABELS = 100_000;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final List<String> INPUT_FIELDS =
            List.of("name", "layout", "width", "height", "channels", "scale", "mean", "std", "resize");
    private static final List<String> OUTPUT_FIELDS = List.of("name", "activation");
    private static final List<String> RESIZE_FIELDS = List.of("mode", "multiple", "maxSide", "padValue");
    private static final List<String> DETECTION_COMMON = List.of("decoding", "name", "scoreThreshold", "maxDetections");
    private static final Map<String, List<String>> DETECTION_FIELDS = Map.of(
            Manifest.Detection.YOLO, List.of("iouThreshold"),
            Manifest.Detection.BOXES_SCORES_CLASSES, List.of("iouThreshold", "boxes", "scores", "classes", "boxFormat",
                    "normalized", "classOffset"),
            Manifest.Detection.DB_TEXT, List.of("binaryThreshold", "unclipRatio"),
            Manifest.Detection.YOLO_REGION, List.of("iouThreshold", "anchors"));
    static final int MAX_ANCHORS = 64;
    static final int DEFAULT_MULTIPLE = 32;
    static final int DEFAULT_MAX_SIDE = 960;
    static final int MAX_DETECTIONS = 10_000;

    private final List<Problem> problems = new ArrayList<>();

    private ManifestParser() {}

    static Manifest parse(byte[] json) {
        return new ManifestParser().read(json);
    }

    private Manifest read(byte[] json) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw invalid(new Problem("$", "not valid JSON" + where + ": " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw invalid(new Problem("$", "cannot be read: " + e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            throw invalid(new Problem("$", "expected a JSON object, found an empty document"));
        }
        if (!root.isObject()) {
            throw invalid(new Problem("$", "expected a JSON object, found " + typeOf(root)));
        }

        String name = safeName(root, "name", true, null);
        String version = version(root);
        String task = oneOf(root, "task", "task", List.of(Manifest.CLASSIFICATION, Manifest.DETECTION), DEFAULT_TASK,
                false);
        String file = safeName(root, "file", false, DEFAULT_FILE);
        String sha256 = sha256(root);
        List<String> labels = labels(root);
        Manifest.InputSpec input = input(root.get("input"));
        Manifest.OutputSpec output = Manifest.DETECTION.equals(task)
                ? detectionOutput(root.get("output"), labels) : output(root.get("output"));

        if (!problems.isEmpty()) {
            throw new ManifestInvalidException(problems);
        }
        return new Manifest(name, version, task, file, sha256, labels, input, output);
    }

    private String safeName(JsonNode parent, String field, boolean required, String fallback) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                problem(field, "is required: a string of letters, digits, '.', '_' or '-'");
            }
            return fallback;
        }
        if (!node.isTextual()) {
            problem(field, "expected a string, found " + typeOf(node));
            return fallback;
        }
        String value = node.textValue();
        if (!Manifest.isSafeName(value)) {
            problem(field, "expected 1 to 128 letters, digits, '.', '_' or '-' (starting with a letter or digit,"
                    + " no '..', no '/'), found " + quote(value));
            return fallback;
        }
        return value;
    }

    private String version(JsonNode root) {
        JsonNode node = root.get("version");
        if (node != null && node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0) {
            return Long.toString(node.longValue()); // registries send versions as numbers too
        }
        return safeName(root, "version", true, null);
    }

    private String sha256(JsonNode root) {
        JsonNode node = root.get("sha256");
        if (node == null || node.isNull()) {
            problem("sha256", "is required: the 64 hex digits of the model file's SHA-256");
            return null;
        }
        if (!node.isTextual() || !SHA256.matcher(node.textValue()).matches()) {
            problem("sha256", "expected 64 hex digits, found " + describe(node));
            return null;
        }
        return node.textValue().toLowerCase(Locale.ROOT);
    }

    private List<String> labels(JsonNode root) {
        JsonNode node = root.get("labels");
        if (node == null || node.isNull()) {
            problem("labels", "is required: the class names in the order of the model's output");
            return List.of();
        }
        if (!node.isArray()) {
            problem("labels", "expected an array of strings, found " + typeOf(node));
            return List.of();
        }
        if (node.isEmpty()) {
            problem("labels", "expected at least one label, found an empty array");
            return List.of();
        }
        if (node.size() > MAX_LABELS) {
            problem("labels", "expected at most " + MAX_LABELS + " labels, found " + node.size());
            return List.of();
        }
        List<String> labels = new ArrayList<>(node.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode label = node.get(i);
            String path = "labels[" + i + "]";
            if (!label.isTextual() || label.textValue().isBlank()) {
                problem(path, "expected a non-empty string, found " + describe(label));
                continue;
            }
            Integer first = seen.putIfAbsent(label.textValue(), i);
            if (first != null) {
                problem(path, "duplicate of labels[" + first + "] " + quote(label.textValue()));
            }
            labels.add(label.textValue());
        }
        return labels;
    }

    private Manifest.InputSpec input(JsonNode node) {
        if (node == null || node.isNull()) {
            problem("input", "is required: an object with at least width and height");
            return null;
        }
        if (!node.isObject()) {
            problem("input", "expected an object, found " + typeOf(node));
            return null;
        }
        unknownFields(node, "input", INPUT_FIELDS);
        String name = optionalText(node, "input.name");
        String layout = oneOf(node, "layout", "input.layout",
                List.of(Manifest.InputSpec.NCHW, Manifest.InputSpec.NHWC), Manifest.InputSpec.NCHW, true);
        Resize resize = resize(node.get("resize"));
        boolean dynamic = resize != null && Manifest.InputSpec.FIT_MULTIPLE.equals(resize.mode());
        int width = dynamic ? unusedSide(node, "width") : side(node, "width");
        int height = dynamic ? unusedSide(node, "height") : side(node, "height");
        String channels = oneOf(node, "channels", "input.channels",
                List.of(Manifest.InputSpec.RGB, Manifest.InputSpec.BGR), Manifest.InputSpec.RGB, true);
        double scale = positive(node.get("scale"), "input.scale", 255.0);
        double[] mean = triple(node.get("mean"), "input.mean", 0.0, false);
        double[] std = triple(node.get("std"), "input.std", 1.0, true);
        if (layout == null || width < 0 || height < 0 || channels == null || mean == null || std == null
                || resize == null || Double.isNaN(scale)) {
            return null;
        }
        return new Manifest.InputSpec(name, layout, width, height, channels, scale, mean, std, resize.mode(),
                resize.multiple(), resize.maxSide(), resize.padValue());
    }

    private record Resize(String mode, int multiple, int maxSide, int padValue) {}

    /** {@code "letterbox"}, or {@code {"mode": "fit-multiple", "multiple": 32, "maxSide": 960}}, or with padValue. */
    private Resize resize(JsonNode node) {
        List<String> modes = List.of(Manifest.InputSpec.STRETCH, Manifest.InputSpec.CENTER_CROP,
                Manifest.InputSpec.LETTERBOX, Manifest.InputSpec.FIT_MULTIPLE);
        if (node == null || node.isNull() || node.isTextual()) {
            JsonNode holder = Json.mapper().createObjectNode().set("mode", node);
            String mode = oneOf(holder, "mode", "input.resize", modes, Manifest.InputSpec.STRETCH, false);
            if (Manifest.InputSpec.FIT_MULTIPLE.equals(mode)) {
                return new Resize(mode, DEFAULT_MULTIPLE, DEFAULT_MAX_SIDE, 0);
            }
            return mode == null ? null : new Resize(mode, 0, 0, 0);
        }
        if (!node.isObject()) {
            problem("input.resize", "expected one of " + modes + " or an object {\"mode\", ...}, found " + typeOf(node));
            return null;
        }
        unknownFields(node, "input.resize", RESIZE_FIELDS);
        if (!node.hasNonNull("mode")) {
            problem("input.resize.mode", "is required: one of " + modes);
            return null;
        }
        String mode = oneOf(node, "mode", "input.resize.mode", modes, null, false);
        if (mode == null) {
            return null;
        }
        boolean fit = Manifest.InputSpec.FIT_MULTIPLE.equals(mode);
        boolean letterbox = Manifest.InputSpec.LETTERBOX.equals(mode);
        onlyFor(node, "input.resize", "multiple", fit, "mode fit-multiple");
        onlyFor(node, "input.resize", "maxSide", fit, "mode fit-multiple");
        onlyFor(node, "input.resize", "padValue", letterbox, "mode letterbox");
        int multiple = fit ? integer(node.get("multiple"), "input.resize.multiple", DEFAULT_MULTIPLE, 1, 1024) : 0;
        int maxSide = fit ? integer(node.get("maxSide"), "input.resize.maxSide", DEFAULT_MAX_SIDE, 1, MAX_SIDE) : 0;
        int padValue = letterbox ? integer(node.get("padValue"), "input.resize.padValue", 0, 0, 255) : 0;
        if (fit && multiple > 0 && maxSide > 0 && maxSide % multiple != 0) {
            problem("input.resize.maxSide", "expected a multiple of input.resize.multiple (" + multiple + "), found "
                    + maxSide);
        }
        // the mode is known even when a parameter is wrong: width and height are still checked against it
        return new Resize(mode, multiple, maxSide, padValue);
    }

    /** With fit-multiple the tensor size follows the picture: a fixed width or height would contradict it. */
    private int unusedSide(JsonNode input, String field) {
        if (input.hasNonNull(field)) {
            problem("input." + field, "not used with input.resize mode fit-multiple (the tensor size follows each"
                    + " picture, limited by input.resize.maxSide); remove it");
            return -1;
        }
        return 0;
    }

    private void onlyFor(JsonNode node, String path, String field, boolean applies, String what) {
        if (!applies && node.has(field)) {
            problem(path + "." + field, "only used with " + what + "; remove it");
        }
    }

    /** An integer in [min, max]; -1 (with a problem) when it is not. */
    private int integer(JsonNode node, String path, int fallback, int min, int max) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            problem(path, "expected an integer from " + min + " to " + max + ", found " + describe(node));
            return -1;
        }
        return node.intValue();
    }

    /** A number in [min, max]; NaN (with a problem) when it is not. */
    private double number(JsonNode node, String path, double fallback, double min, double max) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber() || !(node.doubleValue() >= min) || !(node.doubleValue() <= max)) {
            problem(path, "expected a number from " + min + " to " + max + ", found " + describe(node));
            return Double.NaN;
        }
        return node.doubleValue();
    }

    private Manifest.OutputSpec detectionOutput(JsonNode node, List<String> labels) {
        if (node == null || node.isNull()) {
            problem("output", "is required for task detection: an object with \"decoding\", one of "
                    + Manifest.Detection.DECODINGS);
            return null;
        }
        if (!node.isObject()) {
            problem("output", "expected an object, found " + typeOf(node));
            return null;
        }
        if (!node.hasNonNull("decoding")) {
            problem("output.decoding", "is required for task detection: one of " + Manifest.Detection.DECODINGS);
            return null;
        }
        String decoding = oneOf(node, "decoding", "output.decoding", Manifest.Detection.DECODINGS, null, false);
        if (decoding == null) {
            return null;
        }
        List<String> allowed = new ArrayList<>(DETECTION_COMMON);
        allowed.addAll(DETECTION_FIELDS.get(decoding));
        Set<String> allowedSet = Set.copyOf(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (allowedSet.contains(field)) {
                continue;
            }
            String owner = DETECTION_FIELDS.entrySet().stream().filter(e -> e.getValue().contains(field))
                    .map(Map.Entry::getKey).sorted().findFirst().orElse(null);
            if ("activation".equals(field)) {
                problem("output.activation", "only used by task classification; a detector's scores are read as"
                        + " they are");
            } else if (owner != null) {
                problem("output." + field, "not used by decoding " + decoding + " (it belongs to " + owner
                        + "); remove it");
            } else {
                problem("output." + field, "unknown field; expected one of " + allowed);
            }
        }
        boolean bsc = Manifest.Detection.BOXES_SCORES_CLASSES.equals(decoding);
        boolean db = Manifest.Detection.DB_TEXT.equals(decoding);
        boolean region = Manifest.Detection.YOLO_REGION.equals(decoding);
        if (bsc && node.has("name")) {
            problem("output.name", "decoding boxes-scores-classes reads three outputs: name them in output.boxes,"
                    + " output.scores and output.classes");
        }
        String name = bsc ? null : optionalText(node, "output.name");
        double scoreThreshold = number(node.get("scoreThreshold"), "output.scoreThreshold",
                db ? 0.6 : bsc ? 0.5 : region ? 0.1 : 0.25, 0, 1);
        double iouThreshold = number(node.get("iouThreshold"), "output.iouThreshold", 0.45, 0, 1);
        int maxDetections = integer(node.get("maxDetections"), "output.maxDetections", db ? 1000 : region ? 20 : 100,
                1, MAX_DETECTIONS);
        List<Double> anchors = region ? anchors(node.get("anchors")) : List.of();
        String boxes = outputName(node, "boxes", "detection_boxes");
        String scores = outputName(node, "scores", "detection_scores");
        String classes = outputName(node, "classes", "detection_classes");
        String boxFormat = oneOf(node, "boxFormat", "output.boxFormat", Manifest.Detection.BOX_FORMATS, "yxyx", false);
        boolean normalized = true;
        JsonNode normalizedNode = node.get("normalized");
        if (normalizedNode != null && !normalizedNode.isNull()) {
            if (normalizedNode.isBoolean()) {
                normalized = normalizedNode.booleanValue();
            } else {
                problem("output.normalized", "expected true (coordinates 0..1 of the input) or false (input pixels),"
                        + " found " + describe(normalizedNode));
            }
        }
        int classOffset = integer(node.get("classOffset"), "output.classOffset", 0, 0, 1_000_000);
        double binaryThreshold = number(node.get("binaryThreshold"), "output.binaryThreshold", 0.3, 0, 1);
        double unclipRatio = number(node.get("unclipRatio"), "output.unclipRatio", 1.5, 0, 10);
        if (db && labels.size() != 1) {
            problem("labels", "decoding db-text finds one kind of region: expected exactly one label (for example"
                    + " [\"text\"]), found " + labels.size());
        }
        if (Double.isNaN(scoreThreshold) || Double.isNaN(iouThreshold) || maxDetections < 0 || boxFormat == null
                || classOffset < 0 || Double.isNaN(binaryThreshold) || Double.isNaN(unclipRatio) || anchors == null) {
            return null;
        }
        return new Manifest.OutputSpec(name, null, new Manifest.Detection(decoding, scoreThreshold, iouThreshold,
                maxDetections, boxes, scores, classes, boxFormat, normalized, classOffset, binaryThreshold,
                unclipRatio, anchors));
    }

    /** yolo-region anchors: pairs of positive widths and heights in grid cells; Custom Vision's when left out. */
    private List<Double> anchors(JsonNode node) {
        if (node == null || node.isNull()) {
            return Manifest.Detection.CUSTOM_VISION_ANCHORS;
        }
        if (!node.isArray() || node.isEmpty() || node.size() % 2 != 0 || node.size() > 2 * MAX_ANCHORS) {
            problem("output.anchors", "expected an array of anchor widths and heights in pairs (w0, h0, w1, h1, ...),"
                    + " at most " + MAX_ANCHORS + " anchors, found " + describe(node));
            return null;
        }
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode v = node.get(i);
            if (!v.isNumber() || !(v.doubleValue() > 0) || Double.isInfinite(v.doubleValue())) {
                problem("output.anchors[" + i + "]", "expected a number greater than 0, found " + describe(v));
                return null;
            }
            values.add(v.doubleValue());
        }
        return values;
    }

    private String outputName(JsonNode node, String field, String fallback) {
        String value = optionalText(node, "output." + field);
        return value == null ? fallback : value;
    }

    private Manifest.OutputSpec output(JsonNode node) {
        if (node == null || node.isNull()) {
            return new Manifest.OutputSpec(null, Manifest.OutputSpec.SOFTMAX);
        }
        if (!node.isObject()) {
            problem("output", "expected an object, found " + typeOf(node));
            return null;
        }
        unknownFields(node, "output", OUTPUT_FIELDS);
        String name = optionalText(node, "output.name");
        String activation = oneOf(node, "activation", "output.activation",
                List.of(Manifest.OutputSpec.SOFTMAX, Manifest.OutputSpec.NONE), Manifest.OutputSpec.SOFTMAX, false);
        return activation == null ? null : new Manifest.OutputSpec(name, activation);
    }

    private void unknownFields(JsonNode node, String path, List<String> known) {
        Set<String> allowed = Set.copyOf(known);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                problem(path + "." + field, "unknown field; expected one of " + known);
            }
        }
    }

    private String optionalText(JsonNode parent, String path) {
        JsonNode node = parent.get(path.substring(path.lastIndexOf('.') + 1));
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            problem(path, "expected a non-empty string, found " + describe(node));
            return null;
        }
        return node.textValue();
    }

    /** Case-insensitive choice, normalized to the spelling in {@code allowed}. */
    private String oneOf(JsonNode parent, String field, String path, List<String> allowed, String fallback,
                         boolean upper) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isTextual()) {
            String value = upper ? node.textValue().toUpperCase(Locale.ROOT) : node.textValue().toLowerCase(Locale.ROOT);
            if (allowed.contains(value)) {
                return value;
            }
        }
        problem(path, "expected one of " + allowed + ", found " + describe(node));
        return null;
    }

    private int side(JsonNode input, String field) {
        String path = "input." + field;
        JsonNode node = input.get(field);
        if (node == null || node.isNull()) {
            problem(path, "is required: the model's input " + field + " in pixels");
            return -1;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1 || node.intValue() > MAX_SIDE) {
            problem(path, "expected an integer from 1 to " + MAX_SIDE + ", found " + describe(node));
            return -1;
        }
        return node.intValue();
    }

    private double positive(JsonNode node, String path, double fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber() || !(node.doubleValue() > 0) || Double.isInfinite(node.doubleValue())) {
            problem(path, "expected a number greater than 0, found " + describe(node));
            return Double.NaN;
        }
        return node.doubleValue();
    }

    private double[] triple(JsonNode node, String path, double fallback, boolean mustBePositive) {
        if (node == null || node.isNull()) {
            return new double[] {fallback, fallback, fallback};
        }
        if (!node.isArray()) {
            problem(path, "expected an array of 3 numbers (one per channel, in the order of input.channels), found "
                    + typeOf(node));
            return null;
        }
        if (node.size() != 3) {
            problem(path, "expected 3 values, found " + node.size());
            return null;
        }
        double[] values = new double[3];
        boolean ok = true;
        for (int i = 0; i < 3; i++) {
            JsonNode v = node.get(i);
            boolean valid = v.isNumber() && Double.isFinite(v.doubleValue()) && (!mustBePositive || v.doubleValue() > 0);
            if (!valid) {
                problem(path + "[" + i + "]",
                        "expected " + (mustBePositive ? "a number greater than 0" : "a number") + ", found " + describe(v));
                ok = false;
            } else {
                values[i] = v.doubleValue();
            }
        }
        return ok ? values : null;
    }

    private void problem(String path, String message) {
        problems.add(new Problem(path, message));
    }

    private static ManifestInvalidException invalid(Problem problem) {
        return new ManifestInvalidException(List.of(problem));
    }

    private static String typeOf(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL, MISSING -> "null";
            case BINARY -> "binary data";
        };
    }

    private static String describe(JsonNode node) {
        if (node.isTextual()) {
            return quote(node.textValue());
        }
        if (node.isValueNode()) {
            return node.toString();
        }
        return typeOf(node);
    }

    private static String quote(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder out = new StringBuilder("\"");
        shown.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }
}
