package dev.verge.cloud.port;

import dev.verge.cloud.json.CloudJson;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One collection of a {@link MetadataStore} holding records of one type, written as JSON. Keeps the
 * store's revisions visible, since conditional writes are how use cases stay correct under
 * concurrent writers.
 */
public final class JsonCollection<T> {

    /** A record with the key and revision it was read at. */
    public record Revisioned<T>(String key, long revision, T value) {}

    /** One page of records; {@code next} is where the next page starts, null after the last. */
    public record Page<T>(List<Revisioned<T>> records, String next) {}

    private final MetadataStore store;
    private final String collection;
    private final Function<T, String> writer;
    private final Function<String, T> reader;
    private final Function<T, Instant> expiry;

    public JsonCollection(MetadataStore store, String collection, Class<T> type) {
        this(store, collection, type, value -> null);
    }

    /** Records that expire: {@code expiry} says when, from the record as written (null: never). */
    public JsonCollection(MetadataStore store, String collection, Class<T> type, Function<T, Instant> expiry) {
        this(store, collection, CloudJson::toString, json -> CloudJson.read(json, type), expiry);
    }

    /** Records written and read by the caller's own mapping (a record with fields of its own beside the type's). */
    JsonCollection(MetadataStore store, String collection, Function<T, String> writer, Function<String, T> reader,
                   Function<T, Instant> expiry) {
        this.store = store;
        this.collection = collection;
        this.writer = writer;
        this.reader = reader;
        this.expiry = expiry;
    }

    public Optional<Revisioned<T>> get(String key) {
        return store.get(collection, key).map(this::read);
    }

    public List<Revisioned<T>> list(String keyPrefix) {
        return store.list(collection, keyPrefix).stream().map(this::read).toList();
    }

    /** At most {@code limit} records with keys starting with {@code keyPrefix}, after key {@code after} (null: the first). */
    public Page<T> page(String keyPrefix, String after, int limit) {
        MetadataStore.Page page = store.page(collection, keyPrefix, after, limit);
        return new Page<>(page.documents().stream().map(this::read).toList(), page.next());
    }

    /** False when the key already exists. */
    public boolean create(String key, T value) {
        return store.create(collection, key, writer.apply(value), expiry.apply(value));
    }

    /** False when the record changed since {@code expectedRevision} was read, or is gone. */
    public boolean update(String key, long expectedRevision, T value) {
        return store.update(collection, key, expectedRevision, writer.apply(value), expiry.apply(value));
    }

    public boolean delete(String key) {
        return store.delete(collection, key);
    }

    private Revisioned<T> read(MetadataStore.Document doc) {
        return new Revisioned<>(doc.key(), doc.revision(), reader.apply(doc.json()));
    }
}
