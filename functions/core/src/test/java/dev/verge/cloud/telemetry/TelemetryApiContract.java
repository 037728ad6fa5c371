package dev.verge.cloud.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.testing.TelemetryBatches;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The telemetry, samples, analytics and dashboard routes every runtime must serve identically (local
 * server, API Gateway + Lambda, Azure HttpTrigger), as {@code CloudApiContract} does for the registry.
 * To run it, extend it like {@code CloudApiContract}. Each test registers its own two devices through
 * {@code POST /api/devices} (one in each of its own two groups) and uses its own model name, so
 * runtimes may share one store. A device may report only what it was sent, so each test deploys version 1
 * to the first group and version 2 to the second, and each device asks for its desired state first; the
 * runtime must be started with a package signing key.
 */
@Timeout(120)
public abstract class TelemetryApiContract {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};

    protected abstract ApiResponse send(ApiRequest request) throws Exception;

    protected abstract String apiKey();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String model = "tm-" + run;
    /** The test's two devices and their groups. */
    private final String camera1 = "cam-c1-" + run;
    private final String camera2 = "cam-c2-" + run;
    private final String group1 = "line-c1-" + run;
    private final Map<String, String> keys = new HashMap<>();

    @BeforeEach
    void registerDevices() throws Exception {
        keys.put(camera1, createDevice(camera1, group1));
        keys.put(camera2, createDevice(camera2, "line-c2-" + run));
        for (String version : new String[] {"1", "2"}) {
            ApiResponse upload = send(ApiRequest.of("POST", "/api/models/" + model + "/versions",
                    Map.of("x-api-key", List.of(apiKey()), "Content-Type", List.of("application/zip")),
                    new ByteArrayInputStream(dev.verge.cloud.testing.RegistryPackages.valid(model, version))));
            assertThat(upload.status()).as(text(upload)).isIn(200, 201);
        }
        deploy(group1, "1");
        deploy("line-c2-" + run, "2");
        for (String device : List.of(camera1, camera2)) {
            ApiResponse desired = send(ApiRequest.of("GET", "/api/devices/" + device + "/desired",
                    Map.of("X-Device-Id", List.of(device), "X-Device-Key", List.of(keys.get(device))), null));
            assertThat(desired.status()).as(text(desired)).isEqualTo(200);
        }
    }

    private void deploy(String group, String version) throws Exception {
        ApiResponse response = send(ApiRequest.of("POST", "/api/deployments",
                Map.of("x-api-key", List.of(apiKey()), "Content-Type", List.of("application/json")),
                new ByteArrayInputStream(("{\"group\": \"" + group + "\", \"model\": \"" + model + "\", \"version\": \"" + version
                        + "\", \"strategy\": \"all-at-once\"}").getBytes(StandardCharsets.UTF_8))));
        assertThat(response.status()).as(text(response)).isEqualTo(201);
    }

    /** {@code POST /api/devices} with the API key; answers the device's primary key. */
    private String createDevice(String id, String group) throws Exception {
        ApiResponse response = send(ApiRequest.of("POST", "/api/devices",
                Map.of("x-api-key", List.of(apiKey()), "Content-Type", List.of("application/json")),
                new ByteArrayInputStream(("{\"id\": \"" + id + "\", \"group\": \"" + group + "\"}").getBytes(StandardCharsets.UTF_8))));
        assertThat(response.status()).as(text(response)).isEqualTo(201);
        return json(response).get("primaryKey").asText();
    }

    private ApiResponse post(String path, String device, byte[] body, Map<String, String> headers) throws Exception {
        Map<String, List<String>> h = new HashMap<>();
        h.put("X-Device-Id", List.of(device));
        h.put("X-Device-Key", List.of(keys.get(device)));
        headers.forEach((k, v) -> h.put(k, List.of(v)));
        return send(ApiRequest.of("POST", path, h, new ByteArrayInputStream(body)));
    }

    private ApiResponse postBatch(String device, ObjectNode batch, boolean gzip) throws Exception {
        byte[] json = TelemetryBatches.json(batch);
        return gzip
                ? post("/api/telemetry", device, TelemetryBatches.gzip(json), Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"))
                : post("/api/telemetry", device, json, Map.of("Content-Type", "application/json"));
    }

    private ObjectNode batch(String device, int records, String version) {
        // records of the deployment's own time: a device may not report times before its version was deployed
        return TelemetryBatches.batch(TelemetryBatches.newBatchId(), device, 0,
                TelemetryBatches.records(records, records, Instant.now(), 0, model, version, 0.7, 10));
    }

    private JsonNode analytics(String query) throws Exception {
        ApiResponse response = send(ApiRequest.of("GET", "/api/analytics?" + query, Map.of("x-api-key", List.of(apiKey())), null));
        assertThat(response.status()).as(text(response)).isEqualTo(200);
        return json(response);
    }

    private static JsonNode json(ApiResponse response) throws Exception {
        return CloudJson.mapper().readTree(response.bodyBytes());
    }

    private static String text(ApiResponse response) {
        return new String(response.bodyBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void telemetry_batchThenItsDuplicate_isCountedOnce() throws Exception {
        ObjectNode batch = batch(camera1, 50, "1");
        ApiResponse first = postBatch(camera1, batch, false);
        ApiResponse again = postBatch(camera1, batch, false);

        assertThat(first.status()).as(text(first)).isEqualTo(200);
        assertThat(json(first).get("accepted").asInt()).isEqualTo(50);
        assertThat(json(again).get("duplicate").asBoolean()).isTrue();
        JsonNode totals = analytics("model=" + model).get("totals");
        assertThat(totals.get("requests").asLong()).isEqualTo(50);
        assertThat(totals.get("errors").asLong()).isEqualTo(5);
    }

    @Test
    void telemetry_gzipBatch_isAccepted() throws Exception {
        ApiResponse response = postBatch(camera2, batch(camera2, 30, "2"), true);
        assertThat(response.status()).as(text(response)).isEqualTo(200);
        assertThat(analytics("model=" + model + "&version=2").get("totals").get("requests").asLong()).isEqualTo(30);
    }

    @Test
    void telemetry_malformedRecord_isRejectedAloneAndTheOthersCounted() throws Exception {
        ObjectNode batch = batch(camera1, 3, "1");
        ((ObjectNode) batch.get("records").get(1)).put("status", "abc");
        ApiResponse response = postBatch(camera1, batch, false);

        assertThat(response.status()).as(text(response)).isEqualTo(200);
        JsonNode answer = json(response);
        assertThat(answer.get("accepted").asInt()).isEqualTo(2);
        assertThat(answer.get("rejected").asInt()).isEqualTo(1);
        assertThat(answer.get("rejections").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(answer.get("rejections").get(0).get("field").asText()).isEqualTo("records[1].status");
        assertThat(analytics("model=" + model).get("totals").get("requests").asLong()).isEqualTo(2);
        assertThat(analytics("device=" + camera1).get("totals").get("rejected").asLong()).isEqualTo(1);
    }

    @Test
    void telemetry_recordsNoModelAnswered_countedForTheDeviceUnderNoModel() throws Exception {
        ObjectNode batch = batch(camera2, 4, "2");
        for (int i = 0; i < 3; i++) {
            ((ObjectNode) batch.get("records").get(i)).putNull("model").putNull("version").put("status", 503)
                    .put("error", "model_not_ready").putNull("label").putNull("probability");
        }
        ApiResponse response = postBatch(camera2, batch, false);

        assertThat(response.status()).as(text(response)).isEqualTo(200);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(4);
        JsonNode device = analytics("device=" + camera2);
        assertThat(device.get("totals").get("requests").asLong()).isEqualTo(4);
        assertThat(device.get("noModel").get("requests").asLong()).isEqualTo(3);
    }

    @Test
    void telemetry_wrongDeviceKey_is401() throws Exception {
        ApiResponse response = send(ApiRequest.of("POST", "/api/telemetry",
                Map.of("X-Device-Id", List.of(camera1), "X-Device-Key", List.of(keys.get(camera2)), "Content-Type", List.of("application/json")),
                new ByteArrayInputStream(TelemetryBatches.json(batch(camera1, 1, "1")))));
        assertThat(response.status()).isEqualTo(401);
        assertThat(json(response).get("error").asText()).isEqualTo("device_unauthorized");
    }

    @Test
    void analytics_byGroupAndDevice_countsOnlyThose() throws Exception {
        postBatch(camera1, batch(camera1, 20, "1"), false);
        postBatch(camera2, batch(camera2, 10, "2"), false);

        assertThat(analytics("model=" + model + "&group=" + group1).get("totals").get("requests").asLong()).isEqualTo(20);
        assertThat(analytics("model=" + model + "&device=" + camera2).get("totals").get("requests").asLong()).isEqualTo(10);
        assertThat(analytics("model=" + model).get("totals").get("requests").asLong()).isEqualTo(30);
    }

    @Test
    void samples_uploadThenAgain_is201Then200() throws Exception {
        String id = UUID.randomUUID().toString();
        String path = "/api/samples?model=" + model + "&version=1&label=ripe&probability=0.3&sampleId=" + id;
        ApiResponse first = post(path, camera1, PNG, Map.of("Content-Type", "image/png"));
        ApiResponse again = post(path, camera1, PNG, Map.of("Content-Type", "image/png"));

        assertThat(first.status()).as(text(first)).isEqualTo(201);
        assertThat(json(first).get("key").asText()).startsWith("samples/" + model + "/1/").endsWith("/" + id + ".png");
        assertThat(again.status()).isEqualTo(200);
        assertThat(json(again).get("key").asText()).isEqualTo(json(first).get("key").asText());
    }

    @Test
    void telemetry_versionNotSentOrTimeOutsideTheWindow_rejectedPerRecordWithTheReason() throws Exception {
        ObjectNode batch = batch(camera1, 5, "1");
        ((ObjectNode) batch.get("records").get(1)).put("version", "2");
        ((ObjectNode) batch.get("records").get(2)).put("time", "1970-01-01T00:00:00Z");
        ((ObjectNode) batch.get("records").get(3)).put("time", Instant.now().plus(java.time.Duration.ofHours(1)).toString());
        ((ObjectNode) batch.get("records").get(4)).put("model", "tm-other-" + run);

        JsonNode answer = json(postBatch(camera1, batch, false));

        assertThat(answer.get("accepted").asInt()).as(answer.toString()).isEqualTo(1);
        assertThat(answer.get("rejected").asInt()).isEqualTo(4);
        assertThat(answer.get("rejections").get(0).get("field").asText()).isEqualTo("records[1].version");
        assertThat(answer.get("rejections").get(0).get("reason").asText()).contains("never sent");
        assertThat(answer.get("rejections").get(1).get("field").asText()).isEqualTo("records[2].time");
        assertThat(answer.get("rejections").get(1).get("reason").asText()).contains("deployed");
        assertThat(answer.get("rejections").get(2).get("field").asText()).isEqualTo("records[3].time");
        assertThat(answer.get("rejections").get(3).get("field").asText()).isEqualTo("records[4].version");
        assertThat(analytics("model=" + model + "&version=2").get("totals").get("requests").asLong()).isZero();
        assertThat(analytics("device=" + camera1).get("totals").get("rejected").asLong()).isEqualTo(4);
    }

    @Test
    void samples_versionNotSent_is403AndSameIdFromAnotherDevice_isItsOwn() throws Exception {
        String id = UUID.randomUUID().toString();
        ApiResponse notSent = post("/api/samples?model=" + model + "&version=2&sampleId=" + id, camera1, PNG,
                Map.of("Content-Type", "image/png"));
        ApiResponse mine = post("/api/samples?model=" + model + "&version=1&sampleId=" + id, camera1, PNG,
                Map.of("Content-Type", "image/png"));
        ApiResponse theirs = post("/api/samples?model=" + model + "&version=2&sampleId=" + id, camera2, PNG,
                Map.of("Content-Type", "image/png"));

        assertThat(notSent.status()).as(text(notSent)).isEqualTo(403);
        assertThat(json(notSent).get("error").asText()).isEqualTo("device_forbidden");
        assertThat(mine.status()).as(text(mine)).isEqualTo(201);
        assertThat(theirs.status()).as("another device's same id is a sample of its own: %s", text(theirs)).isEqualTo(201);
        assertThat(json(mine).get("key").asText()).contains("/" + camera1 + "/");
        assertThat(json(theirs).get("key").asText()).contains("/" + camera2 + "/").isNotEqualTo(json(mine).get("key").asText());
    }

    @Test
    void dashboard_withASessionCookie_isHtmlWithTheTotals() throws Exception {
        postBatch(camera1, batch(camera1, 10, "1"), false);
        String session = send(ApiRequest.of("GET", "/dashboard?key=" + apiKey(), Map.of(), null)).header("Set-Cookie")
                .orElseThrow().split(";")[0];
        ApiResponse page = send(ApiRequest.of("GET", "/dashboard?model=" + model, Map.of("Cookie", List.of(session)), null));

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(text(page)).contains("id=\"total-requests\">10<");
        ApiResponse login = send(ApiRequest.of("GET", "/dashboard", Map.of(), null));
        assertThat(login.status()).isEqualTo(401);
    }
}
