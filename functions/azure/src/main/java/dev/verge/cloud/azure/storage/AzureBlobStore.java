package dev.verge.cloud.azure.storage;

import com.azure.core.http.HttpClient;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.ListBlobContainersOptions;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import dev.verge.cloud.events.BlobKeys;
import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.port.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@link BlobStore} on Azure Blob Storage, through the Azure SDK's blob client. A key's first segment names
 * the container and the rest is the blob name ({@code models/fruit-quality/3/package.zip} is blob
 * {@code fruit-quality/3/package.zip} in container {@code models}), the way an S3 path names bucket and
 * key; a segment can be mapped to a container of another name ({@code VERGE_MODELS_CONTAINER}).
 * Small objects go up in one Put Blob; larger ones or ones of unknown length in blocks of
 * {@code blockSize}, sent one at a time, so memory holds a block or two, never the object. A container is created before
 * the first write into it. Download URLs are read-only SAS: a service SAS signed with the account key, or a
 * user delegation SAS when the store runs on an Entra identity.
 */
public final class AzureBlobStore implements BlobStore, BlobKeys {

    static final int DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024;
    private static final Pattern CONTAINER_NAME = Pattern.compile("^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$");

    private final BlobServiceClient service;
    private final StorageCredential credential;
    private final Map<String, String> containerBySegment;
    private final Map<String, String> segmentByContainer = new HashMap<>();
    private final Set<String> knownContainers = ConcurrentHashMap.newKeySet();
    private final int blockSize;
    private final int pageSize;
    private final UserDelegationKeys delegationKeys;

    public AzureBlobStore(StorageConnection connection) {
        this(connection, Map.of());
    }

    /** {@code containers} maps key segments to container names, for example {@code models -> vergemodels}. */
    public AzureBlobStore(StorageConnection connection, Map<String, String> containers) {
        this(connection, containers, JdkHttpClient.shared(), DEFAULT_BLOCK_SIZE, 5000);
    }

    /** {@code blockSize} and {@code pageSize} (List Blobs maxresults) are small in tests to exercise blocks and markers. */
    AzureBlobStore(StorageConnection connection, Map<String, String> containers, HttpClient http, int blockSize, int pageSize) {
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
                .endpoint(connection.blobEndpoint().toString())
                .httpClient(http)
                .retryOptions(StorageRetries.BLOBS);
        switch (connection.credential()) {
            case StorageCredential.AccountKey key -> builder.credential(key.key());
            case StorageCredential.Identity identity -> builder.credential(identity.tokens());
        }
        this.service = builder.buildClient();
        this.credential = connection.credential();
        this.containerBySegment = Map.copyOf(containers);
        containers.forEach((segment, container) -> {
            checkContainerName(container, segment);
            segmentByContainer.put(container, segment);
        });
        this.blockSize = blockSize;
        this.pageSize = pageSize;
        this.delegationKeys = new UserDelegationKeys(service);
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
        BlobClient blob = blob(key);
        String container = locate(key).container();
        LengthCheckedStream stream = new LengthCheckedStream(key, data, length);
        BlobParallelUploadOptions upload = new BlobParallelUploadOptions(stream)
                .setHeaders(new BlobHttpHeaders().setContentType(contentType == null ? "application/octet-stream" : contentType))
                .setComputeMd5(true)
                .setParallelTransferOptions(new ParallelTransferOptions()
                        .setMaxSingleUploadSizeLong((long) blockSize)
                        .setBlockSizeLong((long) blockSize)
                        .setMaxConcurrency(1));
        ensureContainer(container);
        BlockBlobItem item;
        try {
            item = blob.uploadWithResponse(upload, null, null).getValue();
        } catch (RuntimeException e) {
            LengthCheckedStream.rethrowMismatch(e);
            if (e instanceof BlobStorageException s && BlobErrorCode.CONTAINER_NOT_FOUND.equals(s.getErrorCode())) {
                knownContainers.remove(container); // deleted since: the next write creates it again
            }
            throw AzureStorageException.from("Put Blob " + key, e);
        }
        return new BlobInfo(key, stream.read, unquote(item.getETag()), item.getLastModified().toInstant());
    }

    private void ensureContainer(String container) {
        if (!knownContainers.contains(container)) {
            createContainer(container);
            knownContainers.add(container);
        }
    }

    /** Creates the container; an existing one is fine (several workers may race here). */
    public void createContainer(String container) {
        call("Create Container " + container, () -> service.getBlobContainerClient(container).createIfNotExists());
    }

    @Override
    public Optional<InputStream> get(String key) {
        BlobClient blob = blob(key);
        return call("Get Blob " + key, () -> ifExists(() -> blob.openInputStream()));
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        BlobClient blob = blob(key);
        return call("Get Blob Properties " + key, () -> ifExists(blob::getProperties)).map(p -> info(key, p));
    }

