package dev.verge.cloud.azure.storage;

import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.port.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link BlobStore} on one Azure Blob Storage container, over the Blob REST API. Small objects go up in
 * one Put Blob; larger ones or ones of unknown length are cut into blocks (Put Block, then Put Block List),
 * so at most one block is held in memory. The container is created on the first write that needs it.
 */
public final class AzureBlobStore implements BlobStore {

    static final String API_VERSION = "2023-11-03";
    static final int DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024;

    private final StorageClient client;
    private final String container;
    private final URI containerUri;
    private final int blockSize;
    private final int pageSize;
    private final UserDelegationKeys delegationKeys;

    public AzureBlobStore(StorageConnection connection, String container) {
        this(connection, container, StorageClient.defaultHttpClient(), DEFAULT_BLOCK_SIZE, 5000);
    }

    /** {@code blockSize} and {@code pageSize} (List Blobs maxresults) are small in tests to exercise blocks and markers. */
    AzureBlobStore(StorageConnection connection, String container, HttpClient http, int blockSize, int pageSize) {
        this.client = new StorageClient(http, connection.credential(), connection.accountName(), StorageClient.Service.BLOB, API_VERSION);
        this.container = container;
        this.containerUri = URI.create(connection.blobEndpoint() + "/" + container);
        this.blockSize = blockSize;
        this.pageSize = pageSize;
        this.delegationKeys = new UserDelegationKeys(client, connection.blobEndpoint());
    }

    public String container() {
        return container;
    }

    @Override
    public BlobInfo put(String key, InputStream data, long length, String contentType) {
        String type = contentType == null ? "application/octet-stream" : contentType;
        try (data) {
            byte[] first = data.readNBytes(blockSize);
            if (first.length < blockSize) {
                checkLength(key, length, first.length);
                return putBlob(key, first, type);
            }
            return putBlocks(key, first, data, length, type);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the data for blob " + key, e);
        }
    }

    private BlobInfo putBlob(String key, byte[] bytes, String type) {
        StorageRequest request = StorageRequest.of("PUT", blobUri(key))
                .header("x-ms-blob-type", "BlockBlob")
                .header("Content-MD5", md5(bytes))
                .body(bytes, type);
        HttpResponse<byte[]> response = sendCreatingContainer(request);
        expect(request, response, 201);
        return infoFrom(key, bytes.length, response);
    }

    private BlobInfo putBlocks(String key, byte[] first, InputStream data, long length, String type) throws IOException {
        // one upload's block ids share a random prefix: same length for every id, no clash with a concurrent upload
        String upload = UUID.randomUUID().toString();
        List<String> ids = new ArrayList<>();
        long total = 0;
        for (byte[] block = first; block.length > 0; block = data.readNBytes(blockSize)) {
            String id = Base64.getEncoder().encodeToString(
                    String.format("%s-%06d", upload, ids.size()).getBytes(StandardCharsets.US_ASCII));
            StorageRequest request = StorageRequest.of("PUT", URI.create(blobUri(key) + "?comp=block&blockid="
                            + URLEncoder.encode(id, StandardCharsets.UTF_8)))
                    .header("Content-MD5", md5(block))
                    .body(block, "application/octet-stream")
                    .asRetryable();
            expect(request, sendCreatingContainer(request), 201);
            ids.add(id);
            total += block.length;
            if (block.length < blockSize) {
                break;
            }
        }
        checkLength(key, length, total);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        ids.forEach(id -> xml.append("<Latest>").append(id).append("</Latest>"));
        xml.append("</BlockList>");
        StorageRequest commit = StorageRequest.of("PUT", URI.create(blobUri(key) + "?comp=blocklist"))
                .header("x-ms-blob-content-type", type)
                .body(xml.toString().getBytes(StandardCharsets.UTF_8), "application/xml");
        HttpResponse<byte[]> response = client.send(commit);
        expect(commit, response, 201);
        return infoFrom(key, total, response);
    }

    private static void checkLength(String key, long declared, long read) {
        if (declared >= 0 && declared != read) {
            throw new IllegalArgumentException("blob " + key + ": expected " + declared + " bytes, the stream had " + read);
        }
    }

