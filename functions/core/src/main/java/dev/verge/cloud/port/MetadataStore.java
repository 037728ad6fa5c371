package dev.verge.cloud.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A small document store with conditional writes (DynamoDB, Azure Table, SQLite). Documents are JSON
 * strings grouped in collections ({@code model-versions}, {@code devices}, ...) and addressed by a
 * key unique within the collection. Every write bumps the document's revision; conditional writes
 * are how two concurrent writers are kept from both winning.
 *
 * <p>A document may carry an expiry: the store deletes it some time after (DynamoDB's TTL within two
 * days; SQLite and Azure Table when the housekeeping timer asks, see {@link ExpiringDocuments}), so what
 * grows with traffic does not grow for ever. Until then it reads as any other: use cases never depend on
 * a document being gone, only on it being kept as long as it matters.
 */
public interface MetadataStore {

    /** Creates the document; returns false (and changes nothing) when the key already exists. */
    default boolean create(String collection, String key, String json) {
        return create(collection, key, json, null);
    }

    /** {@link #create(String, String, String)}, the document expiring at {@code expiresAt} (null: never). */
    boolean create(String collection, String key, String json, Instant expiresAt);

    /**
     * Replaces the document only when its revision is still {@code expectedRevision}; returns false
     * (and changes nothing) when someone else wrote it first or it does not exist.
     */
    default boolean update(String collection, String key, long expectedRevision, String json) {
        return update(collection, key, expectedRevision, json, null);
    }

    /** {@link #update(String, String, long, String)}, the document expiring at {@code expiresAt} (null: never). */
    boolean update(String collection, String key, long expectedRevision, String json, Instant expiresAt);

    Optional<Document> get(String collection, String key);

    /** Documents whose key starts with {@code keyPrefix}, in key order. */
    List<Document> list(String collection, String keyPrefix);

    /**
     * At most {@code limit} documents whose key starts with {@code keyPrefix}, from the first after key {@code after}
     * (null: from the start), in the store's key order; {@link Page#next()} is where the next page starts, null after
     * the last. One query per page, however large the collection.
     */
    Page page(String collection, String keyPrefix, String after, int limit);

    /** Deletes the document; returns false when there was none. */
    boolean delete(String collection, String key);

    /** A stored document: its key, its revision (1 after create, +1 per update) and its JSON. */
    record Document(String key, long revision, String json) {}

    /** One page of a listing; {@code next} is the {@code after} of the next page, null when this one is the last. */
    record Page(List<Document> documents, String next) {
        public Page {
            documents = List.copyOf(documents);
        }
    }
}
