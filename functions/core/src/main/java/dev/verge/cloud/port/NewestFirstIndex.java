package dev.verge.cloud.port;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * A listing newest first, for records whose own keys do not sort by time (events) or sort oldest first
 * (deployments): one small entry per record and scope, keyed {@code <scope>/<inverted time>/<record key>},
 * so a page is one query in any store (Azure Table lists in ascending key order only). The scope
 * {@value #ALL} holds every record; a record may be listed in other scopes too (its group, its source).
 */
public final class NewestFirstIndex {
    /** The scope of every record; no group or source name starts with '~'. */
    public static final String ALL = "~all";

    /** One index entry: the record's key, when it happened. */
    public record Entry(String key, Instant at, Instant expiresAt) {}

    /** One page of record keys, newest first; {@code next} is the {@code after} of the next page, null after the last. */
    public record Page(List<String> keys, String next) {}

    private final JsonCollection<Entry> entries;
    private final JsonCollection<Marker> markers;
    private final String collection;
    private volatile boolean complete;

    /** Written once every record stored before the index had its entries. */
    record Marker(String index, Instant at) {}

    public NewestFirstIndex(MetadataStore store, String collection) {
        this.collection = collection;
        this.entries = new JsonCollection<>(store, collection, Entry.class, Entry::expiresAt);
        this.markers = new JsonCollection<>(store, "store-migrations", Marker.class);
    }

    /** Lists {@code key} (a record of time {@code at}) in each of {@code scopes} and in {@link #ALL}. */
    public void add(String key, Instant at, Instant expiresAt, String... scopes) {
        Entry entry = new Entry(key, at, expiresAt);
        entries.create(indexKey(ALL, at, key), entry);
        for (String scope : scopes) {
            entries.create(indexKey(scope, at, key), entry);
        }
    }

    /**
     * At most {@code limit} record keys of {@code scope}, newest first, after cursor {@code after} (null: the newest).
     * {@code before} lists the records stored before the index existed, the first time: they get their entries once.
     */
    public Page page(String scope, String after, int limit, Supplier<List<Backfill>> before) {
        if (!complete && markers.get(collection).isEmpty()) {
            for (Backfill old : before.get()) {
                add(old.key(), old.at(), old.expiresAt(), old.scopes().toArray(String[]::new));
            }
            markers.create(collection, new Marker(collection, Instant.now()));
        }
        complete = true;
        String prefix = scope + "/";
        JsonCollection.Page<Entry> page = entries.page(prefix, after == null ? null : prefix + after, limit);
        return new Page(page.records().stream().map(r -> r.value().key()).toList(),
                page.next() == null ? null : page.next().substring(prefix.length()));
    }

    /** A record stored before its index, with the scopes it is listed in. */
    public record Backfill(String key, Instant at, Instant expiresAt, List<String> scopes) {}

    private static String indexKey(String scope, Instant at, String key) {
        return scope + "/" + String.format("%019d", Long.MAX_VALUE - at.toEpochMilli()) + "/" + key;
    }
}
