package dev.verge.cloud.aws;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.events.BlobUploadContract;
import dev.verge.cloud.events.EventSource;
import dev.verge.cloud.port.BlobInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.BeforeAll;

/** The blob-upload contract through {@link EventBridgeHandler}, fed the EventBridge {@code Object Created} fixture, on s3proxy and dynalite. */
class EventBridgeHandlerBlobUploadTest extends BlobUploadContract {
    private static CloudServices services;
    private static EventBridgeHandler handler;

    @BeforeAll
    static void start() {
        services = Emulators.newServices(CloudConfig.withApiKeys("eventbridge-blobs-key-0123456789").withEvents(events()));
        handler = new EventBridgeHandler(services);
    }

    @Override
    protected CloudServices services() {
        return services;
    }

    @Override
    protected EventSource door() {
        return EventSource.EVENTBRIDGE;
    }

    @Override
    protected void announce(BlobInfo blob) throws Exception {
        byte[] event = eventBridge(((S3BlobStore) services.blobs()).bucket(), blob);
        handler.handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), null);
    }
}
