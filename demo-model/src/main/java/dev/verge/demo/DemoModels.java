package dev.verge.demo;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the demo fruit-quality model as a Verge package (model.onnx + manifest.json, DESIGN.md format).
 * Built from code, so the project never downloads a model to run its demo.
 */
public final class DemoModels {
    public static final String NAME = "fruit-quality";
    public static final List<String> LABELS = FruitQualityGraph.LABELS;

    private DemoModels() {}

    /** The working classifier in {@code dir/fruit-quality-<version>/}; returns that folder. */
    public static Path fruitQuality(Path dir, String version) {
        return write(dir.resolve(NAME + "-" + version), version,
                FruitQualityGraph.colourClassifier(FruitQualityGraph.OPSET));
    }

    /** A deliberately bad model (same input and output) that answers unripe for everything. */
    public static Path fruitQualityAlwaysUnripe(Path dir, String version) {
        return write(dir.resolve(NAME + "-always-unripe-" + version), version, FruitQualityGraph.alwaysUnripe());
    }

    /**
     * A deliberately bad model that passes the registry's smoke test but fails to run on bright pictures
     * (fruit on a light background, as on the line): every such request is an error.
     */
    public static Path fruitQualityFailingOnBrightPictures(Path dir, String version) {
        return write(dir.resolve(NAME + "-fails-on-bright-" + version), version, FruitQualityGraph.failsOnBrightPictures());
    }

    /**
     * A model that answers like the working classifier after a {@code Loop} of {@code trips} iterations: with
     * millions of trips one inference takes seconds, with 10^12 it never ends in practice.
     */
    public static Path fruitQualityLooping(Path dir, String version, long trips) {
        return write(dir.resolve(NAME + "-looping-" + version), version, FruitQualityGraph.looping(trips, false));
    }

    /**
     * Like {@link #fruitQualityLooping} on bright pictures only (fruit on a light background, as on the line):
     * it passes the smoke test, then every such request runs for as long as the trip count says.
     */
    public static Path fruitQualityLoopingOnBrightPictures(Path dir, String version, long trips) {
        return write(dir.resolve(NAME + "-looping-on-bright-" + version), version, FruitQualityGraph.looping(trips, true));
    }

    /** The working classifier stamped with another opset, e.g. 99, which ONNX Runtime refuses to load. */
    public static Path fruitQualityWithOpset(Path dir, String version, int opset) {
        return write(dir.resolve(NAME + "-opset" + opset + "-" + version), version,
                FruitQualityGraph.colourClassifier(opset));
    }

    /** A model file whose weights are "external data" at {@code location}, which ONNX Runtime refuses to load. */
    public static byte[] externalWeightsOnnx(String location) {
        return FruitQualityGraph.externalWeights(location).toByteArray();
    }

    /** The model file alone (for tests that build unusual packages). */
    public static byte[] fruitQualityOnnx() {
        return FruitQualityGraph.colourClassifier(FruitQualityGraph.OPSET).toByteArray();
    }

    /** Zips a package folder (files at the zip's root, fixed timestamps); returns {@code zipFile}. */
    public static Path zip(Path packageDir, Path zipFile) {
        try {
            List<Path> files = new ArrayList<>();
            Files.walkFileTree(packageDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    files.add(file);
                    return FileVisitResult.CONTINUE;
                }
            });
            files.sort(null);
            if (zipFile.getParent() != null) {
                Files.createDirectories(zipFile.getParent());
            }
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(zipFile))) {
                for (Path file : files) {
                    ZipEntry entry = new ZipEntry(packageDir.relativize(file).toString().replace('\\', '/'));
                    entry.setLastModifiedTime(FileTime.fromMillis(0));
                    zip.putNextEntry(entry);
                    Files.copy(file, zip);
                    zip.closeEntry();
                }
            }
            return zipFile;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot zip " + packageDir, e);
        }
    }

    /** The manifest.json of a fruit-quality package whose model.onnx has the given sha256. */
    public static byte[] manifest(String version, String sha256) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("name", NAME);
        root.put("version", version);
        root.put("task", "classification");
        root.put("file", "model.onnx");
        root.put("sha256", sha256);
        ArrayNode labels = root.putArray("labels");
        LABELS.forEach(labels::add);
        ObjectNode input = root.putObject("input");
        input.put("name", FruitQualityGraph.INPUT);
        input.put("layout", "NCHW");
        input.put("width", FruitQualityGraph.SIZE);
        input.put("height", FruitQualityGraph.SIZE);
        input.put("channels", "RGB");
        input.put("scale", 255.0);
        ArrayNode mean = input.putArray("mean");
        for (double m : FruitQualityGraph.MEAN) {
            mean.add(m);
        }
        ArrayNode std = input.putArray("std");
        for (double s : FruitQualityGraph.STD) {
            std.add(s);
        }
        input.put("resize", "stretch");
        ObjectNode output = root.putObject("output");
        output.put("name", FruitQualityGraph.OUTPUT);
        output.put("activation", "none"); // the graph ends with Softmax
        try {
            return mapper.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path dir, String version, OnnxMl.ModelProto model) {
        if (version == null || !version.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}") || version.contains("..")) {
            throw new IllegalArgumentException("expected a version of letters, digits, '.', '_' or '-', found " + version);
        }
        byte[] onnx = model.toByteArray();
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("model.onnx"), onnx);
            try (OutputStream out = Files.newOutputStream(dir.resolve("manifest.json"))) {
                out.write(manifest(version, sha256(onnx)));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo package to " + dir, e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
