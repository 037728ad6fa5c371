package dev.verge.cloud.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.port.MetadataStoreContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metadata store contract on a SQLite file, plus what a file adds: persistence and sharing. */
class SqliteMetadataStoreTest extends MetadataStoreContract {
    @TempDir
    Path dir;

    private final List<SqliteMetadataStore> opened = new ArrayList<>();

    private SqliteMetadataStore open() {
        SqliteMetadataStore store = new SqliteMetadataStore(dir.resolve("metadata.db"));
        opened.add(store);
        return store;
    }

    @Override
    protected MetadataStore newStore() {
        return open();
    }

    @AfterEach
    void closeAll() {
        opened.forEach(SqliteMetadataStore::close);
    }

    @Test
    void reopen_keepsDocumentsAndRevisions() {
        store.create(collection, "k", "{\"v\":1}");
        store.update(collection, "k", 1, "{\"v\":2}");
        ((SqliteMetadataStore) store).close();
        opened.remove(store);

        SqliteMetadataStore again = open();

        assertThat(again.get(collection, "k")).hasValueSatisfying(d -> {
            assertThat(d.revision()).isEqualTo(2);
            assertThat(d.json()).isEqualTo("{\"v\":2}");
        });
    }

    @Test
    void twoConnectionsToOneFile_conditionalWritesStillExclude() {
        SqliteMetadataStore other = open();

        assertThat(store.create(collection, "k", "{}")).isTrue();
        assertThat(other.create(collection, "k", "{}")).isFalse();
        assertThat(other.update(collection, "k", 1, "{\"by\":\"other\"}")).isTrue();
        assertThat(store.update(collection, "k", 1, "{\"by\":\"first\"}")).isFalse();
        assertThat(store.get(collection, "k").orElseThrow().json()).isEqualTo("{\"by\":\"other\"}");
    }

    @Test
    void list_prefixWithSqlWildcards_matchesLiterally() {
        store.create(collection, "a%b/1", "{}");
        store.create(collection, "axb/1", "{}");
        store.create(collection, "a_b/1", "{}");

        assertThat(store.list(collection, "a%b/")).extracting(MetadataStore.Document::key).containsExactly("a%b/1");
        assertThat(store.list(collection, "a_b/")).extracting(MetadataStore.Document::key).containsExactly("a_b/1");
    }
}
