package dev.verge.cloud.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.testing.RegistryPackages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The webhook and Event Grid routes every runtime must serve identically (in-process, local HTTP,
 * API Gateway + Lambda, Azure HttpTrigger), over every source and the payload variants of
 * {@code src/test/resources/events}. Runtimes start with {@link EventFixtures#config()} (or
 * {@link EventFixtures#env()}) and an API key, and may share one store across tests: every case uses
 * its own model name, delivery id and digest.
 */
@Timeout(120)
public abstract class EventsContract {

    /** Sends {@code request} to the runtime under test; the response body must be complete. */
    protected abstract ApiResponse send(ApiRequest request) throws Exception;

    protected abstract String apiKey();

    /** The runtime's blob store, where a test drops packages as an upload to a bucket would. */
    protected abstract BlobStore blobs();

    /** The container an Event Grid BlobCreated event names for keys under {@code models/}. */
    protected String modelsContainer() {
        return "models";
    }

    protected String model;

    @BeforeEach
    void pickModelName() {
        model = "m-" + UUID.randomUUID().toString().substring(0, 12);
    }

    /** What one case sends. */
    public record Sent(String path, Map<String, String> headers, byte[] body) {}

    /** One case: what to send, and the answer expected. {@code version}: the version registered, or null. */
    public record Case(String name, Function<String, Sent> request, int status, String outcome, String version, String kind) {
        @Override
        public String toString() {
            return name;
        }
    }

    // ---- the cases -----------------------------------------------------------------------------

    static Stream<Arguments> cases() {
        return Stream.of(
                c("acr push (fixture), secret header", m -> acr(acrPush(m, "4"), Map.of("X-Verge-Webhook-Secret", EventFixtures.ACR_SECRET)), 200, "registered", "4", "image"),
                c("acr push, Authorization: Bearer", m -> acr(acrPush(m, "4"), Map.of("Authorization", "Bearer " + EventFixtures.ACR_SECRET)), 200, "registered", "4", "image"),
                c("acr push, v-prefixed tag", m -> acr(acrPush(m, "v4.1"), secret()), 200, "registered", "4.1", "image"),
                c("acr push, tag latest", m -> acr(acrPush(m, "latest"), secret()), 200, "ignored", null, null),
                c("acr ping", m -> acr(withId(EventFixtures.object("acr-webhook-ping.json")), secret()), 200, "ignored", null, null),
                c("acr chart_push", m -> acr(withId(EventFixtures.object("acr-webhook-chart-push.json")), secret()), 200, "ignored", null, null),
                c("acr unknown action", m -> acr(withId(EventFixtures.object("acr-webhook-ping.json")).put("action", "teleport"), secret()), 202, "ignored", null, null),
                c("acr wrong secret", m -> acr(acrPush(m, "4"), Map.of("X-Verge-Webhook-Secret", "nope")), 401, null, null, null),
                c("acr no secret", m -> acr(acrPush(m, "4"), Map.of()), 401, null, null, null),
                c("acr secret in URL", m -> new Sent("/api/webhooks/acr/" + EventFixtures.ACR_SECRET, Map.of(), EventFixtures.toBytes(acrPush(m, "4"))), 401, null, null, null),
                c("acr malformed JSON", m -> new Sent("/api/webhooks/acr", secret(), "{\"id\": ".getBytes(StandardCharsets.UTF_8)), 400, null, null, null),
                c("acr push without target", m -> acr(withId(EventFixtures.object("acr-webhook-ping.json")).put("action", "push"), secret()), 400, null, null, null),
                c("dockerhub push, token in URL", m -> new Sent("/api/webhooks/dockerhub/" + EventFixtures.DOCKERHUB_TOKEN, Map.of(), dockerHub(m)), 200, "registered", "3", "image"),
                c("dockerhub push, token header", m -> new Sent("/api/webhooks/dockerhub", Map.of("X-Verge-Webhook-Secret", EventFixtures.DOCKERHUB_TOKEN), dockerHub(m)), 200, "registered", "3", "image"),
                c("dockerhub wrong token", m -> new Sent("/api/webhooks/dockerhub/guess", Map.of(), dockerHub(m)), 401, null, null, null),
                c("huggingface tag", m -> hf(huggingFace("huggingface-webhook-tag.json", m), EventFixtures.HUGGINGFACE_SECRET), 200, "registered", "4", "huggingface"),
                c("huggingface branch (fixture)", m -> hf(huggingFace("huggingface-webhook-repo-update.json", m), EventFixtures.HUGGINGFACE_SECRET), 200, "ignored", null, null),
                c("huggingface wrong secret", m -> hf(huggingFace("huggingface-webhook-tag.json", m), "nope"), 401, null, null, null),
                c("mlflow version created (fixture), version string", m -> mlflow(mlflowCreated(m, false), EventFixtures.MLFLOW_SECRET, Instant.now()), 200, "registered", "5", "mlflow"),
                c("mlflow version created, version number", m -> mlflow(mlflowCreated(m, true), EventFixtures.MLFLOW_SECRET, Instant.now()), 200, "registered", "5", "mlflow"),
                c("mlflow stale timestamp", m -> mlflow(mlflowCreated(m, false), EventFixtures.MLFLOW_SECRET, Instant.now().minusSeconds(3600)), 401, null, null, null),
                c("mlflow wrong secret", m -> mlflow(mlflowCreated(m, false), "nope", Instant.now()), 401, null, null, null),
                c("mlflow unknown event", m -> mlflow(mlflowCreated(m, false).put("entity", "prompt"), EventFixtures.MLFLOW_SECRET, Instant.now()), 202, "ignored", null, null),
                c("mlflow malformed JSON, signed", m -> mlflowRaw("{\"entity\":".getBytes(StandardCharsets.UTF_8), EventFixtures.MLFLOW_SECRET), 400, null, null, null),
                c("github registry_package published", m -> github(gitHubPackage(m), "registry_package", EventFixtures.GITHUB_SECRET), 200, "registered", "3", "image"),
                c("github ping", m -> github(EventFixtures.object("acr-webhook-ping.json"), "ping", EventFixtures.GITHUB_SECRET), 200, "ignored", null, null),
                c("github push event", m -> github(EventFixtures.object("acr-webhook-ping.json"), "push", EventFixtures.GITHUB_SECRET), 202, "ignored", null, null),
                c("github wrong signature", m -> github(gitHubPackage(m), "registry_package", "nope"), 401, null, null, null),
                c("generic image.pushed", m -> generic(genericPush(m, "8"), EventFixtures.GENERIC_SECRET), 200, "registered", "8", "image"),
                c("generic unknown type", m -> generic(genericPush(m, "8").put("type", "model.exploded"), EventFixtures.GENERIC_SECRET), 202, "ignored", null, null),
                c("generic signed with github's secret", m -> generic(genericPush(m, "8"), EventFixtures.GITHUB_SECRET), 401, null, null, null),
                c("eventgrid ImagePushed (fixture)", m -> eventGrid(egAcr("eventgrid-acr-image-pushed.json", m), EventFixtures.EVENTGRID_SECRET), 200, "registered", "3", "image"),
                c("eventgrid ImagePushed PascalCase, tag number", m -> eventGrid(egAcr("eventgrid-acr-image-pushed-pascalcase.json", m), EventFixtures.EVENTGRID_SECRET), 200, "registered", "3", "image"),
                c("eventgrid ImagePushed CloudEvent", m -> eventGrid(cloudEvent(m, "3"), EventFixtures.EVENTGRID_SECRET), 200, "registered", "3", "image"),
                c("eventgrid ImagePushed CloudEvents batch", m -> eventGrid(EventFixtures.toBytes(CloudJson.mapper().createArrayNode()
                        .add(tree(cloudEvent(m, "3"))).add(tree(cloudEvent(m, "4")))), EventFixtures.EVENTGRID_SECRET), 200, "batch", "4", "image"),
                c("eventgrid ModelRegistered, version string", m -> eventGrid(egModel("eventgrid-model-registered.json", m), EventFixtures.EVENTGRID_SECRET), 200, "registered", "6", "azureml"),
                c("eventgrid ModelRegistered PascalCase, version number", m -> eventGrid(egModel("eventgrid-model-registered-pascalcase.json", m), EventFixtures.EVENTGRID_SECRET), 200, "registered", "7", "azureml"),
                c("eventgrid wrong code", m -> eventGrid(egAcr("eventgrid-acr-image-pushed.json", m), "nope"), 401, null, null, null),
                c("eventgrid unknown type", m -> eventGrid(unknownEventGridType(), EventFixtures.EVENTGRID_SECRET), 202, "ignored", null, null),
                c("eventgrid malformed JSON", m -> eventGrid("[{".getBytes(StandardCharsets.UTF_8), EventFixtures.EVENTGRID_SECRET), 400, null, null, null),
                c("eventgrid a string", m -> eventGrid("\"push\"".getBytes(StandardCharsets.UTF_8), EventFixtures.EVENTGRID_SECRET), 400, null, null, null),
                c("unknown source", m -> new Sent("/api/webhooks/quay", secret(), EventFixtures.toBytes(acrPush(m, "4"))), 404, null, null, null));
    }

    private static Arguments c(String name, Function<String, Sent> request, int status, String outcome, String version, String kind) {
        return Arguments.of(new Case(name, request, status, outcome, version, kind));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void delivery_eachSourceAndVariant_answersAsExpectedAndRedeliveryChangesNothing(Case c) throws Exception {
        Sent sent = c.request().apply(model);
        ApiResponse response = post(sent);
        String text = new String(response.bodyBytes(), StandardCharsets.UTF_8);

        assertThat(response.status()).as(text).isEqualTo(c.status());
        JsonNode body = json(response);
        if (c.status() >= 400) {
            assertThat(body.path("error").asText()).as(text).isNotBlank();
            assertThat(body.path("message").asText()).as(text).doesNotContain(EventFixtures.ACR_SECRET, EventFixtures.DOCKERHUB_TOKEN,
                    EventFixtures.MLFLOW_SECRET, EventFixtures.EVENTGRID_SECRET, EventFixtures.HUGGINGFACE_SECRET);
            assertThat(get("/api/models/" + model + "/versions").status()).as("nothing registered").isEqualTo(404);
            return;
        }
        assertThat(body.path("outcome").asText()).as(text).isEqualTo(c.outcome());
        if (c.version() != null) {
            JsonNode version = json(get("/api/models/" + model + "/versions/" + c.version()));
            assertThat(version.path("status").asText()).isEqualTo("registered");
            assertThat(version.path("artifact").path("kind").asText()).isEqualTo(c.kind());
        } else {
            assertThat(get("/api/models/" + model + "/versions").status()).as("nothing registered").isEqualTo(404);
        }

        ApiResponse again = post(sent);
        JsonNode second = json(again);
        assertThat(again.status()).isEqualTo(c.status());
        List<JsonNode> results = second.has("results") ? list(second.path("results")) : List.of(second);
        assertThat(results).allSatisfy(r -> assertThat(r.path("duplicate").asBoolean()).as(second.toString()).isTrue());
        if (c.version() != null) {
            assertThat(json(get("/api/models/" + model + "/versions")).path("versions")).hasSizeLessThanOrEqualTo(2);
        }
    }

    // ---- behaviour across deliveries -----------------------------------------------------------

    @Test
    void prodTag_pointsAtRegisteredDigest_promotesAndOlderPromotionIsIgnored() throws Exception {
        String d1 = EventFixtures.randomDigest();
        String d2 = EventFixtures.randomDigest();
        post(acr(acrPush(model, "1", d1, "2026-11-20T10:00:00Z"), secret()));
        post(acr(acrPush(model, "2", d2, "2026-11-20T10:01:00Z"), secret()));

        JsonNode newer = json(post(acr(acrPush(model, "prod", d2, "2026-11-20T10:10:00Z"), secret())));
        JsonNode older = json(post(acr(acrPush(model, "prod", d1, "2026-11-20T10:05:00Z"), secret())));

        assertThat(newer.path("outcome").asText()).as(newer.toString()).isEqualTo("promoted");
        assertThat(older.path("outcome").asText()).as(older.toString()).isEqualTo("ignored");
        assertThat(older.path("reason").asText()).contains("out of order");
        assertThat(json(get("/api/models/" + model + "/versions/2")).path("stage").asText()).isEqualTo("production");
        assertThat(json(get("/api/models/" + model + "/versions/1")).path("stage").asText()).isEqualTo("none");
    }

    @Test
    void versionTag_repushedWithOtherDigest_isRejectedAndFirstDigestKept() throws Exception {
        String first = EventFixtures.randomDigest();
        post(acr(acrPush(model, "3", first, "2026-11-20T10:00:00Z"), secret()));

        JsonNode moved = json(post(acr(acrPush(model, "3", EventFixtures.randomDigest(), "2026-11-20T10:02:00Z"), secret())));

        assertThat(moved.path("outcome").asText()).as(moved.toString()).isEqualTo("rejected");
        assertThat(json(get("/api/models/" + model + "/versions/3")).path("artifact").path("digest").asText()).isEqualTo(first);
    }

    @Test
    void samePush_throughWebhookAndEventGrid_isRecordedOnce() throws Exception {
        ObjectNode push = acrPush(model, "3");
        JsonNode viaWebhook = json(post(acr(push, secret())));
        ArrayNode grid = EventFixtures.array("eventgrid-acr-image-pushed.json");
        ((ObjectNode) grid.get(0)).put("id", UUID.randomUUID().toString()).set("data", push);

        JsonNode viaGrid = json(post(eventGrid(EventFixtures.toBytes(grid), EventFixtures.EVENTGRID_SECRET)));

        assertThat(viaWebhook.path("outcome").asText()).isEqualTo("registered");
        assertThat(viaGrid.path("outcome").asText()).as(viaGrid.toString()).isEqualTo("unchanged");
    }

    @Test
    void mlflowAlias_prodOnRegisteredVersion_promotes() throws Exception {
        post(mlflow(mlflowCreated(model, false), EventFixtures.MLFLOW_SECRET, Instant.now()));
        ObjectNode alias = EventFixtures.object("mlflow-webhook-alias-created.json");
        ((ObjectNode) alias.get("data")).put("name", model);
        alias.put("timestamp", Instant.now().toString());

        JsonNode answer = json(post(mlflow(alias, EventFixtures.MLFLOW_SECRET, Instant.now())));

        assertThat(answer.path("outcome").asText()).as(answer.toString()).isEqualTo("promoted");
        assertThat(json(get("/api/models/" + model + "/versions/5")).path("stage").asText()).isEqualTo("production");
    }

    @Test
    void acrDelete_ofRegisteredDigest_archivesVersion() throws Exception {
        String digest = EventFixtures.randomDigest();
        post(acr(acrPush(model, "4", digest, "2026-11-20T10:00:00Z"), secret()));
        ObjectNode delete = withId(EventFixtures.object("acr-webhook-delete.json"));
        ((ObjectNode) delete.get("target")).put("repository", model).put("digest", digest);

        JsonNode answer = json(post(acr(delete, secret())));

        assertThat(answer.path("outcome").asText()).as(answer.toString()).isEqualTo("archived");
        assertThat(json(get("/api/models/" + model + "/versions/4")).path("stage").asText()).isEqualTo("archived");
    }

    @Test
    void blobCreated_packageDroppedIntoContainer_isValidatedAndRegisteredFromManifest() throws Exception {
        String blobName = "drop/" + model + " v1.zip";
        byte[] zip = RegistryPackages.valid(model, "1");
        blobs().put("models/" + blobName, new ByteArrayInputStream(zip), zip.length, "application/zip");
        ArrayNode grid = EventFixtures.array("eventgrid-blob-created.json");
        ObjectNode event = (ObjectNode) grid.get(0);
        event.put("id", UUID.randomUUID().toString())
                .put("subject", "/blobServices/default/containers/" + modelsContainer() + "/blobs/" + blobName);
        ((ObjectNode) event.get("data")).put("eTag", "\"\"").put("contentLength", -1);

        JsonNode answer = json(post(eventGrid(EventFixtures.toBytes(grid), EventFixtures.EVENTGRID_SECRET)));

        // the local runtime's folder watcher may register the dropped file first: then the event changes nothing
        assertThat(answer.path("outcome").asText()).as(answer.toString()).isIn("registered", "unchanged");
        assertThat(answer.path("version").asText()).isEqualTo("1");
        JsonNode version = json(get("/api/models/" + model + "/versions/1"));
        assertThat(version.path("status").asText()).isEqualTo("registered");
        assertThat(version.path("sha256").asText()).isEqualTo(RegistryPackages.sha256(zip));
    }

    @Test
    void blobCreated_cloudEventOutsideModels_isIgnoredWithReason() throws Exception {
        ObjectNode event = EventFixtures.object("eventgrid-blob-created-cloudevent.json");
        event.put("id", UUID.randomUUID().toString())
                .put("subject", "/blobServices/default/containers/" + modelsContainer() + "/blobs/" + model + ".txt");

        JsonNode answer = json(post(eventGrid(EventFixtures.toBytes(event), EventFixtures.EVENTGRID_SECRET)));

        assertThat(answer.path("outcome").asText()).as(answer.toString()).isEqualTo("ignored");
        assertThat(answer.path("reason").asText()).isNotBlank();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"../../etc/%s.zip", "drop/../../%s.zip", "/etc/%s.zip",
            "drop/%s\u0000.zip", "drop/%s\n2026-01-01 INFO forged.zip"})
    void blobCreated_nameEscapingItsPrefixOrWithControlCharacters_isIgnoredWithAnEscapedReason(String name) throws Exception {
        ObjectNode event = EventFixtures.object("eventgrid-blob-created-cloudevent.json");
        event.put("id", UUID.randomUUID().toString())
                .put("subject", "/blobServices/default/containers/" + modelsContainer() + "/blobs/" + name.formatted(model));

        ApiResponse response = post(eventGrid(EventFixtures.toBytes(event), EventFixtures.EVENTGRID_SECRET));

        assertThat(response.status()).as(new String(response.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo(200);
        JsonNode answer = json(response);
        assertThat(answer.path("outcome").asText()).isEqualTo("ignored");
        assertThat(answer.path("reason").asText()).contains(model).doesNotContain("\u0000").doesNotContain("\n");
    }

    @Test
    void eventGridValidation_handshake_answersValidationCode() throws Exception {
        ApiResponse response = post(eventGrid(EventFixtures.bytes("eventgrid-subscription-validation.json"), EventFixtures.EVENTGRID_SECRET));

        assertThat(response.status()).isEqualTo(200);
        assertThat(json(response).path("validationResponse").asText()).isEqualTo("512d38b6-c7b8-40c8-89fe-f46f9e9622b6");
    }

    @Test
    void cloudEventsHandshake_options_allowsTheOrigin() throws Exception {
        ApiResponse response = call("OPTIONS", "/api/events/eventgrid?code=" + EventFixtures.EVENTGRID_SECRET, null,
                Map.of("WebHook-Request-Origin", "eventgrid.azure.net"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("WebHook-Allowed-Origin")).hasValue("eventgrid.azure.net");
    }

    @Test
    void auditLog_listsAcceptedEventsNewestFirstFilteredAndLimited() throws Exception {
        ObjectNode push = acrPush(model, "4");
        post(acr(push, secret()));
        post(generic(genericPush(model, "5"), EventFixtures.GENERIC_SECRET));

        JsonNode acrEvents = json(get("/api/events?source=acr&limit=1000")).path("events");
        JsonNode limited = json(get("/api/events?limit=1")).path("events");

        assertThat(list(acrEvents)).anySatisfy(e -> {
            assertThat(e.path("deliveryId").asText()).isEqualTo(push.path("id").asText());
            assertThat(e.path("outcome").asText()).isEqualTo("registered");
            assertThat(e.path("model").asText()).isEqualTo(model);
            assertThat(e.path("version").asText()).isEqualTo("4");
            assertThat(e.path("receivedAt").asText()).isNotBlank();
        });
        assertThat(list(acrEvents)).allSatisfy(e -> assertThat(e.path("source").asText()).isEqualTo("acr"));
        assertThat(limited).hasSize(1);
        JsonNode first = json(get("/api/events?limit=1"));
        JsonNode second = json(get("/api/events?limit=1&after=" + first.path("next").asText()));
        assertThat(first.path("events").get(0).path("version").asText()).isEqualTo("5"); // the newest
        assertThat(second.path("events").get(0).path("version").asText()).isEqualTo("4");
        assertThat(call("GET", "/api/events", null, Map.of()).status()).isEqualTo(401);
        assertThat(get("/api/events?source=nowhere").status()).isEqualTo(400);
    }

    // ---- replays: the same content again changes nothing, whatever delivery id it carries ---------

    private JsonNode stageOf(String version) throws Exception {
        return json(get("/api/models/" + model + "/versions/" + version)).path("stage");
    }

    private static Sent withHeader(Sent sent, String name, String value) {
        Map<String, String> headers = new LinkedHashMap<>(sent.headers());
        headers.put(name, value);
        return new Sent(sent.path(), headers, sent.body());
    }

    @Test
    void githubProdReplay_withNewDeliveryId_isDuplicateAndLeavesProductionAlone() throws Exception {
        String d3 = EventFixtures.randomDigest();
        String d4 = EventFixtures.randomDigest();
        post(github(gitHubTag(model, "3", d3, "2026-11-20T10:00:00Z"), "registry_package", EventFixtures.GITHUB_SECRET));
        post(github(gitHubTag(model, "4", d4, "2026-11-20T10:01:00Z"), "registry_package", EventFixtures.GITHUB_SECRET));
        Sent prod3 = github(gitHubTag(model, "prod", d3, "2026-11-20T10:02:00Z"), "registry_package", EventFixtures.GITHUB_SECRET);
        assertThat(json(post(prod3)).path("outcome").asText()).isEqualTo("promoted");
        JsonNode prod4 = json(post(github(gitHubTag(model, "prod", d4, "2026-11-20T10:03:00Z"), "registry_package",
                EventFixtures.GITHUB_SECRET)));
        assertThat(prod4.path("outcome").asText()).as(prod4.toString()).isEqualTo("promoted");

        JsonNode replay = json(post(withHeader(prod3, "X-GitHub-Delivery", UUID.randomUUID().toString())));

        assertThat(replay.path("duplicate").asBoolean()).as(replay.toString()).isTrue();
        assertThat(stageOf("4").asText()).isEqualTo("production");
        assertThat(stageOf("3").asText()).isNotEqualTo("production");
    }

    @Test
    void githubPromotions_orderedByThePackageTimesInTheSignedBody() throws Exception {
        String d3 = EventFixtures.randomDigest();
        String d4 = EventFixtures.randomDigest();
        post(github(gitHubTag(model, "3", d3, "2026-11-20T10:00:00Z"), "registry_package", EventFixtures.GITHUB_SECRET));
        post(github(gitHubTag(model, "4", d4, "2026-11-20T10:01:00Z"), "registry_package", EventFixtures.GITHUB_SECRET));
        post(github(gitHubTag(model, "prod", d4, "2026-11-20T10:05:00Z"), "registry_package", EventFixtures.GITHUB_SECRET));

        JsonNode older = json(post(github(gitHubTag(model, "prod", d3, "2026-11-20T10:04:00Z"), "registry_package",
                EventFixtures.GITHUB_SECRET)));

        assertThat(older.path("outcome").asText()).as(older.toString()).isEqualTo("ignored");
        assertThat(older.path("reason").asText()).contains("out of order");
        assertThat(stageOf("4").asText()).isEqualTo("production");
    }

    @Test
    void genericAliasReplay_withoutIdOrTime_newDeliveryIdHeader_isDuplicate() throws Exception {
        post(generic(genericPush(model, "1"), EventFixtures.GENERIC_SECRET));
        post(generic(genericPush(model, "2"), EventFixtures.GENERIC_SECRET));
        Sent alias1 = withHeader(generic(genericAlias(model, "1"), EventFixtures.GENERIC_SECRET), "X-Delivery-Id", "d-1-" + model);
        assertThat(json(post(alias1)).path("outcome").asText()).isEqualTo("promoted");
        JsonNode alias2 = json(post(withHeader(generic(genericAlias(model, "2"), EventFixtures.GENERIC_SECRET), "X-Delivery-Id", "d-2-" + model)));
        assertThat(alias2.path("outcome").asText()).as(alias2.toString()).isEqualTo("promoted");

        JsonNode replay = json(post(withHeader(alias1, "X-Delivery-Id", "d-" + UUID.randomUUID())));

        assertThat(replay.path("duplicate").asBoolean()).as(replay.toString()).isTrue();
        assertThat(stageOf("2").asText()).isEqualTo("production");
    }

    @Test
    void genericTimestamp_signedAndFresh_isAcceptedStaleOrUnsignedIsRefused() throws Exception {
        byte[] body = EventFixtures.toBytes(genericPush(model, "6"));
        long now = Instant.now().getEpochSecond();
        Sent stale = new Sent("/api/webhooks/generic", Map.of("X-Verge-Timestamp", Long.toString(now - 3600),
                "X-Hub-Signature-256", EventFixtures.timestampedSignature(EventFixtures.GENERIC_SECRET, now - 3600, body)), body);
        Sent bodyOnly = new Sent("/api/webhooks/generic", Map.of("X-Verge-Timestamp", Long.toString(now),
                "X-Hub-Signature-256", EventFixtures.hubSignature(EventFixtures.GENERIC_SECRET, body)), body);
        Sent fresh = new Sent("/api/webhooks/generic", Map.of("X-Verge-Timestamp", Long.toString(now),
                "X-Hub-Signature-256", EventFixtures.timestampedSignature(EventFixtures.GENERIC_SECRET, now, body)), body);

        ApiResponse staleAnswer = post(stale);
        ApiResponse bodyOnlyAnswer = post(bodyOnly);
        assertThat(staleAnswer.status()).isEqualTo(401);
        assertThat(json(staleAnswer).path("message").asText()).contains("X-Verge-Timestamp");
        assertThat(bodyOnlyAnswer.status()).isEqualTo(401);
        assertThat(get("/api/models/" + model + "/versions").status()).as("nothing registered").isEqualTo(404);
        JsonNode accepted = json(post(fresh));
        assertThat(accepted.path("outcome").asText()).as(accepted.toString()).isEqualTo("registered");
    }

    @Test
    void genericSignedTimestamp_ordersPromotionsWhenTheBodyHasNoTime() throws Exception {
        post(generic(genericPush(model, "1"), EventFixtures.GENERIC_SECRET));
        post(generic(genericPush(model, "2"), EventFixtures.GENERIC_SECRET));
        long now = Instant.now().getEpochSecond();
        byte[] newer = EventFixtures.toBytes(genericAlias(model, "2"));
        byte[] older = EventFixtures.toBytes(genericAlias(model, "1"));
        post(new Sent("/api/webhooks/generic", Map.of("X-Verge-Timestamp", Long.toString(now),
                "X-Hub-Signature-256", EventFixtures.timestampedSignature(EventFixtures.GENERIC_SECRET, now, newer)), newer));

        JsonNode late = json(post(new Sent("/api/webhooks/generic", Map.of("X-Verge-Timestamp", Long.toString(now - 60),
                "X-Hub-Signature-256", EventFixtures.timestampedSignature(EventFixtures.GENERIC_SECRET, now - 60, older)), older)));

        assertThat(late.path("outcome").asText()).as(late.toString()).isEqualTo("ignored");
        assertThat(stageOf("2").asText()).isEqualTo("production");
    }

    static Stream<Arguments> replays() {
        return Stream.of(
                Arguments.of("acr", (Function<String, Sent>) m -> acr(acrPush(m, "4"), secret()), "X-Request-Id"),
                Arguments.of("dockerhub", (Function<String, Sent>) m -> new Sent("/api/webhooks/dockerhub/" + EventFixtures.DOCKERHUB_TOKEN,
                        Map.of(), dockerHub(m)), "X-Delivery-Id"),
                Arguments.of("huggingface", (Function<String, Sent>) m -> hf(huggingFace("huggingface-webhook-tag.json", m),
                        EventFixtures.HUGGINGFACE_SECRET), "X-Delivery-Id"),
                Arguments.of("github", (Function<String, Sent>) m -> github(gitHubPackage(m), "registry_package", EventFixtures.GITHUB_SECRET),
                        "X-GitHub-Delivery"),
                Arguments.of("generic", (Function<String, Sent>) m -> generic(genericPush(m, "8").without("id"), EventFixtures.GENERIC_SECRET),
                        "X-Delivery-Id"),
                Arguments.of("eventgrid", (Function<String, Sent>) m -> eventGrid(cloudEvent(m, "3"), EventFixtures.EVENTGRID_SECRET),
                        "X-Delivery-Id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replays")
    void replay_sameContentNewDeliveryId_isDuplicateAndChangesNothing(String source, Function<String, Sent> request, String idHeader)
            throws Exception {
        Sent first = request.apply(model);
        JsonNode original = json(post(first));
        JsonNode versionsBefore = json(get("/api/models/" + model + "/versions"));

        JsonNode replay = json(post(withHeader(first, idHeader, UUID.randomUUID().toString())));

        assertThat(original.path("duplicate").asBoolean()).as(original.toString()).isFalse();
        assertThat(replay.path("duplicate").asBoolean()).as(replay.toString()).isTrue();
        assertThat(replay.path("outcome").asText()).isEqualTo(original.path("outcome").asText());
        assertThat(json(get("/api/models/" + model + "/versions"))).isEqualTo(versionsBefore);
    }

    @Test
    void mlflowRetry_newDeliveryIdSignedAgain_isDuplicate() throws Exception {
        byte[] body = EventFixtures.toBytes(mlflowCreated(model, false));
        post(new Sent("/api/webhooks/mlflow", EventFixtures.mlflowHeaders(EventFixtures.MLFLOW_SECRET, "a-" + UUID.randomUUID(),
                Instant.now(), body), body));

        JsonNode again = json(post(new Sent("/api/webhooks/mlflow", EventFixtures.mlflowHeaders(EventFixtures.MLFLOW_SECRET,
                "b-" + UUID.randomUUID(), Instant.now(), body), body)));

        assertThat(again.path("duplicate").asBoolean()).as(again.toString()).isTrue();
    }

    @Test
    void crossSource_acrProdForAnotherSourcesRepository_promotesNothing() throws Exception {
        String digest = EventFixtures.randomDigest();
        JsonNode registered = json(post(github(gitHubTag(model, "4", digest, "2026-11-20T10:00:00Z"), "registry_package",
                EventFixtures.GITHUB_SECRET)));
        assertThat(registered.path("outcome").asText()).as(registered.toString()).isEqualTo("registered");
        ObjectNode push = acrPush(model, "prod", digest, Instant.now().toString());
        ((ObjectNode) push.get("target")).put("repository", "someone-else/" + model);

        JsonNode answer = json(post(acr(push, secret())));

        assertThat(answer.path("outcome").asText()).as(answer.toString()).isEqualTo("ignored");
        assertThat(answer.path("reason").asText()).contains("names source acr");
        assertThat(stageOf("4").asText()).isEqualTo("none");
    }

    @Test
    void registerOnlySource_prodTagOrDelete_promotesAndArchivesNothing() throws Exception {
        ObjectNode hook = huggingFace("huggingface-webhook-tag.json", model);
        JsonNode registered = json(post(hf(hook, EventFixtures.HUGGINGFACE_SECRET)));
        assertThat(registered.path("outcome").asText()).as(registered.toString()).isEqualTo("registered");
        String sha = hook.path("updatedRefs").path(0).path("newSha").asText();
        ObjectNode prod = huggingFace("huggingface-webhook-tag.json", model);
        ((ObjectNode) prod.path("updatedRefs").path(0)).put("ref", "refs/tags/prod").put("newSha", sha);

        JsonNode answer = json(post(hf(prod, EventFixtures.HUGGINGFACE_SECRET)));

        assertThat(answer.path("outcome").asText()).as(answer.toString()).isEqualTo("ignored");
        assertThat(stageOf(registered.path("version").asText()).asText()).isEqualTo("none");
    }

    // ---- payload builders ----------------------------------------------------------------------

    static ObjectNode acrPush(String model, String tag) {
        return acrPush(model, tag, EventFixtures.randomDigest(), Instant.now().toString());
    }

    static ObjectNode acrPush(String model, String tag, String digest, String time) {
        ObjectNode push = withId(EventFixtures.object("acr-webhook-push.json")).put("timestamp", time);
        ((ObjectNode) push.get("target")).put("repository", model).put("tag", tag).put("digest", digest);
        return push;
    }

    static ObjectNode withId(ObjectNode node) {
        return node.put("id", UUID.randomUUID().toString());
    }

    static Map<String, String> secret() {
        return Map.of("X-Verge-Webhook-Secret", EventFixtures.ACR_SECRET);
    }

    static Sent acr(JsonNode body, Map<String, String> headers) {
        return new Sent("/api/webhooks/acr", headers, EventFixtures.toBytes(body));
    }

    static byte[] dockerHub(String model) {
        ObjectNode hook = EventFixtures.object("dockerhub-webhook-push.json");
        ((ObjectNode) hook.get("repository")).put("repo_name", "acmefarms/" + model).put("name", model);
        ((ObjectNode) hook.get("push_data")).put("pushed_at", Instant.now().getEpochSecond() + UUID.randomUUID().hashCode() % 1000);
        return EventFixtures.toBytes(hook);
    }

    static ObjectNode huggingFace(String fixture, String model) {
        ObjectNode hook = EventFixtures.object(fixture);
        ((ObjectNode) hook.get("repo")).put("name", "acme-farms/" + model).put("id", UUID.randomUUID().toString());
        return hook;
    }

    static Sent hf(JsonNode body, String secret) {
        return new Sent("/api/webhooks/huggingface", Map.of("X-Webhook-Secret", secret), EventFixtures.toBytes(body));
    }

    static ObjectNode mlflowCreated(String model, boolean numericVersion) {
        ObjectNode hook = EventFixtures.object("mlflow-webhook-model-version-created.json");
        ObjectNode data = (ObjectNode) hook.get("data");
        data.put("name", model);
        if (numericVersion) {
            data.put("version", 5);
        }
        return hook;
    }

    static Sent mlflow(JsonNode body, String secret, Instant signedAt) {
        byte[] bytes = EventFixtures.toBytes(body);
        return new Sent("/api/webhooks/mlflow", EventFixtures.mlflowHeaders(secret, UUID.randomUUID().toString(), signedAt, bytes), bytes);
    }

    static Sent mlflowRaw(byte[] body, String secret) {
        return new Sent("/api/webhooks/mlflow", EventFixtures.mlflowHeaders(secret, UUID.randomUUID().toString(), Instant.now(), body), body);
    }

    static ObjectNode gitHubPackage(String model) {
        ObjectNode hook = EventFixtures.object("github-registry-package-published.json");
        ObjectNode pkg = (ObjectNode) hook.get("registry_package");
        pkg.put("name", model);
        ObjectNode version = (ObjectNode) pkg.get("package_version");
        String digest = EventFixtures.randomDigest();
        version.put("version", digest).put("package_url", "ghcr.io/acme-farms/" + model + ":3");
        ((ObjectNode) version.get("container_metadata").get("tag")).put("digest", digest);
        return hook;
    }

    /** A GitHub container package published under {@code tag} with {@code digest}, updated at {@code time}. */
    static ObjectNode gitHubTag(String model, String tag, String digest, String time) {
        ObjectNode hook = gitHubPackage(model);
        ObjectNode version = (ObjectNode) hook.get("registry_package").get("package_version");
        version.put("version", digest).put("package_url", "ghcr.io/acme-farms/" + model + ":" + tag).put("updated_at", time);
        ((ObjectNode) version.get("container_metadata").get("tag")).put("name", tag).put("digest", digest);
        return hook;
    }

    static Sent github(JsonNode body, String event, String secret) {
        byte[] bytes = EventFixtures.toBytes(body);
        return new Sent("/api/webhooks/github", Map.of("X-GitHub-Event", event, "X-GitHub-Delivery", UUID.randomUUID().toString(),
                "X-Hub-Signature-256", EventFixtures.hubSignature(secret, bytes)), bytes);
    }

    static ObjectNode genericPush(String model, String tag) {
        return EventFixtures.object("generic-image-pushed.json").put("id", UUID.randomUUID().toString())
                .put("repository", "verge/" + model).put("tag", tag).put("digest", EventFixtures.randomDigest());
    }

    /** A generic {@code alias.set} without id or time: only a signed timestamp or the body itself tells it apart. */
    static ObjectNode genericAlias(String model, String version) {
        ObjectNode alias = CloudJson.mapper().createObjectNode();
        alias.put("type", "alias.set").put("repository", "verge/" + model).put("alias", "prod").put("version", version);
        return alias;
    }

    static Sent generic(JsonNode body, String secret) {
        byte[] bytes = EventFixtures.toBytes(body);
        return new Sent("/api/webhooks/generic", Map.of("X-Hub-Signature-256", EventFixtures.hubSignature(secret, bytes)), bytes);
    }

    static byte[] egAcr(String fixture, String model) {
        ArrayNode grid = EventFixtures.array(fixture);
        ObjectNode event = (ObjectNode) grid.get(0);
        event.put(event.has("Id") ? "Id" : "id", UUID.randomUUID().toString());
        ObjectNode data = (ObjectNode) (event.has("Data") ? event.get("Data") : event.get("data"));
        ObjectNode target = (ObjectNode) (data.has("Target") ? data.get("Target") : data.get("target"));
        target.put(target.has("Repository") ? "Repository" : "repository", model)
                .put(target.has("Digest") ? "Digest" : "digest", EventFixtures.randomDigest());
        return EventFixtures.toBytes(grid);
    }

    static byte[] cloudEvent(String model, String tag) {
        ObjectNode event = EventFixtures.object("eventgrid-acr-image-pushed-cloudevent.json");
        event.put("id", UUID.randomUUID().toString());
        ((ObjectNode) event.get("data").get("target")).put("repository", model).put("tag", tag).put("digest", EventFixtures.randomDigest());
        return EventFixtures.toBytes(event);
    }

    static byte[] egModel(String fixture, String model) {
        ArrayNode grid = EventFixtures.array(fixture);
        ObjectNode event = (ObjectNode) grid.get(0);
        event.put(event.has("Id") ? "Id" : "id", UUID.randomUUID().toString());
        ObjectNode data = (ObjectNode) (event.has("Data") ? event.get("Data") : event.get("data"));
        data.put(data.has("ModelName") ? "ModelName" : "modelName", model);
        return EventFixtures.toBytes(grid);
    }

    static byte[] unknownEventGridType() {
        ArrayNode grid = EventFixtures.array("eventgrid-acr-image-pushed.json");
        ((ObjectNode) grid.get(0)).put("id", UUID.randomUUID().toString()).put("eventType", "Microsoft.Resources.ResourceWriteSuccess");
        return EventFixtures.toBytes(grid);
    }

    static Sent eventGrid(byte[] body, String code) {
        return new Sent("/api/events/eventgrid?code=" + code, Map.of("Content-Type", "application/json"), body);
    }

    static JsonNode tree(byte[] bytes) {
        try {
            return CloudJson.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- requests ------------------------------------------------------------------------------

    protected ApiResponse post(Sent sent) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(sent.headers());
        headers.putIfAbsent("Content-Type", "application/json");
        return call("POST", sent.path(), sent.body(), headers);
    }

    protected ApiResponse call(String method, String pathAndQuery, byte[] body, Map<String, String> headers) throws Exception {
        Map<String, List<String>> all = new HashMap<>();
        headers.forEach((k, v) -> all.put(k, List.of(v)));
        ApiResponse response = send(ApiRequest.of(method, pathAndQuery, all, body == null ? null : new ByteArrayInputStream(body)));
        return new ApiResponse(response.status(), response.headers(), new ApiResponse.Bytes(response.bodyBytes()));
    }

    protected ApiResponse get(String path) throws Exception {
        return call("GET", path, null, Map.of("x-api-key", apiKey()));
    }

    protected static JsonNode json(ApiResponse response) throws IOException {
        return CloudJson.mapper().readTree(response.bodyBytes());
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
