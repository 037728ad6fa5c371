package dev.verge.cloud.local;

import dev.verge.cloud.port.IdempotencyLedgerContract;
import dev.verge.cloud.port.MetadataStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The idempotency ledger contract on a SQLite file. */
class SqliteIdempotencyLedgerTest extends IdempotencyLedgerContract {
    @TempDir
    Path dir;

    @Override
    protected MetadataStore newStore() {
        return new SqliteMetadataStore(dir.resolve("metadata.db"));
    }

    @AfterEach
    void close() {
        ((SqliteMetadataStore) store).close();
    }
}
