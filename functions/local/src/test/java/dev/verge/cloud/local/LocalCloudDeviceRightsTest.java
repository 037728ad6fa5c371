package dev.verge.cloud.local;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.DeviceRightsContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The device authorization matrix against {@link LocalCloud} over real HTTP, with the signing
 * key it makes itself.
 */
class LocalCloudDeviceRightsTest extends DeviceRightsContract {
    private static final String KEY = "local-rights-test-key-5a7e31";

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
