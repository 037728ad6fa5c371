package dev.verge.cloud.analytics;

import static dev.verge.cloud.testing.TelemetryBatches.batch;
import static dev.verge.cloud.testing.TelemetryBatches.newBatchId;
import static dev.verge.cloud.testing.TelemetryBatches.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.testing.AnalyticsHarness;
import dev.verge.cloud.testing.TestClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnalyticsQueryTest {
    private static final Instant H10 = Instant.parse("2026-12-02T10:00:00Z");
    private static final Instant H11 = Instant.parse("2026-12-02T11:00:00Z");

    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T11:30:00Z"));
    private final AnalyticsHarness cloud = new AnalyticsHarness(clock, AnalyticsConfig.defaults());

    /** n records of one model version from one device in one hour, labelled ripe, each latency = infer 1..n + 1.5. */
    private void send(String device, String version, Instant hour, int n, int errors) {
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(i < errors ? record(hour.plusSeconds(i), "fruit-quality", version, 500, null, 0, 1)
                    : record(hour.plusSeconds(i), "fruit-quality", version, 200, i % 4 == 0 ? "unripe" : "ripe", 0.95, i + 1));
        }
        assertThat(cloud.postBatch(device, batch(newBatchId(), device, 0, records)).status()).isEqualTo(200);
    }

    @BeforeEach
    void seed() {
        send("cam-1", "1", H10, 10, 1);  // line-1
        send("cam-2", "1", H11, 20, 2);  // line-1
        send("cam-3", "1", H11, 30, 0);  // line-2
        send("cam-3", "2", H11, 40, 4);  // line-2
    }

    private long requests(String query) {
        return cloud.analytics(query).get("totals").get("requests").asLong();
    }

    @Test
    void query_withoutFilters_coversEveryModelVersionOfTheLastDay() {
        JsonNode all = cloud.analytics("");
        assertThat(all.get("totals").get("requests").asLong()).isEqualTo(100);
        assertThat(all.get("totals").get("errors").asLong()).isEqualTo(7);
        assertThat(all.get("totals").get("errorRate").asDouble()).isEqualTo(0.07);
        assertThat(all.get("series")).hasSize(24);
        assertThat(all.get("versions")).hasSize(2);
        assertThat(all.get("drift")).hasSize(2);
        assertThat(all.get("source").asText()).isEqualTo("group");
    }

    @Test
    void query_byModelVersionGroupAndDevice_countsOnlyThose() {
        assertThat(requests("model=fruit-quality&version=1")).isEqualTo(60);
        assertThat(requests("model=fruit-quality&version=2")).isEqualTo(40);
        assertThat(requests("version=2")).isEqualTo(40);
        assertThat(requests("group=line-1")).isEqualTo(30);
        assertThat(requests("group=line-2&version=1")).isEqualTo(30);
        assertThat(requests("device=cam-3")).isEqualTo(70);
        assertThat(requests("device=cam-3&version=2")).isEqualTo(40);
        assertThat(requests("device=cam-9")).isZero();
        assertThat(requests("model=other")).isZero();
    }

    @Test
    void query_byTimeRange_countsWholeHoursInIt() {
        assertThat(requests("from=2026-12-02T10:00:00Z&to=2026-12-02T11:00:00Z")).isEqualTo(10);
        assertThat(requests("from=2026-12-02T11:15:00Z")).as("from is rounded down to its hour").isEqualTo(90);
        assertThat(requests("from=2026-12-01&to=2026-12-02")).isZero();
        JsonNode range = cloud.analytics("from=2026-12-02T10:00:00Z&to=2026-12-02T12:00:00Z");
        assertThat(range.get("series")).hasSize(2);
        assertThat(range.get("series").get(0).get("requests").asLong()).isEqualTo(10);
        assertThat(range.get("series").get(1).get("requests").asLong()).isEqualTo(90);
    }

    @Test
    void query_latencyAndLabels_comeFromTheRollups() {
        JsonNode totals = cloud.analytics("device=cam-1").get("totals");
        // cam-1's latencies (decode 1.0 + preprocess 0.5 + infer): 2.5 for the error, 3.5 ... 11.5 for i = 1..9;
        // the median of those ten is the 5th, 6.5 (within the sketch's 1%)
        assertThat(totals.get("latencyMs").get("p50").asDouble()).isBetween(6.43, 6.57);
        assertThat(totals.get("inferMs").get("p99").asDouble()).as("infer 1 ... 10: the 9th").isBetween(8.91, 9.09);
        assertThat(totals.get("labels")).isEqualTo(cloud.analytics("device=cam-1").get("totals").get("labels"));
        assertThat(totals.get("labels").get("ripe").asLong() + totals.get("labels").get("unripe").asLong()).isEqualTo(9);
        assertThat(totals.get("confidence").get(9).asLong()).isEqualTo(9);
    }

    @Test
    void query_badRange_is400() {
        assertThat(cloud.get("/api/analytics?from=yesterday").status()).isEqualTo(400);
        assertThat(cloud.get("/api/analytics?from=2026-12-02T12:00:00Z&to=2026-12-02T10:00:00Z").status()).isEqualTo(400);
        assertThat(cloud.get("/api/analytics?from=2025-01-01").status()).isEqualTo(400);
    }

    @Test
    void query_withoutApiKey_is401() {
        assertThat(cloud.request("GET", "/api/analytics", Map.of(), null).status()).isEqualTo(401);
    }
}
