package dev.verge.cloud.azure;

import dev.verge.cloud.CloudServices;
import dev.verge.cloud.azure.storage.AzureBlobStore;
import dev.verge.cloud.azure.storage.Azurite;
import dev.verge.cloud.events.BlobUploadContract;
import dev.verge.cloud.events.EventSource;
import dev.verge.cloud.port.BlobInfo;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The blob-upload contract through {@code modelBlobCreated}, fed the Event Grid BlobCreated fixture, over Azurite. */
class ModelBlobCreatedBlobUploadTest extends BlobUploadContract {
    private static AzureApp app;
    private static ModelBlobFunction function;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>(env());
        settings.put("VERGE_STORAGE", Azurite.shared().connectionString());
        settings.put("VERGE_TABLE", "blobuploadeventgrid");
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
        return EventSource.EVENTGRID;
    }

    @Override
    protected void announce(BlobInfo blob) {
        AzureBlobStore.Location at = app.blobs().locate(blob.key());
        String event = new String(eventGrid(at.container(), at.blobName(), blob), StandardCharsets.UTF_8);
        function.onEvent(event, new TestExecutionContext("modelBlobCreated"));
    }
}
