package dev.verge.edge.sync;

import static dev.verge.edge.sync.Eventually.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.devices.DeviceCredentials;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.local.LocalCloud;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.rollout.Deployment;
import dev.verge.cloud.rollout.DeploymentRequest;
import dev.verge.cloud.rollout.DeploymentState;
import dev.verge.cloud.rollout.HealthRules;
import dev.verge.demo.DemoModels;
import dev.verge.edge.AgentSettings;
import dev.verge.edge.EdgeAgent;
import dev.verge.inference.testing.TestPackages;
import dev.verge.inference.testing.TextPictures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real packages on one device through the local cloud: the demo model and PaddleOCR's text-orientation classifier,
 * deployed to one group, each answering on its own routes, both serving on after a restart without the cloud; then a
 * shadow of an agreeing candidate that goes on to promotion and one of a disagreeing candidate that ends, with the
 * device's answers under a shadow the same (but for ids and times) as without it.
 */
@Timeout(300)
class SeveralModelsThroughTheCloudTest {
    private static final String GROUP = "line-mm";
    private static final String OCR = "text-orientation";
    private static final String FRUIT = DemoModels.NAME;
    /** Long enough for the agent to fetch the candidate and report the pictures before the controller judges it. */
    private static final double SHADOW_MINUTES = 0.4;
    private static final HealthRules SHADOW_RULES = new HealthRules(null, null, null, 8L, 0.9);

    @TempDir
    Path dir;

    @BeforeEach
    void needsOcrModel() {
        Assumptions.assumeTrue(TestPackages.ocrClassifierModel().isPresent(),
                "PaddleOCR classifier not found; run ./verge fetch-test-models");
    }

    @Test
    void twoModelsAndTwoShadows_servedJudgedAndKeptOffline() throws Exception {
        Path state = dir.resolve("agent");
        SyncSettings online;
        try (LocalCloud cloud = LocalCloud.start(LocalCloud.Settings.of(dir.resolve("cloud"), CloudConfig.withApiKeys("several-models-key-1")
                .withDevicePollSeconds(1))
                .withRolloutTick(Duration.ofMillis(200)))) {
            CloudServices services = cloud.services();
            register(services, FRUIT, zip(DemoModels.fruitQuality(dir.resolve("f1"), "1")));
            register(services, FRUIT, zip(DemoModels.fruitQuality(dir.resolve("f2"), "2")));
            register(services, FRUIT, zip(DemoModels.fruitQualityAlwaysUnripe(dir.resolve("f3"), "3")));
            register(services, OCR, zip(TestPackages.ocrClassifierPackage(dir.resolve("ocr"))));
            DeviceCredentials device = services.devices().create("cam-mm", GROUP);
            deploy(services, FRUIT, "1", CloudJson.mapper().getNodeFactory().textNode("all-at-once"), HealthRules.none());
            deploy(services, OCR, "2.0", CloudJson.mapper().getNodeFactory().textNode("all-at-once"), HealthRules.none());
            online = SyncSettings.of(cloud.baseUri(), device.id(), device.primaryKey(),
                    SyncSettings.trustedKey(services.signer().publicKeyBase64()), state)
                    .withTimings(Duration.ofMillis(200), Duration.ofSeconds(20), Duration.ofMillis(100), Duration.ofSeconds(2));

            try (EdgeAgent agent = EdgeAgent.start(settings(online))) {
                EVENTUALLY.alias("both models served").until(() -> agent.models().names().equals(List.of(FRUIT, OCR)));
                bothServe(agent.port(), "1");
                EVENTUALLY.alias("the cloud lists both models of the device").until(() ->
                        services.devices().view("cam-mm").models().equals(List.of(FRUIT + "/1", OCR + "/2.0")));
                JsonNode withoutShadow = comparable(SyncedAgent.send(agent.port(), "/image", "image/jpeg", SyncedAgent.APPLE).json());

                Deployment agreeing = deploy(services, FRUIT, "2", shadowThenAllAtOnce(), SHADOW_RULES);
                EVENTUALLY.alias("the agreeing candidate loaded").until(() -> agent.shadows().candidate(FRUIT).isPresent());
                for (int i = 0; i < 12; i++) {
                    JsonNode answer = SyncedAgent.send(agent.port(), "/image", "image/jpeg", SyncedAgent.APPLE).json();
                    assertThat(comparable(answer)).as("an answer under a shadow is the one without it").isEqualTo(withoutShadow);
                }
                Deployment promoted = await(services, agreeing.id(), DeploymentState.PROMOTED);
                assertThat(promoted.history()).extracting(h -> h.state()).startsWith(DeploymentState.SHADOWING,
                        DeploymentState.ROLLING_OUT);
                assertThat(promoted.history().get(1).reason()).contains("the shadow passed").contains("agreement 1.00");
                EVENTUALLY.alias("version 2 served").until(() -> "2".equals(
                        SyncedAgent.send(agent.port(), "/image", "image/jpeg", SyncedAgent.APPLE).iteration()));
                bothServe(agent.port(), "2");

                Deployment disagreeing = deploy(services, FRUIT, "3", shadowThenAllAtOnce(), SHADOW_RULES);
                EVENTUALLY.alias("the disagreeing candidate loaded").until(() -> agent.shadows().candidate(FRUIT)
                        .filter(c -> c.version().equals("3")).isPresent());
                for (int i = 0; i < 12; i++) {
                    SyncedAgent.Answer answer = SyncedAgent.send(agent.port(), "/fruit-quality/image", "image/jpeg", SyncedAgent.APPLE);
                    assertThat(answer.json().at("/predictions/0/tagName").asText()).as("the served version answers").isEqualTo("ripe");
                }
                Deployment ended = await(services, disagreeing.id(), DeploymentState.SHADOW_ENDED);
                assertThat(ended.history().get(ended.history().size() - 1).reason()).contains("below minAgreement 0.9");
                EVENTUALLY.alias("the candidate dropped").until(() -> agent.shadows().candidate(FRUIT).isEmpty());
                bothServe(agent.port(), "2");
            }
        }
        try (EdgeAgent restarted = EdgeAgent.start(settings(online.withCloud(SyncedAgent.unreachableCloud())))) {
            assertThat(restarted.models().names()).containsExactly(FRUIT, OCR);
            bothServe(restarted.port(), "2");
        }
    }

