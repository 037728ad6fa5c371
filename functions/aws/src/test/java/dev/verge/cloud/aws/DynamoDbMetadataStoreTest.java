package dev.verge.cloud.aws;

import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.port.MetadataStoreContract;

/** The metadata store contract, against DynamoDB Local. */
class DynamoDbMetadataStoreTest extends MetadataStoreContract {

    @Override
    protected MetadataStore newStore() {
        return new DynamoDbMetadataStore(Emulators.dynamo(), Emulators.TABLE);
    }
}
