package dev.verge.cloud.port;

import dev.verge.cloud.json.CloudJson;
import java.util.List;
import java.util.Optional;

/**
 * One collection of a {@link MetadataStore} holding records of one type, written as JSON. Keeps the
 * store's revisions visible, since conditional writes are how use cases stay correct under
 * concurrent writers.
 */
public final class JsonCollection<T> {

    /** A record with the key and revision it was read at. */
    public record Revisioned<T>(String key, long revision, T value) {}

    private final MetadataStore store;
    private final String collection;
    private final Class<T> type;

    public JsonCollection(MetadataStore store, String collection, Class<T> type) {
        this.store = store;
        this.collection = collection;
        this.type = type;
    }

    public Optional<Revisioned<T>> get(String key) {
        return store.get(collection, key).map(this::read);
    }

    public List<Revisioned<T>> list(String keyPrefix) {
        return store.list(collection, keyPrefix).stream().map(this::read).toList();
    }

    /** False when the key already exists. */
    public boolean create(String key, T value) {
        return store.create(collection, key, CloudJson.toString(value));
    }

    /** False when the record changed since {@code expectedRevision} was read, or is gone. */
    public boolean update(String key, long expectedRevision, T value) {
        return store.update(collection, key, expectedRevision, CloudJson.toString(value));
    }

    public boolean delete(String key) {
        return store.delete(collection, key);
    }

    private Revisioned<T> read(MetadataStore.Document doc) {
        return new Revisioned<>(doc.key(), doc.revision(), CloudJson.read(doc.json(), type));
    }
}
