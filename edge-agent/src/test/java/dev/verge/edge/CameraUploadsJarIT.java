package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.CameraPictures;
import dev.verge.demo.DemoModels;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst of 12 MP camera stills on many connections, against the shipped jar with a heap as small as a 1 GB
 * box would give it: every request is answered (200, or 503 busy with Retry-After past the upload budget),
 * never an OutOfMemoryError, and the agent keeps serving.
 */
class CameraUploadsJarIT {
    private static final Pattern READY = Pattern.compile("ready: .* port (\\d+), (\\d+) ms after JVM start");

    @Test
    void jar_burstOf12MegapixelUploadsOnA64MiBHeap_answersEachWithoutRunningOutOfMemory(@TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("verge.edge.jar", "target/verge-edge-agent.jar"));
        Path modelPackage = DemoModels.zip(DemoModels.fruitQuality(dir, "1"), dir.resolve("fruit-quality-1.zip"));
        byte[] still = CameraPictures.jpeg("ripe-red-apple", CameraPictures.TWELVE_MP[0], CameraPictures.TWELVE_MP[1]);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process agent = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-jar", jar.toString(), "--model",
                modelPackage.toString(), "--host", "127.0.0.1", "--port", "0", "--telemetry", "off")
                .redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        ExecutorService clients = Executors.newFixedThreadPool(24);
        try {
            AgentClient client = new AgentClient(awaitPort(output));
            List<Future<AgentClient.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 72; i++) {
                answers.add(clients.submit(() -> client.post("/image", "image/jpeg", still)));
            }
            int ok = 0;
            for (Future<AgentClient.Answer> f : answers) {
                AgentClient.Answer a = f.get(5, TimeUnit.MINUTES);
                assertThat(a.status()).as(a.toString()).isIn(200, 503);
                if (a.status() == 503) {
                    assertThat(a.text()).contains("\"busy\"");
                    assertThat(a.headers().firstValue("Retry-After")).isPresent();
                } else {
                    assertThat(a.text()).contains("\"tagName\":\"ripe\"");
                    ok++;
                }
            }
            assertThat(ok).isPositive();
            assertThat(agent.isAlive()).isTrue();
            assertThat(client.post("/image", "image/jpeg", still).status()).as("still serving").isEqualTo(200);
            assertThat(String.join("\n", output)).doesNotContain("OutOfMemoryError");
        } finally {
            clients.shutdownNow();
            agent.destroyForcibly();
        }
    }

    private static int awaitPort(List<String> output) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            for (String line : output) {
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the agent did not start: " + output);
    }
}
