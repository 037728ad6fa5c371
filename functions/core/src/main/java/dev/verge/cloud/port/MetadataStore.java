package dev.verge.cloud.port;

import java.util.List;
import java.util.Optional;

/**
 * A small document store with conditional writes (DynamoDB, Azure Table, SQLite). Documents are JSON
 * strings grouped in collections ({@code model-versions}, {@code devices}, ...) and addressed by a
 * key unique within the collection. Every write bumps the document's revision; conditional writes
 * are how two concurrent writers are kept from both winning.
 */
public interface MetadataStore {

    /** Creates the document; returns false (and changes nothing) when the key already exists. */
    boolean create(String collection, String key, String json);

    /**
     * Replaces the document only when its revision is still {@code expectedRevision}; returns false
     * (and changes nothing) when someone else wrote it first or it does not exist.
     */
    boolean update(String collection, String key, long expectedRevision, String json);

    Optional<Document> get(String collection, String key);

    /** Documents whose key starts with {@code keyPrefix}, in key order. */
    List<Document> list(String collection, String keyPrefix);

    /** Deletes the document; returns false when there was none. */
    boolean delete(String collection, String key);

    /** A stored document: its key, its revision (1 after create, +1 per update) and its JSON. */
    record Document(String key, long revision, String json) {}
}
