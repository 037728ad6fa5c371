package dev.verge.cloud.aws;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.events.BlobUploadContract;
import dev.verge.cloud.events.EventSource;
import dev.verge.cloud.port.BlobInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.BeforeAll;

/** The blob-upload contract through {@link S3UploadHandler}, fed the S3 notification fixture, on s3proxy and dynalite. */
class S3UploadHandlerBlobUploadTest extends BlobUploadContract {
    private static CloudServices services;
    private static S3UploadHandler handler;

    @BeforeAll
    static void start() {
        services = Emulators.newServices(CloudConfig.withApiKeys("s3-blobs-key-0123456789").withEvents(events()));
        handler = new S3UploadHandler(services);
    }

    @Override
    protected CloudServices services() {
        return services;
    }

    @Override
    protected EventSource door() {
        return EventSource.S3;
    }

    @Override
    protected void announce(BlobInfo blob) throws Exception {
        byte[] event = s3Notification(((S3BlobStore) services.blobs()).bucket(), blob);
        handler.handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), null);
    }
}
