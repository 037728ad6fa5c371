package dev.verge.cloud.local;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.events.BlobUploadContract;
import dev.verge.cloud.events.EventSource;
import dev.verge.cloud.port.BlobInfo;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The blob-upload contract through {@link LocalCloud}'s watched {@code models/} folder: files written into
 * the blob folder, announced by a rescan (and by the watch service, after its quiet period).
 */
class FolderWatcherBlobUploadTest extends BlobUploadContract {
    private static RunningLocalCloud local;

    @BeforeAll
    static void start() throws Exception {
        local = RunningLocalCloud.start(CloudConfig.withApiKeys("local-blobs-key-0123456789").withEvents(events()),
                settings -> settings.withTimings(Duration.ofHours(1), Duration.ofMillis(200)));
    }

    @AfterAll
    static void stop() throws Exception {
        local.close();
    }

    FolderWatcherBlobUploadTest() {
        super(EventSource.FOLDER);
    }

    @Override
    protected CloudServices services() {
        return local.cloud.services();
    }

    @Override
    protected void announce(BlobInfo blob) {
        local.cloud.rescanNow();
    }
}
