package dev.verge.cloud.aws;

import dev.verge.cloud.events.BlobKeys;
import dev.verge.cloud.events.BlobUpload;
import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.port.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@link BlobStore} on one S3 bucket. Objects are streamed both ways: an upload of unknown length
 * goes up as a multipart upload, one bounded part buffer at a time, so a large package never sits
 * whole in the function's memory. Its bucket holds the keys: an event about another bucket names no key of it.
 */
public final class S3BlobStore implements BlobStore, BlobKeys {

    /** S3 accepts parts of at least 5 MiB (except the last); 8 MiB keeps the part count low. */
    static final int PART_SIZE = 8 * 1024 * 1024;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;

    /** {@code presigner} must address the same endpoint as {@code s3} (see {@link AwsClients}). */
    public S3BlobStore(S3Client s3, S3Presigner presigner, String bucket) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public Optional<String> keyOf(String bucketName, String objectKey) {
        return bucket.equals(bucketName) ? Optional.of(objectKey) : Optional.empty();
    }

    /** An S3 event names this bucket or another; an Azure-style one (Event Grid) names the key's first segment. */
    @Override
    public Optional<String> keyOf(BlobUpload upload) {
        return upload.containerIsKeySegment() ? BlobKeys.byShape(upload) : keyOf(upload.store(), upload.objectName());
    }

    @Override
    public BlobInfo put(String key, InputStream data, long length, String contentType) {
        if (length >= 0) {
            return putWhole(key, data, length, contentType);
        }
        byte[] buffer = new byte[PART_SIZE];
        int filled = fill(data, buffer);
        if (filled < PART_SIZE) {
            return putWhole(key, new ByteArrayInputStream(buffer, 0, filled), filled, contentType);
        }
        return putMultipart(key, data, buffer, contentType);
    }

    private BlobInfo putWhole(String key, InputStream data, long length, String contentType) {
        String etag = s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).contentLength(length),
                        RequestBody.fromInputStream(data, length))
                .eTag();
        return new BlobInfo(key, length, unquote(etag), Instant.now());
    }

    /** Uploads {@code buffer} (full) and then the rest of {@code data}, one part-sized buffer at a time. */
    private BlobInfo putMultipart(String key, InputStream data, byte[] buffer, String contentType) {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long size = 0;
            int filled = buffer.length;
            while (filled > 0) {
                int number = parts.size() + 1;
                long partLength = filled;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                                .contentLength(partLength),
                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, filled), filled)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                size += filled;
                filled = filled < PART_SIZE ? 0 : fill(data, buffer);
            }
            String etag = s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                            .multipartUpload(m -> m.parts(parts)))
                    .eTag();
            return new BlobInfo(key, size, unquote(etag), Instant.now());
        } catch (RuntimeException e) {
            // an abandoned upload keeps its parts (and their cost) until aborted
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (RuntimeException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    /** Reads until {@code buffer} is full or the stream ends; returns how many bytes it holds. */
    private static int fill(InputStream data, byte[] buffer) {
        try {
            return data.readNBytes(buffer, 0, buffer.length);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the blob being uploaded", e);
        }
    }

    @Override
    public Optional<InputStream> get(String key) {
        try {
            return Optional.of(s3.getObject(b -> b.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(new BlobInfo(key, head.contentLength(), unquote(head.eTag()), head.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            // HEAD answers have no body, so some servers' 404 arrives without the NoSuchKey code
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        List<BlobInfo> found = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            found.add(new BlobInfo(o.key(), o.size(), unquote(o.eTag()), o.lastModified()));
        }
        return found;
    }

    @Override
    public boolean delete(String key) {
        // S3 answers 204 whether or not the object existed: ask first
        if (head(key).isEmpty()) {
            return false;
        }
        s3.deleteObject(b -> b.bucket(bucket).key(key));
        return true;
    }

    @Override
    public String downloadUrl(String key, long ttlSeconds) {
        return presigner.presignGetObject(b -> b.signatureDuration(Duration.ofSeconds(ttlSeconds))
                        .getObjectRequest(g -> g.bucket(bucket).key(key)))
                .url()
                .toString();
    }

    static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
