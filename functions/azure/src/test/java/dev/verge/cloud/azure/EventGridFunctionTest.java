package dev.verge.cloud.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.azure.storage.Azurite;
import dev.verge.cloud.events.EventFixtures;
import dev.verge.cloud.events.EventRecord;
import dev.verge.cloud.registry.ModelVersion;
import dev.verge.cloud.testing.RegistryPackages;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Event Grid events (the fixtures and their variants, in both schemas) through the {@code eventGrid}
 * trigger function, over Azurite: the same intake as {@code /api/events/eventgrid}, without its secret
 * (the Functions host authenticates Event Grid), and never a thrown exception.
 */
class EventGridFunctionTest {
    private static AzureApp app;
    private static EventGridFunction function;
    private String model;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>(EventFixtures.env());
        settings.put("VERGE_STORAGE", Azurite.shared().connectionString());
        settings.put("VERGE_TABLE", "eventgridtrigger");
        settings.put("VERGE_API_KEY", "unused-here-0123456789");
        app = AzureApp.create(settings);
        function = new EventGridFunction(() -> app);
    }

    @BeforeEach
    void pickModel() {
        model = "m-" + UUID.randomUUID().toString().substring(0, 12);
    }

    private void deliver(String event) {
        function.onEvent(event, new TestExecutionContext("eventGrid"));
    }

    static Stream<Arguments> pushes() {
        Function<String, String> eventGridSchema = m -> {
            ArrayNode grid = EventFixtures.array("eventgrid-acr-image-pushed.json");
            ObjectNode event = (ObjectNode) grid.get(0);
            event.put("id", UUID.randomUUID().toString());
            ((ObjectNode) event.get("data").get("target")).put("repository", m);
            return grid.toString();
        };
        Function<String, String> pascalCase = m -> {
            ArrayNode grid = EventFixtures.array("eventgrid-acr-image-pushed-pascalcase.json");
            ObjectNode event = (ObjectNode) grid.get(0);
            event.put("Id", UUID.randomUUID().toString());
            ((ObjectNode) event.get("Data").get("Target")).put("Repository", m);
            return grid.toString();
        };
        Function<String, String> cloudEvent = m -> {
            ObjectNode event = EventFixtures.object("eventgrid-acr-image-pushed-cloudevent.json");
            event.put("id", UUID.randomUUID().toString());
            ((ObjectNode) event.get("data").get("target")).put("repository", m);
            return event.toString();
        };
        return Stream.of(Arguments.of("event grid schema", eventGridSchema), Arguments.of("PascalCase", pascalCase),
                Arguments.of("CloudEvent", cloudEvent));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pushes")
    void imagePushed_eachSchema_registersImageVersionOnce(String name, Function<String, String> event) {
        String delivery = event.apply(model);

        deliver(delivery);
        deliver(delivery);

        ModelVersion version = app.services().registry().get(model, "3");
        assertThat(version.artifact().kind()).isEqualTo("image");
        assertThat(version.artifact().reference()).isEqualTo("vergeacr.azurecr.io/" + model + ":3");
        List<EventRecord> events = auditOf(model);
        assertThat(events).hasSize(1);
    }

    @Test
    void modelRegistered_versionAsNumber_registersAzureMlVersion() {
        ArrayNode grid = EventFixtures.array("eventgrid-model-registered-pascalcase.json");
        ObjectNode event = (ObjectNode) grid.get(0);
        event.put("Id", UUID.randomUUID().toString());
        ((ObjectNode) event.get("Data")).put("ModelName", model);

        deliver(grid.toString());

        assertThat(app.services().registry().get(model, "7").artifact().kind()).isEqualTo("azureml");
    }

    @Test
    void blobCreated_quotedEtagCloudEvent_registersThePackage() {
        byte[] zip = RegistryPackages.valid(model, "2");
        var blob = app.blobs().put("models/" + model + "/2/package.zip", new ByteArrayInputStream(zip), zip.length, "application/zip");
        ObjectNode event = EventFixtures.object("eventgrid-blob-created-cloudevent.json");
        event.put("id", UUID.randomUUID().toString())
                .put("subject", "/blobServices/default/containers/models/blobs/" + model + "/2/package.zip");
        ((ObjectNode) event.get("data")).put("eTag", "\"" + blob.etag() + "\"").put("contentLength", blob.size());

        deliver(event.toString());

        assertThat(app.services().registry().get(model, "2").sha256()).isEqualTo(RegistryPackages.sha256(zip));
    }

    @Test
    void malformedOrUnknown_isLoggedNeverThrown() {
        assertThatCode(() -> {
            deliver("[{");
            deliver("\"x\"");
            deliver(new String(EventFixtures.bytes("eventgrid-subscription-validation.json"), StandardCharsets.UTF_8));
            deliver("[{\"id\":\"" + UUID.randomUUID() + "\",\"eventType\":\"Microsoft.Resources.ResourceWriteSuccess\",\"data\":{}}]");
        }).doesNotThrowAnyException();
    }

    private List<EventRecord> auditOf(String name) {
        return new dev.verge.cloud.port.JsonCollection<>(app.services().metadata(), EventRecord.COLLECTION, EventRecord.class)
                .list("eventgrid/").stream().map(r -> r.value()).filter(r -> name.equals(r.model())).toList();
    }
}
