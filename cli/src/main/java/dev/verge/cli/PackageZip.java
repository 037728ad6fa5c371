package dev.verge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.demo.DemoModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** A model package as the registry takes it: one .zip (a folder is zipped on the way). */
final class PackageZip {
    private PackageZip() {}

    /**
     * The folder zipped with fixed timestamps, so the same folder always gives the same bytes and
     * registering it again is the registry's idempotent no-op rather than a 409.
     */
    static Path of(Path packagePath) throws IOException {
        if (!Files.isDirectory(packagePath)) {
            return packagePath;
        }
        Path zip = Files.createTempFile("verge-package", ".zip");
        zip.toFile().deleteOnExit();
        return DemoModels.zip(packagePath, zip);
    }

    /** The model name from the manifest inside, which is where the registry takes it from too. */
    static String modelName(Path zip) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            ZipEntry entry = file.getEntry("manifest.json");
            if (entry == null) {
                throw new IOException(zip + " has no manifest.json at its top level");
            }
            try (InputStream in = file.getInputStream(entry)) {
                JsonNode name = CloudClient.JSON.readTree(in).path("name");
                if (!name.isTextual() || name.asText().isBlank()) {
                    throw new IOException("manifest.json in " + zip + " has no \"name\"");
                }
                return name.asText();
            }
        }
    }
}
