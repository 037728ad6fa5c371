package dev.verge.cloud.azure.storage;

import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.port.MetadataStoreContract;

/** The metadata contract over HTTPS with bearer tokens from a managed identity. */
class ManagedIdentityTableStoreTest extends MetadataStoreContract {

    @Override
    protected MetadataStore newStore() {
        return new AzureTableMetadataStore(ManagedIdentityStores.connection(), "identity", ManagedIdentityStores.http(), 1000);
    }
}
