package dev.verge.cloud.registry;

import java.time.Instant;

/**
 * One object state (key + ETag) in the {@link dev.verge.cloud.port.IdempotencyLedger} of blob uploads, collection
 * {@code blob-events}: claimed ({@code result} still null) while the package is read and registered, then completed
 * with what the upload led to, so a redelivered event neither downloads nor validates the package again. Records
 * stored before the ledger were all completed ones.
 */
record BlobEventMarker(String key, String etag, String sha256, UploadOutcome.Result result, String name, String version,
                       String reason, Instant at) {
    static final String COLLECTION = "blob-events";

    static String markerKey(String key, String etag) {
        return key + "#" + etag;
    }

    /** The claim of an object state being handled. */
    static BlobEventMarker claim(String key, String etag, Instant at) {
        return new BlobEventMarker(key, etag, null, null, null, null, null, at);
    }

    /** What handling the object state led to. */
    static BlobEventMarker completed(String key, String etag, String sha, UploadOutcome outcome, Instant now) {
        ModelVersion v = outcome.version();
        return new BlobEventMarker(key, etag, sha, outcome.result(), v == null ? null : v.name(), v == null ? null : v.version(),
                outcome.reason(), now);
    }
}
