package dev.verge.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.analytics.Aggregate;
import dev.verge.cloud.analytics.Observation;
import dev.verge.cloud.analytics.RollupKey;
import dev.verge.cloud.analytics.RollupStore;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.testing.TestClock;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The scheduled housekeeping on dynalite: a day of hourly group rollups past the hourly period becomes one document. */
class HousekeepingHandlerTest {

    @Test
    void scheduledEvent_oldHourlyRollups_compactsThemIntoADay() throws Exception {
        Instant day = Instant.parse("2026-10-01T00:00:00Z");
        TestClock clock = new TestClock(day);
        MetadataStore metadata = new DynamoDbMetadataStore(Emulators.dynamo(), Emulators.newTable());
        CloudServices services = CloudServices.create(Emulators.blobStore(Emulators.newBucket()), metadata, clock,
                CloudConfig.withApiKeys("housekeeping-key-0123456789"));
        for (int hour = 0; hour < 24; hour += 6) {
            for (String device : new String[] {"cam-1", "cam-2", "cam-3"}) {
                Aggregate one = new Aggregate();
                one.add(new Observation(200, "ripe", 0.9, 5.0, 3.0));
                services.analytics().rollups().add(RollupKey.group("fruit", "1", "line-1", device, day.plus(Duration.ofHours(hour))), one);
            }
        }
        clock.set(day.plus(Duration.ofDays(40)));

        JsonNode answer;
        try (InputStream event = getClass().getResourceAsStream("/events/eventbridge-scheduled.json")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new HousekeepingHandler(services).handleRequest(event, out, null);
            answer = CloudJson.mapper().readTree(out.toByteArray());
        }

        assertThat(answer.path("daysCompacted").asInt()).isEqualTo(1);
        assertThat(metadata.list(RollupStore.GROUP_ROLLUPS, "")).singleElement()
                .satisfies(doc -> assertThat(CloudJson.mapper().readTree(doc.json()).path("hours").asInt()).isEqualTo(24));
        long requests = services.analytics().rollups().groupRollups("fruit", "1").stream()
                .mapToLong(r -> r.aggregate().requests()).sum();
        assertThat(requests).isEqualTo(12);
    }
}
