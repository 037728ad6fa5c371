package dev.verge.cloud.azure.storage;

import dev.verge.cloud.port.IdempotencyLedgerContract;
import dev.verge.cloud.port.MetadataStore;

/** The idempotency ledger contract against a real Azurite table. */
class AzureTableIdempotencyLedgerTest extends IdempotencyLedgerContract {

    @Override
    protected MetadataStore newStore() {
        return new AzureTableMetadataStore(Azurite.shared().connection(), "contract", JdkHttpClient.shared(), 2);
    }
}
