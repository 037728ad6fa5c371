package dev.verge.edge.sync;

import static dev.verge.edge.sync.Eventually.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.demo.DemoModels;
import dev.verge.edge.AgentSettings;
import dev.verge.edge.EdgeAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** On restart the agent serves its last good version at once, before (and without) the cloud. */
class OfflineRestartTest {
    @TempDir
    Path dir;

    private static AgentSettings agentSettings(SyncSettings sync, Path model) {
        return AgentSettings.defaults(Path.of("unused")).withHost("127.0.0.1").withPort(0).withSync(model, sync);
    }

    @Test
    void restart_cloudUnreachable_servesTheLastGoodVersionAtOnce() {
        Path stateDir = dir.resolve("state");
        try (FakeCloud cloud = FakeCloud.start()) {
            SyncSettings online = SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), stateDir);
            try (EdgeAgent agent = EdgeAgent.start(agentSettings(online, null))) {
                cloud.deploy(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"));
                EVENTUALLY.alias("version 2 served")
                        .until(() -> "2".equals(SyncedAgent.post(agent.port(), SyncedAgent.APPLE).iteration()));
            }
            SyncSettings offline = online.withCloud(SyncedAgent.unreachableCloud());

            try (EdgeAgent restarted = EdgeAgent.start(agentSettings(offline, null))) {
                // no waiting: start returns with the model loaded, the cloud has not answered (and never will)
                SyncedAgent.Answer answer = SyncedAgent.post(restarted.port(), SyncedAgent.APPLE);
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.iteration()).isEqualTo("2");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbled", "emptied", "deleted"})
    void restart_stateJsonLost_rebuiltFromTheSignedPackages_theNewestServes(String how) throws Exception {
        Path stateDir = dir.resolve("state");
        try (FakeCloud cloud = FakeCloud.start()) {
            SyncSettings sync = SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), stateDir);
            try (SyncedAgent agent = SyncedAgent.start(sync)) {
                cloud.deploy(DemoModels.NAME, "1", Packages.fruitQuality(dir, "1"));
                EVENTUALLY.alias("version 1 served").until(() -> "1".equals(agent.servedVersion()));
                Thread.sleep(20); // the two packages' kept times differ
                cloud.deploy(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"));
                EVENTUALLY.alias("version 2 served").until(() -> "2".equals(agent.servedVersion()));
            }
            Path state = stateDir.resolve("state.json");
            switch (how) {
                case "garbled" -> Files.writeString(state, "{\"current\": {\"model\": tru");
                case "emptied" -> Files.write(state, new byte[0]);
                default -> Files.delete(state);
            }

            try (EdgeAgent restarted = EdgeAgent.start(agentSettings(sync.withCloud(SyncedAgent.unreachableCloud()), null))) {
                SyncedAgent.Answer answer = SyncedAgent.post(restarted.port(), SyncedAgent.APPLE);
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.iteration()).isEqualTo("2");
            }
            assertThat(Files.readString(state)).contains("\"version\" : \"2\"").contains("\"version\" : \"1\"");
        }
    }

    @Test
    void restart_stateDirHasAVersion_winsOverTheModelOption() {
        Path stateDir = dir.resolve("state");
        try (FakeCloud cloud = FakeCloud.start()) {
            SyncSettings sync = SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), stateDir);
            try (SyncedAgent agent = SyncedAgent.start(sync)) {
                cloud.deploy(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"));
                EVENTUALLY.alias("version 2 served").until(() -> "2".equals(agent.servedVersion()));
            }
            Path factoryModel = DemoModels.fruitQuality(dir, "1");

            try (EdgeAgent restarted = EdgeAgent.start(agentSettings(sync.withCloud(SyncedAgent.unreachableCloud()), factoryModel))) {
                assertThat(SyncedAgent.post(restarted.port(), SyncedAgent.APPLE).iteration()).isEqualTo("2");
            }
        }
    }

    @Test
    void start_emptyStateDirAndModelOption_servesTheModelOptionUntilTheCloudSendsOne() {
        try (FakeCloud cloud = FakeCloud.start()) {
            SyncSettings sync = SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("state"));
            try (EdgeAgent agent = EdgeAgent.start(agentSettings(sync, DemoModels.fruitQuality(dir, "1")))) {
                assertThat(SyncedAgent.post(agent.port(), SyncedAgent.APPLE).iteration()).isEqualTo("1");

                cloud.deploy(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"));

                EVENTUALLY.alias("version 2 served")
                        .until(() -> "2".equals(SyncedAgent.post(agent.port(), SyncedAgent.APPLE).iteration()));
            }
        }
    }

    @Test
    void restart_currentPackageDamagedOnDisk_servesThePreviousAndReportsWhy() throws Exception {
        Path stateDir = dir.resolve("state");
        PackageRef v2;
        try (FakeCloud cloud = FakeCloud.start()) {
            SyncSettings sync = SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), stateDir);
            try (SyncedAgent agent = SyncedAgent.start(sync)) {
                cloud.deploy(DemoModels.NAME, "1", Packages.fruitQuality(dir, "1"));
                EVENTUALLY.alias("version 1 served").until(() -> "1".equals(agent.servedVersion()));
                v2 = cloud.deploy(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"));
                EVENTUALLY.alias("version 2 served").until(() -> "2".equals(agent.servedVersion()));
            }
            Path v2File = stateDir.resolve("packages").resolve(v2.sha256() + ".zip");
            byte[] bytes = Files.readAllBytes(v2File);
            bytes[bytes.length / 3] ^= 1;
            Files.write(v2File, bytes);

            try (SyncedAgent restarted = SyncedAgent.start(sync)) {
                assertThat(restarted.servedVersion()).isEqualTo("1");
                assertThat(restarted.classify().iteration()).isEqualTo("1");
                EVENTUALLY.alias("a report").until(() -> !cloud.reportsWithError("package_sha256_mismatch").isEmpty());
                JsonNode error = cloud.reportsWithError("package_sha256_mismatch").get(0).path("lastError");
                assertThat(error.path("version").asText()).isEqualTo("2");
                // the cloud still wants 2: it is downloaded again, checked and served
                EVENTUALLY.alias("version 2 served again").atMost(Duration.ofSeconds(30))
                        .until(() -> "2".equals(restarted.servedVersion()));
            }
        }
    }
}
