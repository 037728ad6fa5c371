package dev.verge.cloud.azure.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.port.BlobInfo;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the Azure blob adapter adds to the contract: SAS limits, authorization, block edges, container creation. */
class AzureBlobStoreAzuriteTest {

    private static final int BLOCK = 256 * 1024;
    private final String container = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    private final AzureBlobStore store =
            new AzureBlobStore(Azurite.shared().connection(), container, StorageClient.defaultHttpClient(), BLOCK, 5000);
    private final HttpClient http = HttpClient.newHttpClient();

    private BlobInfo putText(String key, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return store.put(key, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    }

    @Test
    void put_intoMissingContainer_createsItOnce() {
        putText("a.txt", "first");

        assertThat(putText("b.txt", "second").size()).isEqualTo(6);
        assertThat(store.list("")).extracting(BlobInfo::key).containsExactly("a.txt", "b.txt");
    }

    @Test
    void list_missingContainer_isEmpty() {
        assertThat(store.list("")).isEmpty();
        assertThat(store.get("x")).isEmpty();
    }

    @Test
    void downloadUrl_put_isRefused() throws Exception {
        putText("dl.txt", "read only");
        String url = store.downloadUrl("dl.txt", 300);

        HttpResponse<String> write = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("x-ms-blob-type", "BlockBlob")
                .PUT(HttpRequest.BodyPublishers.ofString("overwritten")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(new String(store.get("dl.txt").orElseThrow().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("read only");
    }

    @Test
    void downloadUrl_widenedPermissions_isRefused() throws Exception {
        putText("dl.txt", "x");
        String url = store.downloadUrl("dl.txt", 300).replace("sp=r", "sp=rw");

        assertThat(http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(403);
    }

    @Test
    void downloadUrl_expired_isRefused() throws Exception {
        putText("dl.txt", "x");
        String url = store.downloadUrl("dl.txt", -120);

        assertThat(http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(403);
    }

    @Test
    void downloadUrl_keyWithSpacesAndUnicode_downloads() throws Exception {
        putText("models/fruit quality/ü+1.zip", "zipped");
        String url = store.downloadUrl("models/fruit quality/ü+1.zip", 300);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("zipped");
    }

    @Test
    void anyRequest_wrongAccountKey_failsAsForbidden() {
        StorageConnection good = Azurite.shared().connection();
        StorageConnection wrong = new StorageConnection(good.accountName(), good.blobEndpoint(), good.tableEndpoint(),
                new SharedKeyCredential(good.accountName(), "d3Jvbmcta2V5LXdyb25nLWtleQ=="));
        AzureBlobStore intruder = new AzureBlobStore(wrong, container);

        assertThatThrownBy(() -> intruder.list(""))
                .isInstanceOfSatisfying(AzureStorageException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.errorCode()).isIn("AuthenticationFailed", "AuthorizationFailure"); // Azure says the first, Azurite the second
                    assertThat(e.kind().httpStatus()).isEqualTo(502);
                });
    }

    @Test
    void put_exactMultipleOfBlockSize_keepsEveryByte() throws Exception {
        byte[] data = new byte[2 * BLOCK];
        new Random(7).nextBytes(data);

        BlobInfo info = store.put("exact.bin", new ByteArrayInputStream(data), data.length, "application/octet-stream");

        assertThat(info.size()).isEqualTo(data.length);
        assertThat(store.head("exact.bin").orElseThrow().size()).isEqualTo(data.length);
        try (InputStream in = store.get("exact.bin").orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void put_streamShorterThanDeclaredLength_isRefusedAndStoresNothing() {
        byte[] data = new byte[BLOCK + 10];

        assertThatThrownBy(() -> store.put("short.bin", new ByteArrayInputStream(data), data.length + 1, "application/octet-stream"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected " + (data.length + 1));
        assertThat(store.head("short.bin")).isEmpty();
    }

    @Test
    void put_keysWithXmlSpecialCharacters_listBackExactly() {
        putText("odd/a&b<c>\"d'.txt", "x");

        assertThat(store.list("odd/")).extracting(BlobInfo::key).containsExactly("odd/a&b<c>\"d'.txt");
    }

    @Test
    void put_setsContentTypeOnTheBlob() throws Exception {
        store.put("m.zip", new ByteArrayInputStream(new byte[BLOCK * 2 + 1]), -1, "application/zip");
        putText("t.txt", "x");

        HttpResponse<Void> big = http.send(HttpRequest.newBuilder(URI.create(store.downloadUrl("m.zip", 60))).build(),
                HttpResponse.BodyHandlers.discarding());
        HttpResponse<Void> small = http.send(HttpRequest.newBuilder(URI.create(store.downloadUrl("t.txt", 60))).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(big.headers().firstValue("Content-Type")).contains("application/zip");
        assertThat(small.headers().firstValue("Content-Type")).contains("text/plain");
    }
}
