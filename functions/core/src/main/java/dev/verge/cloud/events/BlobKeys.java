package dev.verge.cloud.events;

import java.util.Optional;

/**
 * Turns the bucket or container and object name an event names into a key of the registry's blob
 * store; empty when the object is not in that store. A {@code BlobStore} that knows its buckets or
 * containers implements it (S3: its bucket holds the keys; Azure: containers are mapped to key
 * segments); for the others, {@link #byShape}.
 */
@FunctionalInterface
public interface BlobKeys {
    Optional<String> keyOf(String bucketOrContainer, String objectName);

    /** The key of the object {@code upload} names; by default {@link #keyOf(String, String)}, whatever the event's shape. */
    default Optional<String> keyOf(BlobUpload upload) {
        return keyOf(upload.store(), upload.objectName());
    }

    /** A store that knows no buckets or containers: an Azure-style event's container is the key's first segment, an S3-style event's object name is the key. */
    static Optional<String> byShape(BlobUpload upload) {
        return Optional.of(upload.containerIsKeySegment() ? upload.store() + "/" + upload.objectName() : upload.objectName());
    }
}
