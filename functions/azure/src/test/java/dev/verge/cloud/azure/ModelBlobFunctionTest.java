package dev.verge.cloud.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.azure.storage.AzureTableMetadataStore;
import dev.verge.cloud.azure.storage.Azurite;
import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.registry.ModelVersion;
import dev.verge.cloud.registry.VersionStatus;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.error.VergeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Packages dropped into the models container of Azurite, announced by the Event Grid fixture (and its
 * CloudEvents variant) or by the blob trigger, end up registered in the Azurite table.
 */
class ModelBlobFunctionTest {

    private final String table = "blob" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private final AzureApp app = AzureApp.create(Map.of(
            "VERGE_STORAGE", Azurite.shared().connectionString(),
            "VERGE_TABLE", table,
            "VERGE_API_KEY", "unused-here-0123456789"));
    private final ModelBlobFunction function = new ModelBlobFunction(() -> app);
    private final TestExecutionContext context = new TestExecutionContext("modelBlobCreated");

    private BlobInfo drop(String key, byte[] bytes) {
        return app.blobs().put(key, new ByteArrayInputStream(bytes), bytes.length, "application/zip");
    }

    /** The fixture event, describing the blob that was really written. */
    private static String fixtureEventFor(BlobInfo blob) throws IOException {
        try (InputStream in = ModelBlobFunctionTest.class.getResourceAsStream("/events/eventgrid-blob-created.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("0x8D4BCC2E4835CD0", blob.etag())
                    .replace("184302", Long.toString(blob.size()));
        }
    }

    @Test
    void onEvent_fixtureForADroppedPackage_registersTheVersionInTheTable() throws Exception {
        byte[] zip = RegistryPackages.valid("fruit-quality", "3");
        BlobInfo blob = drop("models/fruit-quality/3/package.zip", zip);

        function.onEvent(fixtureEventFor(blob), context);

        ModelVersion version = app.services().registry().get("fruit-quality", "3");
        assertThat(version.status()).isEqualTo(VersionStatus.REGISTERED);
        assertThat(version.sha256()).isEqualTo(RegistryPackages.sha256(zip));
        // read back with a store of its own: the record really is in the Azurite table
        MetadataStore tableStore = new AzureTableMetadataStore(Azurite.shared().connection(), table);
        assertThat(tableStore.list("model-versions", "fruit-quality")).isNotEmpty();
        assertThat(context.logged).anyMatch(line -> line.contains("\"outcome\":\"registered\""));
    }

    @Test
    void onEvent_redelivered_changesNothing() throws Exception {
        BlobInfo blob = drop("models/fruit-quality/3/package.zip", RegistryPackages.valid("fruit-quality", "3"));
        String event = fixtureEventFor(blob);
        function.onEvent(event, context);
        ModelVersion first = app.services().registry().get("fruit-quality", "3");

        function.onEvent(event, context);

        assertThat(app.services().registry().get("fruit-quality", "3")).isEqualTo(first);
        assertThat(context.logged).last().asString().contains("\"duplicate\":true");
    }

    @Test
    void onEvent_cloudEventsSchemaForAnyKeyUnderModels_registersFromTheManifest() {
        String name = "m-" + UUID.randomUUID().toString().substring(0, 8);
        BlobInfo blob = drop("models/drops/" + name + " v2.zip", RegistryPackages.valid(name, "2"));
        String event = """
                {"specversion":"1.0","type":"Microsoft.Storage.BlobCreated","id":"ce-1",
                 "source":"/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/devstoreaccount1",
                 "subject":"/blobServices/default/containers/models/blobs/drops/%s v2.zip",
                 "data":{"api":"PutBlob","eTag":"\\"%s\\"","contentLength":%d,"contentType":"application/zip"}}
                """.formatted(name, blob.etag(), blob.size());

        function.onEvent(event, context);

        assertThat(app.services().registry().get(name, "2").status()).isEqualTo(VersionStatus.REGISTERED);
    }

    @Test
    void onEvent_notAPackage_isIgnoredAndRegistersNothing() {
        BlobInfo blob = drop("models/readme.txt", "hello".getBytes(StandardCharsets.UTF_8));
        String event = """
                {"eventType":"Microsoft.Storage.BlobCreated","id":"e","subject":"/blobServices/default/containers/models/blobs/readme.txt",
                 "data":{"eTag":"%s","contentLength":5}}
                """.formatted(blob.etag());

        function.onEvent(event, context);

        assertThat(app.services().registry().listModels()).isEmpty();
        assertThat(context.logged).anyMatch(line -> line.contains("\"outcome\":\"ignored\""));
    }

    @Test
    void onEvent_malformedEvent_failsAsBadRequest() {
        assertThatThrownBy(() -> function.onEvent("not json", context))
                .isInstanceOfSatisfying(VergeException.class, e -> assertThat(e.kind().httpStatus()).isEqualTo(400));
    }

    @Test
    void onBlob_blobTriggerWithNameAndBytes_registersTheVersion() {
        byte[] zip = RegistryPackages.valid("fruit-quality", "4");
        drop("models/fruit-quality/4/package.zip", zip);

        function.onBlob(zip, "fruit-quality/4/package.zip", new TestExecutionContext("modelBlob"));

        assertThat(app.services().registry().get("fruit-quality", "4").sha256()).isEqualTo(RegistryPackages.sha256(zip));
    }

    @Test
    void onBlob_brokenPackage_isRecordedRejected() {
        byte[] zip = RegistryPackages.digestMismatch("fruit-quality", "5");
        drop("models/fruit-quality/5/package.zip", zip);

        function.onBlob(zip, "fruit-quality/5/package.zip", context);

        assertThat(app.services().registry().get("fruit-quality", "5").status()).isEqualTo(VersionStatus.REJECTED);
    }
}
