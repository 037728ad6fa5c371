package dev.verge.cloud.analytics;

import static dev.verge.cloud.testing.TelemetryBatches.batch;
import static dev.verge.cloud.testing.TelemetryBatches.newBatchId;
import static dev.verge.cloud.testing.TelemetryBatches.records;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.testing.AnalyticsHarness;
import dev.verge.cloud.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {
    private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
    private static final String MODEL = "fruit-quality";

    private final TestClock clock = new TestClock(START.plus(Duration.ofMinutes(5)));
    private final AnalyticsHarness cloud = new AnalyticsHarness(clock,
            AnalyticsConfig.defaults().withBaselineHours(4).withDriftWindowHours(3).withDriftMinCount(100));

    /** Sends {@code count} records over {@code hours} hours from the clock's current hour, then moves the clock past them. */
    private void send(int count, int hours, double ripeShare, long seed) {
        Instant from = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        assertThat(cloud.postBatch("cam-1", batch(newBatchId(), "cam-1", 0,
                records(seed, count, from, hours, MODEL, "1", ripeShare, 0))).status()).isEqualTo(200);
        clock.advance(Duration.ofHours(hours));
    }

    @Test
    void drift_beforeTheBaselineHoursAreOver_isBaselinePending() {
        send(400, 2, 0.7, 1);
        assertThat(cloud.services.drift().drift(MODEL, "1").status()).isEqualTo(DriftReading.BASELINE_PENDING);
        assertThat(cloud.services.drift().drift(MODEL, "9").status()).isEqualTo(DriftReading.NO_DATA);
    }

    @Test
    void drift_unchangedDistribution_staysUnderTheThreshold() {
        send(2_000, 4, 0.7, 1);
        send(1_500, 3, 0.7, 2);

        DriftReading reading = cloud.services.driftSource().drift(MODEL, "1");

        assertThat(reading.status()).isEqualTo(DriftReading.OK);
        assertThat(reading.psi()).isLessThan(0.05);
        assertThat(reading.baselineSource()).isEqualTo(Baseline.FIRST_HOURS);
        assertThat(reading.recentCount()).isGreaterThan(1_000);
        assertThat(cloud.services.drift().alerts(MODEL, "1")).isEmpty();
    }

    @Test
    void drift_constructedShift_crossesTheThresholdAndStoresOneAlert() {
        send(2_000, 4, 0.7, 1);
        send(1_500, 3, 0.2, 2);

        DriftReading reading = cloud.services.driftSource().drift(MODEL, "1");
        cloud.services.driftSource().drift(MODEL, "1");

        assertThat(reading.status()).isEqualTo(DriftReading.DRIFTING);
        assertThat(reading.drifting()).isTrue();
        assertThat(reading.psi()).isGreaterThanOrEqualTo(0.2);
        assertThat(reading.labelPsi()).isGreaterThan(0.2);
        assertThat(reading.confidencePsi()).isGreaterThan(0.2);
        assertThat(cloud.services.drift().alerts(MODEL, "1")).singleElement()
                .satisfies(a -> assertThat(a.type()).isEqualTo(DriftAlert.DETECTED));

        // back to the baseline's mix: the alert is resolved, once
        send(3_000, 3, 0.7, 3);
        assertThat(cloud.services.driftSource().drift(MODEL, "1").status()).isEqualTo(DriftReading.OK);
        assertThat(cloud.services.drift().alerts(MODEL, "1")).extracting(DriftAlert::type)
                .containsExactly(DriftAlert.DETECTED, DriftAlert.RESOLVED);
    }

    @Test
    void drift_tooFewRecentPredictions_givesNoPsi() {
        send(2_000, 4, 0.7, 1);
        send(20, 1, 0.1, 2);
        DriftReading reading = cloud.services.drift().drift(MODEL, "1");
        assertThat(reading.status()).isEqualTo(DriftReading.INSUFFICIENT_DATA);
        assertThat(reading.psi()).isNull();
    }

    @Test
    void drift_againstAnUploadedReference_judgesFromTheFirstHour() {
        ApiResponse put = cloud.request("PUT", "/api/analytics/baselines/" + MODEL + "/1",
                Map.of("x-api-key", List.of(AnalyticsHarness.API_KEY), "Content-Type", List.of("application/json")),
                "{\"labels\": {\"ripe\": 0.2, \"unripe\": 0.8}}".getBytes(StandardCharsets.UTF_8));
        assertThat(put.status()).as(AnalyticsHarness.text(put)).isEqualTo(200);

        send(1_000, 1, 0.7, 1);
        JsonNode drift = AnalyticsHarness.json(cloud.get("/api/analytics/drift/" + MODEL + "/1"));

        assertThat(drift.get("status").asText()).isEqualTo(DriftReading.DRIFTING);
        assertThat(drift.get("baselineSource").asText()).isEqualTo(Baseline.UPLOADED);
        assertThat(drift.get("confidencePsi").isNull()).isTrue();
    }

    @Test
    void putBaseline_withWrongBinCount_is400() {
        ApiResponse put = cloud.request("PUT", "/api/analytics/baselines/" + MODEL + "/1",
                Map.of("x-api-key", List.of(AnalyticsHarness.API_KEY)),
                "{\"confidence\": [1, 2, 3]}".getBytes(StandardCharsets.UTF_8));
        assertThat(put.status()).isEqualTo(400);
        assertThat(AnalyticsHarness.json(put).get("error").asText()).isEqualTo("baseline_invalid");
    }

    @Test
    void ingest_afterTheShift_storesTheAlertWithoutAnyoneAsking() {
        send(2_000, 4, 0.7, 1);
        send(1_500, 3, 0.2, 2);
        clock.advance(Duration.ofMinutes(-30)); // back inside the recent window
        assertThat(cloud.postBatch("cam-1", batch(newBatchId(), "cam-1", 0,
                records(4, 10, clock.instant().minus(Duration.ofMinutes(10)), 0, MODEL, "1", 0.2, 0))).status()).isEqualTo(200);

        assertThat(cloud.services.drift().alerts(MODEL, "1")).extracting(DriftAlert::type).containsExactly(DriftAlert.DETECTED);
    }
}
