package dev.verge.bench;

import dev.verge.demo.DemoModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The model packages the benchmarks run: the demo model, and PaddleOCR's text-direction classifier when fetched. */
public final class BenchModels {
    static final String FRUIT_QUALITY = "fruit-quality";
    static final String PPOCR_CLS = "ppocr-cls";
    static final String PPOCR_DET = "ppocr-det";

    private BenchModels() {}

    /** {@code BenchModels <model> <dir>}: writes the package folder (for load-image.sh) and prints its path. */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: BenchModels <" + FRUIT_QUALITY + "|" + PPOCR_CLS + "|" + PPOCR_DET + "> <dir>");
            System.exit(2);
        }
        System.out.println(write(args[0], Path.of(args[1])).toAbsolutePath());
    }

    /** A package folder for {@code name} under {@code dir}. */
    static Path write(String name, Path dir) {
        return switch (name) {
            case FRUIT_QUALITY -> DemoModels.fruitQuality(dir, "1");
            case PPOCR_CLS -> ppocrCls(dir);
            case PPOCR_DET -> ppocrDet(dir);
            default -> throw new IllegalArgumentException("unknown benchmark model " + name
                    + "; expected " + FRUIT_QUALITY + ", " + PPOCR_CLS + " or " + PPOCR_DET);
        };
    }

    private static final Path ASSETS = Path.of(".cache", "ocr-models", "package", "assets");
    private static final Path CLS_MODEL = ASSETS.resolve("ch_ppocr_mobile_v2.0_cls_infer.onnx");
    private static final Path DET_MODEL = ASSETS.resolve("ch_PP-OCRv4_det_infer.onnx");

    /**
     * {@code <repo>/.cache/ocr-models/...}, where {@code ./verge fetch-test-models} puts it: under
     * {@code -Dverge.root}, else the working directory or one of its parents.
     */
    static Path ppocrClsOnnx() {
        return cached(CLS_MODEL);
    }

    private static Path cached(Path file) {
        String root = System.getProperty("verge.root");
        if (root != null) {
            return Path.of(root).resolve(file);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(file))) {
                return dir.resolve(file);
            }
        }
        return file.toAbsolutePath();
    }

    /**
     * PaddleOCR's PP-OCRv4 text detector with PaddleOCR's own settings: BGR, ImageNet mean/std, sides shrunk to at
     * most 960 and rounded to multiples of 32; the probability map decoded with threshold 0.3, box score 0.6,
     * unclip ratio 1.5.
     */
    private static Path ppocrDet(Path dir) {
        Path onnx = cached(DET_MODEL);
        if (!Files.isRegularFile(onnx)) {
            throw new IllegalStateException("no " + onnx + "; run ./verge fetch-test-models first (or pass -Dverge.root=<repo>)");
        }
        try {
            Path pkg = Files.createDirectories(dir.resolve(PPOCR_DET));
            byte[] model = Files.readAllBytes(onnx);
            Files.write(pkg.resolve("model.onnx"), model);
            String manifest = """
                    {"name": "ppocr-det", "version": "4", "task": "detection", "file": "model.onnx",
                     "sha256": "%s", "labels": ["text"],
                     "input": {"layout": "NCHW", "channels": "BGR", "scale": 255.0,
                               "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
                               "resize": {"mode": "fit-multiple", "multiple": 32, "maxSide": 960}},
                     "output": {"decoding": "db-text", "binaryThreshold": 0.3, "scoreThreshold": 0.6, "unclipRatio": 1.5}}
                    """.formatted(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model)));
            Files.writeString(pkg.resolve("manifest.json"), manifest, StandardCharsets.UTF_8);
            return pkg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * PaddleOCR's angle classifier (0 or 180 degrees) with the preprocessing PaddleOCR gives it:
     * 48x192 BGR, (x / 255 - 0.5) / 0.5; its output is already a softmax.
     */
    private static Path ppocrCls(Path dir) {
        Path onnx = ppocrClsOnnx();
        if (!Files.isRegularFile(onnx)) {
            throw new IllegalStateException("no " + onnx + "; run ./verge fetch-test-models first (or pass -Dverge.root=<repo>)");
        }
        try {
            Path pkg = Files.createDirectories(dir.resolve(PPOCR_CLS));
            byte[] model = Files.readAllBytes(onnx);
            Files.write(pkg.resolve("model.onnx"), model);
            String manifest = """
                    {"name": "ppocr-cls", "version": "2.0", "task": "classification", "file": "model.onnx",
                     "sha256": "%s", "labels": ["0", "180"],
                     "input": {"layout": "NCHW", "width": 192, "height": 48, "channels": "BGR", "scale": 255.0,
                               "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "resize": "stretch"},
                     "output": {"activation": "none"}}
                    """.formatted(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model)));
            Files.writeString(pkg.resolve("manifest.json"), manifest, StandardCharsets.UTF_8);
            return pkg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
