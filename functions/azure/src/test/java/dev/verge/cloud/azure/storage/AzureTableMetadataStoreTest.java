package dev.verge.cloud.azure.storage;

import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.port.MetadataStoreContract;

/** The metadata contract against a real Azurite table, with small pages so that continuation tokens are exercised. */
class AzureTableMetadataStoreTest extends MetadataStoreContract {

    @Override
    protected MetadataStore newStore() {
        return new AzureTableMetadataStore(Azurite.shared().connection(), "contract", JdkHttpClient.shared(), 2);
    }
}
