package dev.verge.cloud.port;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BlobStore} must have. Each implementation's test extends this class and
 * says how to make a fresh, empty store.
 */
public abstract class BlobStoreContract {

    protected BlobStore store;
    /** Keys are prefixed so that stores backed by one shared emulator do not see each other's objects. */
    protected String root;

    protected abstract BlobStore newStore() throws Exception;

    @BeforeEach
    void setUpStore() throws Exception {
        store = newStore();
        root = "t-" + UUID.randomUUID() + "/";
    }

    private BlobInfo putText(String key, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return store.put(key, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void put_thenGet_returnsSameBytes() {
        putText(root + "a/b.txt", "hello");

        assertThat(store.get(root + "a/b.txt")).map(BlobStoreContract::read).contains("hello");
    }

    @Test
    void get_missingKey_isEmpty() {
        assertThat(store.get(root + "nope")).isEmpty();
        assertThat(store.head(root + "nope")).isEmpty();
    }

    @Test
    void put_existingKey_replacesContent() {
        putText(root + "k", "one");
        putText(root + "k", "two");

        assertThat(store.get(root + "k")).map(BlobStoreContract::read).contains("two");
    }

    @Test
    void head_afterPut_reportsSizeAndUnquotedEtag() {
        BlobInfo put = putText(root + "k", "12345");

        BlobInfo head = store.head(root + "k").orElseThrow();
        assertThat(head.key()).isEqualTo(root + "k");
        assertThat(head.size()).isEqualTo(5);
        assertThat(head.etag()).isNotBlank().doesNotStartWith("\"").isEqualTo(put.etag());
        assertThat(head.lastModified()).isNotNull();
    }

    @Test
    void put_differentContent_changesEtag() {
        String first = putText(root + "k", "one").etag();
        String second = putText(root + "k", "two").etag();

        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void list_prefix_returnsOnlyMatchingKeysInOrder() {
        putText(root + "models/b/1", "x");
        putText(root + "models/a/1", "y");
        putText(root + "samples/a/1", "z");

        assertThat(store.list(root + "models/"))
                .extracting(BlobInfo::key)
                .containsExactly(root + "models/a/1", root + "models/b/1");
    }

    @Test
    void list_manyObjects_returnsAllOfThem() {
        for (int i = 0; i < 30; i++) {
            putText(root + "many/" + String.format("%03d", i), "v" + i);
        }

        assertThat(store.list(root + "many/")).hasSize(30);
    }

    @Test
    void delete_existing_removesIt() {
        putText(root + "k", "x");

        assertThat(store.delete(root + "k")).isTrue();
        assertThat(store.get(root + "k")).isEmpty();
        assertThat(store.delete(root + "k")).isFalse();
    }

    @Test
    void key_withSpacesAndPlus_roundTrips() {
        putText(root + "models/my model+v2.zip", "spaced");

        assertThat(store.get(root + "models/my model+v2.zip")).map(BlobStoreContract::read).contains("spaced");
        assertThat(store.list(root + "models/")).extracting(BlobInfo::key).containsExactly(root + "models/my model+v2.zip");
    }

    @Test
    void put_largeObjectOfUnknownLength_streamsAndKeepsEveryByte() throws Exception {
        byte[] data = new byte[12 * 1024 * 1024 + 17];
        new Random(42).nextBytes(data);

        BlobInfo info = store.put(root + "big.bin", new ByteArrayInputStream(data), -1, "application/octet-stream");

        assertThat(info.size()).isEqualTo(data.length);
        try (InputStream in = store.get(root + "big.bin").orElseThrow()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; total += n) {
                sha.update(buf, 0, n);
            }
            assertThat(total).isEqualTo(data.length);
            assertThat(HexFormat.of().formatHex(sha.digest()))
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
        }
    }

    @Test
    void downloadUrl_servesTheObjectOverHttp() throws Exception {
        putText(root + "dl/x.txt", "download me");

        String url = store.downloadUrl(root + "dl/x.txt", 300);

        if (url.startsWith("file:")) {
            assertThat(read(URI.create(url).toURL().openStream())).isEqualTo("download me");
            return;
        }
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("download me");
    }
}
