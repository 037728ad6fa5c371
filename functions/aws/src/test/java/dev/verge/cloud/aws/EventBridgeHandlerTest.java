package dev.verge.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.events.EventFixtures;
import dev.verge.cloud.registry.ModelVersion;
import dev.verge.cloud.registry.Stage;
import dev.verge.cloud.testing.RegistryPackages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * EventBridge events (the fixtures and their variants) through {@link EventBridgeHandler}, on S3
 * (s3proxy) and dynalite: the same intake as the webhooks, and the handler never throws.
 */
class EventBridgeHandlerTest {
    private static CloudServices services;
    private static EventBridgeHandler handler;
    private String model;

    @BeforeAll
    static void start() {
        services = Emulators.newServices(CloudConfig.withApiKeys("eventbridge-key-0123456789").withEvents(EventFixtures.config()));
        handler = new EventBridgeHandler(services);
    }

    @BeforeEach
    void pickModel() {
        model = "m-" + UUID.randomUUID().toString().substring(0, 12);
    }

    private JsonNode invoke(byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        return CloudJson.mapper().readTree(out.toByteArray());
    }

    private ObjectNode ecr(String fixture, String digest) {
        ObjectNode event = EventFixtures.object(fixture).put("id", UUID.randomUUID().toString());
        ((ObjectNode) event.get("detail")).put("repository-name", "verge/" + model).put("image-digest", digest);
        return event;
    }

    @Test
    void ecrPush_fixture_registersImageVersionAndRedeliveryIsDuplicate() throws IOException {
        String digest = EventFixtures.randomDigest();
        byte[] event = EventFixtures.toBytes(ecr("eventbridge-ecr-image-push.json", digest));

        JsonNode first = invoke(event);
        JsonNode second = invoke(event);

        assertThat(first.path("status").asInt()).as(first.toString()).isEqualTo(200);
        assertThat(first.path("answer").path("outcome").asText()).isEqualTo("registered");
        ModelVersion version = services.registry().get(model, "3");
        assertThat(version.artifact().kind()).isEqualTo("image");
        assertThat(version.artifact().digest()).isEqualTo(digest);
        assertThat(version.artifact().reference()).isEqualTo("123456789012.dkr.ecr.eu-west-1.amazonaws.com/verge/" + model + ":3");
        assertThat(second.path("answer").path("duplicate").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"FAILURE", "failed", ""})
    void ecrPush_resultNotSuccess_isIgnoredAndRegistersNothing(String result) throws IOException {
        ObjectNode event = ecr("eventbridge-ecr-image-push.json", EventFixtures.randomDigest());
        ((ObjectNode) event.get("detail")).put("result", result);

        JsonNode answer = invoke(EventFixtures.toBytes(event));

        assertThat(answer.path("answer").path("outcome").asText()).as(answer.toString()).isEqualTo("ignored");
        assertThat(services.registry().listModels()).noneMatch(m -> m.name().equals(model));
    }

    @Test
    void ecrDelete_ofRegisteredDigest_archivesTheVersion() throws IOException {
        String digest = EventFixtures.randomDigest();
        invoke(EventFixtures.toBytes(ecr("eventbridge-ecr-image-push.json", digest)));

        JsonNode answer = invoke(EventFixtures.toBytes(ecr("eventbridge-ecr-image-delete.json", digest)));

        assertThat(answer.path("answer").path("outcome").asText()).as(answer.toString()).isEqualTo("archived");
        assertThat(services.registry().get(model, "3").stage()).isEqualTo(Stage.ARCHIVED);
    }

    @Test
    void s3ObjectCreated_keyEncodedWithPlus_registersThePackage() throws IOException {
        byte[] zip = RegistryPackages.valid(model, "3");
        services.blobs().put("models/drop/" + model + " v3.zip", new ByteArrayInputStream(zip), zip.length, "application/zip");
        ObjectNode event = EventFixtures.object("eventbridge-s3-object-created.json").put("id", UUID.randomUUID().toString());
        ((ObjectNode) event.get("detail").get("bucket")).put("name", ((S3BlobStore) services.blobs()).bucket());
        ObjectNode object = (ObjectNode) event.get("detail").get("object");
        object.put("key", "models/drop/" + model + "+v3.zip").put("etag", "\"" + UUID.randomUUID() + "\"").put("size", zip.length);

        JsonNode answer = invoke(EventFixtures.toBytes(event));

        assertThat(answer.path("answer").path("outcome").asText()).as(answer.toString()).isEqualTo("registered");
        assertThat(services.registry().get(model, "3").sha256()).hasSize(64);
    }

    @Test
    void unknownDetailType_isAcceptedAsIgnored() throws IOException {
        ObjectNode event = EventFixtures.object("eventbridge-ecr-image-push.json").put("id", UUID.randomUUID().toString())
                .put("detail-type", "ECR Image Scan");

        JsonNode answer = invoke(EventFixtures.toBytes(event));

        assertThat(answer.path("status").asInt()).isEqualTo(202);
        assertThat(answer.path("answer").path("outcome").asText()).isEqualTo("ignored");
    }

    @Test
    void notJsonOrNotAnEvent_isAnsweredAndNeverThrown() throws IOException {
        assertThat(invoke("{\"detail\":".getBytes(StandardCharsets.UTF_8)).path("status").asInt()).isEqualTo(400);
        assertThat(invoke("[1,2]".getBytes(StandardCharsets.UTF_8)).path("status").asInt()).isEqualTo(400);
        assertThat(invoke(new byte[0]).path("status").asInt()).isEqualTo(400);
    }
}
