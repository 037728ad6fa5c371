package dev.verge.cloud.azure.storage;

import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.BlobStoreContract;
import java.util.Map;

/**
 * The blob contract against a real Azurite, with small blocks and pages so that block uploads and markers
 * are exercised. Each test's key root ({@code t-<uuid>/}) becomes a container of its own.
 */
class AzureBlobStoreTest extends BlobStoreContract {

    @Override
    protected BlobStore newStore() {
        return new AzureBlobStore(Azurite.shared().connection(), Map.of(), JdkHttpClient.shared(), 1024 * 1024, 7);
    }
}
