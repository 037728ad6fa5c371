package dev.verge.cloud.local;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.RolloutApiContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The devices and rollout HTTP contract against {@link LocalCloud} over real HTTP, with the signing
 * key it makes itself and package URLs served (signed) by its own blob download route.
 */
class LocalCloudRolloutApiTest extends RolloutApiContract {
    private static final String KEY = "local-rollout-test-key-91c2d4";

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
