package dev.verge.cloud.registry;

import java.time.Instant;

/**
 * That a blob-created event for one object state (key + ETag) was handled, stored in collection
 * {@code blob-events}, so a redelivered event neither downloads nor validates the package again.
 */
record BlobEventMarker(String key, String etag, String sha256, UploadOutcome.Result result, String name, String version,
                       String reason, Instant at) {
    static final String COLLECTION = "blob-events";

    static String markerKey(String key, String etag) {
        return key + "#" + etag;
    }
}
