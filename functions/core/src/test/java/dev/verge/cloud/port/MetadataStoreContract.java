package dev.verge.cloud.port;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.port.MetadataStore.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link MetadataStore} must have. Each implementation's test extends this class
 * and says how to make a store; collections get a unique name per test so that stores backed by one
 * shared emulator do not see each other's documents.
 */
public abstract class MetadataStoreContract {

    protected MetadataStore store;
    protected String collection;

    protected abstract MetadataStore newStore() throws Exception;

    @BeforeEach
    void setUpStore() throws Exception {
        store = newStore();
        collection = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Test
    void create_newKey_storesRevisionOne() {
        assertThat(store.create(collection, "fruit/1", "{\"a\":1}")).isTrue();

        Document doc = store.get(collection, "fruit/1").orElseThrow();
        assertThat(doc.key()).isEqualTo("fruit/1");
        assertThat(doc.revision()).isEqualTo(1);
        assertThat(doc.json()).isEqualTo("{\"a\":1}");
    }

    @Test
    void create_existingKey_returnsFalseAndKeepsFirst() {
        store.create(collection, "k", "{\"v\":\"first\"}");

        assertThat(store.create(collection, "k", "{\"v\":\"second\"}")).isFalse();
        assertThat(store.get(collection, "k").orElseThrow().json()).isEqualTo("{\"v\":\"first\"}");
    }

    @Test
    void get_missingKey_isEmpty() {
        assertThat(store.get(collection, "missing")).isEmpty();
    }

    @Test
    void update_expectedRevision_replacesAndBumpsRevision() {
        store.create(collection, "k", "{\"v\":1}");

        assertThat(store.update(collection, "k", 1, "{\"v\":2}")).isTrue();

        Document doc = store.get(collection, "k").orElseThrow();
        assertThat(doc.revision()).isEqualTo(2);
        assertThat(doc.json()).isEqualTo("{\"v\":2}");
    }

    @Test
    void update_staleRevision_returnsFalseAndChangesNothing() {
        store.create(collection, "k", "{\"v\":1}");
        store.update(collection, "k", 1, "{\"v\":2}");

        assertThat(store.update(collection, "k", 1, "{\"v\":3}")).isFalse();
        assertThat(store.get(collection, "k").orElseThrow().json()).isEqualTo("{\"v\":2}");
    }

    @Test
    void update_missingKey_returnsFalse() {
        assertThat(store.update(collection, "nope", 1, "{}")).isFalse();
        assertThat(store.get(collection, "nope")).isEmpty();
    }

    @Test
    void list_prefix_returnsMatchingKeysInOrder() {
        store.create(collection, "fruit/2", "{}");
        store.create(collection, "fruit/10", "{}");
        store.create(collection, "fruit/1", "{}");
        store.create(collection, "fruity/1", "{}");
        store.create(collection, "apple/1", "{}");

        assertThat(store.list(collection, "fruit/"))
                .extracting(Document::key)
                .containsExactly("fruit/1", "fruit/10", "fruit/2");
    }

    @Test
    void list_emptyPrefix_returnsWholeCollectionOnly() {
        String other = collection + "x";
        store.create(collection, "a", "{}");
        store.create(other, "b", "{}");

        assertThat(store.list(collection, "")).extracting(Document::key).containsExactly("a");
    }

    @Test
    void page_prefix_walksEveryMatchingDocumentOnce() {
        for (int i = 0; i < 23; i++) {
            store.create(collection, String.format("g/%03d", i), "{\"i\":" + i + "}");
        }
        store.create(collection, "f/1", "{}");
        store.create(collection, "h/1", "{}");

        List<String> walked = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            MetadataStore.Page page = store.page(collection, "g/", after, 7);
            assertThat(page.documents()).hasSizeLessThanOrEqualTo(7);
            page.documents().forEach(d -> walked.add(d.key()));
            after = page.next();
            pages++;
        } while (after != null && pages < 10);

        assertThat(walked).hasSize(23).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(
                store.list(collection, "g/").stream().map(Document::key).toList());
        assertThat(pages).isBetween(4, 5);
    }

