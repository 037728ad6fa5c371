package dev.verge.cloud.azure.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.BlobStoreContract;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The blob contract over HTTPS with bearer tokens from a managed identity; download URLs are user delegation SAS. */
class ManagedIdentityBlobStoreTest extends BlobStoreContract {

    @Override
    protected BlobStore newStore() {
        return new AzureBlobStore(ManagedIdentityStores.connection(), java.util.Map.of(), ManagedIdentityStores.http(), AzureBlobStore.DEFAULT_BLOCK_SIZE, 5000);
    }

    @Test
    void downloadUrl_withManagedIdentity_isUserDelegationSas() {
        String url = store.downloadUrl(root + "any", 60);

        assertThat(url).startsWith("https://").contains("skoid=" + FakeIdentityEndpoint.OBJECT_ID).contains("sp=r");
    }

    @Test
    void downloadUrl_otherObjectId_isRefused() throws Exception {
        store.put(root + "x", new ByteArrayInputStream(new byte[] {1}), 1, "application/octet-stream");
        String url = store.downloadUrl(root + "x", 60).replace(FakeIdentityEndpoint.OBJECT_ID, "00000000-0000-0000-0000-000000000000");

        int status = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();

        assertThat(status).isEqualTo(403);
    }
}
