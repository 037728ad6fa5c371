package dev.verge.cloud.azure;

import dev.verge.cloud.CloudServices;
import dev.verge.cloud.azure.storage.Azurite;
import dev.verge.cloud.events.BlobUploadContract;
import dev.verge.cloud.events.EventSource;
import dev.verge.cloud.port.BlobInfo;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The blob-upload contract through the blob trigger {@code modelBlob} (the blob's name and bytes, as the worker passes them), over Azurite. */
class BlobTriggerBlobUploadTest extends BlobUploadContract {
    private static AzureApp app;
    private static ModelBlobFunction function;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>(env());
        settings.put("VERGE_STORAGE", Azurite.shared().connectionString());
        settings.put("VERGE_TABLE", "blobuploadtrigger");
        settings.put("VERGE_API_KEY", "unused-here-0123456789");
        app = AzureApp.create(settings);
        function = new ModelBlobFunction(() -> app);
    }

    @Override
    protected CloudServices services() {
        return app.services();
    }

    @Override
    protected EventSource door() {
        return EventSource.BLOBTRIGGER;
    }

    @Override
    protected void announce(BlobInfo blob) {
        byte[] content = app.blobs().get(blob.key()).map(in -> {
            try (in) {
                return in.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).orElseThrow();
        function.onBlob(content, app.blobs().locate(blob.key()).blobName(), new TestExecutionContext("modelBlob"));
    }
}
