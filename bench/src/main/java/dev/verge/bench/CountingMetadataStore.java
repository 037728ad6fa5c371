package dev.verge.bench;

import dev.verge.cloud.port.MetadataStore;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what the cloud asks of its store, at the port: the figure behind {@code store_ops_per_request} and the
 * cost model, the same for every adapter. A list is one query, however many documents it answers; those are
 * counted apart.
 */
final class CountingMetadataStore implements MetadataStore {
    enum Op { CREATE, UPDATE, GET, LIST, DELETE }

    private final MetadataStore store;
    private final Map<Op, LongAdder> counts = new EnumMap<>(Op.class);
    private final LongAdder listed = new LongAdder();

    CountingMetadataStore(MetadataStore store) {
        this.store = store;
        for (Op op : Op.values()) {
            counts.put(op, new LongAdder());
        }
    }

    @Override
    public boolean create(String collection, String key, String json) {
        counts.get(Op.CREATE).increment();
        return store.create(collection, key, json);
    }

    @Override
    public boolean update(String collection, String key, long expectedRevision, String json) {
        counts.get(Op.UPDATE).increment();
        return store.update(collection, key, expectedRevision, json);
    }

    @Override
    public Optional<Document> get(String collection, String key) {
        counts.get(Op.GET).increment();
        return store.get(collection, key);
    }

    @Override
    public List<Document> list(String collection, String keyPrefix) {
        counts.get(Op.LIST).increment();
        List<Document> documents = store.list(collection, keyPrefix);
        listed.add(documents.size());
        return documents;
    }

    @Override
    public boolean delete(String collection, String key) {
        counts.get(Op.DELETE).increment();
        return store.delete(collection, key);
    }

    /** Every operation so far. */
    long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Documents answered by lists so far: what a scan costs beyond its one query. */
    long documentsListed() {
        return listed.sum();
    }

    Map<String, Long> byOperation() {
        Map<String, Long> snapshot = new java.util.LinkedHashMap<>();
        counts.forEach((op, n) -> snapshot.put(op.name().toLowerCase(java.util.Locale.ROOT), n.sum()));
        return snapshot;
    }
}
