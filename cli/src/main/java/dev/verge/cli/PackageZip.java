package dev.verge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** A model package as the registry takes it: one .zip (a folder is zipped on the way). */
final class PackageZip {
    private PackageZip() {}

    static Path of(Path packagePath) throws IOException {
        if (!Files.isDirectory(packagePath)) {
            return packagePath;
        }
        Path zip = Files.createTempFile("verge-package", ".zip");
        zip.toFile().deleteOnExit();
        List<Path> files;
        try (Stream<Path> listing = Files.list(packagePath)) {
            files = listing.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream zipOut = new ZipOutputStream(out)) {
            for (Path file : files) {
                zipOut.putNextEntry(new ZipEntry(file.getFileName().toString()));
                Files.copy(file, zipOut);
                zipOut.closeEntry();
            }
        }
        return zip;
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
