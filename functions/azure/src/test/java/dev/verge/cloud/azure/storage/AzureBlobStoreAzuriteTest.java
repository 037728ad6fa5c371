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
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the Azure blob adapter adds to the contract: SAS limits, authorization, block edges, container creation. */
class AzureBlobStoreAzuriteTest {

    private static final int BLOCK = 256 * 1024;
    private final String container = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    private final AzureBlobStore store =
            new AzureBlobStore(Azurite.shared().connection(), Map.of(), JdkHttpClient.shared(), BLOCK, 5000);
    private final HttpClient http = HttpClient.newHttpClient();

    private String k(String name) {
        return container + "/" + name;
    }

    private BlobInfo putText(String key, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return store.put(key, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    }

    @Test
    void put_intoMissingContainer_createsItOnce() {
        putText(k("a.txt"), "first");

        assertThat(putText(k("b.txt"), "second").size()).isEqualTo(6);
        assertThat(store.list(container + "/")).extracting(BlobInfo::key).containsExactly(k("a.txt"), k("b.txt"));
    }

    @Test
    void list_missingContainer_isEmpty() {
        assertThat(store.list(container + "/")).isEmpty();
        assertThat(store.list(container)).isEmpty();
        assertThat(store.get(k("x"))).isEmpty();
    }

    @Test
    void downloadUrl_put_isRefused() throws Exception {
        putText(k("dl.txt"), "read only");
        String url = store.downloadUrl(k("dl.txt"), 300);

        HttpResponse<String> write = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("x-ms-blob-type", "BlockBlob")
                .PUT(HttpRequest.BodyPublishers.ofString("overwritten")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(new String(store.get(k("dl.txt")).orElseThrow().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("read only");
    }

    @Test
    void downloadUrl_widenedPermissions_isRefused() throws Exception {
        putText(k("dl.txt"), "x");
        String url = store.downloadUrl(k("dl.txt"), 300).replace("sp=r", "sp=rw");

        assertThat(http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(403);
    }

    @Test
    void downloadUrl_expired_isRefused() throws Exception {
        putText(k("dl.txt"), "x");
        String url = store.downloadUrl(k("dl.txt"), -120);

        assertThat(http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(403);
    }

    @Test
    void downloadUrl_keyWithSpacesAndUnicode_downloads() throws Exception {
        putText(k("models/fruit quality/ü+1.zip"), "zipped");
        String url = store.downloadUrl(k("models/fruit quality/ü+1.zip"), 300);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("zipped");
    }

    @Test
    void anyRequest_wrongAccountKey_failsAsForbidden() {
        StorageConnection good = Azurite.shared().connection();
        StorageConnection wrong = new StorageConnection(good.accountName(), good.blobEndpoint(), good.tableEndpoint(),
                StorageConnection.accountKey(good.accountName(), "d3Jvbmcta2V5LXdyb25nLWtleQ=="));
        AzureBlobStore intruder = new AzureBlobStore(wrong);

        assertThatThrownBy(() -> intruder.list(container + "/"))
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

        BlobInfo info = store.put(k("exact.bin"), new ByteArrayInputStream(data), data.length, "application/octet-stream");

        assertThat(info.size()).isEqualTo(data.length);
        assertThat(store.head(k("exact.bin")).orElseThrow().size()).isEqualTo(data.length);
        try (InputStream in = store.get(k("exact.bin")).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void put_streamShorterThanDeclaredLength_isRefusedAndStoresNothing() {
        byte[] data = new byte[BLOCK + 10];

        assertThatThrownBy(() -> store.put(k("short.bin"), new ByteArrayInputStream(data), data.length + 1, "application/octet-stream"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected " + (data.length + 1));
        assertThat(store.head(k("short.bin"))).isEmpty();
    }

    @Test
    void put_keysWithXmlSpecialCharacters_listBackExactly() {
        putText(k("odd/a&b<c>\"d'.txt"), "x");

        assertThat(store.list(k("odd/"))).extracting(BlobInfo::key).containsExactly(k("odd/a&b<c>\"d'.txt"));
    }

    @Test
    void put_setsContentTypeOnTheBlob() throws Exception {
        store.put(k("m.zip"), new ByteArrayInputStream(new byte[BLOCK * 2 + 1]), -1, "application/zip");
        putText(k("t.txt"), "x");

        HttpResponse<Void> big = http.send(HttpRequest.newBuilder(URI.create(store.downloadUrl(k("m.zip"), 60))).build(),
                HttpResponse.BodyHandlers.discarding());
        HttpResponse<Void> small = http.send(HttpRequest.newBuilder(URI.create(store.downloadUrl(k("t.txt"), 60))).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(big.headers().firstValue("Content-Type")).contains("application/zip");
        assertThat(small.headers().firstValue("Content-Type")).contains("text/plain");
    }

    @Test
    void list_prefixInsideContainerSegment_listsEveryMatchingContainerInKeyOrder() {
        String other = container + "-b";
        putText(other + "/z", "1");
        putText(k("y"), "2");

        // "-" sorts before "/"
        assertThat(store.list(container)).extracting(BlobInfo::key).containsExactly(other + "/z", k("y"));
    }

    @Test
    void renamedSegment_storesInTheMappedContainerAndMapsEventsBack() throws Exception {
        AzureBlobStore renamed = new AzureBlobStore(Azurite.shared().connection(), Map.of("models", container));
        byte[] bytes = "pkg".getBytes(StandardCharsets.UTF_8);

        renamed.put("models/fruit/1/package.zip", new ByteArrayInputStream(bytes), bytes.length, "application/zip");

        assertThat(renamed.locate("models/fruit/1/package.zip")).isEqualTo(new AzureBlobStore.Location(container, "fruit/1/package.zip"));
        assertThat(store.get(k("fruit/1/package.zip")).orElseThrow().readAllBytes()).isEqualTo(bytes);
        assertThat(renamed.keyOf(container, "fruit/1/package.zip")).contains("models/fruit/1/package.zip");
        assertThat(renamed.keyOf("models", "fruit/1/package.zip")).as("container models is no longer reachable").isEmpty();
        assertThat(renamed.keyOf("other", "a/b")).contains("other/a/b");
        assertThat(renamed.list("models/fruit/")).extracting(BlobInfo::key).containsExactly("models/fruit/1/package.zip");
    }

    @Test
    void locate_keyWithoutContainerOrInvalidContainer_isRefused() {
        assertThatThrownBy(() -> store.locate("no-slash")).hasMessageContaining("<container>/<blob name>");
        assertThatThrownBy(() -> store.locate("Upper/x")).hasMessageContaining("not a valid container name");
        assertThatThrownBy(() -> store.locate("a--b/x")).hasMessageContaining("not a valid container name");
    }
}
