package dev.verge.inference.testing;

import dev.verge.demo.DemoModels;
import dev.verge.inference.pkg.ModelPackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Model packages for tests: the demo fruit-quality model built from code, and the pretrained PaddleOCR
 * text-orientation classifier fetched by {@code ./verge fetch-test-models}. Other modules reach these through
 * verge-inference's test-jar (they also need verge-demo-model as a test dependency).
 */
public final class TestPackages {
    public static final String OCR_CLASSIFIER = "ch_ppocr_mobile_v2.0_cls_infer.onnx";
    public static final String OCR_DETECTOR = "ch_PP-OCRv4_det_infer.onnx";

    private TestPackages() {}

    /** The working fruit-quality package, version 1, as a folder under {@code dir}. */
    public static Path fruitQuality(Path dir) {
        return DemoModels.fruitQuality(dir, "1");
    }

    public static Path fruitQuality(Path dir, String version) {
        return DemoModels.fruitQuality(dir, version);
    }

    /** The fruit-quality package zipped: {@code dir/fruit-quality-<version>.zip}. */
    public static Path fruitQualityZip(Path dir, String version) {
        Path folder = DemoModels.fruitQuality(dir.resolve("folders"), version);
        return DemoModels.zip(folder, dir.resolve("fruit-quality-" + version + ".zip"));
    }

    /** The project root: system property {@code verge.root} (set by surefire), else the nearest folder with ./verge. */
    public static Path vergeRoot() {
        String property = System.getProperty("verge.root");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("verge"))) {
            dir = dir.getParent();
        }
        return dir == null ? Path.of("").toAbsolutePath() : dir;
    }

    /** The PaddleOCR text-orientation classifier, when {@code ./verge fetch-test-models} has been run. */
    public static Optional<Path> ocrClassifierModel() {
        Path model = vergeRoot().resolve(".cache/ocr-models/package/assets").resolve(OCR_CLASSIFIER);
        return Files.isRegularFile(model) ? Optional.of(model) : Optional.empty();
    }

    /** PaddleOCR's PP-OCRv4 text detector (DB), when {@code ./verge fetch-test-models} has been run. */
    public static Optional<Path> ocrDetectorModel() {
        Path model = vergeRoot().resolve(".cache/ocr-models/package/assets").resolve(OCR_DETECTOR);
        return Files.isRegularFile(model) ? Optional.of(model) : Optional.empty();
    }

    /**
     * A package for PaddleOCR's text detector in {@code dir/ocr-det/}, with PaddleOCR's own preprocessing and
     * post-processing defaults: input x [?,3,?,?] BGR, ImageNet mean/std, sides shrunk to at most 960 and rounded to
     * multiples of 32; output a probability map decoded with threshold 0.3, box score 0.6, unclip ratio 1.5.
     */
    public static Path ocrDetectorPackage(Path dir) {
        Path model = ocrDetectorModel().orElseThrow(() -> new IllegalStateException(
                "the OCR test model is missing; run ./verge fetch-test-models"));
        return writePackage(dir.resolve("ocr-det"), model, ocrDetectorManifest(ModelPackage.sha256(model)));
    }

    public static String ocrDetectorManifest(String sha256) {
        return """
                {
                  "name": "text-detector",
                  "version": "4",
                  "task": "detection",
                  "file": "model.onnx",
                  "sha256": "%s",
                  "labels": ["text"],
                  "input": {
                    "name": "x", "layout": "NCHW", "channels": "BGR", "scale": 255.0,
                    "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
                    "resize": {"mode": "fit-multiple", "multiple": 32, "maxSide": 960}
                  },
                  "output": {
                    "decoding": "db-text", "binaryThreshold": 0.3, "scoreThreshold": 0.6, "unclipRatio": 1.5
                  }
                }
                """.formatted(sha256);
    }

    /**
     * A package for the OCR orientation classifier in {@code dir/ocr-cls/}: input x [?,3,48,192] NCHW, BGR,
     * scale 255, mean 0.5, std 0.5, labels 0 and 180, softmax already applied by the model.
     */
    public static Path ocrClassifierPackage(Path dir) {
        Path model = ocrClassifierModel().orElseThrow(() -> new IllegalStateException(
                "the OCR test model is missing; run ./verge fetch-test-models"));
        String manifest = """
                {
                  "name": "text-orientation",
                  "version": "2.0",
                  "task": "classification",
                  "file": "model.onnx",
                  "sha256": "%s",
                  "labels": ["0", "180"],
                  "input": {
                    "name": "x", "layout": "NCHW", "width": 192, "height": 48,
                    "channels": "BGR", "scale": 255.0,
                    "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5],
                    "resize": "stretch"
                  },
                  "output": { "activation": "none" }
                }
                """.formatted(ModelPackage.sha256(model));
        return writePackage(dir.resolve("ocr-cls"), model, manifest);
    }

    /** A package folder from a model file and manifest text. */
    public static Path writePackage(Path dir, Path model, String manifestJson) {
        try {
            Files.createDirectories(dir);
            Files.copy(model, dir.resolve("model.onnx"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("manifest.json"), manifestJson, StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A package folder from model bytes and manifest text. */
    public static Path writePackage(Path dir, byte[] model, String manifestJson) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("model.onnx"), model);
            Files.writeString(dir.resolve("manifest.json"), manifestJson, StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
