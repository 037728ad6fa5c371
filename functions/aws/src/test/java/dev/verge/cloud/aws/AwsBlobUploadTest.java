package dev.verge.cloud.aws;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.events.BlobUploadContract;
import dev.verge.cloud.events.EventSource;
import dev.verge.cloud.port.BlobInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The blob-upload contract through both AWS doors of one runtime on s3proxy and dynalite, fed the real payloads. */
class AwsBlobUploadTest {
    private static CloudServices services;

    @BeforeAll
    static void start() {
        services = Emulators.newServices(CloudConfig.withApiKeys("aws-blobs-key-0123456789").withEvents(BlobUploadContract.events()));
    }

    private static String bucket() {
        return ((S3BlobStore) services.blobs()).bucket();
    }

    /** {@link S3UploadHandler}, fed the S3 notification fixture. */
    @Nested
    class S3Notifications extends BlobUploadContract {
        private final S3UploadHandler handler = new S3UploadHandler(services);

        S3Notifications() {
            super(EventSource.S3);
        }

        @Override
        protected CloudServices services() {
            return services;
        }

        @Override
        protected void announce(BlobInfo blob) throws Exception {
            handler.handleRequest(new ByteArrayInputStream(s3Notification(bucket(), blob)), new ByteArrayOutputStream(), null);
        }
    }

    /** {@link EventBridgeHandler}, fed the EventBridge {@code Object Created} fixture. */
    @Nested
    class EventBridge extends BlobUploadContract {
        private final EventBridgeHandler handler = new EventBridgeHandler(services);

        EventBridge() {
            super(EventSource.EVENTBRIDGE);
        }

        @Override
        protected CloudServices services() {
            return services;
        }

        @Override
        protected void announce(BlobInfo blob) throws Exception {
            handler.handleRequest(new ByteArrayInputStream(eventBridge(bucket(), blob)), new ByteArrayOutputStream(), null);
        }
    }
}
