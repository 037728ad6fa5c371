package dev.verge.cloud.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.rollout.RolloutController;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * The rollout controller on a schedule (an EventBridge rule such as {@code rate(1 minute)}): promotes
 * canaries whose bake time passed and rolls back broken ones even when no device reports. The event
 * itself carries nothing the controller needs. Answers what it changed.
 * Handler: {@code dev.verge.cloud.aws.RolloutTickHandler::handleRequest}.
 */
public final class RolloutTickHandler implements RequestStreamHandler {
    private final CloudServices services;

    public RolloutTickHandler() {
        this(AwsServices.SERVICES);
    }

    RolloutTickHandler(CloudServices services) {
        this.services = services;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.transferTo(OutputStream.nullOutputStream());
        List<RolloutController.Outcome> outcomes = services.rollout().evaluate(services.clock().instant());
        CloudJson.mapper().writeValue(output, Map.of("evaluated", outcomes.size(), "outcomes", outcomes));
    }
}
