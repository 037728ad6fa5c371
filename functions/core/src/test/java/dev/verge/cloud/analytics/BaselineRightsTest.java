package dev.verge.cloud.analytics;

import static dev.verge.cloud.testing.TelemetryBatches.batch;
import static dev.verge.cloud.testing.TelemetryBatches.newBatchId;
import static dev.verge.cloud.testing.TelemetryBatches.records;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.rights.RightsConfig;
import dev.verge.cloud.rollout.DeploymentRequest;
import dev.verge.cloud.rollout.HealthRules;
import dev.verge.cloud.testing.AnalyticsHarness;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.cloud.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drift baselines come from group data after the version's first deployment, never from one device's records
 * outside its window, and an operator can reset one.
 */
class BaselineRightsTest {
    private static final String MODEL = "fruit-quality";
    private final TestClock clock = new TestClock(Instant.parse("2026-12-01T00:05:00Z"));
    private final AnalyticsHarness cloud = new AnalyticsHarness(clock,
            AnalyticsConfig.defaults().withBaselineHours(4).withDriftWindowHours(3).withDriftMinCount(100),
            new InMemoryMetadataStore(), RightsConfig.defaults());

    @BeforeEach
    void deployVersion1ToLine1() {
        cloud.models.register(new ByteArrayInputStream(RegistryPackages.valid(MODEL, "1")), MODEL, PackageSource.api("test"));
        cloud.deployments.create(new DeploymentRequest("line-1", MODEL, "1", TextNode.valueOf("all-at-once"), HealthRules.none(),
                null, null), "test");
        for (String device : List.of("cam-1", "cam-2")) {
            cloud.sent.record(device, MODEL, "1", "dep", () -> clock.instant(), clock.instant());
        }
    }

    /** {@code count} records over the next {@code hours} hours, sent once those hours are over (records never lie ahead). */
    private void send(String device, int count, int hours, double ripeShare, long seed) {
        Instant from = clock.instant();
        clock.advance(Duration.ofHours(hours));
        JsonNode answer = AnalyticsHarness.json(cloud.postBatch(device, batch(newBatchId(), device, 0,
                records(seed, count, from, hours, MODEL, "1", ripeShare, 0))));
        assertThat(answer.get("rejected").asInt()).as(answer.toString()).isZero();
    }

    @Test
    void baseline_oneDevicesRecordOf1970WithANewLabel_isRejectedAndNeverInTheBaseline() {
        ObjectNode poison = batch(newBatchId(), "cam-2", 0, records(9, 1, clock.instant(), 0, MODEL, "1", 1, 0));
        ((ObjectNode) poison.get("records").get(0)).put("time", "1970-01-01T00:00:00Z").put("label", "poisoned");

        JsonNode answer = AnalyticsHarness.json(cloud.postBatch("cam-2", poison));
        send("cam-1", 2_000, 4, 0.7, 1);
        clock.advance(Duration.ofHours(1));

        assertThat(answer.get("rejected").asInt()).isEqualTo(1);
        assertThat(answer.get("rejections").get(0).get("field").asText()).isEqualTo("records[0].time");
        Baseline baseline = cloud.services.drift().storedBaseline(MODEL, "1").orElseGet(() -> {
            cloud.services.drift().drift(MODEL, "1");
            return cloud.services.drift().storedBaseline(MODEL, "1").orElseThrow();
        });
        assertThat(baseline.labels()).containsOnlyKeys("ripe", "unripe");
        assertThat(baseline.from()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void baseline_groupDataFromBeforeTheFirstDeployment_isLeftOut() {
        // data that reached the rollups before the version was deployed (an older cloud, an import)
        Aggregate early = new Aggregate();
        for (int i = 0; i < 500; i++) {
            early.add(new Observation(200, "early-label", 0.95, 5.0, 4.0));
        }
        cloud.services.rollups().add(RollupKey.group(MODEL, "1", "line-1", Instant.parse("2026-11-30T20:00:00Z")), early);
        send("cam-1", 2_000, 4, 0.7, 1);
        clock.advance(Duration.ofHours(1));

        cloud.services.drift().drift(MODEL, "1");

        assertThat(cloud.services.drift().storedBaseline(MODEL, "1").orElseThrow().labels()).doesNotContainKey("early-label");
    }

    @Test
    void baseline_versionNeverDeployed_staysPending() {
        Aggregate data = new Aggregate();
        for (int i = 0; i < 500; i++) {
            data.add(new Observation(200, "ripe", 0.95, 5.0, 4.0));
        }
        cloud.services.rollups().add(RollupKey.group(MODEL, "7", "line-1", clock.instant()), data);
        clock.advance(Duration.ofHours(10));

        assertThat(cloud.services.drift().drift(MODEL, "7").status()).isEqualTo(DriftReading.BASELINE_PENDING);
    }

    @Test
    void resetRoute_apiKey_forgetsTheBaselineAndTheNextIsMadeFromLaterData() {
        send("cam-1", 2_000, 4, 0.7, 1);
        clock.advance(Duration.ofMinutes(30));
        cloud.services.drift().drift(MODEL, "1");
        assertThat(cloud.services.drift().storedBaseline(MODEL, "1")).isPresent();

        ApiResponse withoutKey = cloud.request("DELETE", "/api/analytics/baselines/" + MODEL + "/1", Map.of(), null);
        ApiResponse reset = cloud.request("DELETE", "/api/analytics/baselines/" + MODEL + "/1",
                Map.of("x-api-key", List.of(AnalyticsHarness.API_KEY)), null);
        Instant nextHour = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));

        assertThat(withoutKey.status()).isEqualTo(401);
        assertThat(reset.status()).as(AnalyticsHarness.text(reset)).isEqualTo(200);
        assertThat(AnalyticsHarness.json(reset).get("from").asText()).isEqualTo(nextHour.toString());
        assertThat(cloud.services.drift().storedBaseline(MODEL, "1")).isEmpty();
        assertThat(cloud.get("/api/analytics/baselines/" + MODEL + "/1").status()).isEqualTo(404);

        clock.advance(Duration.ofMinutes(30));
        send("cam-1", 2_000, 4, 0.2, 2);
        clock.advance(Duration.ofHours(1));
        cloud.services.drift().drift(MODEL, "1");
        Baseline next = cloud.services.drift().storedBaseline(MODEL, "1").orElseThrow();
        assertThat(next.from()).isEqualTo(nextHour);
        assertThat(next.labels().get("unripe")).isGreaterThan(next.labels().get("ripe"));
        assertThat(Optional.ofNullable(next.labels().get("ripe")).orElse(0.0)).isLessThan(1_000);
    }
}
