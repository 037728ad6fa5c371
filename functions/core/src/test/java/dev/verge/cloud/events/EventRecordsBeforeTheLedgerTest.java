package dev.verge.cloud.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.registry.UploadOutcome;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Audit records stored before the idempotency ledger (no ledger stamp) keep their meaning: outcome or claim. */
class EventRecordsBeforeTheLedgerTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:30:00Z");

    private final TestClock clock = new TestClock(NOW);
    private final CloudServices services = CloudServices.create(new InMemoryBlobStore(), new InMemoryMetadataStore(), clock,
            CloudConfig.withApiKeys("ledger-events-key-0123456789abcdef").withEvents(BlobUploadContract.events()));
    private final BlobUpload upload = BlobUpload.inBucket("verge-models", "notes/readme.txt", "etag-1", 12);

    private void storedBeforeTheLedger(String outcome, Instant receivedAt) {
        String key = EventSource.EVENTBRIDGE.json() + "/" + ModelEvents.safeId(upload.objectState());
        services.metadata().create(EventRecord.COLLECTION, key, "{\"source\":\"eventbridge\",\"deliveryId\":\""
                + upload.objectState() + "\",\"type\":\"blob.created\",\"outcome\":\"" + outcome + "\",\"model\":\"m-old\","
                + "\"version\":\"1\",\"reason\":null,\"eventTime\":\"" + receivedAt + "\",\"receivedAt\":\"" + receivedAt + "\"}");
    }

    private BlobUploads.Outcome announce() {
        return services.blobUploads().received(EventSource.EVENTBRIDGE, "tester", upload);
    }

    @Test
    void redelivery_ofAnEventRecordedBeforeTheLedger_answersItsOutcomeAsDuplicate() {
        storedBeforeTheLedger("registered", NOW.minus(Duration.ofDays(1)));

        BlobUploads.Outcome again = announce();

        assertThat(again.duplicate()).isTrue();
        assertThat(again.result()).isEqualTo(UploadOutcome.Result.ALREADY_REGISTERED);
        assertThat(again.model()).isEqualTo("m-old");
    }

    @Test
    void redelivery_ofAClaimLeftBeforeTheLedger_waitsForItThenTakesItOver() {
        storedBeforeTheLedger("processing", NOW);

        BlobUploads.Outcome meanwhile = announce();
        clock.advance(ModelEvents.STALE_CLAIM.plusSeconds(1));
        BlobUploads.Outcome takenOver = announce();

        assertThat(meanwhile.duplicate()).isTrue();
        assertThat(meanwhile.reason()).isEqualTo("another delivery of the same object state is being handled");
        assertThat(takenOver.duplicate()).isFalse();
        assertThat(takenOver.result()).isEqualTo(UploadOutcome.Result.IGNORED);
        assertThat(takenOver.reason()).contains("no blob rule matches");
    }
}
