package dev.verge.edge.sync;

import dev.verge.demo.DemoModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Zipped demo packages, as the cloud hands them out. */
final class Packages {
    private Packages() {}

    static byte[] fruitQuality(Path dir, String version) {
        return zip(DemoModels.fruitQuality(dir, version), dir.resolve("fruit-quality-" + version + ".zip"));
    }

    static byte[] alwaysUnripe(Path dir, String version) {
        return zip(DemoModels.fruitQualityAlwaysUnripe(dir, version), dir.resolve("always-unripe-" + version + ".zip"));
    }

    /** A model stamped with an opset ONNX Runtime does not have: it fails to load. */
    static byte[] unloadable(Path dir, String version) {
        return zip(DemoModels.fruitQualityWithOpset(dir, version, 99), dir.resolve("opset99-" + version + ".zip"));
    }

    private static byte[] zip(Path packageDir, Path zipFile) {
        try {
            return Files.readAllBytes(DemoModels.zip(packageDir, zipFile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
