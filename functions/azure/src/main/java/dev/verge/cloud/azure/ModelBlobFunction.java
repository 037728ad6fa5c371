package dev.verge.cloud.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.BlobTrigger;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.events.BlobUpload;
import dev.verge.cloud.events.BlobUploads;
import dev.verge.cloud.events.EventIntake;
import dev.verge.cloud.events.EventSource;
import dev.verge.error.ErrorBody;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A model package dropped into the models container is registered. Two triggers reach the core's one
 * blob-upload path: Event Grid's BlobCreated (what Flex Consumption recommends), read by the event intake
 * as {@code eventGrid} reads it, and the blob trigger (polls; the worker receives the whole blob, unused:
 * the registry streams it). Both apply the same event rules and keep an audit record, and a package is
 * registered once whichever announces it first; switch one off with {@code AzureWebJobs.<function>.Disabled}.
 */
public class ModelBlobFunction {

    private final Supplier<AzureApp> app;

    public ModelBlobFunction() {
        this(AzureApp::get);
    }

    ModelBlobFunction(Supplier<AzureApp> app) {
        this.app = app;
    }

    /** Throws for a malformed event (Event Grid dead-letters it) and when a store failed (Event Grid retries). */
    @FunctionName("modelBlobCreated")
    public void onEvent(@EventGridTrigger(name = "event") String event, ExecutionContext context) {
        EventIntake.Answer answer = app.get().services().eventIntake()
                .eventGrid(event.getBytes(StandardCharsets.UTF_8), true, name -> Optional.empty(), name -> Optional.empty());
        context.getLogger().info("event grid: " + answer.status() + " " + CloudJson.toString(answer.body()));
        if (answer.status() >= 400 && answer.body() instanceof ErrorBody error) {
            throw new VergeException(answer.status() >= 500 ? ErrorKind.NOT_READY : ErrorKind.BAD_REQUEST, error.error(),
                    error.message());
        }
    }

    @FunctionName("modelBlob")
    public void onBlob(
            @BlobTrigger(name = "content", path = "%VERGE_MODELS_CONTAINER%/{name}", connection = "VERGE_STORAGE", dataType = "binary")
            byte[] content,
            @BindingName("name") String name,
            ExecutionContext context) {
        BlobUploads.Outcome outcome = app.get().services().blobUploads().received(EventSource.BLOBTRIGGER, "blob-trigger",
                BlobUpload.inContainer(app.get().modelsContainer(), name, "", -1));
        context.getLogger().info(name + ": " + outcome.result() + (outcome.reason() == null ? "" : " (" + outcome.reason() + ")"));
    }
}
