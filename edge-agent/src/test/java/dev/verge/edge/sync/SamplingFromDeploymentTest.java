package dev.verge.edge.sync;

import static dev.verge.edge.sync.Eventually.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.DemoModels;
import dev.verge.edge.AgentSettings;
import dev.verge.edge.EdgeAgent;
import dev.verge.edge.telemetry.SampleCapture;
import dev.verge.edge.telemetry.SamplingPolicy;
import dev.verge.edge.telemetry.TelemetrySettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as {@link EdgeAgent} wires it, with sync and telemetry on: sample capture takes the deployment's
 * {@code sampling} object from the desired state whenever it changes, and keeps what it had when the object
 * is unusable.
 */
@Timeout(120)
class SamplingFromDeploymentTest {
    @TempDir
    Path dir;

    @Test
    void desiredSampling_changes_sampleCaptureFollowsIt() throws Exception {
        try (FakeCloud cloud = FakeCloud.start()) {
            cloud.deploy(DemoModels.NAME, "1", Packages.fruitQuality(dir, "1"));
            cloud.sampling("{\"enabled\": true, \"belowProbability\": 0.5, \"randomFraction\": 1.0, \"maxPerHour\": 5}");
            Path journal = dir.resolve("telemetry/telemetry.db");
            AgentSettings settings = AgentSettings.defaults(Path.of("unused")).withHost("127.0.0.1").withPort(0)
                    .withSync(null, SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("state")))
                    .withTelemetry(TelemetrySettings.defaults().withEnabled(true)
                            .withJournal(journal, 16L * 1024 * 1024, Duration.ofDays(1)));
            try (EdgeAgent agent = EdgeAgent.start(settings)) {
                SampleCapture capture = agent.telemetry().orElseThrow().samples();
                EVENTUALLY.alias("the deployment's sampling taken")
                        .until(() -> capture.policy().equals(new SamplingPolicy(true, 0.5, 1.0, 5)));
                EVENTUALLY.alias("version 1 served")
                        .until(() -> SyncedAgent.post(agent.port(), SyncedAgent.APPLE).status() == 200);
                Path samples = TelemetrySettings.defaultSamplesDir(journal);
                EVENTUALLY.alias("the answered image kept as a sample").until(() -> images(samples) >= 1);

                cloud.sampling("{\"enabled\": true, \"belowProbability\": 7}");
                int calls = cloud.desiredCalls.get();
                EVENTUALLY.alias("two more polls").until(() -> cloud.desiredCalls.get() >= calls + 2);
                assertThat(capture.policy()).as("an unusable sampling object changes nothing").isEqualTo(new SamplingPolicy(true, 0.5, 1.0, 5));

                cloud.sampling("{\"enabled\": false}");
                EVENTUALLY.alias("sampling switched off").until(() -> !capture.policy().enabled());
                long kept = images(samples);
                assertThat(SyncedAgent.post(agent.port(), SyncedAgent.APPLE).status()).isEqualTo(200);
                assertThat(images(samples)).as("no sample once off").isEqualTo(kept);
            }
        }
    }

    private static long images(Path samples) {
        if (!Files.isDirectory(samples)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(samples)) {
            return files.filter(f -> f.toString().endsWith(".jpg")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
