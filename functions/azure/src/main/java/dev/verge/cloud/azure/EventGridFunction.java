package dev.verge.cloud.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.events.EventIntake;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;

/**
 * Every Event Grid event of the registry's subscriptions (ACR {@code ImagePushed} / {@code ImageDeleted},
 * Storage {@code BlobCreated}, Azure ML {@code ModelRegistered}; Event Grid or CloudEvents schema),
 * handed to the core event intake, which registers, promotes or ignores it with a reason and keeps an
 * audit entry ({@code GET /api/events}). The Functions host authenticated the delivery and answers the
 * validation handshake itself. Never throws: Event Grid would retry an event the intake already judged.
 */
public class EventGridFunction {

    private final Supplier<AzureApp> app;

    public EventGridFunction() {
        this(AzureApp::get);
    }

    EventGridFunction(Supplier<AzureApp> app) {
        this.app = app;
    }

    @FunctionName("eventGrid")
    public void onEvent(@EventGridTrigger(name = "event") String event, ExecutionContext context) {
        try {
            EventIntake.Answer answer = app.get().services().eventIntake()
                    .eventGrid(event.getBytes(StandardCharsets.UTF_8), true, name -> Optional.empty(), name -> Optional.empty());
            context.getLogger().info("event grid: " + answer.status() + " " + CloudJson.toString(answer.body()));
        } catch (RuntimeException e) {
            context.getLogger().log(Level.SEVERE, "the Event Grid event could not be handled", e);
        }
    }
}
