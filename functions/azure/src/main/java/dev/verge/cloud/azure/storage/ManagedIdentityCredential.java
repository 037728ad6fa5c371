package dev.verge.cloud.azure.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * Tokens for Azure Storage from the managed identity of an App Service / Functions host: the host
 * publishes {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}, and answers
 * {@code GET <endpoint>?resource=https://storage.azure.com/&api-version=2019-08-01} with an access token.
 * The identity needs the "Storage Blob Data Contributor", "Storage Table Data Contributor" and (for
 * download URLs, which are then user delegation SAS) "Storage Blob Delegator" roles on the account.
 * Tokens are cached until five minutes before they expire.
 */
public final class ManagedIdentityCredential implements StorageCredential {

    static final String RESOURCE = "https://storage.azure.com/";
    private static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String identityHeader;
    private final String clientId;
    private final HttpClient http;
    private final Clock clock;
    private String token;
    private Instant expiresOn = Instant.MIN;

    public ManagedIdentityCredential(URI endpoint, String identityHeader, String clientId, HttpClient http, Clock clock) {
        this.endpoint = endpoint;
        this.identityHeader = identityHeader;
        this.clientId = clientId;
        this.http = http;
        this.clock = clock;
    }

    /** The host's identity endpoint from {@code IDENTITY_ENDPOINT} / {@code IDENTITY_HEADER}; {@code clientId} selects a user-assigned identity. */
    static ManagedIdentityCredential fromEnvironment(UnaryOperator<String> settings, String clientId) {
        String endpoint = settings.apply("IDENTITY_ENDPOINT");
        String header = settings.apply("IDENTITY_HEADER");
        if (endpoint == null || header == null) {
            throw new IllegalArgumentException("the storage connection asks for a managed identity, but IDENTITY_ENDPOINT and"
                    + " IDENTITY_HEADER are not set: enable the app's managed identity, or use a connection string with an AccountKey");
        }
        return new ManagedIdentityCredential(URI.create(endpoint), header, clientId,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), Clock.systemUTC());
    }

    /** A bearer token for Azure Storage, fetched again when the cached one is about to expire. */
    public synchronized String token() {
        if (token == null || !clock.instant().isBefore(expiresOn.minus(REFRESH_BEFORE_EXPIRY))) {
            fetch();
        }
        return token;
    }

    private void fetch() {
        String query = "resource=" + URLEncoder.encode(RESOURCE, StandardCharsets.UTF_8) + "&api-version=2019-08-01"
                + (clientId == null ? "" : "&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + (endpoint.getRawQuery() == null ? "?" : "&") + query))
                .header("X-IDENTITY-HEADER", identityHeader)
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AzureStorageException(response.statusCode(), "ManagedIdentityFailed",
                        "the managed identity endpoint answered " + response.statusCode() + ": " + abbreviate(response.body()));
            }
            JsonNode body = JSON.readTree(response.body());
            String accessToken = body.path("access_token").asText(null);
            if (accessToken == null) {
                throw new AzureStorageException(502, "ManagedIdentityFailed", "the managed identity endpoint answered without access_token");
            }
            token = accessToken;
            // expires_on is epoch seconds, sent as a string
            expiresOn = Instant.ofEpochSecond(Long.parseLong(body.path("expires_on").asText("0")));
        } catch (IOException e) {
            throw new AzureStorageException(502, "ManagedIdentityFailed", "could not reach the managed identity endpoint: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AzureStorageException(502, "ManagedIdentityFailed", "interrupted while asking for a managed identity token");
        } catch (NumberFormatException e) {
            throw new AzureStorageException(502, "ManagedIdentityFailed", "the managed identity endpoint sent expires_on that is not epoch seconds");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    @Override
    public String toString() {
        return "ManagedIdentityCredential[" + endpoint + (clientId == null ? "" : ", clientId=" + clientId) + "]";
    }
}
