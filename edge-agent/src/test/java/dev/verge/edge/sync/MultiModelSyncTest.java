package dev.verge.edge.sync;

import static dev.verge.edge.sync.Eventually.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.demo.DemoModels;
import dev.verge.edge.AgentSettings;
import dev.verge.edge.EdgeAgent;
import dev.verge.inference.testing.TestPackages;
import dev.verge.inference.testing.TextPictures;
import dev.verge.wire.desired.DesiredStatement.ModelEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desired state lists several models: the agent installs each (the demo model and PaddleOCR's orientation
 * classifier), serves each on its own routes, keeps each across a restart without the cloud, removes one no longer
 * listed, and runs a listed shadow candidate, reporting its pairs in the status report.
 */
class MultiModelSyncTest {
    private static final String OCR = "text-orientation";

    @TempDir
    Path dir;

    @BeforeEach
    void needsOcrModel() {
        Assumptions.assumeTrue(TestPackages.ocrClassifierModel().isPresent(),
                "PaddleOCR classifier not found; run ./verge fetch-test-models");
    }

    private static AgentSettings agentSettings(SyncSettings sync) {
        return AgentSettings.defaults(Path.of("unused")).withHost("127.0.0.1").withPort(0).withSync(null, sync);
    }

    private byte[] ocrZip() {
        Path folder = TestPackages.ocrClassifierPackage(dir.resolve("ocr"));
        try {
            return Files.readAllBytes(DemoModels.zip(folder, dir.resolve("ocr.zip")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String top(int port, String path, byte[] picture) {
        SyncedAgent.Answer answer = SyncedAgent.send(port, path, "application/octet-stream", picture);
        return answer.status() == 200 ? answer.json().at("/predictions/0/tagName").asText() : "status " + answer.status();
    }

    private static void bothServe(int port) {
        assertThat(top(port, "/image", SyncedAgent.APPLE)).isEqualTo("ripe");
        assertThat(top(port, "/fruit-quality/image", SyncedAgent.APPLE)).isEqualTo("ripe");
        assertThat(top(port, "/text-orientation/image", TextPictures.png("Verge 42", false))).isEqualTo("0");
        assertThat(top(port, "/text-orientation/classify/iterations/It/image", TextPictures.png("Verge 42", true))).isEqualTo("180");
    }

    @Test
    void twoModelsListed_eachServedOnItsRoutes_bothSurviveARestartOffline() {
        Path stateDir = dir.resolve("state");
        try (FakeCloud cloud = FakeCloud.start()) {
            SyncSettings online = SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), stateDir);
            try (EdgeAgent agent = EdgeAgent.start(agentSettings(online))) {
                // the OCR model listed first, the demo model the default: "default" decides, not the order
                cloud.deployModels(List.of(
                        cloud.entry(OCR, "2.0", ocrZip(), null, null),
                        cloud.entry(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"), true, null)));
                EVENTUALLY.alias("both models served").until(() -> agent.models().names().equals(List.of(DemoModels.NAME, OCR)));
                bothServe(agent.port());
                EVENTUALLY.alias("a status report listing both").until(() -> cloud.reports.stream().anyMatch(r ->
                        r.path("models").size() == 2 && "fruit-quality".equals(r.path("model").asText())));
                EVENTUALLY.alias("each model's answers counted on its own").until(() ->
                        reportedRequests(cloud, DemoModels.NAME) == 2 && reportedRequests(cloud, OCR) == 2);
            }
            SyncSettings offline = online.withCloud(SyncedAgent.unreachableCloud());
            try (EdgeAgent restarted = EdgeAgent.start(agentSettings(offline))) {
                // no waiting: both are loaded from the state directory before the cloud is asked
                assertThat(restarted.models().names()).containsExactly(DemoModels.NAME, OCR);
                assertThat(restarted.models().defaultModel()).contains(DemoModels.NAME);
                bothServe(restarted.port());
            }
        }
    }

    @Test
    void modelNoLongerListed_removed_theOtherServesOn() {
        try (FakeCloud cloud = FakeCloud.start();
             EdgeAgent agent = EdgeAgent.start(agentSettings(SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("s"))))) {
            ModelEntry fruit = cloud.entry(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"), null, null);
            cloud.deployModels(List.of(fruit, cloud.entry(OCR, "2.0", ocrZip(), null, null)));
            EVENTUALLY.alias("both served").until(() -> agent.models().names().size() == 2);
            assertThat(agent.models().defaultModel()).as("no default flag: the first listed").contains(DemoModels.NAME);

            cloud.deployModels(List.of(fruit));

            EVENTUALLY.alias("the OCR model removed").until(() -> agent.models().names().equals(List.of(DemoModels.NAME)));
            assertThat(top(agent.port(), "/image", SyncedAgent.APPLE)).isEqualTo("ripe");
            assertThat(SyncedAgent.send(agent.port(), "/text-orientation/image", "application/octet-stream",
                    TextPictures.png("Verge 42", false)).status()).as("one model left: any name reaches it, as before")
                    .isEqualTo(200);
        }
    }

    @Test
    void shadowListed_candidateRunsBesideTheModel_pairsInTheStatusReport() {
        try (FakeCloud cloud = FakeCloud.start();
             EdgeAgent agent = EdgeAgent.start(agentSettings(SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("s"))))) {
            cloud.deployModels(List.of(cloud.entry(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"), true,
                    cloud.shadow(DemoModels.NAME, "3", Packages.alwaysUnripe(dir, "3"), 100))));
            EVENTUALLY.alias("the candidate loaded").until(() -> agent.shadows().candidate(DemoModels.NAME).isPresent());
            for (int i = 0; i < 5; i++) {
                assertThat(top(agent.port(), "/image", SyncedAgent.APPLE)).as("the answer is the serving version's").isEqualTo("ripe");
            }
            EVENTUALLY.alias("pairs reported").until(() -> cloud.reports.stream().mapToLong(r -> shadowPairs(r)).sum() == 5);
            JsonNode reported = cloud.reports.stream().filter(r -> shadowPairs(r) > 0).findFirst().orElseThrow().path("shadows").get(0);
            assertThat(reported.path("model").asText()).isEqualTo(DemoModels.NAME);
            assertThat(reported.path("version").asText()).isEqualTo("2");
            assertThat(reported.path("candidate").asText()).isEqualTo("3");
            assertThat(reported.path("percent").asInt()).isEqualTo(100);
            assertThat(reported.path("agreement").asDouble()).as("the apple is ripe; the candidate says unripe").isZero();

            cloud.deployModels(List.of(cloud.entry(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"), true, null)));
            EVENTUALLY.alias("the shadow ended").until(() -> agent.shadows().candidate(DemoModels.NAME).isEmpty());
        }
    }

    @Test
    void shadowListed_agentRestartedWithoutTheCloud_runsTheCandidateAgain() {
        Path stateDir = dir.resolve("s");
        SyncSettings online;
        try (FakeCloud cloud = FakeCloud.start()) {
            online = SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), stateDir);
            try (EdgeAgent agent = EdgeAgent.start(agentSettings(online))) {
                cloud.deployModels(List.of(cloud.entry(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"), true,
                        cloud.shadow(DemoModels.NAME, "3", Packages.alwaysUnripe(dir, "3"), 100))));
                EVENTUALLY.alias("the candidate loaded").until(() -> agent.shadows().candidate(DemoModels.NAME).isPresent());
            }
        }
        try (EdgeAgent restarted = EdgeAgent.start(agentSettings(online.withCloud(SyncedAgent.unreachableCloud())))) {
            assertThat(restarted.shadows().candidate(DemoModels.NAME)).as("run again before the cloud is asked")
                    .hasValueSatisfying(c -> assertThat(c.version()).isEqualTo("3"));
            assertThat(top(restarted.port(), "/image", SyncedAgent.APPLE)).as("the answer is still the served version's")
                    .isEqualTo("ripe");
        }
    }

    @Test
    void oneModelsDownloadKeepsFailing_theModelsAfterItAreInstalledMeanwhile() {
        try (FakeCloud cloud = FakeCloud.start();
             EdgeAgent agent = EdgeAgent.start(agentSettings(SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("s"))))) {
            ModelEntry ocr = cloud.entry(OCR, "2.0", ocrZip(), null, null);
            ModelEntry unreachable = new ModelEntry(ocr.name(), ocr.version(), ocr.sha256(), ocr.size(),
                    SyncedAgent.unreachableCloud() + "/packages/ocr.zip", ocr.signature(), ocr.deployment(), null, null);
            cloud.deployModels(List.of(unreachable, cloud.entry(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"), true, null)));

            EVENTUALLY.alias("the fruit model served while the OCR download fails").until(() ->
                    agent.models().names().equals(List.of(DemoModels.NAME)));
            assertThat(top(agent.port(), "/image", SyncedAgent.APPLE)).isEqualTo("ripe");
        }
    }

    @Test
    void sameRevision_anotherShadowPercentOrDefault_refusedAsAConflict() {
        try (FakeCloud cloud = FakeCloud.start();
             EdgeAgent agent = EdgeAgent.start(agentSettings(SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("s"))))) {
            byte[] fruit = Packages.fruitQuality(dir, "2");
            byte[] candidate = Packages.alwaysUnripe(dir, "3");
            cloud.deployModels(List.of(cloud.entry(DemoModels.NAME, "2", fruit, true,
                    cloud.shadow(DemoModels.NAME, "3", candidate, 10))));
            EVENTUALLY.alias("the candidate loaded").until(() -> agent.shadows().candidate(DemoModels.NAME).isPresent());

            // the revision the device took, now saying 50 %: the statement covers each model's shadow
            cloud.keepRevision();
            cloud.deployModels(List.of(cloud.entry(DemoModels.NAME, "2", fruit, true,
                    cloud.shadow(DemoModels.NAME, "3", candidate, 50))));
            EVENTUALLY.alias("refused as a conflict").until(() -> !cloud.reportsWithError("statement_conflict").isEmpty());

            // and its default flag
            cloud.deployModels(List.of(cloud.entry(DemoModels.NAME, "2", fruit, null, null)));
            EVENTUALLY.alias("the next revision taken").until(() -> agent.shadows().candidate(DemoModels.NAME).isEmpty());
            int conflicts = cloud.reportsWithError("statement_conflict").size();
            cloud.keepRevision();
            cloud.deployModels(List.of(cloud.entry(DemoModels.NAME, "2", fruit, false, null)));
            EVENTUALLY.alias("refused as a conflict again").until(() ->
                    cloud.reportsWithError("statement_conflict").size() > conflicts);
        }
    }

    @Test
    void modelNotLoaded_fallbackOn_theCloudAnswersForThatModelOnItsRoute() {
        try (FakeCloud cloud = FakeCloud.start();
             EdgeAgent agent = EdgeAgent.start(agentSettings(SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("s"))
                     .withCloudFallback(true)))) {
            ModelEntry ocr = cloud.entry(OCR, "2.0", ocrZip(), null, null);
            String forged = dev.verge.inference.pkg.PackageSignature.sign(
                    dev.verge.inference.pkg.PackageSignature.generateKeyPair().getPrivate(), OCR, "2.0", ocr.sha256(), ocr.size());
            cloud.deployModels(List.of(cloud.entry(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"), true, null),
                    new ModelEntry(ocr.name(), ocr.version(), ocr.sha256(), ocr.size(), ocr.url(), forged, ocr.deployment(), null, null)));
            EVENTUALLY.alias("the fruit model served, the forged OCR package refused").until(() ->
                    agent.models().names().equals(List.of(DemoModels.NAME)) && !cloud.reportsWithError("package_signature_invalid").isEmpty());

            SyncedAgent.Answer answer = SyncedAgent.send(agent.port(), "/" + OCR + "/image", "image/jpeg", SyncedAgent.APPLE);

            assertThat(answer.status()).as(answer.json().toString()).isEqualTo(200);
            assertThat(answer.servedBy()).isEqualTo("cloud");
            assertThat(cloud.predictions).extracting(java.util.Map.Entry::getKey)
                    .containsExactly("/api/models/" + OCR + "/versions/2.0/predict");
            assertThat(top(agent.port(), "/image", SyncedAgent.APPLE)).as("the loaded model answers itself").isEqualTo("ripe");
            assertThat(SyncedAgent.send(agent.port(), "/any-project/image", "image/jpeg", SyncedAgent.APPLE).servedBy())
                    .as("a name the desired state does not know reaches the one model loaded, as before").isEqualTo("edge");
        }
    }

    private static long reportedRequests(FakeCloud cloud, String model) {
        long requests = 0;
        for (JsonNode report : cloud.reports) {
            for (JsonNode m : report.path("models")) {
                if (model.equals(m.path("name").asText())) {
                    requests += m.path("requests").asLong();
                }
            }
        }
        return requests;
    }

    private static long shadowPairs(JsonNode report) {
        long pairs = 0;
        for (JsonNode s : report.path("shadows")) {
            pairs += s.path("pairs").asLong() + s.path("dropped").asLong();
        }
        return pairs;
    }
}
