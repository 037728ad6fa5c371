package dev.verge.edge.sync;

import static dev.verge.edge.sync.Eventually.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.demo.DemoModels;
import dev.verge.inference.json.Json;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The agent follows the fake cloud's desired state and reports what it serves and how it went. */
class ModelSyncTest {
    @TempDir
    Path dir;
    private FakeCloud cloud;
    private SyncedAgent agent;

    @BeforeEach
    void startCloud() {
        cloud = FakeCloud.start();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        cloud.close();
    }

    private SyncedAgent startAgent() {
        agent = SyncedAgent.start(SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("state")));
        return agent;
    }

    @Test
    void sync_nothingDeployed_reportsNoModelAnd503() {
        startAgent();

        EVENTUALLY.alias("a status report").until(() -> cloud.lastReport() != null);

        JsonNode report = cloud.lastReport();
        assertThat(report.path("state").asText()).isEqualTo("no-model");
        assertThat(report.path("model").isNull()).isTrue();
        assertThat(report.path("agentVersion").asText()).isNotBlank();
        assertThat(report.path("ortVersion").asText()).isNotBlank();
        assertThat(agent.classify().status()).isEqualTo(503);
    }

    @Test
    void sync_versionDeployed_servedReportedAndKeptWithThePreviousOne() throws Exception {
        startAgent();
        PackageRef v1 = cloud.deploy(DemoModels.NAME, "1", Packages.fruitQuality(dir, "1"));
        EVENTUALLY.alias("version 1 served").until(() -> "1".equals(agent.servedVersion()));
        assertThat(agent.classify().iteration()).isEqualTo("1");

        PackageRef v2 = cloud.deploy(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"));
        EVENTUALLY.alias("version 2 served").until(() -> "2".equals(agent.servedVersion()));
        EVENTUALLY.alias("version 2 reported").until(() -> "2".equals(cloud.lastReport().path("version").asText()));

        assertThat(agent.classify().iteration()).isEqualTo("2");
        JsonNode report = cloud.lastReport();
        assertThat(report.path("state").asText()).isEqualTo("serving");
        assertThat(report.path("model").asText()).isEqualTo(DemoModels.NAME);
        assertThat(report.path("lastError").isNull()).isTrue();
        JsonNode state = Json.mapper().readTree(dir.resolve("state/state.json").toFile());
        assertThat(state.path("current").path("version").asText()).isEqualTo("2");
        assertThat(state.path("current").path("sha256").asText()).isEqualTo(v2.sha256());
        assertThat(state.path("previous").path("version").asText()).isEqualTo("1");
        try (Stream<Path> kept = Files.list(dir.resolve("state/packages"))) {
            assertThat(kept.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(v1.sha256() + ".zip",
                    v1.sha256() + ".ref.json", v2.sha256() + ".zip", v2.sha256() + ".ref.json");
        }
        assertThat(dir.resolve("state/state.json.tmp")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void sync_packageInABucketElsewhere_downloadedWithoutTheDeviceKey(boolean viaCloudRedirect) throws Exception {
        byte[] v1 = Packages.fruitQuality(dir, "1");
        List<String> deviceKeysSeen = new CopyOnWriteArrayList<>();
        HttpServer bucket = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        bucket.createContext("/bucket/", exchange -> {
            try (exchange) {
                deviceKeysSeen.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Device-Key")));
                exchange.sendResponseHeaders(200, v1.length);
                exchange.getResponseBody().write(v1);
            }
        });
        bucket.start();
        try {
            startAgent();
            String presigned = "http://127.0.0.1:" + bucket.getAddress().getPort() + "/bucket/fruit-quality-1.zip?X-Amz-Signature=abc";
            PackageRef ref = cloud.announce(DemoModels.NAME, "1", v1);

            if (viaCloudRedirect) {
                cloud.deployRedirectingTo(ref, presigned);
            } else {
                cloud.deployAt(ref, presigned);
            }

            EVENTUALLY.alias("version 1 served").until(() -> "1".equals(agent.servedVersion()));
            assertThat(deviceKeysSeen).containsExactly("null");
        } finally {
            bucket.stop(0);
        }
    }

    @Test
    void sync_rollbackToThePreviousVersion_swapsWithoutDownloading() {
        startAgent();
        byte[] v1 = Packages.fruitQuality(dir, "1");
        cloud.deploy(DemoModels.NAME, "1", v1);
        EVENTUALLY.alias("version 1 served").until(() -> "1".equals(agent.servedVersion()));
        cloud.deploy(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"));
        EVENTUALLY.alias("version 2 served").until(() -> "2".equals(agent.servedVersion()));
        int downloads = cloud.downloads.size();

        cloud.deploy(DemoModels.NAME, "1", v1);
        EVENTUALLY.alias("version 1 served again").until(() -> "1".equals(agent.servedVersion()));

        assertThat(cloud.downloads).hasSize(downloads);
    }

    @Test
    void sync_nothingDeployedAfterAVersion_keepsServingIt() {
        startAgent();
        cloud.deploy(DemoModels.NAME, "1", Packages.fruitQuality(dir, "1"));
        EVENTUALLY.alias("version 1 served").until(() -> "1".equals(agent.servedVersion()));

        cloud.nothingDeployed();
        int calls = cloud.desiredCalls.get();
        EVENTUALLY.alias("three more polls").until(() -> cloud.desiredCalls.get() >= calls + 3);

        assertThat(agent.classify().iteration()).isEqualTo("1");
    }

    @Test
    void statusReport_requestsAnswered_everyOneCountedOnceWithLatencies() {
        startAgent();
        cloud.deploy(DemoModels.NAME, "1", Packages.fruitQuality(dir, "1"));
        EVENTUALLY.alias("version 1 served").until(() -> "1".equals(agent.servedVersion()));
        int sent = 25;
        for (int i = 0; i < sent; i++) {
            assertThat(agent.classify().status()).isEqualTo(200);
        }
        assertThat(SyncedAgent.post(agent.server.port(), "not an image".getBytes()).status()).isEqualTo(400);
        int after = cloud.reports.size();
        EVENTUALLY.alias("a report after the last request").until(() -> cloud.reports.size() > after + 1);

        long requests = 0;
        long errors = 0;
        double p99 = 0;
        for (JsonNode report : cloud.reports) {
            requests += report.path("requests").asLong();
            errors += report.path("errors").asLong();
            if (!report.path("latencyMs").isNull()) {
                p99 = Math.max(p99, report.path("latencyMs").path("p99").asDouble());
                assertThat(report.path("latencyMs").path("p50").asDouble())
                        .isLessThanOrEqualTo(report.path("latencyMs").path("p95").asDouble());
            }
        }
        assertThat(requests).isEqualTo(sent + 1);
        assertThat(errors).as("a 400 is the device's mistake, not an agent error").isZero();
        assertThat(p99).isPositive();
    }
}
