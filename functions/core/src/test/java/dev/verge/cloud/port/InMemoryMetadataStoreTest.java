package dev.verge.cloud.port;

import dev.verge.cloud.testing.InMemoryMetadataStore;

/** The in-memory double the use-case tests rely on behaves like a real metadata store. */
class InMemoryMetadataStoreTest extends MetadataStoreContract {
    @Override
    protected MetadataStore newStore() {
        return new InMemoryMetadataStore();
    }
}
