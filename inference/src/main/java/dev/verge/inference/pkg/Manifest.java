package dev.verge.inference.pkg;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.inference.json.Json;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code manifest.json} of a model package (see DESIGN.md). Build one with {@link #parse(byte[])}, which
 * applies the defaults and reports every problem at once.
 */
public record Manifest(String name, String version, String task, String file, String sha256,
                       List<String> labels, InputSpec input, OutputSpec output) {

    public static final String CLASSIFICATION = "classification";
    public static final String DETECTION = "detection";
    public static final String FILE_NAME = "manifest.json";
    public static final String SIGNATURE_FILE_NAME = "manifest.sig";

    /** Names, versions and file names: letters, digits, '.', '_', '-'; never "..", never a path. */
    static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public Manifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        labels = List.copyOf(labels);
    }

    /** Parses and validates; throws {@link ManifestInvalidException} listing every problem with its field path. */
    public static Manifest parse(byte[] json) {
        return ManifestParser.parse(json);
    }

    public boolean isDetection() {
        return DETECTION.equals(task);
    }

    /** True when {@code s} may be used as a model name, version or file name. */
    public static boolean isSafeName(String s) {
        return s != null && SAFE_NAME.matcher(s).matches() && !s.contains("..");
    }

    /** This manifest with another sha256 (for tools that write a package). */
    public Manifest withSha256(String hex) {
        return new Manifest(name, version, task, file, hex.toLowerCase(Locale.ROOT), labels, input, output);
    }

    /** The DESIGN.md JSON form; {@code parse(toJson())} gives an equal manifest. */
    public byte[] toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("name", name);
        root.put("version", version);
        root.put("task", task);
        root.put("file", file);
        root.put("sha256", sha256);
        ArrayNode labelArray = root.putArray("labels");
        labels.forEach(labelArray::add);
        ObjectNode in = root.putObject("input");
        if (input.name() != null) {
            in.put("name", input.name());
        }
        in.put("layout", input.layout());
        if (!input.isDynamicSize()) {
            in.put("width", input.width());
            in.put("height", input.height());
        }
        in.put("channels", input.channels());
        in.put("scale", input.scale());
        ArrayNode mean = in.putArray("mean");
        Arrays.stream(input.mean()).forEach(mean::add);
        ArrayNode std = in.putArray("std");
        Arrays.stream(input.std()).forEach(std::add);
        if (input.isDynamicSize()) {
            in.putObject("resize").put("mode", input.resize()).put("multiple", input.multiple())
                    .put("maxSide", input.maxSide());
        } else if (input.padValue() != 0) {
            in.putObject("resize").put("mode", input.resize()).put("padValue", input.padValue());
        } else {
            in.put("resize", input.resize());
        }
        ObjectNode out = root.putObject("output");
        if (output.name() != null) {
            out.put("name", output.name());
        }
        if (output.detection() == null) {
            out.put("activation", output.activation());
        } else {
            output.detection().writeTo(out);
        }
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: writing a tree to bytes", e);
        }
    }

    /**
     * How an image becomes the model's input tensor: pixel = (byte / scale - mean[c]) / std[c].
     * {@code name} is null when the manifest leaves it to the model (single input).
     *
     * <p>{@code resize} is the mode. {@code fit-multiple} (dynamic-size models such as PaddleOCR's text detector)
     * shrinks the picture so its longer side is at most {@code maxSide} and stretches each side to the nearest
     * multiple of {@code multiple}; the tensor size then follows the picture and {@code width}/{@code height} are 0.
     * {@code padValue} is the grey (0..255) of the letterbox bars.
     */
    public record InputSpec(String name, String layout, int width, int height, String channels,
                            double scale, double[] mean, double[] std, String resize,
                            int multiple, int maxSide, int padValue) {
        public static final String NCHW = "NCHW";
        public static final String NHWC = "NHWC";
        public static final String RGB = "RGB";
        public static final String BGR = "BGR";
        public static final String STRETCH = "stretch";
        public static final String CENTER_CROP = "center-crop";
        public static final String LETTERBOX = "letterbox";
        public static final String FIT_MULTIPLE = "fit-multiple";

        public InputSpec {
            mean = mean.clone();
            std = std.clone();
        }

        /** A fixed-size input (stretch, center-crop, or letterbox with black bars). */
        public InputSpec(String name, String layout, int width, int height, String channels, double scale,
                         double[] mean, double[] std, String resize) {
            this(name, layout, width, height, channels, scale, mean, std, resize, 0, 0, 0);
        }

        /** True when the tensor size follows each picture ({@code fit-multiple}). */
        public boolean isDynamicSize() {
            return FIT_MULTIPLE.equals(resize);
        }

        @Override
        public double[] mean() {
            return mean.clone();
        }

        @Override
        public double[] std() {
            return std.clone();
        }

        public boolean isNchw() {
            return NCHW.equals(layout);
        }

        public boolean isBgr() {
            return BGR.equals(channels);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InputSpec other
                    && Objects.equals(name, other.name) && layout.equals(other.layout)
                    && width == other.width && height == other.height && channels.equals(other.channels)
                    && Double.compare(scale, other.scale) == 0 && Arrays.equals(mean, other.mean)
                    && Arrays.equals(std, other.std) && resize.equals(other.resize)
                    && multiple == other.multiple && maxSide == other.maxSide && padValue == other.padValue;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, layout, width, height, channels, scale, Arrays.hashCode(mean),
                    Arrays.hashCode(std), resize, multiple, maxSide, padValue);
        }

        @Override
        public String toString() {
            return "InputSpec[name=" + name + ", layout=" + layout + ", width=" + width + ", height=" + height
                    + ", channels=" + channels + ", scale=" + scale + ", mean=" + Arrays.toString(mean)
                    + ", std=" + Arrays.toString(std) + ", resize=" + resize + ", multiple=" + multiple
                    + ", maxSide=" + maxSide + ", padValue=" + padValue + "]";
        }
    }

    /**
     * Classification: {@code activation} is {@code softmax} (apply it) or {@code none} (already probabilities) and
     * {@code detection} is null. Detection: {@code detection} says how the outputs become boxes; activation is null.
     */
    public record OutputSpec(String name, String activation, Detection detection) {
        public static final String SOFTMAX = "softmax";
        public static final String NONE = "none";

        public OutputSpec(String name, String activation) {
            this(name, activation, null);
        }

        public boolean appliesSoftmax() {
            return SOFTMAX.equals(activation);
        }
    }

    /**
     * How a detector's outputs become boxes. Fields a decoding does not use keep their defaults.
     *
     * @param decoding        {@code yolo}: one tensor [1, 4 + labels, N] (or [1, N, 4 + labels]) of candidates
     *                        cx, cy, w, h in input pixels then one score per label (YOLOv8 and later);
     *                        {@code boxes-scores-classes}: three tensors (SSD / TensorFlow Object Detection);
     *                        {@code db-text}: a probability map [1, 1, H, W] of a DB text detector (PaddleOCR)
     * @param scoreThreshold  candidates scoring below are dropped (db-text: the mean probability of a region)
     * @param iouThreshold    non-maximum suppression, per label: a box overlapping a better one of the same label
     *                        by more than this intersection-over-union is dropped (not used by db-text)
     * @param maxDetections   at most this many boxes, best first
     * @param boxes           boxes-scores-classes: output name of the boxes [1, N, 4]
     * @param scores          boxes-scores-classes: output name of the scores [1, N]
     * @param classes         boxes-scores-classes: output name of the class ids [1, N] (float or integer)
     * @param boxFormat       boxes-scores-classes: {@code yxyx} (TensorFlow), {@code xyxy}, {@code xywh} or
     *                        {@code cxcywh}
     * @param normalized      boxes-scores-classes: coordinates are 0..1 of the input tensor (else input pixels)
     * @param classOffset     boxes-scores-classes: subtracted from a class id to index {@code labels} (1 for
     *                        TensorFlow Object Detection models, whose class 0 is the background)
     * @param binaryThreshold db-text: a map pixel above this probability is text
     * @param unclipRatio     db-text: how far a region grows back (DB predicts shrunk regions): by
     *                        area x ratio / perimeter on every side
     * @param anchors         yolo-region: anchor widths and heights in grid cells, in pairs (w0, h0, w1, h1, ...)
     */
    public record Detection(String decoding, double scoreThreshold, double iouThreshold, int maxDetections,
                            String boxes, String scores, String classes, String boxFormat, boolean normalized,
                            int classOffset, double binaryThreshold, double unclipRatio, List<Double> anchors) {
        public static final String YOLO = "yolo";
        public static final String BOXES_SCORES_CLASSES = "boxes-scores-classes";
        public static final String DB_TEXT = "db-text";
        /** The region head of YOLOv2 (older Custom Vision detection exports): one grid [1, anchors x (5 + labels), H, W]. */
        public static final String YOLO_REGION = "yolo-region";
        public static final List<String> DECODINGS = List.of(YOLO, BOXES_SCORES_CLASSES, DB_TEXT, YOLO_REGION);
        /** The anchors of Custom Vision's compact detection domains, used when an export names none. */
        public static final List<Double> CUSTOM_VISION_ANCHORS =
                List.of(0.573, 0.677, 1.87, 2.06, 3.34, 5.47, 7.88, 3.53, 9.77, 9.17);

        public Detection {
            anchors = anchors == null ? List.of() : List.copyOf(anchors);
        }

        /** The Detection of every decoding but yolo-region (no anchors). */
        public Detection(String decoding, double scoreThreshold, double iouThreshold, int maxDetections,
                         String boxes, String scores, String classes, String boxFormat, boolean normalized,
                         int classOffset, double binaryThreshold, double unclipRatio) {
            this(decoding, scoreThreshold, iouThreshold, maxDetections, boxes, scores, classes, boxFormat, normalized,
                    classOffset, binaryThreshold, unclipRatio, List.of());
        }
        public static final List<String> BOX_FORMATS = List.of("yxyx", "xyxy", "xywh", "cxcywh");

        /** The output names this decoding reads, given the single-output name ({@code output.name}, may be null). */
        public List<String> outputNames(String single) {
            return BOXES_SCORES_CLASSES.equals(decoding) ? List.of(boxes, scores, classes)
                    : single == null ? List.of() : List.of(single);
        }

        void writeTo(ObjectNode out) {
            out.put("decoding", decoding);
            out.put("scoreThreshold", scoreThreshold);
            out.put("maxDetections", maxDetections);
            switch (decoding) {
                case BOXES_SCORES_CLASSES -> out.put("iouThreshold", iouThreshold).put("boxes", boxes)
                        .put("scores", scores).put("classes", classes).put("boxFormat", boxFormat)
                        .put("normalized", normalized).put("classOffset", classOffset);
                case DB_TEXT -> out.put("binaryThreshold", binaryThreshold).put("unclipRatio", unclipRatio);
                case YOLO_REGION -> {
                    out.put("iouThreshold", iouThreshold);
                    ArrayNode pairs = out.putArray("anchors");
                    anchors.forEach(pairs::add);
                }
                default -> out.put("iouThreshold", iouThreshold);
            }
        }
    }
}
