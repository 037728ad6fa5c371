package dev.verge.edge.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.verge.edge.PredictionEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthWindowTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    /** An answer that took {@code millis} and had {@code status}. */
    private PredictionEvent answered(long millis, int status) {
        return new PredictionEvent(now.get().minusMillis(millis), "image", null, null, status, status == 200 ? null : "x", null);
    }

    @Test
    void window_answers_countedWithErrorsOnlyForServerFailures() {
        HealthWindow health = new HealthWindow(clock);
        health.onPrediction(answered(5, 200));
        health.onPrediction(answered(5, 400));
        health.onPrediction(answered(5, 413));
        health.onPrediction(answered(5, 500));
        health.onPrediction(answered(5, 503));

        HealthWindow.Window window = health.take();

        assertThat(window.requests()).isEqualTo(5);
        assertThat(window.errors()).isEqualTo(2);
        assertThat(window.since()).isEqualTo(Instant.parse("2026-12-02T10:00:00Z"));
    }

    @Test
    void window_latencies_quantilesWithinOnePercent() {
        HealthWindow health = new HealthWindow(clock);
        for (int ms = 1; ms <= 100; ms++) {
            health.onPrediction(answered(ms, 200));
        }

        StatusReport.Latency latency = health.take().latency();

        assertThat(latency.p50()).isCloseTo(50, within(1.0));
        assertThat(latency.p95()).isCloseTo(95, within(1.5));
        assertThat(latency.p99()).isCloseTo(99, within(1.5));
    }

    @Test
    void window_noRequests_noLatency() {
        assertThat(new HealthWindow(clock).take().latency()).isNull();
    }

    @Test
    void take_startsANewWindowFromNow() {
        HealthWindow health = new HealthWindow(clock);
        health.onPrediction(answered(3, 200));
        now.set(now.get().plusSeconds(30));

        health.take();
        HealthWindow.Window next = health.take();

        assertThat(next.requests()).isZero();
        assertThat(next.since()).isEqualTo(Instant.parse("2026-12-02T10:00:30Z"));
    }

    @Test
    void giveBack_reportNotSent_countsKeptForTheNextReportFromTheOldStart() {
        HealthWindow health = new HealthWindow(clock);
        health.onPrediction(answered(3, 200));
        HealthWindow.Window unsent = health.take();
        now.set(now.get().plusSeconds(30));
        health.onPrediction(answered(7, 500));
        health.onPrediction(answered(7, 200));

        health.giveBack(unsent);
        HealthWindow.Window next = health.take();

        assertThat(next.requests()).isEqualTo(3);
        assertThat(next.errors()).isEqualTo(1);
        assertThat(next.since()).isEqualTo(Instant.parse("2026-12-02T10:00:00Z"));
        assertThat(next.latency().p50()).isCloseTo(7, within(0.1));
    }
}