    private static BlobInfo info(String key, BlobProperties properties) {
        return new BlobInfo(key, properties.getBlobSize(), unquote(properties.getETag()), properties.getLastModified().toInstant());
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        int slash = prefix.indexOf('/');
        if (slash > 0) {
            Location location = locate(prefix.substring(0, slash) + "/x");
            return listContainer(location.container(), prefix.substring(slash + 1));
        }
        // a prefix within the container segment: every container whose key segment starts with it
        List<String> containers = call("List Containers", () -> service.listBlobContainers(
                new ListBlobContainersOptions().setMaxResultsPerPage(pageSize), null).stream().map(c -> c.getName()).toList());
        List<BlobInfo> result = new ArrayList<>();
        for (String container : containers) {
            if (segmentByContainer.getOrDefault(container, container).startsWith(prefix)) {
                result.addAll(listContainer(container, ""));
            }
        }
        result.sort(Comparator.comparing(BlobInfo::key));
        return result;
    }

    private List<BlobInfo> listContainer(String container, String blobPrefix) {
        BlobContainerClient client = service.getBlobContainerClient(container);
        String segment = segmentByContainer.getOrDefault(container, container);
        ListBlobsOptions options = new ListBlobsOptions().setPrefix(blobPrefix).setMaxResultsPerPage(pageSize);
        return call("List Blobs " + container, () -> ifExists(() -> {
            List<BlobInfo> result = new ArrayList<>();
            for (BlobItem item : client.listBlobs(options, null)) {
                result.add(new BlobInfo(segment + "/" + item.getName(), item.getProperties().getContentLength(),
                        unquote(item.getProperties().getETag()), item.getProperties().getLastModified().toInstant()));
            }
            return result;
        })).orElse(List.of());
    }

    @Override
    public boolean delete(String key) {
        BlobClient blob = blob(key);
        return call("Delete Blob " + key, blob::deleteIfExists);
    }

    /** A read-only SAS URL for the blob that expires after {@code ttlSeconds}. */
    @Override
    public String downloadUrl(String key, long ttlSeconds) {
        OffsetDateTime expiry = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(ttlSeconds);
        BlobClient blob = blob(key);
        String sas = call("Sign a download URL for " + key, () -> switch (credential) {
            case StorageCredential.AccountKey accountKey -> blob.generateSas(readOnly(expiry));
            case StorageCredential.Identity identity -> {
                var delegationKey = delegationKeys.keyValidUntil(expiry);
                // a SAS cannot outlive the key that signs it
                OffsetDateTime capped = expiry.isAfter(delegationKey.getSignedExpiry()) ? delegationKey.getSignedExpiry() : expiry;
                yield blob.generateUserDelegationSas(readOnly(capped), delegationKey);
            }
        });
        return blob.getBlobUrl() + "?" + sas;
    }

    private static BlobServiceSasSignatureValues readOnly(OffsetDateTime expiry) {
        return new BlobServiceSasSignatureValues(expiry, new BlobSasPermission().setReadPermission(true));
    }

    private BlobClient blob(String key) {
        Location location = locate(key);
        return service.getBlobContainerClient(location.container()).getBlobClient(location.blobName());
    }

    /** The value, or empty when the blob or its container does not exist. */
    private static <T> Optional<T> ifExists(Supplier<T> read) {
        try {
            return Optional.of(read.get());
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static <T> T call(String action, Supplier<T> call) {
        try {
            return call.get();
        } catch (AzureStorageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw AzureStorageException.from(action, e);
        }
    }

    static String unquote(String etag) {
        return etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1) : etag;
    }

    /**
     * The caller's stream, refusing to end short of (or run past) the length it declared: the upload then fails
     * before its last request, so nothing is stored.
     */
    private static final class LengthCheckedStream extends InputStream {

        private final String key;
        private final InputStream in;
        private final long declared;
        private long read;

        LengthCheckedStream(String key, InputStream in, long declared) {
            this.key = key;
            this.in = in;
            this.declared = declared;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                read += n;
            }
            if (declared >= 0 && (read > declared || (n < 0 && read != declared))) {
                throw new LengthMismatchException("blob " + key + ": expected " + declared + " bytes, the stream had "
                        + (n < 0 ? read : "more"));
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        /** Throws the mismatch when it is what made the SDK's upload fail, however the SDK wrapped it. */
        static void rethrowMismatch(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof LengthMismatchException mismatch) {
                    throw new IllegalArgumentException(mismatch.getMessage());
                }
                for (Throwable suppressed : t.getSuppressed()) {
                    rethrowMismatch(suppressed);
                }
            }
        }
    }

    private static final class LengthMismatchException extends IllegalArgumentException {
        LengthMismatchException(String message) {
            super(message);
        }
    }
}
