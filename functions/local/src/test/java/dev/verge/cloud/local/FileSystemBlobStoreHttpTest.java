package dev.verge.cloud.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.verge.cloud.api.ApiKeyAuth;
import dev.verge.cloud.api.CloudApi;
import dev.verge.cloud.api.Routes;
import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.BlobStoreContract;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blob store contract with download URLs served by the local server's {@code /blobs/} route. */
class FileSystemBlobStoreHttpTest extends BlobStoreContract {
    @TempDir
    Path dir;

    private HttpServer server;
    private BlobUrlSigner signer;

    @Override
    protected BlobStore newStore() throws Exception {
        FileSystemBlobStore blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        signer = BlobUrlSigner.fromSecretFile(dir.resolve("secret.key"), Clock.systemUTC());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        LocalCloud.routing(server, new CloudApi(new Routes(), ApiKeyAuth.insecureLocal()), new BlobDownloadHandler(blobs, signer));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        blobs.serveDownloadsAt(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), signer);
        return blobs;
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpResponse<String> fetch(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String putText(String key, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        store.put(key, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
        return key;
    }

    @Test
    void downloadUrl_tamperedSignatureOrOtherKey_is403() throws Exception {
        putText("a.txt", "a");
        putText("b.txt", "b");
        String url = store.downloadUrl("a.txt", 300);

        assertThat(fetch(url.replace("sig=", "sig=0")).statusCode()).isEqualTo(403);
        assertThat(fetch(url.replace("/blobs/a.txt", "/blobs/b.txt")).statusCode()).isEqualTo(403);
        assertThat(fetch(url.replaceAll("expires=\\d+", "expires=99999999999")).statusCode()).isEqualTo(403);
        assertThat(fetch(url).statusCode()).isEqualTo(200);
    }

    @Test
    void downloadUrl_expired_is403Json() throws Exception {
        putText("a.txt", "a");
        long past = Instant.now().getEpochSecond() - 10;
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/blobs/a.txt?expires=" + past
                + "&sig=" + signer.sign("a.txt", past);

        HttpResponse<String> response = fetch(url);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"error\":\"download_url_invalid\"");
    }

    @Test
    void downloadUrl_deletedObject_is404() throws Exception {
        putText("gone.txt", "x");
        String url = store.downloadUrl("gone.txt", 300);
        store.delete("gone.txt");

        assertThat(fetch(url).statusCode()).isEqualTo(404);
    }

    @Test
    void signer_secretFile_survivesRestart() {
        BlobUrlSigner again = BlobUrlSigner.fromSecretFile(dir.resolve("secret.key"), Clock.systemUTC());
        long expires = Instant.now().getEpochSecond() + 60;

        assertThat(again.verify("k", expires, signer.sign("k", expires))).isTrue();
    }
}
