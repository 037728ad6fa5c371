package dev.verge.cloud.aws;

import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.BlobStoreContract;

/** The blob store contract, against s3proxy. */
class S3BlobStoreTest extends BlobStoreContract {

    @Override
    protected BlobStore newStore() {
        return Emulators.blobStore();
    }
}
