package dev.verge.cloud.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.testing.RegistryPackages;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs target/verge-cloud-local.jar with {@code java -jar}, as {@code ./verge cloud} does: the shaded jar
 * must start, load its native libraries (SQLite, ONNX Runtime for validation) and stop on SIGTERM.
 */
@Timeout(180)
class LocalCloudJarIT {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    @TempDir
    Path dir;

    @Test
    void jar_startsRegistersAPackageAndStopsOnTerm() throws Exception {
        Path jar = Path.of("target", "verge-cloud-local.jar").toAbsolutePath();
        assertThat(jar).exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(List.of("-jar", jar.toString(), "--port", "0", "--data", dir.resolve("data").toString(),
                "--api-key", "jar-test-key-0123456789"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            CompletableFuture<String> base = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        seen.append(line).append('\n');
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            return m.group(1);
                        }
                    }
                    throw new IllegalStateException("the jar exited before listening:\n" + seen);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String url = base.get(120, TimeUnit.SECONDS);
            CompletableFuture.runAsync(() -> out.lines().forEach(l -> { }));
            HttpClient client = HttpClient.newHttpClient();

            HttpResponse<String> upload = client.send(HttpRequest.newBuilder(URI.create(url + "/api/models/jar/versions"))
                    .timeout(Duration.ofSeconds(100))
                    .header("x-api-key", "jar-test-key-0123456789").header("Content-Type", "application/zip")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(RegistryPackages.valid("jar", "1"))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
            assertThat(upload.body()).contains("\"onnxRuntimeVersion\"");
            assertThat(Files.exists(dir.resolve("data/metadata.db"))).isTrue();
            assertTricklingClientCutOff(URI.create(url));

            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * A client trickling header lines is cut off at the 30 s request deadline, as the agent does. Checked on the
     * jar, in its own JVM: the JDK reads the deadline once, when its first HTTP server starts, and in the test JVM
     * another test's server may start first.
     */
    private static void assertTricklingClientCutOff(URI base) throws Exception {
        long start = System.nanoTime();
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 5000);
            socket.setSoTimeout(2000);
            var out = socket.getOutputStream();
            out.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            boolean closed = false;
            for (int i = 0; i < 40 && !closed; i++) {
                try {
                    out.write(("X-Trickle-" + i + ": x\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    closed = socket.getInputStream().read() == -1;
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // no answer yet: keep trickling
                } catch (java.io.IOException reset) {
                    closed = true;
                }
            }
            assertThat(closed).as("the server closed the trickling connection").isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(70));
    }
}
