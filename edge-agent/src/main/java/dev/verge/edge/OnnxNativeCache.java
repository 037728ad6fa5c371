package dev.verge.edge;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * ONNX Runtime copies its native libraries (about 28 MB) out of the jar into a new temp folder on every
 * start, which is a third of the agent's start-up on a 2-core box. This extracts them once into
 * {@code $XDG_CACHE_HOME/verge} (or {@code ~/.cache/verge}), in a folder named after their checksums, and
 * points ONNX Runtime at it with its own setting {@code onnxruntime.native.path}. Nothing changes when
 * that setting is already given, when not running from a jar, or when the cache cannot be written:
 * ONNX Runtime then extracts as usual.
 */
final class OnnxNativeCache {
    static final String PATH_PROPERTY = "onnxruntime.native.path";
    private static final System.Logger LOG = System.getLogger(OnnxNativeCache.class.getName());

    private OnnxNativeCache() {}

    /** Call before anything touches ONNX Runtime. */
    static void use() {
        if (System.getProperty(PATH_PROPERTY) != null) {
            return;
        }
        String platform = platform();
        Path jar = jarOf(OrtEnvironment.class);
        Path cacheRoot = cacheRoot();
        if (platform == null || jar == null || cacheRoot == null) {
            return;
        }
        try {
            Path folder = extract(jar, platform, cacheRoot);
            if (folder != null) {
                System.setProperty(PATH_PROPERTY, folder.toString());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "ONNX Runtime natives not cached; ONNX Runtime extracts them itself", e);
        }
    }

    /** The folder holding the jar's native libraries for {@code platform}, extracted once; null if it has none. */
    static Path extract(Path jar, String platform, Path cacheRoot) throws IOException {
        String prefix = "ai/onnxruntime/native/" + platform + "/";
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<? extends ZipEntry> libraries = zip.stream()
                    .filter(e -> !e.isDirectory() && e.getName().startsWith(prefix)
                            && e.getName().indexOf('/', prefix.length()) < 0)
                    .sorted(Comparator.comparing(ZipEntry::getName))
                    .toList();
            if (libraries.isEmpty()) {
                return null;
            }
            long key = 17;
            for (ZipEntry e : libraries) {
                key = key * 31 + e.getCrc();
                key = key * 31 + e.getSize();
            }
            String name = "onnxruntime-" + platform + "-" + Long.toHexString(key);
            Path folder = cacheRoot.resolve(name);
            if (Files.isDirectory(folder)) {
                return folder;
            }
            Files.createDirectories(cacheRoot);
            Path staging = Files.createTempDirectory(cacheRoot, name + ".tmp");
            try {
                for (ZipEntry e : libraries) {
                    try (InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, staging.resolve(e.getName().substring(prefix.length())));
                    }
                }
                // whole folder or nothing, also when two agents start at once
                Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // another agent starting at the same time may have put the folder in place first
                if (!Files.isDirectory(folder)) {
                    throw e;
                }
            } finally {
                deleteQuietly(staging);
            }
            return folder;
        }
    }

    /** ONNX Runtime's name for this platform, for the platforms the agent's jar carries. */
    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            return null;
        }
        return switch (arch) {
            case "amd64", "x86_64" -> "linux-x64";
            case "aarch64", "arm64" -> "linux-aarch64";
            default -> null;
        };
    }

    private static Path jarOf(Class<?> type) {
        try {
            var source = type.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path path = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(path) ? path : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "verge");
        }
        String home = System.getProperty("user.home");
        return home == null || home.isBlank() || home.equals("?") ? null : Path.of(home, ".cache", "verge");
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover staging folder is harmless
        }
    }
}
