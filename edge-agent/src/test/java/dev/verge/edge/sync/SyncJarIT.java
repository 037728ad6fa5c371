package dev.verge.edge.sync;

import static dev.verge.edge.sync.Eventually.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.DemoModels;
import dev.verge.inference.pkg.PackageSignature;
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

/**
 * The shaded jar with sync on, configured only by environment variables: it starts with no model, serves
 * what the cloud deploys, and after kill -9 starts again with the cloud gone, serving the same version.
 */
class SyncJarIT {
    private static final Pattern READY = Pattern.compile("ready: (.*), threads .* port (\\d+), (\\d+) ms after JVM start");

    @Test
    void jar_killedAndRestartedWithoutCloud_servesTheLastGoodVersion(@TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("verge.edge.jar", "target/verge-edge-agent.jar"));
        assertThat(jar).exists();
        Path stateDir = dir.resolve("state");
        try (FakeCloud cloud = FakeCloud.start()) {
            Path keyFile = dir.resolve("signing.pub");
            Files.writeString(keyFile, "-----BEGIN PUBLIC KEY-----\n" + PackageSignature.encode(cloud.trustedKey())
                    + "\n-----END PUBLIC KEY-----\n");
            ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
                    jar.toString()).redirectErrorStream(true);
            builder.environment().put("VERGE_HOST", "127.0.0.1");
            builder.environment().put("VERGE_PORT", "0");
            builder.environment().put("VERGE_CLOUD", cloud.uri().toString());
            builder.environment().put("VERGE_DEVICE_ID", FakeCloud.DEVICE_ID);
            builder.environment().put("VERGE_DEVICE_KEY", FakeCloud.DEVICE_KEY);
            builder.environment().put("VERGE_TRUSTED_KEY", keyFile.toString());
            builder.environment().put("VERGE_STATE_DIR", stateDir.toString());
            builder.environment().put("VERGE_SYNC_POLL_INTERVAL", "100ms");
            builder.environment().put("VERGE_SYNC_TIMEOUT", "2s");

            RunningJar first = RunningJar.start(builder);
            try {
                Matcher ready = first.awaitReady();
                assertThat(ready.group(1)).startsWith("no model yet");
                int port = Integer.parseInt(ready.group(2));
                assertThat(SyncedAgent.post(port, SyncedAgent.APPLE).status()).isEqualTo(503);

                long deployed = System.nanoTime();
                cloud.deploy(DemoModels.NAME, "1", Packages.fruitQuality(dir, "1"));
                EVENTUALLY.alias("version 1 served by the jar")
                        .until(() -> SyncedAgent.post(port, SyncedAgent.APPLE).status() == 200);
                System.out.printf("sync jar: version 1 served %d ms after it was deployed (poll interval 100 ms)%n",
                        (System.nanoTime() - deployed) / 1_000_000);
                assertThat(first.output).noneMatch(line -> line.contains(FakeCloud.DEVICE_KEY));
            } finally {
                first.process.destroyForcibly(); // kill -9: no shutdown hook, state.json as the last swap left it
                first.process.waitFor(60, TimeUnit.SECONDS);
            }
            builder.environment().put("VERGE_CLOUD", SyncedAgent.unreachableCloud().toString());

            RunningJar second = RunningJar.start(builder);
            try {
                Matcher ready = second.awaitReady();
                System.out.println("sync jar, restarted with the cloud down: " + ready.group(0));
                assertThat(ready.group(1)).startsWith("model fruit-quality version 1");
                SyncedAgent.Answer answer = SyncedAgent.post(Integer.parseInt(ready.group(2)), SyncedAgent.APPLE);
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.iteration()).isEqualTo("1");
            } finally {
                second.process.destroyForcibly();
                second.process.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    private record RunningJar(Process process, BlockingQueue<String> lines, List<String> output) {
        static RunningJar start(ProcessBuilder builder) throws java.io.IOException {
            Process process = builder.start();
            List<String> output = new CopyOnWriteArrayList<>();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        output.add(line);
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    // the process ended
                }
            });
            return new RunningJar(process, lines, output);
        }

        Matcher awaitReady() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && (process.isAlive() || !lines.isEmpty())) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line == null) {
                    continue;
                }
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            throw new AssertionError("the agent did not log its start line; output: " + output);
        }
    }
}
