package dev.verge.cloud.azure.storage;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.common.StorageSharedKeyCredential;

/** How requests to a storage account are authorized: with the account key, or with an Entra identity's tokens. */
public sealed interface StorageCredential {

    /** The account key of a connection string. */
    record AccountKey(StorageSharedKeyCredential key) implements StorageCredential {
        @Override
        public String toString() {
            return "AccountKey[" + key.getAccountName() + "]"; // never the key
        }
    }

    /** Tokens from azure-identity (see {@link StorageIdentity}); download URLs are then user delegation SAS. */
    record Identity(TokenCredential tokens) implements StorageCredential {}
}
