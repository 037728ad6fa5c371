package dev.verge.cloud.local;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.events.EventFixtures;
import dev.verge.cloud.events.EventsContract;
import dev.verge.cloud.port.BlobStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The webhook and Event Grid contract against {@link LocalCloud} over real HTTP on a random port. */
class LocalCloudEventsTest extends EventsContract {
    private static final String KEY = "local-events-test-key-1c7e2b";

    private static RunningLocalCloud local;

    @BeforeAll
    static void start() throws Exception {
        // a long rescan: events, not the folder watcher, register the packages these tests drop
        local = RunningLocalCloud.start(CloudConfig.withApiKeys(KEY).withEvents(EventFixtures.config()),
                settings -> settings.withTimings(Duration.ofHours(1), Duration.ofSeconds(1)));
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

    @Override
    protected BlobStore blobs() {
        return local.cloud.services().blobs();
    }
}
