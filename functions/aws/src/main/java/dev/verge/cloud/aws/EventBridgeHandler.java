package dev.verge.cloud.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.events.EventIntake;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * Amazon EventBridge rules for ECR {@code ECR Image Action} and S3 {@code Object Created}: each event
 * goes to the registry's event intake (functions/core), which records, registers or ignores it and
 * keeps an audit entry. Answers the outcome as JSON and never throws: a thrown error would make
 * EventBridge retry an event the intake already judged, so failures are logged and answered instead.
 * Handler: {@code dev.verge.cloud.aws.EventBridgeHandler::handleRequest}.
 */
public final class EventBridgeHandler implements RequestStreamHandler {
    private static final System.Logger LOG = System.getLogger(EventBridgeHandler.class.getName());
    private final EventIntake intake;

    public EventBridgeHandler() {
        this(AwsServices.SERVICES);
    }

    EventBridgeHandler(CloudServices services) {
        this.intake = services.eventIntake();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Object answer;
        try {
            EventIntake.Answer result = intake.eventBridge(input.readAllBytes());
            answer = Map.of("status", result.status(), "answer", result.body());
        } catch (RuntimeException | IOException e) {
            LOG.log(Level.ERROR, "the EventBridge event could not be read", e);
            answer = Map.of("status", 400, "answer", Map.of("error", "event_unreadable", "message", String.valueOf(e.getMessage())));
        }
        CloudJson.mapper().writeValue(output, answer);
    }
}
