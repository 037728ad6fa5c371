package dev.verge.cloud.azure.storage;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The App Service managed identity endpoint as a Functions host publishes it: answers
 * {@code GET ?resource=...&api-version=2019-08-01} with a token for Azure Storage when the request
 * carries the right {@code X-IDENTITY-HEADER}. Tokens are unsigned JWTs, which Azurite's basic OAuth accepts.
 */
final class FakeIdentityEndpoint implements AutoCloseable {

    static final String SECRET = "identity-header-secret";
    static final String OBJECT_ID = "11059fcc-5514-4800-b5f8-49808b9cfab6";
    static final String TENANT_ID = "ab1f708d-50f6-404c-a006-d71b2ac7a606";

    private final HttpServer server;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicReference<String> lastQuery = new AtomicReference<>();
    final AtomicLong lifetimeSeconds = new AtomicLong(3600);
    /** The X-IDENTITY-HEADER this endpoint accepts; a test changes it to see a host refuse the app. */
    final AtomicReference<String> acceptedSecret = new AtomicReference<>(SECRET);

    FakeIdentityEndpoint() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/msi/token", exchange -> {
            calls.incrementAndGet();
            lastQuery.set(exchange.getRequestURI().getRawQuery());
            boolean allowed = acceptedSecret.get().equals(exchange.getRequestHeaders().getFirst("X-IDENTITY-HEADER"));
            long expires = Instant.now().getEpochSecond() + lifetimeSeconds.get();
            byte[] body = (allowed
                    ? "{\"access_token\":\"" + jwt(expires) + "\",\"expires_on\":\"" + expires
                            + "\",\"resource\":\"https://storage.azure.com/\",\"token_type\":\"Bearer\"}"
                    : "{\"error\":\"unauthorized\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(allowed ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/msi/token";
    }

    private static String jwt(long expires) {
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String payload = "{\"aud\":\"https://storage.azure.com\",\"iss\":\"https://sts.windows.net/" + TENANT_ID + "/\","
                + "\"nbf\":" + (now - 300) + ",\"iat\":" + (now - 300) + ",\"exp\":" + expires + ","
                + "\"oid\":\"" + OBJECT_ID + "\",\"tid\":\"" + TENANT_ID + "\"}";
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString("not-checked".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
