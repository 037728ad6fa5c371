package dev.verge.cloud.port;

import dev.verge.cloud.testing.InMemoryMetadataStore;

/** The idempotency ledger over the in-memory store the use-case tests rely on. */
class InMemoryIdempotencyLedgerTest extends IdempotencyLedgerContract {
    @Override
    protected MetadataStore newStore() {
        return new InMemoryMetadataStore();
    }
}
