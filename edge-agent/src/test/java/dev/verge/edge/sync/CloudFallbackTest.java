package dev.verge.edge.sync;

import static dev.verge.edge.sync.Eventually.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.DemoModels;
import dev.verge.edge.PredictionEvent;
import dev.verge.edge.sync.SyncedAgent.Answer;
import dev.verge.inference.pkg.PackageSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --cloud-fallback}: an agent without a model forwards its cameras' pictures to the cloud's predict route
 * for the model its desired state names, and says so in {@code X-Verge-Served-By}. The cloud here names version
 * 1 with a signature of another key, so the agent never loads it and stays without a model until a test deploys
 * an honest version 2.
 */
@Timeout(120)
class CloudFallbackTest {
    private static final Duration SYNC_TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private SyncedAgent agent;

    @BeforeEach
    void deployAVersionTheAgentRefuses() {
        cloud = FakeCloud.start();
        byte[] v1 = Packages.fruitQuality(dir, "1");
        PackageRef honest = cloud.announce(DemoModels.NAME, "1", v1);
        String forged = PackageSignature.sign(PackageSignature.generateKeyPair().getPrivate(), honest.model(),
                honest.version(), honest.sha256(), honest.size());
        cloud.deploy(new PackageRef(honest.model(), honest.version(), honest.sha256(), honest.size(), forged), v1);
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        cloud.close();
    }

