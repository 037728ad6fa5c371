package dev.verge.inference.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Unpacks an untrusted zip: refuses entries that would land outside the target (zip-slip), counts the bytes
 * really inflated (a header's size claim means nothing to a zip bomb) and the number of entries.
 */
final class SafeUnzip {
    private SafeUnzip() {}

    static Path unzipToTemporaryFolder(Path zip, ZipLimits limits, Path workDir) {
        Path target;
        try {
            Files.createDirectories(workDir);
            target = Files.createTempDirectory(workDir, "verge-package-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create a temporary folder", e);
        }
        try {
            unzip(zip, target, limits);
            return target;
        } catch (RuntimeException e) {
            ModelPackage.deleteQuietly(target);
            throw e;
        }
    }

    /** The folder holding manifest.json: the zip's root, or its single top-level folder. */
    static Path packageRoot(Path unpacked) {
        if (Files.isRegularFile(unpacked.resolve(Manifest.FILE_NAME))) {
            return unpacked;
        }
        try (var children = Files.list(unpacked)) {
            List<Path> all = children.toList();
            if (all.size() == 1 && Files.isDirectory(all.get(0))
                    && Files.isRegularFile(all.get(0).resolve(Manifest.FILE_NAME))) {
                return all.get(0);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new PackageInvalidException("the zip has no " + Manifest.FILE_NAME
                + " at its root (or in a single top-level folder)");
    }

    private static void unzip(Path zip, Path target, ZipLimits limits) {
        long total = 0;
        int entries = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ZipFile file = new ZipFile(zip.toFile())) {
            long zipBytes = Files.size(zip);
            if (file.size() > limits.maxEntries()) {
                throw new PackageInvalidException("the zip has " + file.size() + " entries; a package holds at most "
                        + limits.maxEntries());
            }
            List<Path> written = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> it = file.entries(); it.hasMoreElements(); ) {
                ZipEntry entry = it.nextElement();
                if (++entries > limits.maxEntries()) {
                    throw new PackageInvalidException("the zip has more than " + limits.maxEntries()
                            + " entries; a package holds at most " + limits.maxEntries());
                }
                Path destination = destination(target, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                    continue;
                }
                if (written.contains(destination)) {
                    throw new PackageInvalidException("the zip holds " + entry.getName() + " twice");
                }
                written.add(destination);
                Files.createDirectories(destination.getParent());
                try (InputStream in = file.getInputStream(entry);
                     OutputStream out = Files.newOutputStream(destination, StandardOpenOption.CREATE_NEW)) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        total += n;
                        if (total > limits.maxUnpackedBytes()) {
                            throw new PackageInvalidException("the zip unpacks to more than " + limits.maxUnpackedBytes()
                                    + " bytes (a zip bomb, or a package too large to serve)");
                        }
                        if (limits.overRatio(total, zipBytes)) {
                            throw new PackageInvalidException("the zip of " + zipBytes + " bytes unpacks to more than "
                                    + total + " bytes, over " + limits.maxCompressionRatio() + " times its size (a zip"
                                    + " bomb; model weights hardly compress)");
                        }
                        out.write(buffer, 0, n);
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // ZipException for broken archives; IllegalArgumentException for malformed entry names
            throw new PackageInvalidException("the package is not a readable zip: "
                    + dev.verge.error.ServerPaths.hide(e.getMessage(), target), e);
        }
    }

    private static Path destination(Path target, String name) {
        String clean = name.replace('\\', '/');
        boolean unsafe = clean.isEmpty() || clean.startsWith("/") || clean.contains("\0")
                || (clean.length() > 1 && clean.charAt(1) == ':')
                || clean.chars().anyMatch(c -> c < 0x20);
        for (String part : clean.split("/")) {
            if (part.equals("..")) {
                unsafe = true;
            }
        }
        Path resolved = target.resolve(clean).normalize();
        if (unsafe || !resolved.startsWith(target) || resolved.equals(target)) {
            throw new PackageInvalidException("the zip entry \"" + printable(name)
                    + "\" points outside the package folder; expected relative paths such as model.onnx");
        }
        return resolved;
    }

    private static String printable(String name) {
        return name.codePoints().map(c -> c < 0x20 ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
