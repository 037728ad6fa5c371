package dev.verge.cloud.local;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.CloudApiContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The registry HTTP contract against {@link LocalCloud} over real HTTP on a random port. */
class LocalCloudApiTest extends CloudApiContract {
    private static final String KEY = "local-cloud-test-key-6b1f0a";

    private static RunningLocalCloud local;

    @BeforeAll
    static void start() throws Exception {
        local = RunningLocalCloud.start(CloudConfig.withApiKeys(KEY));
    }

    @AfterAll
    static void stop() throws Exception {
        local.close();
    }

    @Override
    protected ApiResponse send(ApiRequest request) throws Exception {
        return local.client.send(request);
    }

    @Override
    protected String apiKey() {
        return KEY;
    }
}
