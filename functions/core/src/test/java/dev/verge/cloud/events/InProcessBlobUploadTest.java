package dev.verge.cloud.events;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;

/** The blob-upload contract through the core's EventBridge intake, with in-memory stores. */
class InProcessBlobUploadTest extends BlobUploadContract {
    private static CloudServices services;

    @BeforeAll
    static void start() {
        services = CloudServices.create(new InMemoryBlobStore(), new InMemoryMetadataStore(), Clock.systemUTC(),
                CloudConfig.withApiKeys("in-process-blobs-key-0123456789").withEvents(events()));
    }

    InProcessBlobUploadTest() {
        super(EventSource.EVENTBRIDGE);
    }

    @Override
    protected CloudServices services() {
        return services;
    }

    @Override
    protected void announce(BlobInfo blob) {
        services.eventIntake().eventBridge(eventBridge("verge-models-123456789012", blob));
    }
}
