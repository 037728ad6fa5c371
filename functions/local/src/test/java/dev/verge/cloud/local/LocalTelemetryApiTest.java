package dev.verge.cloud.local;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.telemetry.TelemetryApiContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The telemetry contract against {@link LocalCloud} over real HTTP, on SQLite and the filesystem. */
class LocalTelemetryApiTest extends TelemetryApiContract {
    private static final String KEY = "local-telemetry-key-91c2";

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
