package dev.verge.cloud.azure.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.verge.error.ErrorKind;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The identity a keyless connection runs as, against a Functions host's identity endpoint
 * ({@link ManagedIdentityStores} points {@code IDENTITY_ENDPOINT} at {@link FakeIdentityEndpoint}). Tokens are
 * cached per identity for the whole JVM by the SDK, so each test names a user-assigned identity of its own.
 */
class StorageIdentityTest {

    private static final FakeIdentityEndpoint ENDPOINT = ManagedIdentityStores.IDENTITY;
    private static final TokenRequestContext STORAGE = new TokenRequestContext().addScopes(TablePipeline.STORAGE_SCOPE);

    private static String newClientId() {
        return UUID.randomUUID().toString();
    }

    @Test
    void token_onAFunctionsHost_isAskedForStorageWithTheHostsHeaderAndTheClientId() {
        String clientId = newClientId();

        String token = StorageIdentity.credential(clientId, JdkHttpClient.shared()).getTokenSync(STORAGE).getToken();

        assertThat(token).isNotBlank();
        assertThat(ENDPOINT.lastQuery.get())
                .contains("resource=https%3A%2F%2Fstorage.azure.com").contains("api-version=2019-08-01").contains("client_id=" + clientId);
    }

    @Test
    void token_askedTwice_isFetchedOnce() {
        TokenCredential credential = StorageIdentity.credential(newClientId(), JdkHttpClient.shared());
        int before = ENDPOINT.calls.get();

        String first = credential.getTokenSync(STORAGE).getToken();
        String second = credential.getTokenSync(STORAGE).getToken();

        assertThat(second).isEqualTo(first);
        assertThat(ENDPOINT.calls.get() - before).isEqualTo(1);
    }

    @Test
    void storeRequest_hostRefusesTheIdentity_failsAsUpstreamNamingTheIdentity() {
        Azurite azurite = Azurite.sharedWithOAuth();
        Map<String, String> settings = Map.of(
                "VERGE_STORAGE__accountName", StorageConnection.DEV_ACCOUNT,
                "VERGE_STORAGE__blobServiceUri", azurite.blobEndpoint().toString(),
                "VERGE_STORAGE__tableServiceUri", azurite.tableEndpoint().toString(),
                "VERGE_STORAGE__clientId", newClientId());
        StorageConnection connection = StorageConnection.fromSettings(settings::get, "VERGE_STORAGE");
        ENDPOINT.acceptedSecret.set("another-secret");
        try {
            assertThatThrownBy(() -> new AzureTableMetadataStore(connection, "refused", ManagedIdentityStores.http(), 1000).get("c", "k"))
                    .isInstanceOfSatisfying(AzureStorageException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_FAILED);
                        assertThat(e.errorCode()).isEqualTo("IdentityUnavailable");
                    })
                    .hasMessageContaining("identity");
            assertThatThrownBy(() -> new AzureBlobStore(connection, Map.of(), ManagedIdentityStores.http(), 1024, 10).head("refused/k"))
                    .isInstanceOfSatisfying(AzureStorageException.class, e -> assertThat(e.errorCode()).isEqualTo("IdentityUnavailable"));
        } finally {
            ENDPOINT.acceptedSecret.set(FakeIdentityEndpoint.SECRET);
        }
    }
}
