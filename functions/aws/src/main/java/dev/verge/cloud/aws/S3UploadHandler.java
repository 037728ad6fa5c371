package dev.verge.cloud.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.json.CloudJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * S3 {@code ObjectCreated} notifications of the models bucket: each record goes to the core's blob-upload
 * use case (see {@link S3UploadEvents}). Answers a JSON report of every record.
 * Handler: {@code dev.verge.cloud.aws.S3UploadHandler::handleRequest}.
 */
public final class S3UploadHandler implements RequestStreamHandler {
    private final S3UploadEvents events;

    public S3UploadHandler() {
        this(AwsServices.SERVICES);
    }

    S3UploadHandler(CloudServices services) {
        this.events = new S3UploadEvents(services.blobUploads(), CloudJson.mapper());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        CloudJson.mapper().writeValue(output, events.handle(input));
    }
}
