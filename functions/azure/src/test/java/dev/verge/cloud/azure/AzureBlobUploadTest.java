package dev.verge.cloud.azure;

import dev.verge.cloud.CloudServices;
import dev.verge.cloud.azure.storage.AzureBlobStore;
import dev.verge.cloud.azure.storage.Azurite;
import dev.verge.cloud.events.BlobUploadContract;
import dev.verge.cloud.events.EventSource;
import dev.verge.cloud.port.BlobInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The blob-upload contract through both triggers of {@link ModelBlobFunction}, over Azurite, fed what the host passes. */
class AzureBlobUploadTest {
    private static AzureApp app;
    private static ModelBlobFunction function;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>(BlobUploadContract.env());
        settings.put("VERGE_STORAGE", Azurite.shared().connectionString());
        settings.put("VERGE_TABLE", "blobuploaddoors");
        settings.put("VERGE_API_KEY", "unused-here-0123456789");
        app = AzureApp.create(settings);
        function = new ModelBlobFunction(() -> app);
    }

    /** {@code modelBlobCreated}, fed the Event Grid BlobCreated fixture. */
    @Nested
    class EventGridTrigger extends BlobUploadContract {
        EventGridTrigger() {
            super(EventSource.EVENTGRID);
        }

        @Override
        protected CloudServices services() {
            return app.services();
        }

        @Override
        protected void announce(BlobInfo blob) {
            AzureBlobStore.Location at = app.blobs().locate(blob.key());
            String event = new String(eventGrid(at.container(), at.blobName(), blob), StandardCharsets.UTF_8);
            function.onEvent(event, new TestExecutionContext("modelBlobCreated"));
        }
    }

    /** {@code modelBlob}, the blob trigger: the blob's name and bytes, as the worker passes them. */
    @Nested
    class BlobTrigger extends BlobUploadContract {
        BlobTrigger() {
            super(EventSource.BLOBTRIGGER);
        }

        @Override
        protected CloudServices services() {
            return app.services();
        }

        @Override
        protected void announce(BlobInfo blob) throws IOException {
            byte[] content;
            try (InputStream in = app.blobs().get(blob.key()).orElseThrow()) {
                content = in.readAllBytes();
            }
            function.onBlob(content, app.blobs().locate(blob.key()).blobName(), new TestExecutionContext("modelBlob"));
        }
    }
}
