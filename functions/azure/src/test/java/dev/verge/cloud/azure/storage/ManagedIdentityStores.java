package dev.verge.cloud.azure.storage;

import java.util.Map;

/** Stores built the way a Functions app with a managed identity builds them: from identity-based app settings. */
final class ManagedIdentityStores {

    static final FakeIdentityEndpoint IDENTITY = new FakeIdentityEndpoint();

    private ManagedIdentityStores() {}

    static StorageConnection connection() {
        Azurite azurite = Azurite.sharedWithOAuth();
        Map<String, String> settings = Map.of(
                "VERGE_STORAGE__accountName", StorageConnection.DEV_ACCOUNT,
                "VERGE_STORAGE__blobServiceUri", azurite.blobEndpoint().toString(),
                "VERGE_STORAGE__tableServiceUri", azurite.tableEndpoint().toString(),
                "IDENTITY_ENDPOINT", IDENTITY.url(),
                "IDENTITY_HEADER", FakeIdentityEndpoint.SECRET);
        return StorageConnection.fromSettings(settings::get, "VERGE_STORAGE");
    }
}
