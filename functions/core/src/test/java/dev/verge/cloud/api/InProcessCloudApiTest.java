package dev.verge.cloud.api;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;

/** The HTTP contract against {@link CloudApi} called directly, with in-memory stores. */
class InProcessCloudApiTest extends CloudApiContract {
    private static final String KEY = "in-process-test-key-0123456789";
    private static CloudApi api;

    @BeforeAll
    static void start() {
        api = CloudServices.create(new InMemoryBlobStore(), new InMemoryMetadataStore(), Clock.systemUTC(),
                CloudConfig.withApiKeys(KEY)).api();
    }

    @Override
    protected ApiResponse send(ApiRequest request) {
        return api.handle(request);
    }

    @Override
    protected String apiKey() {
        return KEY;
    }
}
