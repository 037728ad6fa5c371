package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxNativeCacheTest {

    private static Path jar(Path file, Map<String, String> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes());
                zip.closeEntry();
            }
        }
        return file;
    }

    @Test
    void extract_firstStart_copiesThePlatformsLibrariesOnly(@TempDir Path dir) throws IOException {
        Path jar = jar(dir.resolve("agent.jar"), Map.of(
                "ai/onnxruntime/native/linux-x64/libonnxruntime.so", "x64 runtime",
                "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so", "x64 jni",
                "ai/onnxruntime/native/linux-aarch64/libonnxruntime.so", "arm runtime",
                "dev/verge/edge/Main.class", "class"));

        Path folder = OnnxNativeCache.extract(jar, "linux-x64", dir.resolve("cache"));

        assertThat(folder.getParent()).isEqualTo(dir.resolve("cache"));
        assertThat(folder.getFileName().toString()).startsWith("onnxruntime-linux-x64-");
        assertThat(Files.list(folder).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("libonnxruntime.so", "libonnxruntime4j_jni.so");
        assertThat(folder.resolve("libonnxruntime.so")).hasContent("x64 runtime");
        assertThat(Files.list(dir.resolve("cache"))).hasSize(1); // no staging folder left behind
    }

    @Test
    void extract_secondStart_reusesTheFolder_newLibrariesGetANewOne(@TempDir Path dir) throws IOException {
        Path cache = dir.resolve("cache");
        Path first = OnnxNativeCache.extract(jar(dir.resolve("a.jar"),
                Map.of("ai/onnxruntime/native/linux-x64/libonnxruntime.so", "1.29")), "linux-x64", cache);
        Files.writeString(first.resolve("marker"), "kept");

        Path again = OnnxNativeCache.extract(jar(dir.resolve("b.jar"),
                Map.of("ai/onnxruntime/native/linux-x64/libonnxruntime.so", "1.29")), "linux-x64", cache);
        Path upgraded = OnnxNativeCache.extract(jar(dir.resolve("c.jar"),
                Map.of("ai/onnxruntime/native/linux-x64/libonnxruntime.so", "1.30")), "linux-x64", cache);

        assertThat(again).isEqualTo(first);
        assertThat(first.resolve("marker")).exists();
        assertThat(upgraded).isNotEqualTo(first);
        assertThat(upgraded.resolve("libonnxruntime.so")).hasContent("1.30");
    }

    @Test
    void extract_noLibrariesForThePlatform_returnsNull(@TempDir Path dir) throws IOException {
        Path jar = jar(dir.resolve("agent.jar"), Map.of("ai/onnxruntime/native/win-x64/onnxruntime.dll", "dll"));
        assertThat(OnnxNativeCache.extract(jar, "linux-x64", dir.resolve("cache"))).isNull();
    }
}
