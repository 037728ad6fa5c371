package dev.verge.cloud.aws;

import dev.verge.cloud.port.IdempotencyLedgerContract;
import dev.verge.cloud.port.MetadataStore;

/** The idempotency ledger contract, against dynalite. */
class DynamoDbIdempotencyLedgerTest extends IdempotencyLedgerContract {

    @Override
    protected MetadataStore newStore() {
        return new DynamoDbMetadataStore(Emulators.dynamo(), Emulators.TABLE);
    }
}
