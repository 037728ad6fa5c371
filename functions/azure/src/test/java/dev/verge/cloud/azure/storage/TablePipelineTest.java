package dev.verge.cloud.azure.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the Table pipeline's policies put on the wire, against a server that throttles first (Azurite never does). */
class TablePipelineTest {

    private final List<Headers> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger throttles = new AtomicInteger();
    private final HttpServer server = server();

    private HttpServer server() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            s.createContext("/", exchange -> {
                seen.add(exchange.getRequestHeaders());
                if (throttles.getAndDecrement() > 0) {
                    exchange.getResponseHeaders().add("Retry-After", "1");
                    exchange.sendResponseHeaders(503, -1);
                } else {
                    exchange.getResponseHeaders().add("x-ms-error-code", "ResourceNotFound");
                    exchange.sendResponseHeaders(404, -1);
                }
                exchange.close();
            });
            s.start();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private AzureTableMetadataStore store() {
        String endpoint = "http://127.0.0.1:" + server.getAddress().getPort() + "/" + StorageConnection.DEV_ACCOUNT;
        StorageConnection connection = StorageConnection.parse("AccountName=" + StorageConnection.DEV_ACCOUNT
                + ";AccountKey=" + StorageConnection.DEV_KEY + ";BlobEndpoint=" + endpoint + ";TableEndpoint=" + endpoint, "test");
        return new AzureTableMetadataStore(connection, "throttled", JdkHttpClient.shared(), 10);
    }

    @Test
    void read_throttledWithRetryAfter_isTriedAgainAfterTheWaitWithTheSameRequestId() {
        throttles.set(1);
        long start = System.nanoTime();

        assertThat(store().get("c", "k")).isEmpty();

        assertThat(seen).hasSize(2);
        assertThat(System.nanoTime() - start).as("waited for Retry-After: 1").isGreaterThanOrEqualTo(900_000_000L);
        String requestId = seen.get(0).getFirst("x-ms-client-request-id");
        assertThat(requestId).isNotBlank();
        assertThat(seen.get(1).getFirst("x-ms-client-request-id")).isEqualTo(requestId);
    }

    @Test
    void anyRequest_signsWithTheTableSharedKeyAndNamesTheApiVersion() {
        store().get("c", "k");

        Headers headers = seen.get(0);
        assertThat(headers.getFirst("Authorization")).startsWith("SharedKey " + StorageConnection.DEV_ACCOUNT + ":");
        assertThat(headers.getFirst("x-ms-version")).isEqualTo(TablePipeline.API_VERSION);
        assertThat(headers.getFirst("Date")).isNotBlank();
    }
}
