package dev.verge.cloud.local;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.events.EventFixtures;
import dev.verge.cloud.events.EventsContract;
import dev.verge.cloud.port.BlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The webhook and Event Grid contract against {@link LocalCloud} over real HTTP on a random port. */
class LocalCloudEventsTest extends EventsContract {
    private static final String KEY = "local-events-test-key-1c7e2b";

    private static Path data;
    private static LocalCloud cloud;
    private static HttpApiClient client;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("verge-local-events-");
        // a long rescan: events, not the folder watcher, register the packages these tests drop
        cloud = LocalCloud.start(LocalCloud.Settings.of(data, CloudConfig.withApiKeys(KEY).withEvents(EventFixtures.config()))
                .withTimings(Duration.ofHours(1), Duration.ofSeconds(1)));
        client = new HttpApiClient(cloud.baseUri());
    }

    @AfterAll
    static void stop() throws Exception {
        cloud.close();
        try (var paths = Files.walk(data)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
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

    @Override
    protected BlobStore blobs() {
        return cloud.services().blobs();
    }
}
