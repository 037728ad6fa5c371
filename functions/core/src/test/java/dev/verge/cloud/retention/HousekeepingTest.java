package dev.verge.cloud.retention;

import static dev.verge.cloud.testing.TelemetryBatches.batch;
import static dev.verge.cloud.testing.TelemetryBatches.newBatchId;
import static dev.verge.cloud.testing.TelemetryBatches.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.analytics.RollupStore;
import dev.verge.cloud.port.MetadataStore.Document;
import dev.verge.cloud.testing.AnalyticsHarness;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HousekeepingTest {
    private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");

    private final TestClock clock = new TestClock(START);
    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private final AnalyticsHarness cloud = new AnalyticsHarness(clock, AnalyticsConfig.defaults(), metadata);

    /** Two days of traffic from two devices of line-1 and one of line-2, a request every 3 hours each. */
    private void twoDaysOfTraffic() {
        for (String device : List.of("cam-1", "cam-2", "cam-3")) {
            List<ObjectNode> records = new ArrayList<>();
            for (Instant t = START; t.isBefore(START.plus(Duration.ofDays(2))); t = t.plus(Duration.ofHours(3))) {
                records.add(record(t.plusSeconds(60), "fruit-quality", "1", 200, "ripe", 0.9, 2.0));
            }
            clock.set(START.plus(Duration.ofDays(2)));
            assertThat(cloud.postBatch(device, batch(newBatchId(), device, 0, records)).status()).isEqualTo(200);
        }
    }

    private List<Document> groupRollups() {
        return metadata.list(RollupStore.GROUP_ROLLUPS, "");
    }

    private long requests(String query) {
        return cloud.analytics(query).get("totals").get("requests").asLong();
    }

    @Test
    void run_groupRollupsOlderThanTheHourlyPeriod_compactsThemIntoOneDocumentPerDayAndGroup() {
        twoDaysOfTraffic();
        int hourly = groupRollups().size();
        String range = "model=fruit-quality&version=1&from=" + START + "&to=" + START.plus(Duration.ofDays(3));
        long before = requests(range);
        clock.set(START.plus(Duration.ofDays(33)));

        Housekeeping.Result result = cloud.services.housekeeping().run();

        assertThat(result.daysCompacted()).isEqualTo(2);
        assertThat(result.hourlyRollupsCompacted()).isEqualTo(hourly);
        assertThat(groupRollups()).hasSize(4); // 2 days x 2 groups
        assertThat(requests(range)).isEqualTo(before).isEqualTo(48);
        assertThat(requests(range + "&group=line-2")).isEqualTo(16);
        assertThat(requests("from=" + START + "&to=" + START.plus(Duration.ofDays(2)))).isEqualTo(48); // every model
    }

    @Test
    void run_rollupsYoungerThanTheHourlyPeriod_leavesThemHourly() {
        twoDaysOfTraffic();
        int hourly = groupRollups().size();
        clock.set(START.plus(Duration.ofDays(30)));

        Housekeeping.Result result = cloud.services.housekeeping().run();

        assertThat(result.daysCompacted()).isZero();
        assertThat(groupRollups()).hasSize(hourly);
    }

    @Test
    void run_twice_compactsADayOnce() {
        twoDaysOfTraffic();
        clock.set(START.plus(Duration.ofDays(40)));
        cloud.services.housekeeping().run();
        List<Document> compacted = groupRollups();

        Housekeeping.Result again = cloud.services.housekeeping().run();

        assertThat(again.daysCompacted()).isZero();
        assertThat(groupRollups()).isEqualTo(compacted);
    }

    @Test
    void run_pastTheRetentionPeriods_deletesBatchMarkersAndDeviceRollupsOnly() {
        twoDaysOfTraffic();
        assertThat(metadata.list("telemetry-batches", "")).hasSize(3);
        assertThat(metadata.list(RollupStore.DEVICE_ROLLUPS, "")).isNotEmpty();
        int devices = metadata.list("devices", "").size();

        clock.set(START.plus(Duration.ofDays(20)));
        cloud.services.housekeeping().run();
        assertThat(metadata.list(RollupStore.DEVICE_ROLLUPS, "")).isEmpty(); // 14 days after their hour
        assertThat(metadata.list("telemetry-batches", "")).hasSize(3);

        clock.set(START.plus(Duration.ofDays(38)));
        cloud.services.housekeeping().run();
        assertThat(metadata.list("telemetry-batches", "")).isEmpty(); // 35 days after they came
        assertThat(metadata.list("devices", "")).hasSize(devices);
    }
}
