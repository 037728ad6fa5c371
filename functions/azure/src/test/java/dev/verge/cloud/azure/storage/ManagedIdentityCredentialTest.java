package dev.verge.cloud.azure.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManagedIdentityCredentialTest {

    private final FakeIdentityEndpoint endpoint = new FakeIdentityEndpoint();

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private ManagedIdentityCredential credential(String secret, String clientId) {
        return new ManagedIdentityCredential(URI.create(endpoint.url()), secret, clientId, HttpClient.newHttpClient(), Clock.systemUTC());
    }

    @Test
    void token_askedTwice_fetchesOnceForStorage() {
        ManagedIdentityCredential credential = credential(FakeIdentityEndpoint.SECRET, null);

        String first = credential.token();
        String second = credential.token();

        assertThat(second).isEqualTo(first);
        assertThat(endpoint.calls).hasValue(1);
        assertThat(endpoint.lastQuery.get()).contains("resource=https%3A%2F%2Fstorage.azure.com%2F").contains("api-version=2019-08-01");
    }

    @Test
    void token_closeToExpiry_isFetchedAgain() {
        endpoint.lifetimeSeconds.set(120); // inside the five-minute refresh window
        ManagedIdentityCredential credential = credential(FakeIdentityEndpoint.SECRET, null);

        credential.token();
        credential.token();

        assertThat(endpoint.calls).hasValue(2);
    }

    @Test
    void token_userAssignedIdentity_sendsClientId() {
        credential(FakeIdentityEndpoint.SECRET, "5b8e9a3c-client").token();

        assertThat(endpoint.lastQuery.get()).contains("client_id=5b8e9a3c-client");
    }

    @Test
    void token_wrongIdentityHeader_failsWithTheEndpointsAnswer() {
        assertThatThrownBy(() -> credential("wrong", null).token())
                .isInstanceOfSatisfying(AzureStorageException.class, e -> assertThat(e.status()).isEqualTo(401))
                .hasMessageContaining("managed identity");
    }
}
