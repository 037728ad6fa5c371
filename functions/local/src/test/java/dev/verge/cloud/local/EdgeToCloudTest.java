package dev.verge.cloud.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.demo.SampleImages;
import dev.verge.edge.AgentSettings;
import dev.verge.edge.EdgeAgent;
import dev.verge.edge.sync.SyncSettings;
import dev.verge.edge.telemetry.TelemetrySettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on one machine, over real HTTP on 127.0.0.1: a local cloud; a device registered through
 * the API; a model version registered and deployed to the device's group; a real edge agent with sync and
 * telemetry on, holding only the device's id and key and the cloud's public signing key. The agent takes
 * the deployment, reports it, serves images, and every answer arrives in the cloud's analytics exactly once;
 * the dashboard shows the device, the version it reported and the promoted deployment.
 */
@Timeout(180)
class EdgeToCloudTest {
    private static final String KEY = "edge-to-cloud-key-4f1a9c";
    private static final String MODEL = "fruit-quality";
    private static final String DEVICE = "cam-e2e";
    private static final String GROUP = "line-e2e";
    private static final int REQUESTS = 23; // over several batches of 5, the last one partial
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    @Test
    void agentFollowingTheCloud_servesTheDeploymentAndEveryAnswerReachesAnalyticsOnce() throws Exception {
        try (LocalCloud cloud = LocalCloud.start(LocalCloud.Settings.of(dir.resolve("cloud"), CloudConfig.withApiKeys(KEY))
                .withRolloutTick(Duration.ofMillis(200)))) {
            URI base = cloud.baseUri();
            String deviceKey = call(base, "POST", "/api/devices", "{\"id\": \"" + DEVICE + "\", \"group\": \"" + GROUP + "\"}", 201)
                    .get("primaryKey").asText();
            HttpResponse<String> registered = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/models/" + MODEL + "/versions"))
                    .timeout(Duration.ofSeconds(60)).header("x-api-key", KEY).header("Content-Type", "application/zip")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(RegistryPackages.valid(MODEL, "1"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
            String deployment = call(base, "POST", "/api/deployments", "{\"group\": \"" + GROUP + "\", \"model\": \"" + MODEL
                    + "\", \"version\": \"1\", \"strategy\": \"all-at-once\"}", 201).get("id").asText();
            String trustedKey = call(base, "GET", "/api/signing-key", null, 200).get("publicKey").asText();

            Path state = dir.resolve("agent");
            AgentSettings settings = AgentSettings.defaults(Path.of("unused")).withHost("127.0.0.1").withPort(0)
                    .withSync(null, SyncSettings.of(base, DEVICE, deviceKey, SyncSettings.trustedKey(trustedKey), state)
                            .withTimings(Duration.ofMillis(200), Duration.ofSeconds(20), Duration.ofMillis(100), Duration.ofSeconds(2)))
                    .withTelemetry(TelemetrySettings.defaults().withEnabled(true).withCloud(base, DEVICE, deviceKey)
                            .withJournal(state.resolve("telemetry.db"), 16L * 1024 * 1024, Duration.ofDays(1))
                            .withBatches(5, Duration.ofMillis(300)));
            try (EdgeAgent agent = EdgeAgent.start(settings)) {
                JsonNode device = await("the device's report that it serves version 1").atMost(WAIT).until(
                        () -> call(base, "GET", "/api/devices/" + DEVICE, null, 200),
                        d -> "serving".equals(d.path("state").asText()) && "1".equals(d.path("version").asText()));
                assertThat(device.path("model").asText()).isEqualTo(MODEL);
                assertThat(device.path("lastStatus").path("ortVersion").asText()).isNotBlank();
                assertThat(device.path("lastStatus").path("lastError").isNull()).isTrue();

                byte[] apple = SampleImages.jpeg("ripe-red-apple");
                for (int i = 0; i < REQUESTS; i++) {
                    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + "/image"))
                            .timeout(Duration.ofSeconds(30)).header("Content-Type", "image/jpeg")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(apple)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    assertThat(CloudJson.mapper().readTree(answer.body()).get("iteration").asText()).isEqualTo("1");
                }

                String query = "/api/analytics?model=" + MODEL + "&version=1";
                await("every answer in the cloud's analytics").atMost(WAIT)
                        .until(() -> call(base, "GET", query, null, 200).path("totals").path("requests").asLong() >= REQUESTS);
                await("the agent's journal emptied").atMost(WAIT)
                        .until(() -> agent.telemetry().orElseThrow().journal().depth() == 0);
                JsonNode totals = call(base, "GET", query, null, 200).get("totals");
                assertThat(totals.get("requests").asLong()).as("each record delivered once").isEqualTo(REQUESTS);
                assertThat(totals.get("errors").asLong()).isZero();
                assertThat(call(base, "GET", query + "&device=" + DEVICE, null, 200).path("totals").path("requests").asLong())
                        .isEqualTo(REQUESTS);
                assertThat(call(base, "GET", query + "&group=" + GROUP, null, 200).path("totals").path("requests").asLong())
                        .isEqualTo(REQUESTS);
                await("the deployment promoted once its one device serves it").atMost(WAIT)
                        .until(() -> "promoted".equals(call(base, "GET", "/api/deployments/" + deployment, null, 200).path("state").asText()));

                String session = HTTP.send(HttpRequest.newBuilder(base.resolve("/dashboard?key=" + KEY)).timeout(Duration.ofSeconds(30))
                        .build(), HttpResponse.BodyHandlers.discarding()).headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
                HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(base.resolve("/dashboard?model=" + MODEL))
                        .timeout(Duration.ofSeconds(30)).header("Cookie", session).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(page.body()).contains("id=\"total-requests\">" + REQUESTS + "<")
                        .contains("<tr><td>" + DEVICE + "</td><td>" + GROUP + "</td><td>" + MODEL + " 1</td><td id=\"device-version-"
                                + DEVICE + "\">" + MODEL + " 1</td>")
                        .contains("<tr><td>" + deployment + "</td><td>" + MODEL + "</td><td>1</td><td>" + GROUP
                                + "</td><td>all-at-once</td><td>promoted</td>");
            }
        }
    }

    /** An API call with the API key; fails unless it answers {@code status}. */
    private static JsonNode call(URI base, String method, String path, String json, int status) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).header("x-api-key", KEY)
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
            return CloudJson.mapper().readTree(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
