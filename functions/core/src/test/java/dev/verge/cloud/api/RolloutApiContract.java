package dev.verge.cloud.api;

import dev.verge.cloud.json.CloudJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.inference.pkg.PackageSignature;
import dev.verge.inference.pkg.StatementSignature;
import dev.verge.wire.DeviceHeaders;
import dev.verge.wire.desired.DesiredStatement;
import dev.verge.wire.desired.SignedStatement;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The devices and rollout HTTP API every runtime must serve identically (see {@link CloudApiContract}
 * for how to run a contract against a runtime: the same two methods). The runtime must be started
 * with a package signing key, and package URLs handed to devices must be reachable from the test JVM
 * ({@code file:}, or {@code http(s):} without further credentials).
 */
@Timeout(120)
public abstract class RolloutApiContract {

    protected abstract ApiResponse send(ApiRequest request) throws Exception;

    protected abstract String apiKey();

    private String model;
    private String group;
    private String prefix;

    @BeforeEach
    void pickNames() {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        model = "m-" + unique;
        group = "g-" + unique;
        prefix = "d-" + unique + "-";
    }

    // ---- requests ------------------------------------------------------------------------------

    private ApiResponse call(String method, String path, String body, Map<String, String> headers) throws Exception {
        Map<String, List<String>> all = new HashMap<>();
        headers.forEach((k, v) -> all.put(k, List.of(v)));
        if (body != null) {
            all.put("Content-Type", List.of("application/json"));
        }
        ApiResponse response = send(ApiRequest.of(method, path, all,
                body == null ? null : new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));
        return new ApiResponse(response.status(), response.headers(), new ApiResponse.Bytes(response.bodyBytes()));
    }

    private ApiResponse admin(String method, String path, String body) throws Exception {
        return call(method, path, body, Map.of("x-api-key", apiKey()));
    }

    private ApiResponse asDevice(String method, String id, String key, String path, String body) throws Exception {
        return call(method, path, body, Map.of(DeviceAuthenticator.DEVICE_ID_HEADER, id, DeviceAuthenticator.DEVICE_KEY_HEADER, key));
    }

    private static JsonNode json(ApiResponse response) throws IOException {
        return CloudJson.mapper().readTree(response.bodyBytes());
    }

