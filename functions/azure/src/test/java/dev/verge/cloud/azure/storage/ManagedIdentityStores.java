package dev.verge.cloud.azure.storage;

import com.microsoft.aad.msal4j.HostEnvironment;
import java.time.Duration;
import java.util.Map;

/**
 * Stores built the way a Functions app with a managed identity builds them: from identity-based app settings,
 * on a host whose {@code IDENTITY_ENDPOINT} / {@code IDENTITY_HEADER} lead to {@link FakeIdentityEndpoint}.
 */
final class ManagedIdentityStores {

    static final FakeIdentityEndpoint IDENTITY = new FakeIdentityEndpoint();

    static {
        HostEnvironment.use(Map.of("IDENTITY_ENDPOINT", IDENTITY.url(), "IDENTITY_HEADER", FakeIdentityEndpoint.SECRET));
    }

    private ManagedIdentityStores() {}

    /**
     * A transport made after the HTTPS Azurite started, so it trusts Azurite's certificate (a JDK client takes
     * the default trust of the moment it is built; the worker's shared one may be older).
     */
    static JdkHttpClient http() {
        return TrustingAzurite.CLIENT;
    }

    private static final class TrustingAzurite {
        static final JdkHttpClient CLIENT = afterAzurite();

        private static JdkHttpClient afterAzurite() {
            Azurite.sharedWithOAuth();
            return new JdkHttpClient(Duration.ofSeconds(15), Duration.ofSeconds(60));
        }
    }

    static StorageConnection connection() {
        Azurite azurite = Azurite.sharedWithOAuth();
        Map<String, String> settings = Map.of(
                "VERGE_STORAGE__accountName", StorageConnection.DEV_ACCOUNT,
                "VERGE_STORAGE__blobServiceUri", azurite.blobEndpoint().toString(),
                "VERGE_STORAGE__tableServiceUri", azurite.tableEndpoint().toString());
        return StorageConnection.fromSettings(settings::get, "VERGE_STORAGE");
    }
}
