package dev.verge.cloud.azure.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.port.MetadataStore.Document;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the Azure table adapter adds to the contract: split documents, odd keys, table creation, authorization. */
class AzureTableMetadataStoreAzuriteTest {

    private final String table = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    private final AzureTableMetadataStore store =
            new AzureTableMetadataStore(Azurite.shared().connection(), table, JdkHttpClient.shared(), 3);

    @Test
    void create_documentLargerThanOneProperty_roundTripsAcrossParts() {
        // surrogate pairs straddle every chunk boundary
        String json = "{\"t\":\"" + "a😀".repeat(60_000) + "\"}";

        assertThat(store.create("c", "big", json)).isTrue();
        assertThat(store.get("c", "big").orElseThrow().json()).isEqualTo(json);
    }

    @Test
    void update_largeToSmall_dropsTheOldParts() {
        store.create("c", "k", "{\"t\":\"" + "x".repeat(100_000) + "\"}");

        assertThat(store.update("c", "k", 1, "{}")).isTrue();
        assertThat(store.get("c", "k").orElseThrow()).isEqualTo(new Document("k", 2, "{}"));
    }

    @Test
    void create_documentOverTheEntityLimit_isRefusedAsTooLarge() {
        String json = "{\"t\":\"" + "x".repeat(AzureTableMetadataStore.MAX_DOC_CHARS) + "\"}";

        assertThatThrownBy(() -> store.create("c", "huge", json))
                .isInstanceOfSatisfying(VergeException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PAYLOAD_TOO_LARGE));
        assertThat(store.get("c", "huge")).isEmpty();
    }

    @Test
    void keys_withCharactersTablesRefuse_roundTripAndListByPrefix() {
        String[] keys = {"dev/a\\b", "dev/q?x#y", "dev/ctl\u0001\u007f", "dev/'quoted'", "dev/100%"};
        for (String key : keys) {
            assertThat(store.create("odd/coll", key, "{\"k\":1}")).as(key).isTrue();
        }

        assertThat(store.list("odd/coll", "dev/")).extracting(Document::key).containsExactlyInAnyOrder(keys);
        for (String key : keys) {
            assertThat(store.get("odd/coll", key)).as(key).isPresent();
            assertThat(store.delete("odd/coll", key)).as(key).isTrue();
        }
    }

    @Test
    void list_manyPagesOfOrderDifferingKeys_returnsKeyOrder() {
        // "a/..." sorts after "a-..." as plain strings, but its encoding "a!2F" sorts first
        for (String key : new String[] {"a/2", "a-1", "a.3", "a/1", "a_0", "a0", "aZ"}) {
            store.create("c", key, "{}");
        }

        assertThat(store.list("c", "a")).extracting(Document::key).containsExactly("a-1", "a.3", "a/1", "a/2", "a0", "aZ", "a_0");
    }

    @Test
    void create_keyTooLongOnceEncoded_isABadRequest() {
        String key = "/".repeat(400); // 1200 characters once encoded

        assertThatThrownBy(() -> store.create("c", key, "{}"))
                .isInstanceOfSatisfying(VergeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("1200 encoded");
                });
    }

    @Test
    void readsOnMissingTable_areEmptyAndDoNotCreateIt() {
        assertThat(store.get("c", "k")).isEmpty();
        assertThat(store.list("c", "")).isEmpty();
        assertThat(store.update("c", "k", 1, "{}")).isFalse();
        assertThat(store.delete("c", "k")).isFalse();
    }

    @Test
    void anyRequest_wrongAccountKey_failsAsForbidden() {
        StorageConnection good = Azurite.shared().connection();
        StorageConnection wrong = new StorageConnection(good.accountName(), good.blobEndpoint(), good.tableEndpoint(),
                StorageConnection.accountKey(good.accountName(), "d3Jvbmcta2V5LXdyb25nLWtleQ=="));

        assertThatThrownBy(() -> new AzureTableMetadataStore(wrong, table).create("c", "k", "{}"))
                .isInstanceOfSatisfying(AzureStorageException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void constructor_invalidTableName_isRefused() {
        assertThatThrownBy(() -> new AzureTableMetadataStore(Azurite.shared().connection(), "bad-name"))
                .hasMessageContaining("bad-name");
    }
}
