package dev.verge.cloud.azure.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sends requests to one storage service (Blob or Table) of one account with the JDK HTTP client,
 * authorized with Shared Key or a bearer token. Reads are retried on 500/503 and broken connections.
 */
final class StorageClient {

    enum Service { BLOB, TABLE }

    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade");
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT);
    private static final int ATTEMPTS = 3;

    private final HttpClient http;
    private final StorageCredential credential;
    private final String accountName;
    private final Service service;
    private final String apiVersion;

    StorageClient(HttpClient http, StorageCredential credential, String accountName, Service service, String apiVersion) {
        this.http = http;
        this.credential = credential;
        this.accountName = accountName;
        this.service = service;
        this.apiVersion = apiVersion;
    }

    static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(15))
                .build();
    }

    StorageCredential credential() {
        return credential;
    }

    String accountName() {
        return accountName;
    }

    String apiVersion() {
        return apiVersion;
    }

    HttpResponse<byte[]> send(StorageRequest request) {
        return send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    <T> HttpResponse<T> send(StorageRequest request, HttpResponse.BodyHandler<T> handler) {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<T> response = http.send(sign(request), handler);
                int status = response.statusCode();
                if (request.retryable() && attempt < ATTEMPTS && (status == 500 || status == 503)) {
                    discard(response);
                    pause(attempt);
                    continue;
                }
                return response;
            } catch (IOException e) {
                if (!request.retryable() || attempt >= ATTEMPTS) {
                    throw new AzureStorageException(502, null, request.method() + " " + describe(request.uri())
                            + " failed: could not talk to Azure Storage (" + e + ")");
                }
                pause(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AzureStorageException(502, null, "interrupted during " + request.method() + " " + describe(request.uri()));
            }
        }
    }

    /** The error for an answer the caller did not expect, with Azure's error code and message. */
    AzureStorageException failure(StorageRequest request, HttpResponse<?> response) {
        String code = response.headers().firstValue("x-ms-error-code").orElse(null);
        String body = switch (response.body()) {
            case byte[] bytes -> new String(bytes, 0, Math.min(bytes.length, 500), StandardCharsets.UTF_8);
            case InputStream in -> readSome(in);
            case null, default -> "";
        };
        return new AzureStorageException(response.statusCode(), code, "Azure Storage answered " + response.statusCode()
                + (code == null ? "" : " " + code) + " to " + request.method() + " " + describe(request.uri())
                + (body.isBlank() ? "" : ": " + body.strip()));
    }

    private HttpRequest sign(StorageRequest request) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(request.headers());
        headers.put("x-ms-date", RFC_1123.format(ZonedDateTime.now(ZoneOffset.UTC)));
        headers.put("x-ms-version", apiVersion);
        switch (credential) {
            case SharedKeyCredential key -> {
                String stringToSign = service == Service.BLOB
                        ? blobStringToSign(request, headers, key.accountName())
                        : tableStringToSign(request, headers, key.accountName());
                headers.put("Authorization", "SharedKey " + key.accountName() + ":" + key.sign(stringToSign));
            }
            case ManagedIdentityCredential identity -> headers.put("Authorization", "Bearer " + identity.token());
        }
        HttpRequest.BodyPublisher body = request.body().length == 0 && !request.method().equals("PUT")
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body());
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri())
                .timeout(Duration.ofMinutes(2))
                .method(request.method(), body);
        headers.forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                builder.header(name, value);
            }
        });
        return builder.build();
    }

    /** Shared Key for the Blob service (version 2009-09-19 and later). */
    static String blobStringToSign(StorageRequest request, Map<String, String> headers, String account) {
        int length = request.body().length;
        StringBuilder s = new StringBuilder()
                .append(request.method()).append('\n')
                .append(headers.getOrDefault("Content-Encoding", "")).append('\n')
                .append(headers.getOrDefault("Content-Language", "")).append('\n')
                .append(length == 0 ? "" : Integer.toString(length)).append('\n')
                .append(headers.getOrDefault("Content-MD5", "")).append('\n')
                .append(headers.getOrDefault("Content-Type", "")).append('\n')
                .append("").append('\n') // Date: x-ms-date is signed among the canonicalized headers
                .append(headers.getOrDefault("If-Modified-Since", "")).append('\n')
                .append(headers.getOrDefault("If-Match", "")).append('\n')
                .append(headers.getOrDefault("If-None-Match", "")).append('\n')
                .append(headers.getOrDefault("If-Unmodified-Since", "")).append('\n')
                .append(headers.getOrDefault("Range", "")).append('\n');
        Map<String, String> msHeaders = new TreeMap<>();
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-ms-")) {
                msHeaders.put(lower, value.strip().replaceAll("\\s+", " "));
            }
        });
        msHeaders.forEach((name, value) -> s.append(name).append(':').append(value).append('\n'));
        s.append('/').append(account).append(pathOf(request.uri()));
        Map<String, List<String>> query = new TreeMap<>();
        for (var pair : queryPairs(request.uri())) {
            query.computeIfAbsent(pair[0].toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(pair[1]);
        }
        query.forEach((name, values) -> s.append('\n').append(name).append(':').append(String.join(",", values.stream().sorted().toList())));
        return s.toString();
    }

    /** Shared Key for the Table service: only the verb, Content-MD5, Content-Type, date and resource are signed. */
    static String tableStringToSign(StorageRequest request, Map<String, String> headers, String account) {
        StringBuilder s = new StringBuilder()
                .append(request.method()).append('\n')
                .append(headers.getOrDefault("Content-MD5", "")).append('\n')
                .append(headers.getOrDefault("Content-Type", "")).append('\n')
                .append(headers.get("x-ms-date")).append('\n')
                .append('/').append(account).append(pathOf(request.uri()));
        for (var pair : queryPairs(request.uri())) {
            if (pair[0].equals("comp")) {
                s.append("?comp=").append(pair[1]);
            }
        }
        return s.toString();
    }

    private static String pathOf(URI uri) {
        String path = uri.getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    private static List<String[]> queryPairs(URI uri) {
        List<String[]> pairs = new ArrayList<>();
        String query = uri.getRawQuery();
        if (query == null || query.isEmpty()) {
            return pairs;
        }
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            pairs.add(new String[] {decode(name), decode(value)});
        }
        return pairs;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String describe(URI uri) {
        return uri.getRawPath(); // never the query: it may hold a SAS
    }

    private static void discard(HttpResponse<?> response) {
        if (response.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the connection is dropped either way
            }
        }
    }

    private static String readSome(InputStream in) {
        try (in) {
            return new String(in.readNBytes(500), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(200L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
