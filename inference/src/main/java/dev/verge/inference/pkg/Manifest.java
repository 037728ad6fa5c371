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
        in.put("width", input.width());
        in.put("height", input.height());
        in.put("channels", input.channels());
        in.put("scale", input.scale());
        ArrayNode mean = in.putArray("mean");
        Arrays.stream(input.mean()).forEach(mean::add);
        ArrayNode std = in.putArray("std");
        Arrays.stream(input.std()).forEach(std::add);
        in.put("resize", input.resize());
        ObjectNode out = root.putObject("output");
        if (output.name() != null) {
            out.put("name", output.name());
        }
        out.put("activation", output.activation());
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: writing a tree to bytes", e);
        }
    }

    /**
     * How an image becomes the model's input tensor: pixel = (byte / scale - mean[c]) / std[c].
     * {@code name} is null when the manifest leaves it to the model (single input).
     */
    public record InputSpec(String name, String layout, int width, int height, String channels,
                            double scale, double[] mean, double[] std, String resize) {
        public static final String NCHW = "NCHW";
        public static final String NHWC = "NHWC";
        public static final String RGB = "RGB";
        public static final String BGR = "BGR";
        public static final String STRETCH = "stretch";
        public static final String CENTER_CROP = "center-crop";
        public static final String LETTERBOX = "letterbox";

        public InputSpec {
            mean = mean.clone();
            std = std.clone();
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
                    && Arrays.equals(std, other.std) && resize.equals(other.resize);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, layout, width, height, channels, scale, Arrays.hashCode(mean),
                    Arrays.hashCode(std), resize);
        }

        @Override
        public String toString() {
            return "InputSpec[name=" + name + ", layout=" + layout + ", width=" + width + ", height=" + height
                    + ", channels=" + channels + ", scale=" + scale + ", mean=" + Arrays.toString(mean)
                    + ", std=" + Arrays.toString(std) + ", resize=" + resize + "]";
        }
    }

    /** {@code activation}: {@code softmax} (apply it) or {@code none} (already probabilities). */
    public record OutputSpec(String name, String activation) {
        public static final String SOFTMAX = "softmax";
        public static final String NONE = "none";

        public boolean appliesSoftmax() {
            return SOFTMAX.equals(activation);
        }
    }
}
