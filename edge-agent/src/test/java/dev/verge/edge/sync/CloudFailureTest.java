package dev.verge.edge.sync;

import static dev.verge.edge.sync.Eventually.await;
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
        await("version 1 served", () -> "1".equals(agent.servedVersion()));
    }

    @AfterEach
    void stop() {
        agent.close();
        cloud.close();
    }

    @Test
    void cloud_down_agentServesOnAndKnowsWhy() {
        cloud.close();

        await("the poll failed", () -> agent.sync.lastError().map(e -> e.code().equals("cloud_unreachable")).orElse(false));

        assertServingVersion1();
    }

    @Test
    void cloud_answersGarbage_agentServesOnAndReportsItOnceTheCloudRecovers() {
        cloud.mode(FakeCloud.Mode.GARBAGE);
        await("the answer refused", () -> agent.sync.lastError().map(e -> e.code().equals("cloud_answer_invalid")).orElse(false));
        assertServingVersion1();

        cloud.mode(FakeCloud.Mode.OK);

        await("the garbage reported", () -> !cloud.reportsWithError("cloud_answer_invalid").isEmpty());
        await("a clean report after it", () -> cloud.lastReport().path("lastError").isNull());
        assertServingVersion1();
    }

    @Test
    void cloud_answers500_agentServesOnAndKnowsWhy() {
        cloud.mode(FakeCloud.Mode.ERROR);

        await("the poll failed", () -> agent.sync.lastError().map(e -> e.code().equals("cloud_status_unexpected")
                && e.message().contains("500")).orElse(false));

        assertServingVersion1();
    }

    @Test
    void cloud_slowerThanTheTimeout_pollGivesUpAndAgentServesOn() {
        cloud.slowness(Duration.ofSeconds(5));
        cloud.mode(FakeCloud.Mode.SLOW);

        await("the poll timed out", Duration.ofSeconds(10),
                () -> agent.sync.lastError().map(e -> e.code().equals("cloud_timeout")).orElse(false));

        assertServingVersion1();
    }

    @Test
    void cloud_newVersionWhileSlow_installedOnceItAnswersAgain() {
        cloud.mode(FakeCloud.Mode.SLOW);
        cloud.deploy(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"));
        await("the poll timed out", Duration.ofSeconds(10),
                () -> agent.sync.lastError().map(e -> e.code().equals("cloud_timeout")).orElse(false));

        cloud.mode(FakeCloud.Mode.OK);

        await("version 2 served", () -> "2".equals(agent.servedVersion()));
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
            await("twelve retries", () -> delays.size() >= 12);
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
