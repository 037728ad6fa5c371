package dev.verge.cloud.events;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.CloudApi;
import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;

/** The event contract against {@link CloudApi} called directly, with in-memory stores. */
class InProcessEventsTest extends EventsContract {
    private static final String KEY = "in-process-events-key-0123456789";
    private static CloudServices services;

    @BeforeAll
    static void start() {
        services = CloudServices.create(new InMemoryBlobStore(), new InMemoryMetadataStore(), Clock.systemUTC(),
                CloudConfig.withApiKeys(KEY).withEvents(EventFixtures.config()));
    }

    @Override
    protected ApiResponse send(ApiRequest request) {
        return services.api().handle(request);
    }

    @Override
    protected String apiKey() {
        return KEY;
    }

    @Override
    protected BlobStore blobs() {
        return services.blobs();
    }
}
