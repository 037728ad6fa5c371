package dev.verge.cloud.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.demo.DemoModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Model packages (zip bytes) for registry tests, built from the demo fruit-quality model under any
 * name and version, and the broken ones a registry must refuse. Needs verge-demo-model on the test
 * class path.
 */
public final class RegistryPackages {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static volatile byte[] model;
    private static volatile byte[] opset99Model;

    private RegistryPackages() {}

    /** The working demo model's bytes (built once per JVM). */
    public static byte[] demoModel() {
        if (model == null) {
            model = DemoModels.fruitQualityOnnx();
        }
        return model;
    }

    /** A valid package of the demo model named {@code name}, version {@code version}. */
    public static byte[] valid(String name, String version) {
        return withManifest(name, version, m -> {});
    }

    /** The same model and manifest fields as {@link #valid}, but different package bytes (manifest formatting). */
    public static byte[] validVariant(String name, String version) {
        byte[] onnx = demoModel();
        String manifest = manifestJson(name, version, sha256(onnx), m -> {}).toPrettyString() + "\n\n";
        return zip(Map.of("manifest.json", manifest.getBytes(StandardCharsets.UTF_8), "model.onnx", onnx));
    }

    /** A package whose manifest is edited by {@code edit} (the model's sha256 already filled in). */
    public static byte[] withManifest(String name, String version, Consumer<ObjectNode> edit) {
        byte[] onnx = demoModel();
        ObjectNode manifest = manifestJson(name, version, sha256(onnx), edit);
        return zip(entries("manifest.json", manifest.toString().getBytes(StandardCharsets.UTF_8), "model.onnx", onnx));
    }

    /** The manifest states a sha256 the model file does not have: 422 package_digest_mismatch. */
    public static byte[] digestMismatch(String name, String version) {
        return withManifest(name, version, m -> m.put("sha256", "0".repeat(64)));
    }

    /** A manifest with several problems at once (bad layout, negative width, wrong mean length): 422 manifest_invalid. */
    public static byte[] manifestWithProblems(String name, String version) {
        return withManifest(name, version, m -> {
            ObjectNode input = (ObjectNode) m.get("input");
            input.put("layout", "CHWN");
            input.put("width", -5);
            input.putArray("mean").add(0.5);
        });
    }

    /** The model is stamped with opset 99, which ONNX Runtime refuses to load: 422 model_load_failed. */
    public static byte[] unloadableModel(String name, String version) {
        if (opset99Model == null) {
            try {
                Path dir = Files.createTempDirectory("verge-opset99-");
                Path pkg = DemoModels.fruitQualityWithOpset(dir, "1", 99);
                opset99Model = Files.readAllBytes(pkg.resolve("model.onnx"));
                try (var paths = Files.walk(dir)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        byte[] onnx = opset99Model;
        ObjectNode manifest = manifestJson(name, version, sha256(onnx), m -> {});
        return zip(entries("manifest.json", manifest.toString().getBytes(StandardCharsets.UTF_8), "model.onnx", onnx));
    }

    /** The demo model behind a {@code Loop} of {@code trips} iterations: its smoke test runs as long as they take. */
    public static byte[] looping(String name, String version, long trips) {
        return looping(name, version, trips, false);
    }

    /** Like {@link #looping}, looping on bright pictures only: it passes the smoke test, then stalls on real pictures. */
    public static byte[] loopingOnBrightPictures(String name, String version, long trips) {
        return looping(name, version, trips, true);
    }

    private static byte[] looping(String name, String version, long trips, boolean onlyOnBright) {
        try {
            Path dir = Files.createTempDirectory("verge-looping-");
            try {
                Path pkg = onlyOnBright ? DemoModels.fruitQualityLoopingOnBrightPictures(dir, "1", trips)
                        : DemoModels.fruitQualityLooping(dir, "1", trips);
                byte[] onnx = Files.readAllBytes(pkg.resolve("model.onnx"));
                ObjectNode manifest = manifestJson(name, version, sha256(onnx), m -> {});
                return zip(entries("manifest.json", manifest.toString().getBytes(StandardCharsets.UTF_8), "model.onnx", onnx));
            } finally {
                try (var paths = Files.walk(dir)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The model reads its weights from {@code location} outside the package: ONNX Runtime refuses it. */
    public static byte[] externalWeights(String name, String version, String location) {
        byte[] onnx = DemoModels.externalWeightsOnnx(location);
        ObjectNode manifest = manifestJson(name, version, sha256(onnx), m -> {});
        return zip(entries("manifest.json", manifest.toString().getBytes(StandardCharsets.UTF_8), "model.onnx", onnx));
    }

    /** model.onnx is text (with its correct sha256 in the manifest): not an ONNX model. */
    public static byte[] notOnnx(String name, String version) {
        byte[] text = "this is not an ONNX model\n".repeat(20).getBytes(StandardCharsets.UTF_8);
        ObjectNode manifest = manifestJson(name, version, sha256(text), m -> {});
        return zip(entries("manifest.json", manifest.toString().getBytes(StandardCharsets.UTF_8), "model.onnx", text));
    }

    /** manifest.json is not JSON: the package does not even say which version it is. */
    public static byte[] manifestNotJson() {
        return zip(entries("manifest.json", "{\"name\": \"x\", this is not json".getBytes(StandardCharsets.UTF_8),
                "model.onnx", demoModel()));
    }

    /** A valid package plus an entry that climbs out of the package folder. */
    public static byte[] zipSlip(String name, String version) {
        byte[] onnx = demoModel();
        ObjectNode manifest = manifestJson(name, version, sha256(onnx), m -> {});
        return zip(entries("manifest.json", manifest.toString().getBytes(StandardCharsets.UTF_8), "model.onnx", onnx,
                "../../escaped.txt", "gotcha".getBytes(StandardCharsets.UTF_8)));
    }

    /** A zip whose model.onnx inflates to {@code inflatedBytes} of zeros from a few kilobytes. */
    public static byte[] zipBomb(String name, String version, long inflatedBytes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setLevel(9);
            ObjectNode manifest = manifestJson(name, version, "0".repeat(64), m -> {});
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write(manifest.toString().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("model.onnx"));
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written < inflatedBytes; written += zeros.length) {
                zip.write(zeros, 0, (int) Math.min(zeros.length, inflatedBytes - written));
            }
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The first half of a valid package: a zip cut short. */
    public static byte[] truncatedZip(String name, String version) {
        byte[] whole = valid(name, version);
        return java.util.Arrays.copyOf(whole, whole.length / 2);
    }

    /** Bytes that are no zip at all. */
    public static byte[] notAZip() {
        return "PK? no, just some text pretending to be a package\n".repeat(10).getBytes(StandardCharsets.UTF_8);
    }

    /** A zip of the given entries, in order. */
    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setTime(0);
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, byte[]> entries(Object... nameThenBytes) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < nameThenBytes.length; i += 2) {
            out.put((String) nameThenBytes[i], (byte[]) nameThenBytes[i + 1]);
        }
        return out;
    }

    private static ObjectNode manifestJson(String name, String version, String sha256, Consumer<ObjectNode> edit) {
        try {
            ObjectNode manifest = (ObjectNode) MAPPER.readTree(DemoModels.manifest(version, sha256));
            manifest.put("name", name);
            edit.accept(manifest);
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
