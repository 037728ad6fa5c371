package dev.verge.cloud.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.BlobTrigger;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.verge.cloud.azure.events.BlobCreatedEvent;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.registry.UploadOutcome;
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
        for (BlobCreatedEvent created : BlobCreatedEvent.parse(event)) {
            String key = app.get().blobs().keyOf(created.container(), created.name());
            log(context, key, app.get().services().registry().onPackageUploaded(key, created.etag(), created.size(),
                    PackageSource.bucket(created.container(), "event-grid")));
        }
    }

    @FunctionName("modelBlob")
    public void onBlob(
            @BlobTrigger(name = "content", path = "%VERGE_MODELS_CONTAINER%/{name}", connection = "VERGE_STORAGE", dataType = "binary")
            byte[] content,
            @BindingName("name") String name,
            ExecutionContext context) {
        String key = app.get().blobs().keyOf(app.get().modelsContainer(), name);
        app.get().blobs().head(key).ifPresent(blob -> log(context, key, app.get().services().registry()
                .onPackageUploaded(key, blob.etag(), blob.size(), PackageSource.bucket(app.get().modelsContainer(), "blob-trigger"))));
    }

    private static void log(ExecutionContext context, String key, UploadOutcome outcome) {
        context.getLogger().info(key + ": " + outcome.result() + (outcome.reason() == null ? "" : " (" + outcome.reason() + ")"));
    }
}