    private static AgentSettings settings(SyncSettings sync) {
        return AgentSettings.defaults(Path.of("unused")).withHost("127.0.0.1").withPort(0).withSync(null, sync);
    }

    private static ObjectNode shadowThenAllAtOnce() {
        ObjectNode strategy = CloudJson.mapper().createObjectNode().put("type", "shadow").put("percent", 100)
                .put("bakeMinutes", SHADOW_MINUTES);
        strategy.put("then", "all-at-once");
        return strategy;
    }

    /** Each model on its own routes: the fruit model (the default) on plain /image too, the OCR classifier on its name. */
    private static void bothServe(int port, String fruitVersion) {
        SyncedAgent.Answer plain = SyncedAgent.send(port, "/image", "image/jpeg", SyncedAgent.APPLE);
        assertThat(plain.iteration()).isEqualTo(fruitVersion);
        assertThat(plain.json().at("/predictions/0/tagName").asText()).isEqualTo("ripe");
        assertThat(top(port, "/" + FRUIT + "/image", SyncedAgent.APPLE)).isEqualTo("ripe");
        assertThat(top(port, "/" + OCR + "/image", TextPictures.png("Verge 42", false))).isEqualTo("0");
        assertThat(top(port, "/" + OCR + "/classify/iterations/It/image", TextPictures.png("Verge 42", true))).isEqualTo("180");
    }

    private static String top(int port, String path, byte[] picture) {
        SyncedAgent.Answer answer = SyncedAgent.send(port, path, "application/octet-stream", picture);
        assertThat(answer.status()).as(path + ": " + answer.json()).isEqualTo(200);
        return answer.json().at("/predictions/0/tagName").asText();
    }

    /** The answer without what differs on every request (its id and time). */
    private static JsonNode comparable(JsonNode answer) {
        ObjectNode copy = answer.deepCopy();
        copy.remove(List.of("id", "created"));
        return copy;
    }

    private static Deployment await(CloudServices services, String id, DeploymentState state) {
        org.awaitility.Awaitility.await(id + " " + state.json()).atMost(Duration.ofSeconds(90))
                .until(() -> services.deployments().get(id).state() == state);
        return services.deployments().get(id);
    }

    private static Deployment deploy(CloudServices services, String model, String version, JsonNode strategy, HealthRules rules) {
        return services.deployments().create(new DeploymentRequest(GROUP, model, version, strategy, rules, null, null), "test")
                .deployment();
    }

    private static void register(CloudServices services, String model, byte[] zip) {
        services.registry().register(new ByteArrayInputStream(zip), model, PackageSource.api("test"));
    }

    private byte[] zip(Path folder) {
        try {
            return Files.readAllBytes(DemoModels.zip(folder, folder.resolveSibling(folder.getFileName() + ".zip")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
