package dev.verge.cloud.azure.storage;

import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.BlobStoreContract;

/** The blob contract against a real Azurite, with small blocks and pages so that block uploads and markers are exercised. */
class AzureBlobStoreTest extends BlobStoreContract {

    @Override
    protected BlobStore newStore() {
        return new AzureBlobStore(Azurite.shared().connection(), "contract", StorageClient.defaultHttpClient(), 1024 * 1024, 7);
    }
}
