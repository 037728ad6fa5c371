package dev.verge.cloud.testing;

import dev.verge.cloud.port.MetadataStore;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what the cloud asks of its store, at the port: the figure behind the fleet bench's
 * {@code store_ops_per_request} and the cost model, the same for every adapter, and what tests check a
 * request's work against. A list is one query, however many documents it answers; those are counted apart.
 */
public final class CountingMetadataStore implements MetadataStore {
    public enum Op { CREATE, UPDATE, GET, LIST, DELETE }

    private final MetadataStore store;
    private final Map<Op, LongAdder> counts = new EnumMap<>(Op.class);
    private final LongAdder listed = new LongAdder();
    private final Map<String, LongAdder> byCollection = new java.util.concurrent.ConcurrentHashMap<>();

    public CountingMetadataStore(MetadataStore store) {
        this.store = store;
        for (Op op : Op.values()) {
            counts.put(op, new LongAdder());
        }
    }

    @Override
    public boolean create(String collection, String key, String json, java.time.Instant expiresAt) {
        count(Op.CREATE, collection);
        return store.create(collection, key, json, expiresAt);
    }

    @Override
    public boolean update(String collection, String key, long expectedRevision, String json, java.time.Instant expiresAt) {
        count(Op.UPDATE, collection);
        boolean written = store.update(collection, key, expectedRevision, json, expiresAt);
        if (!written) {
            byCollection.computeIfAbsent("lost-update " + collection, k -> new LongAdder()).increment();
        }
        return written;
    }

    @Override
    public Page page(String collection, String keyPrefix, String after, int limit) {
        count(Op.LIST, collection);
        Page page = store.page(collection, keyPrefix, after, limit);
        listed.add(page.documents().size());
        return page;
    }

    @Override
    public Optional<Document> get(String collection, String key) {
        count(Op.GET, collection);
        return store.get(collection, key);
    }

    @Override
    public List<Document> list(String collection, String keyPrefix) {
        count(Op.LIST, collection);
        List<Document> documents = store.list(collection, keyPrefix);
        listed.add(documents.size());
        return documents;
    }

    @Override
    public boolean delete(String collection, String key) {
        count(Op.DELETE, collection);
        return store.delete(collection, key);
    }

    private void count(Op op, String collection) {
        counts.get(op).increment();
        byCollection.computeIfAbsent(op.name().toLowerCase(java.util.Locale.ROOT) + " " + collection, k -> new LongAdder()).increment();
    }

    /** Operations so far by operation and collection ({@code "get devices"}): where a request's operations go. */
    public Map<String, Long> byCollection() {
        Map<String, Long> snapshot = new java.util.TreeMap<>();
        byCollection.forEach((k, n) -> snapshot.put(k, n.sum()));
        return snapshot;
    }

    /** Every operation so far. */
    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Documents answered by lists so far: what a scan costs beyond its one query. */
    public long documentsListed() {
        return listed.sum();
    }

    public Map<String, Long> byOperation() {
        Map<String, Long> snapshot = new java.util.LinkedHashMap<>();
        counts.forEach((op, n) -> snapshot.put(op.name().toLowerCase(java.util.Locale.ROOT), n.sum()));
        return snapshot;
    }
}
