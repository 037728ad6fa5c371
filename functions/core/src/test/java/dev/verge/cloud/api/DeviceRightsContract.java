package dev.verge.cloud.api;

import dev.verge.cloud.json.CloudJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.cloud.testing.TelemetryBatches;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The device x route x version authorization matrix every runtime must enforce over HTTP (run it like
 * {@link CloudApiContract}; the runtime needs a package signing key). Group "line" runs version 1 of the
 * test's model and takes version 2 as a canary on one of its two devices; group "idle" has nothing
 * deployed. A device may predict only what its desired state names now, and report telemetry and samples
 * only for versions it was sent; the OIP routes take no device credentials at all.
 */
@Timeout(180)
public abstract class DeviceRightsContract {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};

    protected abstract ApiResponse send(ApiRequest request) throws Exception;

    protected abstract String apiKey();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String model = "rights-" + run;
    private final Map<String, String> keys = new LinkedHashMap<>();

    private ApiResponse call(String method, String path, byte[] body, Map<String, String> headers) throws Exception {
        Map<String, List<String>> all = new HashMap<>();
        headers.forEach((k, v) -> all.put(k, List.of(v)));
        ApiResponse response = send(ApiRequest.of(method, path, all, body == null ? null : new ByteArrayInputStream(body)));
        return new ApiResponse(response.status(), response.headers(), new ApiResponse.Bytes(response.bodyBytes()));
    }

    private JsonNode admin(String method, String path, String body, int expected) throws Exception {
        ApiResponse response = call(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                Map.of("x-api-key", apiKey(), "Content-Type", "application/json"));
        assertThat(response.status()).as(text(response)).isEqualTo(expected);
        return json(response);
    }

    private ApiResponse asDevice(String device, String method, String path, byte[] body, String contentType) throws Exception {
        return call(method, path, body, Map.of("X-Device-Id", device, "X-Device-Key", keys.get(device), "Content-Type", contentType));
    }

    private void device(String id, String group) throws Exception {
        keys.put(id, admin("POST", "/api/devices", "{\"id\": \"" + id + "\", \"group\": \"" + group + "\"}", 201)
                .path("primaryKey").asText());
    }

    private void desired(String device) throws Exception {
        ApiResponse response = asDevice(device, "GET", "/api/devices/" + device + "/desired", null, "application/json");
        assertThat(response.status()).as(text(response)).isEqualTo(200);
    }

    private void serving(String device, String version) throws Exception {
        String body = "{\"model\": \"" + model + "\", \"version\": \"" + version + "\", \"ortVersion\": \"1.29.0\","
                + " \"agentVersion\": \"0.1.0\", \"state\": \"serving\", \"since\": \"" + Instant.now() + "\", \"requests\": 0, \"errors\": 0}";
        ApiResponse response = asDevice(device, "POST", "/api/devices/" + device + "/status", body.getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertThat(response.status()).as(text(response)).isEqualTo(202);
    }

    /** One cell: what {@code device} gets from {@code route} for {@code version}. */
    private record Cell(String device, String route, String version, int status, String detail) {}

    @Test
    void matrix_deviceRouteVersion_onlyWhatTheDesiredStateNames() throws Exception {
        for (String v : new String[] {"1", "2"}) {
            ApiResponse upload = call("POST", "/api/models/" + model + "/versions", RegistryPackages.valid(model, v),
                    Map.of("x-api-key", apiKey(), "Content-Type", "application/zip"));
            assertThat(upload.status()).as(text(upload)).isIn(200, 201);
        }
        String line = "line-" + run;
        String a = "cam-a-" + run;
        String b = "cam-b-" + run;
        String idle = "cam-idle-" + run;
        device(a, line);
        device(b, line);
        device(idle, "idle-" + run);
        admin("POST", "/api/deployments", "{\"group\": \"" + line + "\", \"model\": \"" + model
                + "\", \"version\": \"1\", \"strategy\": \"all-at-once\"}", 201);
        for (String d : List.of(a, b)) {
            desired(d);
            serving(d, "1");
        }
        JsonNode canary = admin("POST", "/api/deployments", "{\"group\": \"" + line + "\", \"model\": \"" + model
                + "\", \"version\": \"2\", \"strategy\": {\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": 60}}", 201);
        String canaryDevice = canary.path("canaryDevices").get(0).asText();
        String stableDevice = canaryDevice.equals(a) ? b : a;
        for (String d : List.of(a, b, idle)) {
            desired(d);
        }

        byte[] apple = dev.verge.demo.SampleImages.jpeg("ripe-red-apple");
        List<Cell> cells = new ArrayList<>();
        for (String d : List.of(canaryDevice, stableDevice, idle)) {
            for (String v : List.of("1", "2")) {
                ApiResponse named = asDevice(d, "POST", "/api/models/" + model + "/versions/" + v + "/predict", apple, "image/jpeg");
                cells.add(new Cell(d, "predict version", v, named.status(), errorOf(named)));
                ApiResponse infer = asDevice(d, "POST", "/api/v2/models/" + model + "/versions/" + v + "/infer",
                        "{\"inputs\": []}".getBytes(StandardCharsets.UTF_8), "application/json");
                cells.add(new Cell(d, "oip infer", v, infer.status(), errorOf(infer)));
                ObjectNode batch = TelemetryBatches.batch(TelemetryBatches.newBatchId(), d, 0,
                        TelemetryBatches.records(3, 1, Instant.now(), 0, model, v, 0.7, 0));
                ApiResponse telemetry = asDevice(d, "POST", "/api/telemetry", TelemetryBatches.json(batch), "application/json");
                cells.add(new Cell(d, "telemetry", v, telemetry.status(),
                        json(telemetry).path("accepted").asInt() == 1 ? "accepted" : "rejected"));
                ApiResponse sample = asDevice(d, "POST", "/api/samples?model=" + model + "&version=" + v + "&sampleId="
                        + UUID.randomUUID(), PNG, "image/png");
                cells.add(new Cell(d, "samples", v, sample.status(), errorOf(sample)));
            }
            ApiResponse unnamed = asDevice(d, "POST", "/api/models/" + model + "/predict", apple, "image/jpeg");
            cells.add(new Cell(d, "predict", "-", unnamed.status(),
                    unnamed.status() == 200 ? "iteration " + json(unnamed).path("iteration").asText() : errorOf(unnamed)));
        }

        List<Cell> expected = new ArrayList<>();
        for (String d : List.of(canaryDevice, stableDevice, idle)) {
            String named = d.equals(canaryDevice) ? "2" : d.equals(stableDevice) ? "1" : null;
            for (String v : List.of("1", "2")) {
                expected.add(v.equals(named) ? new Cell(d, "predict version", v, 200, null)
                        : new Cell(d, "predict version", v, 403, "device_forbidden"));
                expected.add(new Cell(d, "oip infer", v, 401, "unauthorized"));
                // the canary was sent version 1 before version 2: reports of both are in its window
                boolean sent = d.equals(canaryDevice) || v.equals(named);
                expected.add(new Cell(d, "telemetry", v, 200, sent ? "accepted" : "rejected"));
                expected.add(sent ? new Cell(d, "samples", v, 201, null) : new Cell(d, "samples", v, 403, "device_forbidden"));
            }
            expected.add(named == null ? new Cell(d, "predict", "-", 403, "device_forbidden")
                    : new Cell(d, "predict", "-", 200, "iteration " + named));
        }
        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < expected.size(); i++) {
            Cell want = expected.get(i);
            Cell got = cells.get(i);
            soft.assertThat(got.status()).as(want.device() + " " + want.route() + " " + want.version() + ": " + got).isEqualTo(want.status());
            if (want.detail() != null) {
                soft.assertThat(got.detail()).as(want.device() + " " + want.route() + " " + want.version()).isEqualTo(want.detail());
            }
        }
        soft.assertAll();
    }

    private static String errorOf(ApiResponse response) throws IOException {
        if (response.status() < 400) {
            return null;
        }
        JsonNode body = json(response);
        return body.path("error").isTextual() && body.has("code") ? body.path("code").asText() : body.path("error").asText();
    }

    private static JsonNode json(ApiResponse response) throws IOException {
        return CloudJson.mapper().readTree(response.bodyBytes());
    }

    private static String text(ApiResponse response) {
        return new String(response.bodyBytes(), StandardCharsets.UTF_8);
    }
}
