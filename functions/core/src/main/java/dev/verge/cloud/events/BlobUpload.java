package dev.verge.cloud.events;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * An object was created in a bucket or container: the one value every door decodes its envelope into
 * (S3 notification, EventBridge {@code Object Created}, Event Grid {@code BlobCreated}, the blob trigger,
 * the local folder watcher) before {@link BlobUploads} or the event intake hands it to {@link ModelEvents}.
 *
 * @param store                 the bucket or container the event names
 * @param objectName            the object's name in it, decoded
 * @param containerIsKeySegment true for Azure (the container is the first key segment), false for
 *                              S3 and folders (the bucket holds the keys)
 * @param etag                  unquoted (a quoted or weak ETag is the same object state); empty when the
 *                              event does not say
 * @param size                  -1 when the event does not say
 */
public record BlobUpload(String store, String objectName, boolean containerIsKeySegment, String etag, long size)
        implements ModelEvent {

    public BlobUpload {
        etag = Fields.unquote(etag);
    }

    /** An object of an S3 bucket (or a folder standing in for one): the bucket holds the keys. */
    public static BlobUpload inBucket(String bucket, String key, String etag, long size) {
        return new BlobUpload(bucket, key, false, etag, size);
    }

    /** A blob of an Azure container: the container is the first segment of the registry's key. */
    public static BlobUpload inContainer(String container, String blobName, String etag, long size) {
        return new BlobUpload(container, blobName, true, etag, size);
    }

    /**
     * An S3 object key as S3 writes it into its events, form-encoded ('+' is a space, %2B a plus).
     *
     * @throws IllegalArgumentException for a malformed escape ({@code %ZZ})
     */
    public static String decodeS3Key(String rawKey) {
        return URLDecoder.decode(rawKey, StandardCharsets.UTF_8);
    }

    /**
     * The delivery id of a door that sends none (an S3 notification record, the blob trigger, a folder):
     * the object state, so the same object state announced again is the same delivery.
     */
    public String objectState() {
        return store + "/" + objectName + "#" + etag;
    }

    @Override
    public String type() {
        return "blob.created";
    }
}