    @Test
    void page_noMatch_isEmptyAndLast() {
        store.create(collection, "a/1", "{}");

        MetadataStore.Page page = store.page(collection, "b/", null, 10);

        assertThat(page.documents()).isEmpty();
        assertThat(page.next()).isNull();
    }

    @Test
    void create_withExpiry_readsAsAnyDocumentUntilDeleted() {
        java.time.Instant past = java.time.Instant.parse("2020-01-01T00:00:00Z");
        assertThat(store.create(collection, "m/1", "{\"v\":1}", past)).isTrue();

        assertThat(store.get(collection, "m/1")).isPresent();
        assertThat(store.create(collection, "m/1", "{\"v\":9}", past)).isFalse();
        assertThat(store.update(collection, "m/1", 1, "{\"v\":2}", past.plusSeconds(60))).isTrue();
        assertThat(store.list(collection, "m/")).extracting(Document::json).containsExactly("{\"v\":2}");
    }

    @Test
    void deleteExpired_removesWhatExpiredByThenAndNothingElse() {
        org.junit.jupiter.api.Assumptions.assumeTrue(store instanceof ExpiringDocuments, "the store deletes expired documents itself");
        java.time.Instant now = java.time.Instant.parse("2030-06-01T12:00:00Z");
        store.create(collection, "gone/1", "{}", now.minusSeconds(1));
        store.create(collection, "gone/2", "{}", now);
        store.create(collection, "kept/later", "{}", now.plusSeconds(3600));
        store.create(collection, "kept/never", "{}");
        store.create(collection, "kept/moved", "{}", now.minusSeconds(10));
        store.update(collection, "kept/moved", 1, "{\"moved\":true}", now.plusSeconds(10));

        ((ExpiringDocuments) store).deleteExpired(now);

        assertThat(store.list(collection, "")).extracting(Document::key)
                .containsExactly("kept/later", "kept/moved", "kept/never");
    }

    @Test
    void key_withSlashesSpacesAndHash_roundTrips() {
        String key = "models/my model#1/v 2";
        store.create(collection, key, "{\"ok\":true}");

        assertThat(store.get(collection, key)).map(Document::json).contains("{\"ok\":true}");
        assertThat(store.list(collection, "models/")).extracting(Document::key).containsExactly(key);
    }

    @Test
    void json_largeDocumentWithUnicode_roundTrips() {
        String json = "{\"text\":\"" + "héllo ✓ ".repeat(3000) + "\"}";
        store.create(collection, "big", json);

        assertThat(store.get(collection, "big").orElseThrow().json()).isEqualTo(json);
    }

    @Test
    void delete_existing_removesIt() {
        store.create(collection, "k", "{}");

        assertThat(store.delete(collection, "k")).isTrue();
        assertThat(store.get(collection, "k")).isEmpty();
        assertThat(store.delete(collection, "k")).isFalse();
        assertThat(store.create(collection, "k", "{\"again\":1}")).isTrue();
    }

    @Test
    void create_concurrentSameKey_exactlyOneWins() throws Exception {
        int writers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String json = "{\"writer\":" + i + "}";
                Callable<Boolean> create = () -> {
                    start.await();
                    return store.create(collection, "race", json);
                };
                results.add(pool.submit(create));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> r : results) {
                winners += r.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void update_concurrentSameRevision_exactlyOneWins() throws Exception {
        store.create(collection, "race", "{\"v\":0}");
        int writers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String json = "{\"v\":" + (i + 1) + "}";
                results.add(pool.submit(() -> {
                    start.await();
                    return store.update(collection, "race", 1, json);
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> r : results) {
                winners += r.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
            assertThat(store.get(collection, "race").orElseThrow().revision()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }
}
