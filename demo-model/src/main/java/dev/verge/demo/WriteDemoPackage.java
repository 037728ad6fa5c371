package dev.verge.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code WriteDemoPackage <outDir> [version]}: writes the fruit-quality package folder, its zip and the sample
 * pictures (under {@code samples/}) for the demo and the benchmarks.
 */
public final class WriteDemoPackage {
    private WriteDemoPackage() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: WriteDemoPackage <outDir> [version]   (version defaults to 1)");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String version = args.length > 1 ? args[1] : "1";
        Path dir = DemoModels.fruitQuality(out, version);
        Path zip = DemoModels.zip(dir, out.resolve(DemoModels.NAME + "-" + version + ".zip"));
        Path samples = Files.createDirectories(out.resolve("samples"));
        for (Map.Entry<String, byte[]> sample : SampleImages.samples().entrySet()) {
            Files.write(samples.resolve(sample.getKey()), sample.getValue());
        }
        System.out.println("package: " + dir.toAbsolutePath());
        System.out.println("zip:     " + zip.toAbsolutePath());
        System.out.println("samples: " + samples.toAbsolutePath());
    }
}
