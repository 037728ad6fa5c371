package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.DemoModels;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as a device box runs it: java -jar, configured by environment variables. */
class EdgeAgentJarIT {
    private static final Pattern READY = Pattern.compile("ready: model fruit-quality version 7 .* port (\\d+), (\\d+) ms after JVM start");

    @Test
    void jar_startedWithEnvironment_classifiesServesMetricsAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("verge.edge.jar", "target/verge-edge-agent.jar"));
        assertThat(jar).exists();
        Path modelPackage = DemoModels.zip(DemoModels.fruitQuality(dir, "7"), dir.resolve("fruit-quality-7.zip"));
        String java = ProcessHandle.current().info().command().orElse("java");

        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar.toString()).redirectErrorStream(true);
        builder.environment().put("VERGE_MODEL", modelPackage.toString());
        builder.environment().put("VERGE_HOST", "127.0.0.1");
        builder.environment().put("VERGE_PORT", "0");
        Process agent = builder.start();
        List<String> output = new CopyOnWriteArrayList<>();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread pump = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    output.add(line);
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        try {
            int port = awaitReady(lines, output);
            AgentClient client = new AgentClient(port);

            AgentClient.Answer answer = client.post("/image", "application/octet-stream", TestImages.appleJpeg());
            CustomVisionClientsTest.assertCustomVisionAnswerFor(answer, "ripe", "7");
            AgentClient.Answer metrics = client.get("/metrics");
            assertThat(metrics.text()).contains("verge_http_requests_total{route=\"image\",status=\"200\"} 1.0");

            agent.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
            assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute: " + output).isTrue();
            pump.join(TimeUnit.SECONDS.toMillis(10)); // the last lines
            assertThat(String.join("\n", output)).as("exit " + agent.exitValue()).contains("stopped").doesNotContain("WARNING: A restricted method");
            assertThat(output.stream().filter(l -> l.contains("ready:")).count()).as("one start line").isEqualTo(1);
            assertThat(output).as("decodes JPEGs in the DCT domain (libturbojpeg is installed here and in CI)")
                    .anyMatch(l -> l.contains("JPEG decoding: turbojpeg"));
        } finally {
            agent.destroyForcibly();
        }
    }

    private static int awaitReady(BlockingQueue<String> lines, List<String> output) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                continue;
            }
            Matcher m = READY.matcher(line);
            if (m.find()) {
                System.out.println("edge agent jar: " + line);
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the agent did not log its start line; output: " + output);
    }
}
