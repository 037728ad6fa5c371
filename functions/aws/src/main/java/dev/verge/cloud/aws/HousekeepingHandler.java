package dev.verge.cloud.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.retention.Housekeeping;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Housekeeping on a schedule (an EventBridge rule, {@code rate(1 hour)}): compacts old group rollups from hourly to
 * daily documents. Expired documents need nothing here: the table's TTL deletes them. Answers what it did.
 * Handler: {@code dev.verge.cloud.aws.HousekeepingHandler::handleRequest}.
 */
public final class HousekeepingHandler implements RequestStreamHandler {
    private final CloudServices services;

    public HousekeepingHandler() {
        this(AwsServices.SERVICES);
    }

    HousekeepingHandler(CloudServices services) {
        this.services = services;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.transferTo(OutputStream.nullOutputStream());
        Housekeeping.Result result = services.analytics().housekeeping().run();
        CloudJson.mapper().writeValue(output, result);
    }
}
