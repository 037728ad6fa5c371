package dev.verge.cloud.events;

import java.util.Optional;

/**
 * Turns the bucket or container and object name an event names into a key of the registry's blob
 * store; empty when the object is not in that store. A {@code BlobStore} that knows its buckets or
 * containers implements it (S3: its bucket holds the keys; Azure: containers are mapped to key
 * segments); for the others, an Azure-style event's container is the key's first segment and an
 * S3-style event's object name is the key.
 */
@FunctionalInterface
public interface BlobKeys {
    Optional<String> keyOf(String bucketOrContainer, String objectName);
}
