package dev.verge.edge.telemetry;

import static dev.verge.edge.telemetry.TestEvents.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCaptureTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final AtomicReference<Double> random = new AtomicReference<>(0.99);
    private final TelemetryMetrics metrics = new TelemetryMetrics(new PrometheusRegistry());
    private SampleCapture capture;

    @AfterEach
    void close() {
        if (capture != null) {
            capture.close();
        }
    }

    private SampleStore store(long maxBytes) {
        return new SampleStore(dir.resolve("samples"), maxBytes, metrics);
    }

    private SampleCapture capture(SamplingPolicy policy, SampleStore store) {
        capture = new SampleCapture(policy, store, metrics, random::get);
        return capture;
    }

    @Test
    void defaultPolicy_off_keepsNothing() {
        SampleStore store = store(1 << 20);
        SampleCapture c = capture(SamplingPolicy.OFF, store);

        c.onPrediction(TestEvents.answered(0, 0.1));
        c.drain(WAIT);

        assertThat(store.list()).isEmpty();
    }

    @Test
    void threshold_belowKeptAboveNot_withPredictionInSidecar() {
        SampleStore store = store(1 << 20);
        SampleCapture c = capture(new SamplingPolicy(true, 0.5, 0.0, 100), store);

        c.onPrediction(TestEvents.answered(0, 0.3));
        c.onPrediction(TestEvents.answered(1, 0.9));
        c.onPrediction(TestEvents.failed(2));
        c.drain(WAIT);

        assertThat(store.list()).singleElement().satisfies(sample -> {
            assertThat(sample.model()).isEqualTo("fruit-quality");
            assertThat(sample.version()).isEqualTo("3");
            assertThat(sample.label()).isEqualTo("ripe");
            assertThat(sample.probability()).isEqualTo(0.3);
            assertThat(sample.contentType()).isEqualTo("image/jpeg");
            assertThat(sample.imageFile()).isEqualTo(sample.sampleId() + ".jpg");
        });
    }

    @Test
    void randomFraction_confidentImagesKeptWhenTheDrawFallsInside() {
        SampleStore store = store(1 << 20);
        SampleCapture c = capture(new SamplingPolicy(true, 0.5, 0.05, 100), store);

        random.set(0.5);
        c.onPrediction(TestEvents.answered(0, 0.9));
        random.set(0.01);
        c.onPrediction(TestEvents.answered(1, 0.9));
        c.drain(WAIT);

        assertThat(store.list()).singleElement().extracting(SampleStore.Sample::time)
                .isEqualTo(TestEvents.BASE.plusMillis(1).toString());
    }

    @Test
    void rateLimit_manyUnsureImages_atMostMaxPerHourKept() {
        SampleStore store = store(10 << 20);
        SampleCapture c = capture(new SamplingPolicy(true, 0.5, 0.0, 5), store);

        for (int n = 0; n < 40; n++) {
            c.onPrediction(TestEvents.answered(n, 0.2));
        }
        c.drain(WAIT);

        assertThat(store.list()).hasSize(5);
        assertThat(metrics.samples("rate_limited")).isEqualTo(35);
    }

    @Test
    void update_policyTurnedOn_startsKeeping() {
        SampleStore store = store(1 << 20);
        SampleCapture c = capture(SamplingPolicy.OFF, store);

        c.update(new SamplingPolicy(true, 0.5, 0.0, 10));
        c.onPrediction(TestEvents.answered(0, 0.2));
        c.drain(WAIT);

        assertThat(c.policy().enabled()).isTrue();
        assertThat(store.list()).hasSize(1);
    }

    @Test
    void diskCap_reached_oldestSamplesDeleted() {
        int image = TestEvents.jpeg().length;
        SampleStore store = store(3L * (image + 1024));
        SampleCapture c = capture(new SamplingPolicy(true, 0.5, 0.0, 100), store);

        for (int n = 0; n < 6; n++) {
            c.onPrediction(TestEvents.answered(n, 0.2));
        }
        c.drain(WAIT);

        assertThat(store.list()).extracting(SampleStore.Sample::time).containsExactly(
                TestEvents.BASE.plusMillis(3).toString(), TestEvents.BASE.plusMillis(4).toString(),
                TestEvents.BASE.plusMillis(5).toString());
        assertThat(store.bytes()).isLessThanOrEqualTo(3L * (image + 1024));
        assertThat(metrics.samples("dropped_cap")).isEqualTo(3);
    }

    @Test
    void upload_cloudDownThenUp_eachSampleStoredOnceAndDeletedLocally() throws Exception {
        try (FakeCloud cloud = new FakeCloud()) {
            cloud.mode(FakeCloud.Mode.DOWN);
            TelemetrySettings settings = TelemetrySettings.defaults().withEnabled(true)
                    .withCloud(cloud.uri(), FakeCloud.DEVICE_ID, FakeCloud.DEVICE_KEY)
                    .withJournal(dir.resolve("telemetry.db"), 1 << 20, Duration.ofDays(7))
                    .withBatches(100, Duration.ofMillis(100))
                    .withSampling(new SamplingPolicy(true, 0.5, 0.0, 100), 10 << 20);
            Telemetry.Tuning fast = new Telemetry.Tuning(1024, Duration.ofMillis(20), Duration.ofMillis(200),
                    Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC(), () -> 0.99);
            try (Telemetry telemetry = Telemetry.start(settings, new PrometheusRegistry(), fast)) {
                for (int n = 0; n < 4; n++) {
                    telemetry.listener().onPrediction(TestEvents.answered(n, n < 3 ? 0.25 : 0.9));
                }
                EVENTUALLY.alias("sample uploads tried").atMost(WAIT)
                        .until(() -> cloud.sampleRequests.get() >= 2 || cloud.telemetryRequests.get() >= 3);
                cloud.mode(FakeCloud.Mode.UP);
                EVENTUALLY.alias("three samples stored").atMost(WAIT)
                        .until(() -> cloud.samples.size() == 3 && telemetry.journal().depth() == 0);
                EVENTUALLY.alias("local samples deleted").atMost(WAIT)
                        .until(() -> telemetry.metrics().samples("uploaded") == 3);

                assertThat(cloud.samples.values()).allSatisfy(sample -> {
                    assertThat(sample.contentType()).isEqualTo("image/jpeg");
                    assertThat(sample.image()).isEqualTo(TestEvents.jpeg());
                    assertThat(sample.query()).containsEntry("model", "fruit-quality").containsEntry("version", "3")
                            .containsEntry("label", "ripe").containsEntry("probability", "0.25")
                            .containsKey("sampleId");
                });
                assertThat(new SampleStore(settings.samplesDir(), 10 << 20, metrics).list()).isEmpty();
            }
        }
    }
}
