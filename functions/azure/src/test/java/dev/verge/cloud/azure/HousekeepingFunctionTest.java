package dev.verge.cloud.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.azure.storage.Azurite;
import dev.verge.cloud.port.MetadataStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hourly timer function on Azurite: Azure Table has no TTL, so it is what deletes expired documents. */
@Timeout(120)
class HousekeepingFunctionTest {

    @Test
    void timer_expiredDocuments_areDeletedAndTheOthersKept() {
        AzureApp app = AzureApp.create(Map.of(
                "VERGE_STORAGE", Azurite.shared().connectionString(),
                "VERGE_TABLE", "housekeeping",
                "VERGE_API_KEY", "housekeeping-key-0123456789"));
        MetadataStore metadata = app.services().metadata();
        String collection = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        metadata.create(collection, "expired", "{}", Instant.now().minus(Duration.ofMinutes(1)));
        metadata.create(collection, "later", "{}", Instant.now().plus(Duration.ofDays(1)));
        metadata.create(collection, "never", "{}");
        TestExecutionContext context = new TestExecutionContext("housekeeping");

        new HousekeepingFunction(() -> app).run("{\"isPastDue\": false}", context);

        assertThat(metadata.list(collection, "")).extracting(MetadataStore.Document::key).containsExactly("later", "never");
        assertThat(context.logged).anySatisfy(line -> assertThat(line).contains("expired document(s) deleted"));
    }
}