    @Override
    public Optional<InputStream> get(String key) {
        StorageRequest request = StorageRequest.of("GET", blobUri(key));
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() == 404) {
            closeQuietly(response.body());
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw client.failure(request, response);
        }
        return Optional.of(response.body());
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        StorageRequest request = StorageRequest.of("HEAD", blobUri(key));
        HttpResponse<byte[]> response = client.send(request);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect(request, response, 200);
        long size = response.headers().firstValueAsLong("Content-Length").orElse(0);
        return Optional.of(infoFrom(key, size, response));
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        List<BlobInfo> result = new ArrayList<>();
        String marker = "";
        do {
            StorageRequest request = StorageRequest.of("GET", URI.create(containerUri + "?restype=container&comp=list"
                    + "&prefix=" + encodeQuery(prefix) + "&maxresults=" + pageSize
                    + (marker.isEmpty() ? "" : "&marker=" + encodeQuery(marker))));
            HttpResponse<byte[]> response = client.send(request);
            if (response.statusCode() == 404 && isContainerMissing(response)) {
                return result;
            }
            expect(request, response, 200);
            BlobListing page = BlobListing.parse(response.body());
            result.addAll(page.blobs());
            marker = page.nextMarker();
        } while (!marker.isEmpty());
        return result;
    }

    @Override
    public boolean delete(String key) {
        StorageRequest request = StorageRequest.of("DELETE", blobUri(key));
        HttpResponse<byte[]> response = client.send(request);
        if (response.statusCode() == 404) {
            return false;
        }
        expect(request, response, 202);
        return true;
    }

    /**
     * A read-only SAS URL for the blob that expires after {@code ttlSeconds}: a service SAS signed with the
     * account key, or a user delegation SAS when the store runs on a managed identity.
     */
    @Override
    public String downloadUrl(String key, long ttlSeconds) {
        Instant expiry = Instant.now().plusSeconds(ttlSeconds);
        String query = switch (client.credential()) {
            case SharedKeyCredential sharedKey -> BlobSas.serviceSas(sharedKey, container, key, expiry);
            case ManagedIdentityCredential identity ->
                    BlobSas.userDelegationSas(delegationKeys.keyValidUntil(expiry), client.accountName(), container, key, expiry);
        };
        return blobUri(key) + "?" + query;
    }

    private HttpResponse<byte[]> sendCreatingContainer(StorageRequest request) {
        HttpResponse<byte[]> response = client.send(request);
        if (response.statusCode() == 404 && isContainerMissing(response)) {
            createContainer();
            response = client.send(request);
        }
        return response;
    }

    /** Creates the container; an existing one is fine (several workers may race here). */
    public void createContainer() {
        StorageRequest request = StorageRequest.of("PUT", URI.create(containerUri + "?restype=container")).body(new byte[0], "");
        HttpResponse<byte[]> response = client.send(request);
        if (response.statusCode() != 201 && response.statusCode() != 409) {
            throw client.failure(request, response);
        }
    }

    private static boolean isContainerMissing(HttpResponse<?> response) {
        return response.headers().firstValue("x-ms-error-code").filter("ContainerNotFound"::equals).isPresent();
    }

    private void expect(StorageRequest request, HttpResponse<byte[]> response, int status) {
        if (response.statusCode() != status) {
            throw client.failure(request, response);
        }
    }

    private static BlobInfo infoFrom(String key, long size, HttpResponse<?> response) {
        String etag = unquote(response.headers().firstValue("ETag").orElse(""));
        Instant modified = response.headers().firstValue("Last-Modified")
                .map(v -> ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
                .orElse(null);
        return new BlobInfo(key, size, etag, modified);
    }

    static String unquote(String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }

    URI blobUri(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a blob key must not be empty");
        }
        return URI.create(containerUri + "/" + encodePath(key));
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters and '/'. */
    static String encodePath(String key) {
        StringBuilder out = new StringBuilder();
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static String encodeQuery(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String md5(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available in this JDK", e);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was to be read
        }
    }
}
