package dev.verge.cloud.api;

import dev.verge.cloud.json.CloudJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.testing.RegistryPackages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry HTTP API every runtime must serve identically: local server, API Gateway + Lambda,
 * Azure HttpTrigger. It speaks in {@link ApiRequest}/{@link ApiResponse} only, so it holds no
 * assumption about how the runtime is hosted.
 *
 * <p>To run it against a runtime, extend it and implement two methods:
 * <pre>{@code
 * class ApiGatewayCloudApiTest extends CloudApiContract {
 *     // start the runtime once (e.g. in a static @BeforeAll) with its real stores or emulators,
 *     // configured with API key KEY (not insecure-local)
 *     protected ApiResponse send(ApiRequest request) throws Exception {
 *         // turn the request into the runtime's own input (an API Gateway proxy event, an
 *         // HttpRequestMessage, a real HTTP call), invoke it, and turn its output back into an
 *         // ApiResponse whose body is the complete bytes (base64-decoded where the platform encodes)
 *     }
 *     protected String apiKey() { return KEY; }
 * }
 * }</pre>
 * Notes for implementers:
 * <ul>
 *   <li>{@link ApiRequest#path()} is the raw path; some tests send percent-encoded segments
 *       ({@code %2F}, {@code %2E%2E}, {@code %0A}) that must reach {@link CloudApi} still encoded,
 *       or decoded into a path the runtime passes through unchanged.</li>
 *   <li>Every test uses its own random model name, so runtimes may share one store (one emulator)
 *       across tests and test classes; nothing is deleted afterwards.</li>
 *   <li>A package download may be a 302 to a pre-signed URL ({@code VERGE_PACKAGE_DELIVERY=redirect}):
 *       the suite follows it with a plain HTTP GET, so the URL must be reachable from the test JVM.</li>
 *   <li>The test class path needs verge-demo-model (test scope): the packages are built from the demo model.</li>
 * </ul>
 */
@Timeout(120)
public abstract class CloudApiContract {

    /** Sends {@code request} to the runtime under test; the response body must be complete. */
    protected abstract ApiResponse send(ApiRequest request) throws Exception;

    /** An API key the runtime under test was started with. */
    protected abstract String apiKey();

    /** A model name no other test uses. */
    protected String model;

    @BeforeEach
    void pickModelName() {
        model = "m-" + UUID.randomUUID().toString().substring(0, 12);
    }

    // ---- requests ------------------------------------------------------------------------------

    protected ApiResponse call(String method, String pathAndQuery, byte[] body, Map<String, String> headers) throws Exception {
        Map<String, List<String>> all = new HashMap<>();
        headers.forEach((k, v) -> all.put(k, List.of(v)));
        ApiResponse response = send(ApiRequest.of(method, pathAndQuery, all, body == null ? null : new ByteArrayInputStream(body)));
        return new ApiResponse(response.status(), response.headers(), new ApiResponse.Bytes(response.bodyBytes()));
    }

    protected ApiResponse authed(String method, String pathAndQuery, byte[] body) throws Exception {
        return call(method, pathAndQuery, body, Map.of("x-api-key", apiKey()));
    }

    protected ApiResponse upload(String name, byte[] zip) throws Exception {
        return call("POST", "/api/models/" + name + "/versions", zip,
                Map.of("x-api-key", apiKey(), "Content-Type", "application/zip"));
    }

    protected ApiResponse get(String path) throws Exception {
        return authed("GET", path, null);
    }

    protected ApiResponse stage(String name, String version, String json) throws Exception {
        return call("POST", "/api/models/" + name + "/versions/" + version + "/stage",
                json.getBytes(StandardCharsets.UTF_8), Map.of("x-api-key", apiKey(), "Content-Type", "application/json"));
    }

    protected static JsonNode json(ApiResponse response) throws IOException {
        assertThat(response.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return CloudJson.mapper().readTree(response.bodyBytes());
    }

    /** Asserts an error answer: status, JSON {"error": code, "message": ...}, no stack trace. */
    protected static JsonNode assertError(ApiResponse response, int status, String code) throws IOException {
        String text = new String(response.bodyBytes(), StandardCharsets.UTF_8);
        assertThat(response.status()).as(text).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.path("error").asText()).as(text).isEqualTo(code);
        assertThat(body.path("message").asText()).isNotBlank().doesNotContain("\tat ").doesNotContain("Exception:");
        return body;
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    // ---- health and routing ---------------------------------------------------------------------

    @Test
    void health_withoutKey_isOk() throws Exception {
        ApiResponse response = call("GET", "/api/health", null, Map.of());

        assertThat(response.status()).isEqualTo(200);
        assertThat(json(response).path("status").asText()).isEqualTo("ok");
    }

    @Test
    void unknownRoute_is404Json() throws Exception {
        assertError(get("/api/nothing-here"), 404, "route_not_found");
    }

    @Test
    void knownRoute_wrongMethod_is405JsonWithAllow() throws Exception {
        ApiResponse response = authed("DELETE", "/api/models", null);

        assertError(response, 405, "method_not_allowed");
        assertThat(response.header("Allow")).hasValueSatisfying(a -> assertThat(a).contains("GET"));
    }

    // ---- auth ----------------------------------------------------------------------------------

    @Test
    void models_withoutKey_is401Json() throws Exception {
        ApiResponse response = call("GET", "/api/models", null, Map.of());

        assertError(response, 401, "unauthorized");
    }

    @Test
    void models_wrongKey_is401Json() throws Exception {
        assertError(call("GET", "/api/models", null, Map.of("x-api-key", apiKey() + "x")), 401, "unauthorized");
        assertError(call("GET", "/api/models", null, Map.of("Authorization", "Bearer nope")), 401, "unauthorized");
    }

    @Test
    void models_bearerKey_isAccepted() throws Exception {
        ApiResponse response = call("GET", "/api/models", null, Map.of("Authorization", "Bearer " + apiKey()));

        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void upload_withoutKey_is401AndRegistersNothing() throws Exception {
        ApiResponse response = call("POST", "/api/models/" + model + "/versions", RegistryPackages.valid(model, "1"),
                Map.of("Content-Type", "application/zip"));

        assertError(response, 401, "unauthorized");
        assertError(get("/api/models/" + model + "/versions/1"), 404, "model_version_not_found");
    }

    // ---- registration --------------------------------------------------------------------------

    @Test
    void upload_validPackage_registersVersionWithValidationFacts() throws Exception {
        byte[] zip = RegistryPackages.valid(model, "1");

        ApiResponse response = upload(model, zip);

        assertThat(response.status()).as(new String(response.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo(201);
        assertThat(response.header("Location")).contains("/api/models/" + model + "/versions/1");
        JsonNode v = json(response);
        assertThat(v.path("name").asText()).isEqualTo(model);
        assertThat(v.path("version").asText()).isEqualTo("1");
        assertThat(v.path("status").asText()).isEqualTo("registered");
        assertThat(v.path("stage").asText()).isEqualTo("none");
        assertThat(v.path("sha256").asText()).isEqualTo(RegistryPackages.sha256(zip));
        assertThat(v.path("size").asLong()).isEqualTo(zip.length);
        assertThat(v.path("manifest").path("name").asText()).isEqualTo(model);
        assertThat(v.path("model").path("opset").asLong()).isPositive();
        assertThat(v.path("model").path("irVersion").asLong()).isPositive();
        assertThat(v.path("model").path("onnxRuntimeVersion").asText()).isNotBlank();
        assertThat(v.path("model").path("modelSha256").asText()).isEqualTo(RegistryPackages.sha256(RegistryPackages.demoModel()));
        assertThat(v.path("source").path("kind").asText()).isEqualTo("api");
        assertThat(v.path("source").path("by").asText()).isNotBlank();
        assertThat(v.path("createdAt").asText()).isNotBlank();
        assertThat(v.path("reasons")).isEmpty();

        JsonNode fetched = json(get("/api/models/" + model + "/versions/1"));
        assertThat(fetched.path("sha256").asText()).isEqualTo(v.path("sha256").asText());
    }

    @Test
    void upload_sameBytesTwice_returnsExistingRecord() throws Exception {
        byte[] zip = RegistryPackages.valid(model, "1");
        JsonNode first = json(upload(model, zip));

        ApiResponse again = upload(model, zip);

        assertThat(again.status()).isEqualTo(200);
        JsonNode second = json(again);
        assertThat(second.path("createdAt").asText()).isEqualTo(first.path("createdAt").asText());
        assertThat(second.path("sha256").asText()).isEqualTo(first.path("sha256").asText());
        assertThat(json(get("/api/models/" + model + "/versions")).path("versions")).hasSize(1);
    }

    @Test
    void upload_differentBytesSameVersion_is409WithBothDigests() throws Exception {
        byte[] first = RegistryPackages.valid(model, "1");
        byte[] other = RegistryPackages.validVariant(model, "1");
        upload(model, first);

        ApiResponse response = upload(model, other);

        JsonNode error = assertError(response, 409, "version_conflict");
        assertThat(error.path("message").asText())
                .contains(RegistryPackages.sha256(first))
                .contains(RegistryPackages.sha256(other));
        assertThat(json(get("/api/models/" + model + "/versions/1")).path("sha256").asText())
                .isEqualTo(RegistryPackages.sha256(first));
    }

    @Test
    void upload_nameInPathDisagreesWithManifest_is400AndRegistersNothing() throws Exception {
        String other = model + "-other";

        ApiResponse response = upload(other, RegistryPackages.valid(model, "1"));

        assertError(response, 400, "name_mismatch");
        assertError(get("/api/models/" + model + "/versions/1"), 404, "model_version_not_found");
        assertError(get("/api/models/" + other + "/versions"), 404, "model_not_found");
    }

    @Test
    void upload_multipartBody_is415() throws Exception {
        ApiResponse response = call("POST", "/api/models/" + model + "/versions", RegistryPackages.valid(model, "1"),
                Map.of("x-api-key", apiKey(), "Content-Type", "multipart/form-data; boundary=x"));

        assertError(response, 415, "unsupported_media_type");
    }

    // ---- reading -------------------------------------------------------------------------------

    @Test
    void listModels_afterUpload_showsModelWithLatestVersion() throws Exception {
        upload(model, RegistryPackages.valid(model, "2"));
        upload(model, RegistryPackages.valid(model, "10"));

        JsonNode models = json(get("/api/models")).path("models");

        JsonNode mine = null;
        for (JsonNode m : models) {
            if (m.path("name").asText().equals(model)) {
                mine = m;
            }
        }
        assertThat(mine).as("model %s in %s", model, models).isNotNull();
        assertThat(mine.path("versions").asInt()).isEqualTo(2);
        assertThat(mine.path("latestVersion").asText()).isEqualTo("10");
        assertThat(mine.path("production").isNull()).isTrue();
    }

    @Test
    void listVersions_ordersVersionsNumerically() throws Exception {
        upload(model, RegistryPackages.valid(model, "10"));
        upload(model, RegistryPackages.valid(model, "2"));

        JsonNode list = json(get("/api/models/" + model + "/versions"));

        assertThat(list.path("name").asText()).isEqualTo(model);
        assertThat(names(list.path("versions"), "version")).containsExactly("2", "10");
    }

    @Test
    void get_unknownVersionOrModel_is404Json() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));

        assertError(get("/api/models/" + model + "/versions/9"), 404, "model_version_not_found");
        assertError(get("/api/models/" + model + "-nope/versions"), 404, "model_not_found");
    }

    @Test
    void downloadPackage_returnsTheUploadedBytes() throws Exception {
        byte[] zip = RegistryPackages.valid(model, "1");
        upload(model, zip);

        ApiResponse response = get("/api/models/" + model + "/versions/1/package");

        assertThat(downloadedBytes(response)).isEqualTo(zip);
    }

    /** The package bytes of a download answer: streamed (200) or behind a pre-signed URL (302). */
    protected byte[] downloadedBytes(ApiResponse response) throws Exception {
        if (response.status() == 302 || response.status() == 307) {
            String location = response.header("Location").orElseThrow();
            if (location.startsWith("file:")) {
                try (InputStream in = URI.create(location).toURL().openStream()) {
                    return in.readAllBytes();
                }
            }
            HttpResponse<byte[]> followed = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build()
                    .send(HttpRequest.newBuilder(URI.create(location)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(followed.statusCode()).isEqualTo(200);
            return followed.body();
        }
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).contains("application/zip");
        return response.bodyBytes();
    }

    // ---- stages --------------------------------------------------------------------------------

    @Test
    void promote_secondVersion_archivesPreviousProductionAndRecordsWho() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));
        upload(model, RegistryPackages.valid(model, "2"));
        assertThat(stage(model, "1", "{\"stage\":\"production\",\"by\":\"alice\"}").status()).isEqualTo(200);

        ApiResponse response = stage(model, "2", "{\"stage\":\"production\",\"by\":\"bob\",\"reason\":\"better\"}");

        JsonNode v2 = json(response);
        assertThat(v2.path("stage").asText()).isEqualTo("production");
        JsonNode last = v2.path("history").get(v2.path("history").size() - 1);
        assertThat(last.path("to").asText()).isEqualTo("production");
        assertThat(last.path("by").asText()).isEqualTo("bob");
        assertThat(last.path("at").asText()).isNotBlank();
        JsonNode v1 = json(get("/api/models/" + model + "/versions/1"));
        assertThat(v1.path("stage").asText()).isEqualTo("archived");
        assertThat(names(v1.path("history"), "to")).containsExactly("production", "archived");
        assertThat(names(v1.path("history"), "by")).containsExactly("alice", "bob");
        JsonNode versions = json(get("/api/models/" + model + "/versions")).path("versions");
        assertThat(names(versions, "stage")).containsExactly("archived", "production");
    }

    @Test
    void stage_unknownStage_is400() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));

        assertError(stage(model, "1", "{\"stage\":\"live\",\"by\":\"alice\"}"), 400, "stage_invalid");
    }

    @Test
    void stage_bodyNotJson_is400() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));

        assertError(stage(model, "1", "stage=production"), 400, "json_invalid");
    }

    @Test
    void stage_unknownVersion_is404() throws Exception {
        assertError(stage(model, "1", "{\"stage\":\"production\"}"), 404, "model_version_not_found");
    }

    // ---- rejected packages ---------------------------------------------------------------------

    @Test
    void upload_digestMismatch_is422AndRecordedRejectedWithReason() throws Exception {
        ApiResponse response = upload(model, RegistryPackages.digestMismatch(model, "1"));

        assertError(response, 422, "package_digest_mismatch");
        JsonNode v = json(get("/api/models/" + model + "/versions/1"));
        assertThat(v.path("status").asText()).isEqualTo("rejected");
        assertThat(v.path("reasons").get(0).path("code").asText()).isEqualTo("package_digest_mismatch");
    }

    @Test
    void upload_manifestWithSeveralProblems_reportsEveryProblem() throws Exception {
        ApiResponse response = upload(model, RegistryPackages.manifestWithProblems(model, "1"));

        assertError(response, 422, "manifest_invalid");
        JsonNode reasons = json(get("/api/models/" + model + "/versions/1")).path("reasons");
        assertThat(reasons.size()).isGreaterThanOrEqualTo(3);
        assertThat(names(reasons, "path")).anyMatch(p -> p.contains("layout")).anyMatch(p -> p.contains("width"));
    }

    @Test
    void upload_modelOnnxRuntimeCannotLoad_is422Rejected() throws Exception {
        ApiResponse response = upload(model, RegistryPackages.unloadableModel(model, "1"));

        assertError(response, 422, "model_load_failed");
        assertThat(json(get("/api/models/" + model + "/versions/1")).path("status").asText()).isEqualTo("rejected");
    }

    @Test
    void rejectedVersion_cannotBePromotedOrDownloaded() throws Exception {
        upload(model, RegistryPackages.digestMismatch(model, "1"));

        assertError(stage(model, "1", "{\"stage\":\"production\",\"by\":\"alice\"}"), 409, "version_rejected");
        assertError(get("/api/models/" + model + "/versions/1/package"), 409, "version_rejected");
    }

    @Test
    void rejectedVersion_fixedPackageWithSameVersion_registers() throws Exception {
        upload(model, RegistryPackages.digestMismatch(model, "1"));

        ApiResponse response = upload(model, RegistryPackages.valid(model, "1"));

        assertThat(response.status()).isEqualTo(201);
        assertThat(json(response).path("status").asText()).isEqualTo("registered");
    }

    // ---- bad input -----------------------------------------------------------------------------

    @Test
    void upload_emptyBody_is400AndRegistersNothing() throws Exception {
        assertError(upload(model, new byte[0]), 400, "package_empty");
        assertError(get("/api/models/" + model + "/versions"), 404, "model_not_found");
    }

    @Test
    void upload_notAZip_is400AndRegistersNothing() throws Exception {
        assertError(upload(model, RegistryPackages.notAZip()), 400, "package_invalid");
        assertError(upload(model, RegistryPackages.truncatedZip(model, "1")), 400, "package_invalid");
        assertError(get("/api/models/" + model + "/versions"), 404, "model_not_found");
    }

    @Test
    void upload_zipSlip_is400() throws Exception {
        assertError(upload(model, RegistryPackages.zipSlip(model, "1")), 400, "package_invalid");
        assertThat(get("/api/models/" + model + "/versions/1/package").status()).isIn(404, 409);
    }

    @Test
    void upload_manifestNotJson_is422AndRegistersNothing() throws Exception {
        ApiResponse response = upload(model, RegistryPackages.manifestNotJson());

        assertError(response, 422, "manifest_invalid");
        assertError(get("/api/models/" + model + "/versions"), 404, "model_not_found");
    }

    @Test
    void upload_modelNotOnnx_is400AndNeverDeployable() throws Exception {
        assertError(upload(model, RegistryPackages.notOnnx(model, "1")), 400, "package_invalid");

        ApiResponse version = get("/api/models/" + model + "/versions/1");
        if (version.status() == 200) {
            assertThat(json(version).path("status").asText()).isEqualTo("rejected");
        } else {
            assertError(version, 404, "model_version_not_found");
        }
        assertThat(get("/api/models/" + model + "/versions/1/package").status()).isIn(404, 409);
    }

    @Test
    void upload_manifestVersionWithSlashOrDots_is400AndRegistersNothing() throws Exception {
        assertError(upload(model, RegistryPackages.valid(model, "1/2")), 400, "model_version_invalid");
        assertError(upload(model, RegistryPackages.valid(model, "..")), 400, "model_version_invalid");
        assertError(get("/api/models/" + model + "/versions"), 404, "model_not_found");
    }

    @Test
    void upload_nameInPathWithSlashDotsOrControlCharacter_is400() throws Exception {
        for (String bad : List.of("a%2Fb", "%2E%2E", "a%0Ab", "a%00b", "a%20b")) {
            ApiResponse response = upload(bad, RegistryPackages.valid(model, "1"));
            assertError(response, 400, "model_name_invalid");
        }
        assertError(get("/api/models/" + model + "/versions"), 404, "model_not_found");
    }

    @Test
    void get_versionWithControlCharacter_is400() throws Exception {
        assertError(get("/api/models/" + model + "/versions/1%0A2"), 400, "model_version_invalid");
    }

    // ---- predictions (the edge agent's answers, computed in the function) --------------------------

    protected ApiResponse predict(String path, String contentType, byte[] image) throws Exception {
        return call("POST", path, image, Map.of("x-api-key", apiKey(), "Content-Type", contentType));
    }

    @Test
    void predict_productionVersion_answersLikeTheEdgeAgent() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));
        upload(model, RegistryPackages.valid(model, "2"));
        stage(model, "2", "{\"stage\": \"production\"}");

        ApiResponse response = predict("/api/models/" + model + "/predict", "image/jpeg",
                dev.verge.demo.SampleImages.jpeg("ripe-red-apple"));

        assertThat(response.status()).as(new String(response.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("project").asText()).isEqualTo(model);
        assertThat(body.path("iteration").asText()).isEqualTo("2");
        assertThat(names(body.path("predictions"), "tagName")).first().isEqualTo("ripe");
        assertThat(body.path("predictions").get(0).path("probability").asDouble())
                .isGreaterThanOrEqualTo(body.path("predictions").path(1).path("probability").asDouble()); // 2nd may be < 1e-8, left out
        assertThat(body.path("predictions").get(0).has("boundingBox")).isTrue();
        assertThat(response.header("Server-Timing")).hasValueSatisfying(t -> assertThat(t).contains("infer;dur="));
    }

    @Test
    void predict_namedVersionMultipart_usesThatVersion() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));
        String boundary = "verge-boundary";
        byte[] image = dev.verge.demo.SampleImages.jpeg("unripe-green-pear");
        java.io.ByteArrayOutputStream multipart = new java.io.ByteArrayOutputStream();
        multipart.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"imageData\"; filename=\"p.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        multipart.writeBytes(image);
        multipart.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));

        ApiResponse response = predict("/api/models/" + model + "/versions/1/predict",
                "multipart/form-data; boundary=" + boundary, multipart.toByteArray());

        assertThat(response.status()).isEqualTo(200);
        assertThat(json(response).path("iteration").asText()).isEqualTo("1");
        assertThat(names(json(response).path("predictions"), "tagName")).first().isEqualTo("unripe");
    }

    @Test
    void predict_noProductionVersion_is404SayingHowToPromote() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));

        JsonNode body = assertError(predict("/api/models/" + model + "/predict", "image/jpeg",
                dev.verge.demo.SampleImages.jpeg("ripe-red-apple")), 404, "no_production_version");
        assertThat(body.path("message").asText()).contains("promote");
        assertError(predict("/api/models/no-such-" + model + "/predict", "image/jpeg", new byte[] {1}), 404, "model_not_found");
    }

    @Test
    void predict_badImages_sameErrorsAsTheEdgeAgent() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));
        String path = "/api/models/" + model + "/versions/1/predict";

        assertError(predict(path, "image/jpeg", "not an image".getBytes(StandardCharsets.UTF_8)), 400, "image_unsupported_format");
        assertError(predict(path, "image/jpeg", new byte[0]), 400, "image_empty");
        assertError(predict(path, "text/csv", new byte[] {1, 2}), 415, "unsupported_media_type");
        byte[] truncated = java.util.Arrays.copyOf(dev.verge.demo.SampleImages.jpeg("ripe-red-apple"), 300);
        ApiResponse response = predict(path, "image/jpeg", truncated);
        assertThat(response.status()).isBetween(400, 499);
    }

    @Test
    void predict_withoutKey_is401() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));

        ApiResponse response = call("POST", "/api/models/" + model + "/versions/1/predict",
                dev.verge.demo.SampleImages.jpeg("ripe-red-apple"), Map.of("Content-Type", "image/jpeg"));

        assertThat(response.status()).isEqualTo(401);
    }

    @Test
    void infer_oipV2_answersOutputTensor() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));
        stage(model, "1", "{\"stage\": \"production\"}");
        JsonNode metadata = json(get("/api/v2/models/" + model));
        JsonNode input = metadata.path("inputs").get(0);
        int values = 1;
        StringBuilder shape = new StringBuilder();
        for (JsonNode dim : input.path("shape")) {
            long d = dim.asLong() < 0 ? 1 : dim.asLong();
            values *= (int) d;
            shape.append(shape.isEmpty() ? "" : ",").append(d);
        }
        String data = String.join(",", java.util.Collections.nCopies(values, "0.5"));
        String request = "{\"inputs\": [{\"name\": \"" + input.path("name").asText() + "\", \"shape\": [" + shape
                + "], \"datatype\": \"FP32\", \"data\": [" + data + "]}]}";

        ApiResponse response = call("POST", "/api/v2/models/" + model + "/infer", request.getBytes(StandardCharsets.UTF_8),
                Map.of("x-api-key", apiKey(), "Content-Type", "application/json"));

        assertThat(response.status()).as(new String(response.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(json(response).path("model_version").asText()).isEqualTo("1");
        assertThat(json(response).path("outputs").get(0).path("data").size()).isEqualTo(2);
        ApiResponse invalid = call("POST", "/api/v2/models/" + model + "/infer", "{".getBytes(StandardCharsets.UTF_8),
                Map.of("x-api-key", apiKey(), "Content-Type", "application/json"));
        assertThat(invalid.status()).isEqualTo(400);
        // the protocol's error shape: the description in "error", Verge's code beside it
        assertThat(json(invalid).path("code").asText()).isEqualTo("infer_request_invalid");
        assertThat(json(invalid).path("error").asText()).contains("not a valid infer request");
    }

    /** Triton's binary tensor data extension: the same tensor as raw little-endian bytes, the output asked as binary. */
    @Test
    void infer_oipV2BinaryTensorData_answersTheJsonAnswersProbabilitiesAsBytes() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));
        stage(model, "1", "{\"stage\": \"production\"}");
        JsonNode input = json(get("/api/v2/models/" + model)).path("inputs").get(0);
        JsonNode output = json(get("/api/v2/models/" + model)).path("outputs").get(0);
        int values = 1;
        StringBuilder shape = new StringBuilder();
        for (JsonNode dim : input.path("shape")) {
            long d = dim.asLong() < 0 ? 1 : dim.asLong();
            values *= (int) d;
            shape.append(shape.isEmpty() ? "" : ",").append(d);
        }
        String tensor = "{\"name\": \"" + input.path("name").asText() + "\", \"shape\": [" + shape + "], \"datatype\": \"FP32\", ";
        byte[] header = ("{\"inputs\": [" + tensor + "\"parameters\": {\"binary_data_size\": " + values * 4 + "}}],"
                + " \"outputs\": [{\"name\": \"" + output.path("name").asText() + "\", \"parameters\": {\"binary_data\": true}}]}")
                .getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(header.length + values * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        body.put(header);
        for (int i = 0; i < values; i++) {
            body.putFloat(0.5f);
        }

        ApiResponse response = call("POST", "/api/v2/models/" + model + "/infer", body.array(),
                Map.of("x-api-key", apiKey(), "Inference-Header-Content-Length", Integer.toString(header.length)));

        assertThat(response.status()).as(new String(response.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo(200);
        int jsonLength = Integer.parseInt(response.header("Inference-Header-Content-Length").orElseThrow());
        byte[] bytes = response.bodyBytes();
        JsonNode answer = CloudJson.mapper().readTree(java.util.Arrays.copyOf(bytes, jsonLength));
        assertThat(answer.has("id")).as("no id in the request, none in the answer").isFalse();
        int size = answer.at("/outputs/0/parameters/binary_data_size").asInt();
        assertThat(bytes).hasSize(jsonLength + size);
        String data = String.join(",", java.util.Collections.nCopies(values, "0.5"));
        JsonNode fromJson = json(call("POST", "/api/v2/models/" + model + "/infer",
                ("{\"inputs\": [" + tensor + "\"data\": [" + data + "]}]}").getBytes(StandardCharsets.UTF_8),
                Map.of("x-api-key", apiKey(), "Content-Type", "application/json")));
        java.nio.FloatBuffer binary = java.nio.ByteBuffer.wrap(bytes, jsonLength, size).slice()
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        assertThat(binary.remaining()).isEqualTo(fromJson.at("/outputs/0/data").size());
        for (int i = 0; i < binary.remaining(); i++) {
            assertThat(binary.get(i)).isEqualTo(fromJson.at("/outputs/0/data/" + i).floatValue());
        }
    }

    @Test
    void devices_ofAGroupListedInPages_everyDeviceOnceInIdOrder() throws Exception {
        String group = "pg-" + model;
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String id = "cam-" + i + "-" + model;
            ids.add(id);
            ApiResponse created = call("POST", "/api/devices", ("{\"id\": \"" + id + "\", \"group\": \"" + group + "\"}")
                    .getBytes(StandardCharsets.UTF_8), Map.of("x-api-key", apiKey(), "Content-Type", "application/json"));
            assertThat(created.status()).isEqualTo(201);
        }

        List<String> listed = new java.util.ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            JsonNode page = json(get("/api/devices?group=" + group + "&limit=3" + (after == null ? "" : "&after=" + after)));
            assertThat(page.path("devices").size()).isLessThanOrEqualTo(3);
            page.path("devices").forEach(d -> listed.add(d.path("id").asText()));
            after = page.hasNonNull("next") ? page.path("next").asText() : null;
            pages++;
        } while (after != null && pages < 10);

        assertThat(listed).containsExactlyElementsOf(ids.stream().sorted().toList());
        assertThat(pages).isEqualTo(3);
        assertError(get("/api/devices?limit=0"), 400, "limit_invalid");
        assertError(get("/api/devices?limit=lots"), 400, "limit_invalid");
    }

    @Test
    void predict_withDeviceCredentials_nothingDeployedIs403AndWrongDeviceKeyIs401() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));
        String device = "cam-" + model;
        ApiResponse created = call("POST", "/api/devices", ("{\"id\": \"" + device + "\", \"group\": \"g-" + model + "\"}")
                .getBytes(StandardCharsets.UTF_8), Map.of("x-api-key", apiKey(), "Content-Type", "application/json"));
        assertThat(created.status()).isEqualTo(201);
        String key = json(created).path("primaryKey").asText();
        byte[] apple = dev.verge.demo.SampleImages.jpeg("ripe-red-apple");
        String path = "/api/models/" + model + "/versions/1/predict";

        ApiResponse notDeployed = call("POST", path, apple, Map.of("Content-Type", "image/jpeg", "X-Device-Id", device, "X-Device-Key", key));
        ApiResponse refused = call("POST", path, apple, Map.of("Content-Type", "image/jpeg", "X-Device-Id", device, "X-Device-Key", "wrong"));

        // a device predicts only what its desired state names (DeviceRightsContract covers the granted cases)
        JsonNode body = assertError(notDeployed, 403, "device_forbidden");
        assertThat(body.path("message").asText()).contains("nothing is deployed");
        assertError(refused, 401, "device_unauthorized");
    }

    // ---- the Custom Vision prediction SDKs' paths -------------------------------------------------

    @Test
    void customVisionSdk_everyPathWithPredictionKey_answersAsPredict() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));
        upload(model, RegistryPackages.valid(model, "2"));
        stage(model, "2", "{\"stage\": \"production\"}");
        byte[] apple = dev.verge.demo.SampleImages.jpeg("ripe-red-apple");

        for (String path : List.of("/api/customvision/v3.1/Prediction/" + model + "/classify/iterations/1/image",
                "/api/customvision/v3.0/prediction/" + model + "/classify/iterations/1/image/nostore",
                "/api/customvision/v3.1/prediction/" + model + "/detect/iterations/1/image?application=sdk")) {
            ApiResponse response = call("POST", path, apple, Map.of("Prediction-Key", apiKey(),
                    "Content-Type", "application/octet-stream"));

            assertThat(response.status()).as(path + ": " + new String(response.bodyBytes(), StandardCharsets.UTF_8))
                    .isEqualTo(200);
            assertThat(json(response).path("project").asText()).isEqualTo(model);
            assertThat(json(response).path("iteration").asText()).isEqualTo("1");
            assertThat(names(json(response).path("predictions"), "tagName")).first().isEqualTo("ripe");
        }
        ApiResponse production = call("POST", "/api/customvision/v3.1/Prediction/" + model
                + "/classify/iterations/production/image", apple, Map.of("Prediction-Key", apiKey(),
                "Content-Type", "image/jpeg"));
        assertThat(json(production).path("iteration").asText()).isEqualTo("2");
    }

    @Test
    void customVisionSdk_multipartImageData_answered() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));
        String boundary = "sdk-boundary";
        java.io.ByteArrayOutputStream multipart = new java.io.ByteArrayOutputStream();
        multipart.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=imageData\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        multipart.writeBytes(dev.verge.demo.SampleImages.jpeg("unripe-green-pear"));
        multipart.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));

        ApiResponse response = call("POST", "/api/customvision/v3.1/Prediction/" + model + "/classify/iterations/1/image",
                multipart.toByteArray(), Map.of("Prediction-Key", apiKey(),
                        "Content-Type", "multipart/form-data; boundary=" + boundary));

        assertThat(response.status()).isEqualTo(200);
        assertThat(names(json(response).path("predictions"), "tagName")).first().isEqualTo("unripe");
    }

    @Test
    void customVisionSdk_errors_inThePredictionApisShapeWithVergesCode() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));
        String path = "/api/customvision/v3.1/Prediction/" + model + "/classify/iterations/1/image";
        byte[] apple = dev.verge.demo.SampleImages.jpeg("ripe-red-apple");

        JsonNode noKey = customVisionError(call("POST", path, apple, Map.of("Content-Type", "image/jpeg")), 401);
        JsonNode wrongKey = customVisionError(call("POST", path, apple, Map.of("Prediction-Key", "wrong",
                "Content-Type", "image/jpeg")), 401);
        JsonNode notAnImage = customVisionError(call("POST", path, "hello".getBytes(StandardCharsets.UTF_8),
                Map.of("Prediction-Key", apiKey(), "Content-Type", "application/octet-stream")), 400);
        JsonNode noVersion = customVisionError(call("POST", "/api/customvision/v3.1/Prediction/" + model
                + "/classify/iterations/Iteration9/image", apple, Map.of("Prediction-Key", apiKey(),
                "Content-Type", "image/jpeg")), 404);
        JsonNode url = customVisionError(call("POST", "/api/customvision/v3.1/Prediction/" + model
                + "/classify/iterations/1/url", "{\"url\": \"https://example.com/a.jpg\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("Prediction-Key", apiKey(), "Content-Type", "application/json")), 400);
        JsonNode otherApi = customVisionError(call("POST", "/api/customvision/v2.0/Prediction/" + model
                + "/classify/iterations/1/image", apple, Map.of("Prediction-Key", apiKey(), "Content-Type", "image/jpeg")), 404);

        assertThat(noKey.path("code").asText()).isNotBlank();
        assertThat(wrongKey.path("code").asText()).isNotBlank();
        assertThat(notAnImage.path("code").asText()).isEqualTo("BadRequestImageFormat");
        assertThat(notAnImage.path("error").asText()).isEqualTo("image_unsupported_format");
        assertThat(noVersion.path("code").asText()).isEqualTo("NotFoundIteration");
        assertThat(url.path("code").asText()).isEqualTo("BadRequestNotSupported");
        assertThat(otherApi.path("error").asText()).isEqualTo("route_not_found");
    }

    @Test
    void customVisionSdk_predictionKeyBesideDeviceId_isTheDevicesKeyWithTheDevicesRights() throws Exception {
        upload(model, RegistryPackages.valid(model, "1"));
        String device = "cv-" + model;
        ApiResponse created = call("POST", "/api/devices", ("{\"id\": \"" + device + "\", \"group\": \"g-" + model + "\"}")
                .getBytes(StandardCharsets.UTF_8), Map.of("x-api-key", apiKey(), "Content-Type", "application/json"));
        String key = json(created).path("primaryKey").asText();
        String path = "/api/customvision/v3.1/Prediction/" + model + "/classify/iterations/1/image";
        byte[] apple = dev.verge.demo.SampleImages.jpeg("ripe-red-apple");

        ApiResponse answer = call("POST", path, apple, Map.of("Content-Type", "image/jpeg", "X-Device-Id", device,
                "Prediction-Key", key));
        ApiResponse refused = call("POST", path, apple, Map.of("Content-Type", "image/jpeg", "X-Device-Id", device,
                "Prediction-Key", apiKey()));

        // authenticated as the device, which has nothing deployed: its rights refuse it (DeviceRightsContract grants)
        assertThat(customVisionError(answer, 403).path("error").asText()).isEqualTo("device_forbidden");
        assertThat(customVisionError(refused, 401).path("error").asText()).isEqualTo("device_unauthorized");
    }

    /** An error as the Custom Vision prediction API gives it: code and message, Verge's code in error. */
    private static JsonNode customVisionError(ApiResponse response, int status) throws IOException {
        String text = new String(response.bodyBytes(), StandardCharsets.UTF_8);
        assertThat(response.status()).as(text).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.path("code").asText()).as(text).isNotBlank();
        assertThat(body.path("message").asText()).as(text).isNotBlank().doesNotContain("\tat ");
        assertThat(body.path("error").asText()).as(text).isNotBlank();
        return body;
    }
}
