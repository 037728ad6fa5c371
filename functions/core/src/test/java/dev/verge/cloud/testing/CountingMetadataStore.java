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
    private final LongAdder writeUnits = new LongAdder();
    private final LongAdder readUnits = new LongAdder();
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
        writeUnits.add(units(key, json, 1024));
        return store.create(collection, key, json, expiresAt);
    }

    @Override
    public boolean update(String collection, String key, long expectedRevision, String json, java.time.Instant expiresAt) {
        count(Op.UPDATE, collection);
        writeUnits.add(units(key, json, 1024));
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
        readUnits.add(queryUnits(page.documents()));
        return page;
    }

    @Override
    public Optional<Document> get(String collection, String key) {
        count(Op.GET, collection);
        Optional<Document> doc = store.get(collection, key);
        readUnits.add(doc.map(d -> units(d.key(), d.json(), 4096)).orElse(1L));
        return doc;
    }

    @Override
    public List<Document> list(String collection, String keyPrefix) {
        count(Op.LIST, collection);
        List<Document> documents = store.list(collection, keyPrefix);
        listed.add(documents.size());
        readUnits.add(queryUnits(documents));
        return documents;
    }

    @Override
    public boolean delete(String collection, String key) {
        count(Op.DELETE, collection);
        writeUnits.add(1);
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

    /**
     * DynamoDB's units for an item of this key and JSON (its other attributes are a few dozen bytes): a write unit
     * per KB written, a strongly consistent read unit per 4 KB read, at least one.
     */
    private static long units(String key, String json, int per) {
        long bytes = key.length() + json.length() + 40L;
        return Math.max(1, (bytes + per - 1) / per);
    }

    /** A query is billed on the total size of what it read, in 4 KB, at least one unit. */
    private static long queryUnits(List<Document> documents) {
        long bytes = documents.stream().mapToLong(d -> d.key().length() + d.json().length() + 40L).sum();
        return Math.max(1, (bytes + 4095) / 4096);
    }

    /** DynamoDB write request units the writes so far would be billed (on-demand). */
    public long writeUnits() {
        return writeUnits.sum();
    }

    /** DynamoDB read request units the strongly consistent reads and queries so far would be billed. */
    public long readUnits() {
        return readUnits.sum();
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
