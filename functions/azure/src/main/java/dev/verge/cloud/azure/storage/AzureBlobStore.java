package dev.verge.cloud.azure.storage;

import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.events.BlobKeys;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@link BlobStore} on Azure Blob Storage, over the Blob REST API. A key's first segment names the
 * container and the rest is the blob name ({@code models/fruit-quality/3/package.zip} is blob
 * {@code fruit-quality/3/package.zip} in container {@code models}), the way an S3 path names bucket and
 * key; a segment can be mapped to a container of another name ({@code VERGE_MODELS_CONTAINER}).
 * Small objects go up in one Put Blob; larger ones or ones of unknown length are cut into blocks
 * (Put Block, then Put Block List), so at most one block is held in memory. A container is created on
 * the first write that needs it.
 */
public final class AzureBlobStore implements BlobStore, BlobKeys {

    static final String API_VERSION = "2023-11-03";
    static final int DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024;
    private static final Pattern CONTAINER_NAME = Pattern.compile("^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$");

    private final StorageClient client;
    private final URI endpoint;
    private final Map<String, String> containerBySegment;
    private final Map<String, String> segmentByContainer = new HashMap<>();
    private final int blockSize;
    private final int pageSize;
    private final UserDelegationKeys delegationKeys;

    public AzureBlobStore(StorageConnection connection) {
        this(connection, Map.of());
    }

    /** {@code containers} maps key segments to container names, for example {@code models -> vergemodels}. */
    public AzureBlobStore(StorageConnection connection, Map<String, String> containers) {
        this(connection, containers, StorageClient.defaultHttpClient(), DEFAULT_BLOCK_SIZE, 5000);
    }

    /** {@code blockSize} and {@code pageSize} (List Blobs maxresults) are small in tests to exercise blocks and markers. */
    AzureBlobStore(StorageConnection connection, Map<String, String> containers, HttpClient http, int blockSize, int pageSize) {
        this.client = new StorageClient(http, connection.credential(), connection.accountName(), StorageClient.Service.BLOB, API_VERSION);
        this.endpoint = connection.blobEndpoint();
        this.containerBySegment = Map.copyOf(containers);
        containers.forEach((segment, container) -> {
            checkContainerName(container, segment);
            segmentByContainer.put(container, segment);
        });
        this.blockSize = blockSize;
        this.pageSize = pageSize;
        this.delegationKeys = new UserDelegationKeys(client, connection.blobEndpoint());
    }

    /** Where a key lives: its container and its blob name in it. */
    public record Location(String container, String blobName) {}

    public Location locate(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            throw new IllegalArgumentException("expected a blob key <container>/<blob name>, found '" + key + "'");
        }
        String segment = key.substring(0, slash);
        String container = containerBySegment.getOrDefault(segment, segment);
        checkContainerName(container, key);
        return new Location(container, key.substring(slash + 1));
    }

    /**
     * The key of a blob, for events that name a container and a blob (the inverse of {@link #locate});
     * empty when no key reaches that container (its name is a segment that was mapped elsewhere).
     */
    @Override
    public Optional<String> keyOf(String container, String blobName) {
        String segment = segmentByContainer.getOrDefault(container, container);
        return locate(segment + "/x").container().equals(container) ? Optional.of(segment + "/" + blobName) : Optional.empty();
    }

    private static void checkContainerName(String container, String context) {
        if (!CONTAINER_NAME.matcher(container).matches()) {
            throw new IllegalArgumentException("'" + container + "' (from " + context + ") is not a valid container name:"
                    + " expected 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit");
        }
    }

    @Override
    public BlobInfo put(String key, InputStream data, long length, String contentType) {
        String type = contentType == null ? "application/octet-stream" : contentType;
        try {
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
        HttpResponse<byte[]> response = sendCreatingContainer(key, request);
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
            expect(request, sendCreatingContainer(key, request), 201);
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
        int slash = prefix.indexOf('/');
        if (slash > 0) {
            Location location = locate(prefix.substring(0, slash) + "/x");
            return listContainer(location.container(), prefix.substring(slash + 1));
        }
        // a prefix within the container segment: every container whose key segment starts with it
        List<BlobInfo> result = new ArrayList<>();
        for (String container : listContainers()) {
            if (segmentByContainer.getOrDefault(container, container).startsWith(prefix)) {
                result.addAll(listContainer(container, ""));
            }
        }
        result.sort(Comparator.comparing(BlobInfo::key));
        return result;
    }

    private List<BlobInfo> listContainer(String container, String blobPrefix) {
        List<BlobInfo> result = new ArrayList<>();
        String marker = "";
        do {
            StorageRequest request = StorageRequest.of("GET", URI.create(endpoint + "/" + container + "?restype=container&comp=list"
                    + "&prefix=" + encodeQuery(blobPrefix) + "&maxresults=" + pageSize
                    + (marker.isEmpty() ? "" : "&marker=" + encodeQuery(marker))));
            HttpResponse<byte[]> response = client.send(request);
            if (response.statusCode() == 404 && isContainerMissing(response)) {
                return result;
            }
            expect(request, response, 200);
            BlobListing page = BlobListing.parse(response.body());
            String segment = segmentByContainer.getOrDefault(container, container);
            page.blobs().forEach(blob -> result.add(new BlobInfo(segment + "/" + blob.key(), blob.size(), blob.etag(), blob.lastModified())));
            marker = page.nextMarker();
        } while (!marker.isEmpty());
        return result;
    }

    private List<String> listContainers() {
        List<String> names = new ArrayList<>();
        String marker = "";
        do {
            StorageRequest request = StorageRequest.of("GET", URI.create(endpoint + "/?comp=list&maxresults=" + pageSize
                    + (marker.isEmpty() ? "" : "&marker=" + encodeQuery(marker))));
            HttpResponse<byte[]> response = client.send(request);
            expect(request, response, 200);
            Document doc = BlobListing.XmlDocs.parse(response.body());
            NodeList containers = doc.getElementsByTagName("Container");
            for (int i = 0; i < containers.getLength(); i++) {
                names.add(BlobListing.XmlDocs.text((Element) containers.item(i), "Name", ""));
            }
            marker = BlobListing.XmlDocs.text(doc.getDocumentElement(), "NextMarker", "");
        } while (!marker.isEmpty());
        return names;
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
        Location location = locate(key);
        String query = switch (client.credential()) {
            case SharedKeyCredential sharedKey ->
                    BlobSas.serviceSas(sharedKey, location.container(), location.blobName(), expiry);
            case ManagedIdentityCredential identity -> BlobSas.userDelegationSas(delegationKeys.keyValidUntil(expiry),
                    client.accountName(), location.container(), location.blobName(), expiry);
        };
        return blobUri(key) + "?" + query;
    }

    private HttpResponse<byte[]> sendCreatingContainer(String key, StorageRequest request) {
        HttpResponse<byte[]> response = client.send(request);
        if (response.statusCode() == 404 && isContainerMissing(response)) {
            createContainer(locate(key).container());
            response = client.send(request);
        }
        return response;
    }

    /** Creates the container; an existing one is fine (several workers may race here). */
    public void createContainer(String container) {
        StorageRequest request = StorageRequest.of("PUT", URI.create(endpoint + "/" + container + "?restype=container"))
                .body(new byte[0], "");
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
        Location location = locate(key);
        return URI.create(endpoint + "/" + location.container() + "/" + encodePath(location.blobName()));
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
