package dev.verge.cloud.port;

import java.time.Instant;

/**
 * A {@link MetadataStore} that does not delete expired documents by itself (SQLite, Azure Table; DynamoDB's
 * TTL does): the housekeeping timer asks it to.
 */
public interface ExpiringDocuments {

    /** Deletes the documents that expired at or before {@code now}; answers how many went. */
    int deleteExpired(Instant now);
}
