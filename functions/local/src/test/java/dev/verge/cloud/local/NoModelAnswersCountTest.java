package dev.verge.cloud.local;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's check of issue 17, automated over real HTTP: a device's agent answers 20 pictures before the
 * first deployment (503), then 30 good pictures, 5 {@code /url} calls with a refused content type (415,
 * refused before a model is taken) and 5 corrupt pictures (400). The device's analytics count all 60
 * requests, 25 of them under "no model", and nothing is rejected.
 */
@Timeout(180)
class NoModelAnswersCountTest {
    private static final String KEY = "no-model-key-7c2e41";
    private static final String MODEL = "fruit-quality";
    private static final String DEVICE = "cam-nomodel";
    private static final String GROUP = "line-nomodel";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    @Test
    void answersBeforeTheFirstModelAndRefusedUrls_countForTheDeviceUnderNoModel_nothingRejected() throws Exception {
        try (LocalCloud cloud = LocalCloud.start(LocalCloud.Settings.of(dir.resolve("cloud"), CloudConfig.withApiKeys(KEY))
                .withRolloutTick(Duration.ofMillis(200)))) {
            URI base = cloud.baseUri();
            String deviceKey = call(base, "POST", "/api/devices", "{\"id\": \"" + DEVICE + "\", \"group\": \"" + GROUP + "\"}", 201)
                    .get("primaryKey").asText();
            String trustedKey = call(base, "GET", "/api/signing-key", null, 200).get("publicKey").asText();
            Path state = dir.resolve("agent");
            AgentSettings settings = AgentSettings.defaults(Path.of("unused")).withHost("127.0.0.1").withPort(0)
                    .withSync(null, SyncSettings.of(base, DEVICE, deviceKey, SyncSettings.trustedKey(trustedKey), state)
                            .withTimings(Duration.ofMillis(200), Duration.ofSeconds(20), Duration.ofMillis(100), Duration.ofSeconds(2)))
                    .withTelemetry(TelemetrySettings.defaults().withEnabled(true).withCloud(base, DEVICE, deviceKey)
                            .withJournal(state.resolve("telemetry.db"), 16L * 1024 * 1024, Duration.ofDays(1))
                            .withBatches(7, Duration.ofMillis(300)));
            try (EdgeAgent agent = EdgeAgent.start(settings)) {
                URI edge = URI.create("http://127.0.0.1:" + agent.port());
                byte[] apple = SampleImages.jpeg("ripe-red-apple");
                for (int i = 0; i < 20; i++) {
                    assertThat(post(edge.resolve("/image"), "image/jpeg", apple).statusCode()).isEqualTo(503);
                }

                HttpResponse<String> registered = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/models/" + MODEL + "/versions"))
                        .timeout(Duration.ofSeconds(60)).header("x-api-key", KEY).header("Content-Type", "application/zip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(RegistryPackages.valid(MODEL, "1"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
                call(base, "POST", "/api/deployments", "{\"group\": \"" + GROUP + "\", \"model\": \"" + MODEL
                        + "\", \"version\": \"1\", \"strategy\": \"all-at-once\"}", 201);
                await("the agent serving version 1", () -> {
                    HttpResponse<String> ready = get(edge.resolve("/v2/health/ready"));
                    return ready.statusCode() == 200 ? true : null;
                });

                for (int i = 0; i < 30; i++) {
                    assertThat(post(edge.resolve("/image"), "image/jpeg", apple).statusCode()).isEqualTo(200);
                }
                for (int i = 0; i < 5; i++) {
                    byte[] body = "{\"url\": \"http://127.0.0.1:9/apple.jpg\"}".getBytes();
                    assertThat(post(edge.resolve("/url"), "application/xml", body).statusCode()).isEqualTo(415);
                }
                byte[] corrupt = java.util.Arrays.copyOf(apple, 200); // a JPEG cut after its first 200 bytes
                for (int i = 0; i < 5; i++) {
                    assertThat(post(edge.resolve("/image"), "image/jpeg", corrupt).statusCode()).isEqualTo(400);
                }

                String query = "/api/analytics?device=" + DEVICE;
                await("60 requests in the device's analytics", () ->
                        call(base, "GET", query, null, 200).path("totals").path("requests").asLong() >= 60 ? true : null);
                await("the agent's journal emptied", () -> agent.telemetry().orElseThrow().journal().depth() == 0 ? true : null);
                JsonNode device = call(base, "GET", query, null, 200);
                assertThat(device.get("totals").get("requests").asLong()).isEqualTo(60);
                assertThat(device.get("totals").get("rejected").asLong()).isZero();
                assertThat(device.get("totals").get("errors").asLong()).isEqualTo(20);
                assertThat(device.get("totals").get("clientErrors").asLong()).isEqualTo(10);
                assertThat(device.get("noModel").get("requests").asLong()).isEqualTo(25);
                assertThat(device.get("versions")).singleElement().satisfies(v -> {
                    assertThat(v.get("version").asText()).isEqualTo("1");
                    assertThat(v.get("requests").asLong()).isEqualTo(35);
                });
                await("a status report naming the journal's health", () ->
                        "ok".equals(call(base, "GET", "/api/devices/" + DEVICE, null, 200).path("lastStatus").path("telemetry")
                                .path("journal").asText()) ? true : null);
                assertThat(agent.telemetry().orElseThrow().metrics().rejectedTotal()).isZero();
                assertThat(agent.telemetry().orElseThrow().metrics().deliveredTotal()).isEqualTo(60);
            }
        }
    }

    private static HttpResponse<String> post(URI uri, String contentType, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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

    /** Polls {@code probe} until it answers non-null, at most {@link #WAIT}. */
    private static <T> T await(String what, Supplier<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + WAIT + " for " + what);
            }
            Thread.sleep(100);
        }
    }
}
