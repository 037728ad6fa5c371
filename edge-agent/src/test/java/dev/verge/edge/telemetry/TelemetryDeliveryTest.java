package dev.verge.edge.telemetry;

import static dev.verge.edge.telemetry.TestEvents.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.edge.PredictionListener;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal and the uplink against a fake cloud that goes down, fails, answers late and repeats itself. */
class TelemetryDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Telemetry.Tuning FAST = new Telemetry.Tuning(8192, Duration.ofMillis(20), Duration.ofMillis(200),
            Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC(), () -> 0.99);

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private Telemetry telemetry;

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
    }

    @AfterEach
    void stop() {
        if (telemetry != null) {
            telemetry.close();
        }
        cloud.close();
    }

    private Telemetry start(TelemetrySettings settings, Telemetry.Tuning tuning) {
        telemetry = Telemetry.start(settings, new PrometheusRegistry(), tuning);
        return telemetry;
    }

    private TelemetrySettings settings(int batchSize) {
        return TelemetrySettings.defaults()
                .withEnabled(true)
                .withCloud(cloud.uri(), FakeCloud.DEVICE_ID, FakeCloud.DEVICE_KEY)
                .withJournal(dir.resolve("telemetry.db"), 256L * 1024 * 1024, Duration.ofDays(7))
                .withBatches(batchSize, Duration.ofMillis(100));
    }

    private static void produce(PredictionListener listener, int from, int to) {
        for (int n = from; n < to; n++) {
            listener.onPrediction(n % 10 == 9 ? TestEvents.failed(n) : TestEvents.answered(n, 0.9));
        }
    }

    /** Record n has time BASE + n ms: the distinct times the cloud saw. */
    private Set<String> distinctTimes() {
        Set<String> times = new HashSet<>();
        for (JsonNode record : cloud.records) {
            times.add(record.get("time").asText());
        }
        return times;
    }

    @Test
    void backlogOf10000AfterAnOutage_flakyCloud_drainsWithTheShortestBackoffAndEveryRecordOnce() {
        cloud.mode(FakeCloud.Mode.DOWN);
        Telemetry.Tuning tuning = new Telemetry.Tuning(16384, Duration.ofMillis(20), Duration.ofSeconds(2),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC(), () -> 0.99);
        Telemetry t = start(settings(500), tuning);
        produce(t.listener(), 0, 10_000);
        EVENTUALLY.alias("10000 records journaled").atMost(WAIT).until(() -> t.journal().depth() == 10_000);
        EVENTUALLY.alias("the backoff grown by an outage").atMost(WAIT).until(() -> cloud.telemetryRequests.get() >= 7);

        long back = System.nanoTime();
        int requestsBefore = cloud.telemetryRequests.get();
        cloud.mode(FakeCloud.Mode.FLAKY); // back, but every fifth call fails
        EVENTUALLY.alias("the backlog drained").atMost(WAIT).until(() -> t.metrics().deliveredTotal() == 10_000);
        long drainMs = (System.nanoTime() - back) / 1_000_000;

        assertThat(distinctTimes()).hasSize(10_000);
        assertThat(cloud.acceptedRecords()).isEqualTo(10_000);
        int requests = cloud.telemetryRequests.get() - requestsBefore;
        // the figure for the README; the test asserts only what it must: every record, once
        System.out.println("drain: 10000 waiting records delivered in " + drainMs + " ms after the cloud came back, "
                + requests + " sends (20 batches of 500, the failed fifths retried after the shortest backoff)");
    }

    @Test
    void offline_thenReconnect_everyRecordDeliveredExactlyOnce() {
        cloud.mode(FakeCloud.Mode.DOWN);
        Telemetry t = start(settings(40), FAST);

        produce(t.listener(), 0, 1000);
        EVENTUALLY.alias("1000 records journaled").atMost(WAIT).until(() -> t.journal().depth() == 1000);
        EVENTUALLY.alias("the agent retrying").atMost(WAIT).until(() -> cloud.telemetryRequests.get() >= 3);
        assertThat(cloud.acceptedRecords()).isZero();

        cloud.mode(FakeCloud.Mode.UP);
        produce(t.listener(), 1000, 1200); // traffic goes on while the backlog drains
        // the sender deletes a batch, then counts it delivered: wait for the count too
        EVENTUALLY.alias("the journal drained").atMost(WAIT).until(() -> t.journal().depth() == 0
                && cloud.acceptedRecords() == 1200 && t.metrics().deliveredTotal() >= 1200);

        assertThat(cloud.acceptedRecords()).isEqualTo(1200);
        assertThat(distinctTimes()).hasSize(1200);
        assertThat(cloud.droppedReported.get()).isZero();
        assertThat(cloud.envelopes).allSatisfy(batch -> {
            assertThat(batch.get("deviceId").asText()).isEqualTo(FakeCloud.DEVICE_ID);
            assertThat(batch.get("records").size()).isBetween(1, 40);
        });
        assertThat(t.metrics().deliveredTotal()).isEqualTo(1200);
    }

    @Test
    void cloudFailingThenSlow_batchResentWithSameId_cloudCountsItOnce() {
        cloud.mode(FakeCloud.Mode.FAILING);
        cloud.slowness(Duration.ofMillis(1500));
        Telemetry.Tuning shortTimeout = new Telemetry.Tuning(8192, Duration.ofMillis(20), Duration.ofMillis(200),
                Duration.ofSeconds(2), Duration.ofMillis(500), Clock.systemUTC(), () -> 0.99);
        Telemetry t = start(settings(500), shortTimeout);

        produce(t.listener(), 0, 100);
        EVENTUALLY.alias("failed sends").atMost(WAIT).until(() -> cloud.telemetryRequests.get() >= 2);
        cloud.mode(FakeCloud.Mode.SLOW); // stores the batch, answers after the agent gave up
        EVENTUALLY.alias("the batch stored once").atMost(WAIT).until(() -> cloud.acceptedRecords() == 100);
        cloud.mode(FakeCloud.Mode.UP);
        EVENTUALLY.alias("the resend acknowledged as a duplicate").atMost(WAIT)
                .until(() -> t.journal().depth() == 0 && t.metrics().deliveredTotal() >= 100);

        assertThat(cloud.duplicates.get()).isGreaterThanOrEqualTo(1);
        assertThat(cloud.acceptedRecords()).isEqualTo(100);
        assertThat(distinctTimes()).hasSize(100);
        assertThat(t.metrics().deliveredTotal()).isEqualTo(100);
    }

    @Test
    void journalCap_reachedWhileOffline_oldestDroppedAndReported() throws Exception {
        cloud.mode(FakeCloud.Mode.DOWN);
        long cap = 128 * 1024;
        Telemetry t = start(settings(100).withJournal(dir.resolve("telemetry.db"), cap, Duration.ofDays(7)), FAST);

        int produced = 3000;
        for (int from = 0; from < produced; from += 100) {
            produce(t.listener(), from, from + 100);
            Thread.sleep(5); // spread over several group commits, as traffic would be
        }
        EVENTUALLY.alias("every record journaled or dropped").atMost(WAIT)
                .until(() -> t.journal().depth() + t.metrics().droppedTotal() == produced);
        assertThat(t.metrics().droppedTotal()).isPositive();
        assertThat(t.journal().depth()).isLessThan(produced);
        assertThat(Files.size(dir.resolve("telemetry.db"))).as("database file").isLessThan(cap + 1024 * 1024);

        cloud.mode(FakeCloud.Mode.UP);
        EVENTUALLY.alias("the journal drained").atMost(WAIT).until(() -> t.journal().depth() == 0);

        assertThat(cloud.acceptedRecords() + cloud.droppedReported.get()).isEqualTo(produced);
        assertThat(cloud.droppedReported.get()).isEqualTo(t.metrics().droppedTotal());
        // the newest records survive; of the oldest half only the batch that was in flight when the cap hit
        Set<String> times = distinctTimes();
        assertThat(times).contains(TestEvents.BASE.plusMillis(produced - 1).toString());
        long oldHalf = java.util.stream.IntStream.range(0, produced / 2)
                .filter(n -> times.contains(TestEvents.BASE.plusMillis(n).toString())).count();
        assertThat(oldHalf).isLessThanOrEqualTo(100);
    }

    @Test
    void writerBehind_queueFull_recordsDroppedCountedAndReported() {
        cloud.mode(FakeCloud.Mode.DOWN);
        Telemetry.Tuning tinyQueue = new Telemetry.Tuning(2, Duration.ofMillis(20), Duration.ofMillis(200),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC(), () -> 0.99);
        Telemetry t = start(settings(500), tinyQueue);

        int produced = 2000;
        produce(t.listener(), 0, produced); // far faster than a queue of 2 drains
        EVENTUALLY.alias("every record journaled or dropped").atMost(WAIT)
                .until(() -> t.journal().depth() + t.metrics().droppedTotal() == produced);
        assertThat(t.metrics().droppedTotal()).isPositive();

        cloud.mode(FakeCloud.Mode.UP);
        EVENTUALLY.alias("the journal drained and the drops reported").atMost(WAIT)
                .until(() -> t.journal().depth() == 0 && cloud.droppedReported.get() == t.metrics().droppedTotal());

        assertThat(cloud.acceptedRecords() + cloud.droppedReported.get()).isEqualTo(produced);
    }

    @Test
    void batchRefusedWhole_keptAndRetried_deliveredOnceTheCloudTakesIt() {
        cloud.mode(FakeCloud.Mode.REFUSING);
        Telemetry t = start(settings(500), FAST);

        produce(t.listener(), 0, 10);
        EVENTUALLY.alias("several refused tries").atMost(WAIT).until(() -> cloud.telemetryRequests.get() >= 3);
        assertThat(t.journal().depth()).isEqualTo(10);
        cloud.mode(FakeCloud.Mode.UP);
        produce(t.listener(), 10, 20);
        EVENTUALLY.alias("every record delivered").atMost(WAIT)
                .until(() -> cloud.acceptedRecords() == 20 && t.metrics().deliveredTotal() == 20);

        assertThat(distinctTimes()).hasSize(20);
        assertThat(t.metrics().deliveredTotal()).isEqualTo(20);
    }

    @Test
    void recordsRejectedOneByOne_batchDeleted_countedAsRejectedTheOthersDelivered() {
        cloud.rejectRecords(record -> record.get("status").asInt() >= 400);
        Telemetry t = start(settings(500), FAST);

        produce(t.listener(), 0, 30);
        EVENTUALLY.alias("the journal drained").atMost(WAIT).until(() -> t.metrics().deliveredTotal() + t.metrics().rejectedTotal() == 30);

        assertThat(cloud.rejected).hasSize(3);
        assertThat(t.metrics().deliveredTotal()).isEqualTo(27);
        assertThat(t.metrics().rejectedTotal()).isEqualTo(3);
    }

    @Test
    void wrongDeviceKey_unauthorized_recordsKeptAndRetried() {
        Telemetry t = start(settings(500).withCloud(cloud.uri(), FakeCloud.DEVICE_ID, "wrong"), FAST);

        produce(t.listener(), 0, 10);
        EVENTUALLY.alias("several refused tries").atMost(WAIT).until(() -> cloud.unauthorized.get() >= 3);

        assertThat(t.journal().depth()).isEqualTo(10);
        assertThat(cloud.acceptedRecords()).isZero();
    }

    @Test
    void record_fromPrediction_hasTheContractFields() {
        Telemetry t = start(settings(500), FAST);

        t.listener().onPrediction(TestEvents.answered(0, 0.97));
        t.listener().onPrediction(TestEvents.failed(1));
        EVENTUALLY.alias("two records").atMost(WAIT).until(() -> cloud.acceptedRecords() == 2);

        JsonNode ok = cloud.records.get(0);
        assertThat(ok.get("time").asText()).isEqualTo(TestEvents.BASE.toString());
        assertThat(ok.get("model").asText()).isEqualTo("fruit-quality");
        assertThat(ok.get("version").asText()).isEqualTo("3");
        assertThat(ok.get("route").asText()).isEqualTo("image");
        assertThat(ok.get("status").asInt()).isEqualTo(200);
        assertThat(ok.get("error").isNull()).isTrue();
        assertThat(ok.get("label").asText()).isEqualTo("ripe");
        assertThat(ok.get("probability").asDouble()).isEqualTo(0.97);
        assertThat(ok.get("decodeMs").asDouble()).isEqualTo(1.2);
        assertThat(ok.get("preprocessMs").asDouble()).isEqualTo(0.5);
        assertThat(ok.get("inferMs").asDouble()).isEqualTo(2.1);
        assertThat(ok.get("inputBytes").asLong()).isEqualTo(TestEvents.jpeg().length);
        assertThat(ok.get("detections").isNull()).isTrue();
        JsonNode failed = cloud.records.get(1);
        assertThat(failed.get("status").asInt()).isEqualTo(400);
        assertThat(failed.get("error").asText()).isEqualTo("image_empty");
        assertThat(failed.get("label").isNull()).isTrue();
        assertThat(failed.get("probability").isNull()).isTrue();
    }
}