    private static JsonNode ok(ApiResponse response, int status) throws IOException {
        assertThat(response.status()).as(new String(response.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo(status);
        return json(response);
    }

    private static JsonNode assertError(ApiResponse response, int status, String code) throws IOException {
        String text = new String(response.bodyBytes(), StandardCharsets.UTF_8);
        assertThat(response.status()).as(text).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.path("error").asText()).as(text).isEqualTo(code);
        assertThat(body.path("message").asText()).isNotBlank().doesNotContain("\tat ");
        return body;
    }

    private void register(String version) throws Exception {
        register(model, version);
    }

    private void register(String name, String version) throws Exception {
        ApiResponse response = send(ApiRequest.of("POST", "/api/models/" + name + "/versions",
                Map.of("x-api-key", List.of(apiKey()), "Content-Type", List.of("application/zip")),
                new ByteArrayInputStream(RegistryPackages.valid(name, version))));
        assertThat(response.status()).isIn(200, 201);
    }

    /** Creates a device in this test's group; answers its two keys. */
    private JsonNode device(String name) throws Exception {
        return ok(admin("POST", "/api/devices", "{\"id\": \"" + prefix + name + "\", \"group\": \"" + group + "\"}"), 201);
    }

    private JsonNode deploy(String version, String strategy, String health) throws Exception {
        return ok(admin("POST", "/api/deployments", "{\"group\": \"" + group + "\", \"model\": \"" + model + "\", \"version\": \""
                + version + "\", \"strategy\": " + strategy + ", \"health\": " + health + "}"), 201);
    }

    private JsonNode desired(JsonNode device) throws Exception {
        String id = device.path("id").asText();
        return ok(asDevice("GET", id, device.path("primaryKey").asText(), "/api/devices/" + id + "/desired", null), 200);
    }

    /** The statement of a protocol-2 answer, after checking its signature with the cloud's public key. */
    private DesiredStatement signedDesired(JsonNode device) throws Exception {
        String id = device.path("id").asText();
        ApiResponse response = call("GET", "/api/devices/" + id + "/desired", null, Map.of(
                DeviceAuthenticator.DEVICE_ID_HEADER, id, DeviceAuthenticator.DEVICE_KEY_HEADER, device.path("primaryKey").asText(),
                DeviceHeaders.PROTOCOL, "2"));
        SignedStatement signed = CloudJson.mapper().treeToValue(ok(response, 200), SignedStatement.class);
        byte[] statement = java.util.Base64.getDecoder().decode(signed.statement());
        PublicKey key = PackageSignature.publicKey(ok(call("GET", "/api/signing-key", null, Map.of()), 200).path("publicKey").asText());
        assertThat(signed.signatures()).anySatisfy(sig -> {
            assertThat(sig.keyId()).isEqualTo(StatementSignature.keyId(key));
            assertThat(StatementSignature.verify(key, statement, sig.signature())).isTrue();
        });
        return CloudJson.mapper().readValue(statement, DesiredStatement.class);
    }

    private void report(JsonNode device, String version, long requests, long errors) throws Exception {
        String id = device.path("id").asText();
        String body = "{\"model\": \"" + model + "\", \"version\": \"" + version + "\", \"ortVersion\": \"1.29.0\","
                + " \"agentVersion\": \"0.1.0\", \"state\": \"serving\", \"since\": \"" + Instant.now() + "\", \"requests\": "
                + requests + ", \"errors\": " + errors + ", \"latencyMs\": {\"p50\": 4.1, \"p95\": 7.9, \"p99\": 12.0}}";
        JsonNode answer = ok(asDevice("POST", id, device.path("primaryKey").asText(), "/api/devices/" + id + "/status", body), 202);
        assertThat(answer.path("received").asBoolean()).isTrue();
    }

    private JsonNode deployment(String id) throws Exception {
        return ok(admin("GET", "/api/deployments/" + id, null), 200);
    }

    /** The group runs {@code version} of this test's model: deployed all at once and reported by every device. */
    private JsonNode promoted(String version, JsonNode... devices) throws Exception {
        JsonNode d = deploy(version, "\"all-at-once\"", "{}");
        for (JsonNode device : devices) {
            report(device, version, 0, 0);
        }
        JsonNode after = deployment(d.path("id").asText());
        assertThat(after.path("state").asText()).isEqualTo("promoted");
        return after;
    }

    private byte[] download(String url) throws Exception {
        if (url.startsWith("file:")) {
            try (InputStream in = URI.create(url).toURL().openStream()) {
                return in.readAllBytes();
            }
        }
        HttpResponse<byte[]> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build()
                .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    // ---- devices -------------------------------------------------------------------------------

    @Test
    void deployments_ofAGroupListedInPages_newestFirstEachOnce() throws Exception {
        for (String v : List.of("1", "2", "3")) {
            register(v);
        }
        JsonNode cam = device("cam-1");
        List<String> made = new java.util.ArrayList<>();
        for (String v : List.of("1", "2", "3", "1", "2")) {
            made.add(0, deploy(v, "{\"type\": \"canary\", \"percent\": 100, \"bakeMinutes\": 30}", "{}").path("id").asText());
        }

        List<String> listed = new java.util.ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            JsonNode page = ok(admin("GET", "/api/deployments?group=" + group + "&limit=2" + (after == null ? "" : "&after=" + after), null), 200);
            assertThat(page.path("deployments").size()).isLessThanOrEqualTo(2);
            page.path("deployments").forEach(d -> listed.add(d.path("id").asText()));
            after = page.hasNonNull("next") ? page.path("next").asText() : null;
            pages++;
        } while (after != null && pages < 10);

        assertThat(listed).containsExactlyElementsOf(made);
        assertThat(pages).isEqualTo(3);
        assertThat(cam.path("id").asText()).startsWith(prefix);
        assertError(admin("GET", "/api/deployments?limit=5000", null), 400, "limit_invalid");
    }

    @Test
    void devices_createThenGetAndList_showGroupButNoKeys() throws Exception {
        JsonNode created = device("a");

        assertThat(Base64Url.decode(created.path("primaryKey").asText())).hasSize(32);
        assertThat(created.path("secondaryKey").asText()).isNotEqualTo(created.path("primaryKey").asText());
        JsonNode fetched = ok(admin("GET", "/api/devices/" + prefix + "a", null), 200);
        assertThat(fetched.path("group").asText()).isEqualTo(group);
        assertThat(fetched.has("primaryKey")).isFalse();
        assertThat(fetched.toString()).doesNotContain(created.path("primaryKey").asText());
        JsonNode listed = ok(admin("GET", "/api/devices?group=" + group, null), 200);
        assertThat(listed.path("devices")).hasSize(1);
    }

    @Test
    void devices_withoutApiKeyOrTaken_areRefused() throws Exception {
        device("a");

        assertError(call("POST", "/api/devices", "{\"id\": \"" + prefix + "b\", \"group\": \"" + group + "\"}", Map.of()),
                401, "unauthorized");
        assertError(admin("POST", "/api/devices", "{\"id\": \"" + prefix + "a\", \"group\": \"" + group + "\"}"), 409, "device_exists");
        assertError(admin("POST", "/api/devices", "{\"id\": \"a b\", \"group\": \"" + group + "\"}"), 400, "device_id_invalid");
        assertError(admin("GET", "/api/devices/" + prefix + "zz", null), 404, "device_not_found");
    }

    @Test
    void rotate_overlapKeepsBothKeys_retiredKeyIsRefused() throws Exception {
        JsonNode created = device("a");
        String id = created.path("id").asText();
        String path = "/api/devices/" + id + "/desired";

        JsonNode secondary = ok(admin("POST", "/api/devices/" + id + "/keys/secondary/rotate", null), 200);
        String newSecondary = secondary.path("secondaryKey").asText();
        assertThat(asDevice("GET", id, created.path("primaryKey").asText(), path, null).status()).isEqualTo(200);
        assertThat(asDevice("GET", id, newSecondary, path, null).status()).isEqualTo(200);
        assertError(asDevice("GET", id, created.path("secondaryKey").asText(), path, null), 401, "device_unauthorized");

        JsonNode primary = ok(admin("POST", "/api/devices/" + id + "/keys/primary/rotate", null), 200);
        assertThat(asDevice("GET", id, primary.path("primaryKey").asText(), path, null).status()).isEqualTo(200);
        assertThat(asDevice("GET", id, newSecondary, path, null).status()).isEqualTo(200);
        assertError(asDevice("GET", id, created.path("primaryKey").asText(), path, null), 401, "device_unauthorized");
        assertError(admin("POST", "/api/devices/" + id + "/keys/tertiary/rotate", null), 400, "key_slot_invalid");
    }

    @Test
    void deviceRoutes_otherDeviceOrNoHeaders_areRefused() throws Exception {
        JsonNode a = device("a");
        JsonNode b = device("b");

        assertError(asDevice("GET", b.path("id").asText(), b.path("primaryKey").asText(),
                "/api/devices/" + a.path("id").asText() + "/desired", null), 403, "device_mismatch");
        assertError(call("GET", "/api/devices/" + a.path("id").asText() + "/desired", null, Map.of()), 401, "device_unauthorized");
        assertError(call("GET", "/api/devices/" + a.path("id").asText() + "/desired", null, Map.of("x-api-key", apiKey())),
                401, "device_unauthorized");
        assertError(asDevice("POST", a.path("id").asText(), a.path("primaryKey").asText(),
                "/api/devices/" + a.path("id").asText() + "/status", "{\"state\": \"dancing\", \"requests\": -1}"), 400, "status_invalid");
    }

    @Test
    void desired_nothingDeployed_isNullModel() throws Exception {
        JsonNode a = device("a");

        JsonNode desired = desired(a);

        assertThat(desired.path("deviceId").asText()).isEqualTo(a.path("id").asText());
        assertThat(desired.path("group").asText()).isEqualTo(group);
        assertThat(desired.has("model")).isTrue();
        assertThat(desired.path("model").isNull()).isTrue();
        assertThat(desired.path("package").isNull()).isTrue();
        assertThat(desired.path("pollSeconds").asInt()).isPositive();
    }

    // ---- deployments -----------------------------------------------------------------------------

    @Test
    void deploy_badRequests_are400404409() throws Exception {
        register("1");
        device("a");

        assertError(admin("POST", "/api/deployments", "{\"group\": \"" + group + "\"}"), 400, "deployment_invalid");
        assertError(admin("POST", "/api/deployments", "{\"group\": \"" + group + "\", \"model\": \"" + model
                + "\", \"version\": \"1\", \"strategy\": {\"type\": \"canary\", \"percent\": 150, \"bakeMinutes\": 5}}"), 400, "strategy_invalid");
        assertError(admin("POST", "/api/deployments", "not json"), 400, "json_invalid");
        assertError(admin("POST", "/api/deployments", "{\"group\": \"" + group + "-none\", \"model\": \"" + model
                + "\", \"version\": \"1\", \"strategy\": \"all-at-once\"}"), 404, "group_not_found");
        assertError(admin("POST", "/api/deployments", "{\"group\": \"" + group + "\", \"model\": \"" + model
                + "\", \"version\": \"9\", \"strategy\": \"all-at-once\"}"), 404, "model_version_not_found");
        send(ApiRequest.of("POST", "/api/models/" + model + "/versions",
                Map.of("x-api-key", List.of(apiKey()), "Content-Type", List.of("application/zip")),
                new ByteArrayInputStream(RegistryPackages.digestMismatch(model, "2"))));
        assertError(admin("POST", "/api/deployments", "{\"group\": \"" + group + "\", \"model\": \"" + model
                + "\", \"version\": \"2\", \"strategy\": \"all-at-once\"}"), 409, "version_rejected");
        assertError(admin("GET", "/api/deployments/dep-none", null), 404, "deployment_not_found");
        assertError(call("POST", "/api/deployments", "{}", Map.of()), 401, "unauthorized");
    }

    @Test
    void canary_healthy_isPromotedAndEveryDeviceGetsTheSignedPackage() throws Exception {
        register("1");
        register("2");
        JsonNode a = device("a");
        JsonNode b = device("b");
        promoted("1", a, b);

        JsonNode d = deploy("2", "{\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": 0}",
                "{\"maxErrorRate\": 0.1, \"maxP95Ms\": 100, \"minRequests\": 10}");

        assertThat(d.path("state").asText()).isEqualTo("rolling-out");
        assertThat(d.path("canaryDevices")).hasSize(1);
        String canaryId = d.path("canaryDevices").get(0).asText();
        JsonNode canary = canaryId.equals(a.path("id").asText()) ? a : b;
        JsonNode other = canary == a ? b : a;
        JsonNode desired = desired(canary);
        assertThat(desired.path("version").asText()).isEqualTo("2");
        assertThat(desired.path("model").asText()).isEqualTo(model);
        assertThat(desired.path("deployment").path("role").asText()).isEqualTo("canary");
        assertThat(desired.path("deployment").path("strategy").asText()).isEqualTo("canary");
        assertThat(desired.path("sampling").isObject()).isTrue();
        JsonNode pkg = desired.path("package");
        byte[] zip = download(pkg.path("url").asText());
        assertThat(zip).isEqualTo(RegistryPackages.valid(model, "2"));
        assertThat(pkg.path("sha256").asText()).isEqualTo(RegistryPackages.sha256(zip));
        assertThat(pkg.path("size").asLong()).isEqualTo(zip.length);
        JsonNode signingKey = ok(call("GET", "/api/signing-key", null, Map.of()), 200);
        PublicKey publicKey = PackageSignature.publicKey(signingKey.path("publicKey").asText());
        assertThat(PackageSignature.verify(publicKey, model, "2", pkg.path("sha256").asText(), zip.length,
                pkg.path("signature").asText())).isTrue();
        assertThat(desired(other).path("version").asText()).isEqualTo("1");
        assertThat(desired(other).path("deployment").path("role").asText()).isEqualTo("stable");

        report(canary, "2", 40, 1);

        JsonNode after = deployment(d.path("id").asText());
        assertThat(after.path("state").asText()).isEqualTo("promoted");
        assertThat(after.path("history").get(after.path("history").size() - 1).path("reason").asText())
                .contains("40 requests, 1 errors");
        assertThat(desired(other).path("version").asText()).isEqualTo("2");
        JsonNode listed = ok(admin("GET", "/api/deployments?group=" + group, null), 200).path("deployments");
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).path("id").asText()).isEqualTo(d.path("id").asText());
        JsonNode shown = ok(admin("GET", "/api/devices/" + canaryId, null), 200);
        assertThat(shown.path("version").asText()).isEqualTo("2");
        assertThat(shown.path("lastSeen").asText()).isNotBlank();
    }

    @Test
    void secondModelShadowAndRetire_overTheApi_followTheirDeployments() throws Exception {
        String other = model + "-ocr";
        register("1");
        register("2");
        register(other, "1");
        JsonNode a = device("a");
        promoted("1", a);

        ok(admin("POST", "/api/deployments", "{\"group\": \"" + group + "\", \"model\": \"" + other
                + "\", \"version\": \"1\", \"strategy\": \"all-at-once\", \"default\": true}"), 201);
        assertThat(desired(a).path("model").asText()).as("the default model's, for protocol-1 agents").isEqualTo(other);
        assertThat(signedDesired(a).models()).extracting(m -> m.name() + (m.defaultModel() ? " (default)" : ""))
                .containsExactly(model, other + " (default)");

        JsonNode shadow = deploy("2", "{\"type\": \"shadow\", \"percent\": 50, \"bakeMinutes\": 0.02, \"then\": \"all-at-once\"}",
                "{\"minAgreement\": 0.9, \"minRequests\": 4}");
        assertThat(shadow.path("state").asText()).isEqualTo("shadowing");
        DesiredStatement.ModelEntry entry = signedDesired(a).models().get(0);
        assertThat(entry.version()).isEqualTo("1");
        assertThat(entry.shadow().version()).isEqualTo("2");
        assertThat(entry.shadow().percent()).isEqualTo(50);
        String id = a.path("id").asText();
        String pairs = "{\"model\": \"" + model + "\", \"version\": \"1\", \"ortVersion\": \"1.29.0\", \"agentVersion\": \"0.1.0\","
                + " \"state\": \"serving\", \"since\": \"" + Instant.now() + "\", \"requests\": 10, \"errors\": 0,"
                + " \"shadows\": [{\"model\": \"" + model + "\", \"version\": \"1\", \"candidate\": \"2\", \"percent\": 50, \"pairs\": 5,"
                + " \"agreements\": 5, \"agreement\": 1.0, \"candidateLatencyMs\": {\"p50\": 3, \"p95\": 5, \"p99\": 6},"
                + " \"dropped\": 0, \"failures\": 0}]}";
        ok(asDevice("POST", id, a.path("primaryKey").asText(), "/api/devices/" + id + "/status", pairs), 202);
        JsonNode progress = deployment(shadow.path("id").asText()).path("progress");
        assertThat(progress.path("requests").asLong()).as("pictures both versions answered so far").isEqualTo(5);
        assertThat(progress.path("agreement").asDouble()).isEqualTo(1.0);
        assertThat(progress.path("p95Ms").asDouble()).isEqualTo(5.0);
        Thread.sleep(1_300); // the shadow's bake time
        ok(admin("POST", "/api/deployments/" + shadow.path("id").asText() + "/evaluate", null), 200);
        assertThat(deployment(shadow.path("id").asText()).path("state").asText()).isEqualTo("rolling-out");
        assertThat(desired(a).path("models").get(0).path("version").asText()).isEqualTo("2");
        report(a, "2", 0, 0);
        JsonNode promoted = deployment(shadow.path("id").asText());
        assertThat(promoted.path("state").asText()).isEqualTo("promoted");
        assertThat(promoted.has("progress")).as("only while in progress").isFalse();

        JsonNode retire = ok(admin("POST", "/api/deployments", "{\"group\": \"" + group + "\", \"model\": \"" + other
                + "\", \"retire\": true}"), 201);
        assertThat(retire.path("version").isNull()).isTrue();
        assertThat(signedDesired(a).models()).extracting(DesiredStatement.ModelEntry::name).containsExactly(model);
        assertThat(desired(a).path("model").asText()).as("the default retired: the model left").isEqualTo(model);
    }

    @Test
    void canary_errorRateBroken_isRolledBackWithReason() throws Exception {
        register("1");
        register("2");
        JsonNode a = device("a");
        JsonNode b = device("b");
        promoted("1", a, b);
        JsonNode d = deploy("2", "{\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": 60}",
                "{\"maxErrorRate\": 0.05, \"minRequests\": 10}");
        String id = d.path("id").asText();
        JsonNode canary = d.path("canaryDevices").get(0).asText().equals(a.path("id").asText()) ? a : b;

        report(canary, "2", 20, 0);
        assertThat(ok(admin("POST", "/api/deployments/" + id + "/evaluate", null), 200).path("state").asText()).isEqualTo("baking");
        report(canary, "2", 20, 10);

        JsonNode after = deployment(id);
        assertThat(after.path("state").asText()).isEqualTo("rolled-back");
        JsonNode last = after.path("history").get(after.path("history").size() - 1);
        assertThat(last.path("state").asText()).isEqualTo("rolled-back");
        assertThat(last.path("reason").asText()).contains("error rate").contains("10 of 40 requests").contains("maxErrorRate 0.05");
        assertThat(desired(canary).path("version").asText()).isEqualTo("1");
    }

    @Test
    void desired_protocol2_signedStatementForTheDeviceWithRevisionExpiryAndPackage() throws Exception {
        register("1");
        JsonNode a = device("a");
        DesiredStatement before = signedDesired(a);
        promoted("1", a);

        DesiredStatement statement = signedDesired(a);

        assertThat(before.models()).isEmpty();
        assertThat(statement.type()).isEqualTo(DesiredStatement.TYPE);
        assertThat(statement.deviceId()).isEqualTo(a.path("id").asText());
        assertThat(statement.group()).isEqualTo(group);
        assertThat(statement.revision()).isGreaterThan(before.revision());
        assertThat(Instant.parse(statement.expiresAt())).isAfter(Instant.parse(statement.issuedAt()));
        assertThat(statement.keys()).isNotEmpty();
        DesiredStatement.ModelEntry m = statement.models().get(0);
        assertThat(m.name()).isEqualTo(model);
        assertThat(m.version()).isEqualTo("1");
        byte[] zip = download(m.url());
        assertThat(m.sha256()).isEqualTo(RegistryPackages.sha256(zip));
        assertThat(m.size()).isEqualTo(zip.length);
        PublicKey key = PackageSignature.publicKey(statement.keys().get(0).publicKey());
        assertThat(PackageSignature.verify(key, model, "1", m.sha256(), m.size(), m.signature())).isTrue();
        assertThat(m.deployment().role()).isEqualTo("stable");
        assertThat(m.defaultModel()).as("the group's one model is the device's default").isTrue();
        assertThat(m.shadow()).isNull();
        assertThat(signedDesired(a).revision()).as("nothing changed: the same revision").isEqualTo(statement.revision());
        assertThat(ok(admin("GET", "/api/devices/" + a.path("id").asText(), null), 200).path("desiredRevision").asLong())
                .isEqualTo(statement.revision());
    }

    @Test
    void desired_rollbackDecidedByTheCloud_isAHigherRevisionNamingTheOldVersion() throws Exception {
        register("1");
        register("2");
        JsonNode a = device("a");
        promoted("1", a);
        long onOne = signedDesired(a).revision();
        JsonNode d = deploy("2", "{\"type\": \"canary\", \"percent\": 100, \"bakeMinutes\": 60}", "{\"maxErrorRate\": 0.05, \"minRequests\": 10}");
        DesiredStatement onTwo = signedDesired(a);

        report(a, "2", 20, 10);

        assertThat(deployment(d.path("id").asText()).path("state").asText()).isEqualTo("rolled-back");
        DesiredStatement back = signedDesired(a);
        assertThat(onTwo.models().get(0).version()).isEqualTo("2");
        assertThat(onTwo.revision()).isGreaterThan(onOne);
        assertThat(back.models().get(0).version()).isEqualTo("1");
        assertThat(back.revision()).isGreaterThan(onTwo.revision());
    }

    @Test
    void status_deviceRefusedItsDesiredState_notedOnceInTheDeploymentHistory() throws Exception {
        register("1");
        JsonNode a = device("a");
        String id = a.path("id").asText();
        JsonNode d = promoted("1", a);
        String body = "{\"model\": \"" + model + "\", \"version\": \"1\", \"state\": \"serving\", \"since\": \"" + Instant.now()
                + "\", \"requests\": 0, \"errors\": 0, \"lastError\": {\"version\": null, \"code\": \"statement_replayed\","
                + " \"message\": \"the desired state has revision 5, expected 7 or higher\", \"at\": \"" + Instant.now() + "\"}}";

        for (int i = 0; i < 3; i++) {
            ok(asDevice("POST", id, a.path("primaryKey").asText(), "/api/devices/" + id + "/status", body), 202);
        }

        JsonNode history = deployment(d.path("id").asText()).path("history");
        List<String> notes = new java.util.ArrayList<>();
        history.forEach(step -> notes.add(step.path("reason").asText()));
        assertThat(notes).filteredOn(r -> r.startsWith("device " + id + " refused its desired state: statement_replayed"))
                .singleElement().asString().contains("revision 5, expected 7");
        assertThat(deployment(d.path("id").asText()).path("state").asText()).isEqualTo("promoted");
    }

    @Test
    void desired_protocolHeaderNotANumber_400() throws Exception {
        JsonNode a = device("a");
        String id = a.path("id").asText();

        assertError(call("GET", "/api/devices/" + id + "/desired", null, Map.of(DeviceAuthenticator.DEVICE_ID_HEADER, id,
                DeviceAuthenticator.DEVICE_KEY_HEADER, a.path("primaryKey").asText(), DeviceHeaders.PROTOCOL, "two")),
                400, "protocol_invalid");
    }

    @Test
    void signingKey_isPublic() throws Exception {
        JsonNode key = ok(call("GET", "/api/signing-key", null, Map.of()), 200);

        assertThat(key.path("algorithm").asText()).isEqualTo("Ed25519");
        assertThat(PackageSignature.publicKey(key.path("pem").asText()).getAlgorithm()).isIn("Ed25519", "EdDSA");
    }

    /** Base64url without padding, as device keys are written. */
    private static final class Base64Url {
        static byte[] decode(String text) {
            return java.util.Base64.getUrlDecoder().decode(text);
        }
    }
}
