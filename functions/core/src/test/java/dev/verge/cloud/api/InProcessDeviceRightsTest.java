package dev.verge.cloud.api;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.rollout.PackageSigner;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;

/** The device authorization matrix against {@link CloudApi} called directly, with in-memory stores. */
class InProcessDeviceRightsTest extends DeviceRightsContract {
    private static final String KEY = "in-process-rights-key-0123456789";
    private static CloudApi api;

    @BeforeAll
    static void start() {
        api = CloudServices.create(new InMemoryBlobStore(), new InMemoryMetadataStore(), Clock.systemUTC(),
                CloudConfig.withApiKeys(KEY).withSigningKey(PackageSigner.generate().privateKeyBase64())).api();
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
