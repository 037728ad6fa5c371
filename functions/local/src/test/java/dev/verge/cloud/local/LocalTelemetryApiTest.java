package dev.verge.cloud.local;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.telemetry.TelemetryApiContract;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The telemetry contract against {@link LocalCloud} over real HTTP, on SQLite and the filesystem. */
class LocalTelemetryApiTest extends TelemetryApiContract {
    private static final String KEY = "local-telemetry-key-91c2";

    private static Path data;
    private static LocalCloud cloud;
    private static HttpApiClient client;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("verge-local-telemetry-");
        cloud = LocalCloud.start(LocalCloud.Settings.of(data, CloudConfig.withApiKeys(KEY)));
        client = new HttpApiClient(cloud.baseUri());
    }

    @AfterAll
    static void stop() throws Exception {
        cloud.close();
        try (var paths = Files.walk(data)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    protected ApiResponse send(ApiRequest request) throws Exception {
        return client.send(request);
    }

    @Override
    protected String apiKey() {
        return KEY;
    }
}
