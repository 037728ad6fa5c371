package dev.verge.cloud.port;

import dev.verge.cloud.testing.InMemoryBlobStore;

/** The in-memory double the use-case tests rely on behaves like a real blob store. */
class InMemoryBlobStoreTest extends BlobStoreContract {
    @Override
    protected BlobStore newStore() {
        return new InMemoryBlobStore();
    }
}
