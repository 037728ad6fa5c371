package dev.verge.edge.sync;

import static dev.verge.edge.sync.Eventually.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.DemoModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A download that broke off goes on from the bytes already on disk (HTTP Range), within a run and across restarts. */
class DownloadResumeTest {
    @TempDir
    Path dir;

    @Test
    void download_connectionBreaksHalfway_resumedFromTheLastByte() {
        byte[] v1 = Packages.fruitQuality(dir, "1");
        int half = v1.length / 2;
        try (FakeCloud cloud = FakeCloud.start();
             SyncedAgent agent = SyncedAgent.start(SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("state"))
                     .withTimings(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofMillis(20), Duration.ofMillis(200)))) {
            // the JDK server keeps the connection open after the short body: the agent sees a stall, not an EOF
            cloud.cutNextDownloadAfter(half);

            cloud.deploy(DemoModels.NAME, "1", v1);

            EVENTUALLY.alias("version 1 served").until(() -> "1".equals(agent.servedVersion()));
            assertThat(cloud.downloads).containsExactly("", "bytes=" + half + "-");
            assertThat(cloud.reportsWithError("package_download_failed")).isNotEmpty();
        }
    }

    @Test
    void download_partialFileFromBeforeARestart_resumedNotRestarted() throws Exception {
        byte[] v1 = Packages.fruitQuality(dir, "1");
        int third = v1.length / 3;
        try (FakeCloud cloud = FakeCloud.start()) {
            PackageRef ref = cloud.announce(DemoModels.NAME, "1", v1);
            Path downloads = Files.createDirectories(dir.resolve("state/downloads"));
            Files.write(downloads.resolve(ref.sha256() + ".part"), Arrays.copyOf(v1, third));

            try (SyncedAgent agent = SyncedAgent.start(SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("state")))) {
                cloud.deploy(ref, v1);

                EVENTUALLY.alias("version 1 served").until(() -> "1".equals(agent.servedVersion()));
                assertThat(cloud.downloads).containsExactly("bytes=" + third + "-");
                assertThat(downloads).isEmptyDirectory();
            }
        }
    }

    @Test
    void download_resumedBytesDoNotMatch_fetchedWholeOnTheNextTry() throws Exception {
        byte[] v1 = Packages.fruitQuality(dir, "1");
        try (FakeCloud cloud = FakeCloud.start()) {
            PackageRef ref = cloud.announce(DemoModels.NAME, "1", v1);
            Path downloads = Files.createDirectories(dir.resolve("state/downloads"));
            byte[] garbage = new byte[100];
            Arrays.fill(garbage, (byte) 7);
            Files.write(downloads.resolve(ref.sha256() + ".part"), garbage);

            try (SyncedAgent agent = SyncedAgent.start(SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("state")))) {
                cloud.deploy(ref, v1);

                EVENTUALLY.alias("version 1 served").until(() -> "1".equals(agent.servedVersion()));
                assertThat(cloud.downloads).containsExactly("bytes=100-", "");
                assertThat(cloud.reportsWithError("package_sha256_mismatch")).isNotEmpty();
                assertThat(downloads).isEmptyDirectory();
            }
        }
    }
}