    private void startAgent(boolean fallback) {
        SyncSettings settings = SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("state"))
                .withTimings(Duration.ofMillis(50), SYNC_TIMEOUT, Duration.ofMillis(20), Duration.ofMillis(200))
                .withCloudFallback(fallback);
        agent = SyncedAgent.start(settings);
        EVENTUALLY.alias("the desired state read and version 1 refused").until(() -> agent.sync.wanted().isPresent()
                && agent.sync.lastError().map(e -> e.code().equals("package_signature_invalid")).orElse(false));
        assertThat(agent.slot.isReady()).isFalse();
    }

    @Test
    void noModel_fallbackOn_answeredByTheCloudWithHeaders_thenByTheEdgeOnceInstalled() {
        startAgent(true);

        Answer fromCloud = agent.classify();

        assertThat(fromCloud.status()).isEqualTo(200);
        assertThat(fromCloud.servedBy()).isEqualTo("cloud");
        assertThat(fromCloud.headers().firstValue("X-Verge-Model-Version")).hasValue("1");
        assertThat(fromCloud.iteration()).isEqualTo("1");
        assertThat(fromCloud.json().path("predictions").path(0).path("tagName").asText()).isEqualTo(FakeCloud.CLOUD_TAG);
        assertThat(cloud.predictions).singleElement().satisfies(p -> {
            assertThat(p.getKey()).isEqualTo("/api/models/" + DemoModels.NAME + "/versions/1/predict");
            assertThat(p.getValue()).isEqualTo(SyncedAgent.APPLE);
        });
        PredictionEvent event = agent.events.getLast();
        assertThat(event.route()).isEqualTo("image");
        assertThat(event.status()).isEqualTo(200);
        assertThat(event.model()).as("no model of the agent's served it").isNull();
        assertThat(event.image()).isEqualTo(SyncedAgent.APPLE);

        cloud.deploy(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"));
        EVENTUALLY.alias("version 2 served").until(() -> "2".equals(agent.servedVersion()));
        Answer fromEdge = agent.classify();

        assertThat(fromEdge.status()).isEqualTo(200);
        assertThat(fromEdge.servedBy()).isEqualTo("edge");
        assertThat(fromEdge.headers().firstValue("X-Verge-Model-Version")).hasValue("2");
        assertThat(fromEdge.json().path("predictions").path(0).path("tagName").asText()).isEqualTo("ripe");
        assertThat(cloud.predictions).as("nothing more forwarded").hasSize(1);
    }

    @Test
    void noModel_fallbackOff_503ModelNotReady_andNothingForwarded() {
        startAgent(false);

        Answer answer = agent.classify();

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().path("error").asText()).isEqualTo("model_not_ready");
        assertThat(answer.json().path("message").asText()).doesNotContain("fallback");
        assertThat(cloud.predictions).isEmpty();
    }

    @Test
    void url_imageFetchedThenForwarded() {
        startAgent(true);
        byte[] request = ("{\"url\": \"" + cloud.uri() + "/apple.jpg\"}").getBytes(StandardCharsets.UTF_8);

        Answer answer = SyncedAgent.send(agent.server.port(), "/url", "application/json", request);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.servedBy()).isEqualTo("cloud");
        assertThat(cloud.predictions).singleElement().satisfies(p -> assertThat(p.getValue()).isEqualTo(SyncedAgent.APPLE));
        assertThat(agent.events.getLast().route()).isEqualTo("url");
    }

    @Test
    void multipartImage_forwardedAsTheImageAlone() {
        startAgent(true);
        String boundary = "verge-boundary-1";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"imageData\"; filename=\"a.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = concat(head, SyncedAgent.APPLE, tail);

        Answer answer = SyncedAgent.send(agent.server.port(), "/image", "multipart/form-data; boundary=" + boundary, body);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(cloud.predictions).singleElement().satisfies(p -> assertThat(p.getValue()).isEqualTo(SyncedAgent.APPLE));
    }

    @Test
    void cloudRefusesThePicture_itsAnswerPassesThrough() {
        startAgent(true);

        Answer answer = SyncedAgent.post(agent.server.port(), "not a picture".getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.servedBy()).isEqualTo("cloud");
        assertThat(answer.json().path("error").asText()).isEqualTo("image_invalid");
        assertThat(agent.events.getLast().errorCode()).isEqualTo("image_invalid");
    }

    @Test
    void badInput_refusedLocallyAsWithoutFallback_andNotForwarded() {
        startAgent(true);

        Answer wrongType = SyncedAgent.send(agent.server.port(), "/image", "text/plain", SyncedAgent.APPLE);
        Answer tooLarge = SyncedAgent.post(agent.server.port(), new byte[5 * 1024 * 1024]);

        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.json().path("error").asText()).isEqualTo("unsupported_media_type");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(cloud.predictions).isEmpty();
    }

    @Test
    void cloudTooSlow_503WithTheReason_afterTheSyncTimeout() {
        startAgent(true);
        cloud.slowness(Duration.ofSeconds(20)); // far longer than the sync timeout: a 200 here means no bound
        cloud.predictMode(FakeCloud.Mode.SLOW);

        Answer answer = agent.classify();

        assertNotReadyBecause(answer, "cloud_timeout");
        assertThat(answer.json().path("message").asText()).contains("took longer than " + SYNC_TIMEOUT);
    }

    @Test
    void cloudErrs_503WithTheCloudsStatus() {
        startAgent(true);
        cloud.predictMode(FakeCloud.Mode.ERROR);

        Answer answer = agent.classify();

        assertNotReadyBecause(answer, "cloud_status_unexpected");
        assertThat(answer.json().path("message").asText()).contains("found 500");
    }

    @Test
    void cloudAnswersGarbage_503() {
        startAgent(true);
        cloud.predictMode(FakeCloud.Mode.GARBAGE);

        assertNotReadyBecause(agent.classify(), "cloud_answer_invalid");
    }

    @Test
    void cloudDown_503WithTheReason() {
        startAgent(true);
        cloud.close();

        Answer answer = agent.classify();

        assertNotReadyBecause(answer, "cloud_unreachable");
        assertThat(agent.events.getLast().status()).isEqualTo(503);
    }

    @Test
    void nothingDeployed_503SaysTheCloudNamesNoModel() {
        startAgent(true);
        cloud.nothingDeployed();
        EVENTUALLY.alias("the agent heard that nothing is deployed").until(() -> agent.sync.wanted().isEmpty());

        Answer answer = agent.classify();

        assertNotReadyBecause(answer, "cloud_no_model");
        assertThat(cloud.predictions).isEmpty();
    }

    private static void assertNotReadyBecause(Answer answer, String reason) {
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.servedBy()).as("the edge's own 503").isEmpty();
        assertThat(answer.json().path("error").asText()).isEqualTo("model_not_ready");
        assertThat(answer.json().path("message").asText()).contains("cloud fallback failed").contains("(" + reason + ")");
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
