package dev.verge.cloud.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.BlobTrigger;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.verge.cloud.azure.events.BlobCreatedEvent;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.registry.UploadOutcome;
import java.util.List;
import java.util.function.Supplier;

/**
 * A model package dropped into the models container is registered. Two triggers reach the same use
 * case: Event Grid's BlobCreated (what Flex Consumption recommends; the blob is then read as a stream)
 * and the blob trigger (polls; the worker receives the whole blob). Both are idempotent on the blob's
 * key and ETag, so running both is harmless; switch one off with {@code AzureWebJobs.<function>.Disabled}.
 */
public class ModelBlobFunction {

    private final Supplier<AzureApp> app;

    public ModelBlobFunction() {
        this(AzureApp::get);
    }

    ModelBlobFunction(Supplier<AzureApp> app) {
        this.app = app;
    }

    @FunctionName("modelBlobCreated")
    public void onEvent(@EventGridTrigger(name = "event") String event, ExecutionContext context) {
        List<BlobCreatedEvent> events = BlobCreatedEvent.parse(event); // a malformed event throws: Event Grid dead-letters it
        for (BlobCreatedEvent created : events) {
            app.get().blobs().keyOf(created.container(), created.name()).ifPresentOrElse(
                    key -> register(key, created.etag(), created.size(), "event-grid", context),
                    () -> context.getLogger().info(created.container() + " is not a container of this app; event ignored"));
        }
    }

    @FunctionName("modelBlob")
    public void onBlob(
            @BlobTrigger(name = "content", path = "%VERGE_MODELS_CONTAINER%/{name}", connection = "VERGE_STORAGE", dataType = "binary")
            byte[] content,
            @BindingName("name") String name,
            ExecutionContext context) {
        String key = app.get().blobs().keyOf(app.get().modelsContainer(), name).orElseThrow();
        app.get().blobs().head(key).ifPresent(blob -> register(key, blob.etag(), blob.size(), "blob-trigger", context));
    }

    private void register(String key, String etag, long size, String by, ExecutionContext context) {
        PackageSource source = PackageSource.bucket(app.get().blobs().locate(key).container(), by);
        UploadOutcome outcome = app.get().services().registry().onPackageUploaded(key, etag, size, source);
        context.getLogger().info(key + ": " + outcome.result() + (outcome.reason() == null ? "" : " (" + outcome.reason() + ")"));
    }
}
