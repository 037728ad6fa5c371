package dev.verge.cloud.telemetry;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.CloudApi;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;

/** The telemetry contract against {@link CloudApi} called directly, with in-memory stores. */
class InProcessTelemetryApiTest extends TelemetryApiContract {
    private static final String KEY = "in-process-telemetry-key-0123";
    private static CloudApi api;

    @BeforeAll
    static void start() {
        api = CloudServices.create(new InMemoryBlobStore(), new InMemoryMetadataStore(), Clock.systemUTC(),
                CloudConfig.withApiKeys(KEY).withSigningKey(dev.verge.cloud.rollout.PackageSigner.generate().privateKeyBase64())).api();
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
