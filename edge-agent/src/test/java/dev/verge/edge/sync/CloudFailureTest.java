package dev.verge.edge.sync;

import static dev.verge.edge.sync.Eventually.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.DemoModels;
import dev.verge.inference.runtime.ModelSlot;
import dev.verge.inference.runtime.ThreadSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cloud that is down, slow, broken or talking garbage never stops the agent from serving what it has. */
class CloudFailureTest {
    @TempDir
    Path dir;
    private FakeCloud cloud;
    private SyncedAgent agent;

    @BeforeEach
    void serveVersion1() {
        cloud = FakeCloud.start();
        agent = SyncedAgent.start(SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("state"))
                .withTimings(Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofMillis(20), Duration.ofMillis(200)));
        cloud.deploy(DemoModels.NAME, "1", Packages.fruitQuality(dir, "1"));
        EVENTUALLY.alias("version 1 served").until(() -> "1".equals(agent.servedVersion()));
    }

    @AfterEach
    void stop() {
        agent.close();
        cloud.close();
    }

    @Test
    void cloud_down_agentServesOnAndKnowsWhy() {
        cloud.close();

        EVENTUALLY.alias("the poll failed")
                .until(() -> agent.sync.lastError().map(e -> e.code().equals("cloud_unreachable")).orElse(false));

        assertServingVersion1();
    }

    @Test
    void cloud_answersGarbage_agentServesOnAndReportsItOnceTheCloudRecovers() {
        cloud.mode(FakeCloud.Mode.GARBAGE);
        EVENTUALLY.alias("the answer refused")
                .until(() -> agent.sync.lastError().map(e -> e.code().equals("cloud_answer_invalid")).orElse(false));
        assertServingVersion1();

        cloud.mode(FakeCloud.Mode.OK);

        EVENTUALLY.alias("the garbage reported").until(() -> !cloud.reportsWithError("cloud_answer_invalid").isEmpty());
        EVENTUALLY.alias("a clean report after it").until(() -> cloud.lastReport().path("lastError").isNull());
        assertServingVersion1();
    }

    @Test
    void cloud_answers500_agentServesOnAndKnowsWhy() {
        cloud.mode(FakeCloud.Mode.ERROR);

        EVENTUALLY.alias("the poll failed")
                .until(() -> agent.sync.lastError().map(e -> e.code().equals("cloud_status_unexpected")
                && e.message().contains("500")).orElse(false));

        assertServingVersion1();
    }

    @Test
    void cloud_slowerThanTheTimeout_pollGivesUpAndAgentServesOn() {
        cloud.slowness(Duration.ofSeconds(5));
        cloud.mode(FakeCloud.Mode.SLOW);

        EVENTUALLY.alias("the poll timed out").atMost(Duration.ofSeconds(10))
                .until(() -> agent.sync.lastError().map(e -> e.code().equals("cloud_timeout")).orElse(false));

        assertServingVersion1();
    }

    @Test
    void cloud_newVersionWhileSlow_installedOnceItAnswersAgain() {
        cloud.mode(FakeCloud.Mode.SLOW);
        cloud.deploy(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"));
        EVENTUALLY.alias("the poll timed out").atMost(Duration.ofSeconds(10))
                .until(() -> agent.sync.lastError().map(e -> e.code().equals("cloud_timeout")).orElse(false));

        cloud.mode(FakeCloud.Mode.OK);

        EVENTUALLY.alias("version 2 served").until(() -> "2".equals(agent.servedVersion()));
    }

    private void assertServingVersion1() {
        SyncedAgent.Answer answer = agent.classify();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.iteration()).isEqualTo("1");
    }

    @Test
    void backoff_cloudDown_delaysDoubleUpToTheCapAndNoFurther(@TempDir Path stateDir) {
        Duration retryDelay = Duration.ofMillis(10);
        Duration maxBackoff = Duration.ofMillis(80);
        SyncSettings settings = SyncedAgent.settings(SyncedAgent.unreachableCloud(), cloud.trustedKey(), stateDir)
                .withTimings(Duration.ofMillis(50), Duration.ofMillis(400), retryDelay, maxBackoff);
        List<Duration> delays = new CopyOnWriteArrayList<>();
        try (ModelSlot slot = new ModelSlot(); ModelSync sync = ModelSync.create(settings, new ThreadSettings(1, 1), slot)) {
            sync.onBackoff(delays::add);
            sync.start();
            EVENTUALLY.alias("twelve retries").until(() -> delays.size() >= 12);
        }

        double jitter = ModelSync.BACKOFF_JITTER;
        List<Duration> first12 = delays.subList(0, 12);
        assertThat(first12.get(0).toNanos()).isLessThanOrEqualTo((long) (retryDelay.toNanos() * (1 + jitter)));
        assertThat(first12).allSatisfy(d -> assertThat(d.toNanos())
                .isBetween((long) (retryDelay.toNanos() * (1 - jitter)), (long) (maxBackoff.toNanos() * (1 + jitter))));
        // 10, 20, 40, 80, then the cap: the last eight are all at the cap, within the jitter
        assertThat(first12.subList(4, 12)).allSatisfy(d -> assertThat(d.toNanos())
                .isGreaterThanOrEqualTo((long) (maxBackoff.toNanos() * (1 - jitter))));
        System.out.println("backoff delays with the cloud down (ms): " + first12.stream().map(Duration::toMillis).toList());
    }
}
