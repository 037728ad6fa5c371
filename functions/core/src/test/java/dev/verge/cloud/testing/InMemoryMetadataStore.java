package dev.verge.cloud.testing;

import dev.verge.cloud.port.MetadataStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** A {@link MetadataStore} in memory, for use-case tests; passes {@code MetadataStoreContract}. */
public final class InMemoryMetadataStore implements MetadataStore {
    private final Map<String, ConcurrentSkipListMap<String, Document>> collections = new ConcurrentHashMap<>();

    private ConcurrentSkipListMap<String, Document> collection(String name) {
        return collections.computeIfAbsent(name, k -> new ConcurrentSkipListMap<>());
    }

    @Override
    public boolean create(String collection, String key, String json) {
        return collection(collection).putIfAbsent(key, new Document(key, 1, json)) == null;
    }

    @Override
    public boolean update(String collection, String key, long expectedRevision, String json) {
        ConcurrentSkipListMap<String, Document> docs = collection(collection);
        Document current = docs.get(key);
        return current != null && current.revision() == expectedRevision
                && docs.replace(key, current, new Document(key, expectedRevision + 1, json));
    }

    @Override
    public Optional<Document> get(String collection, String key) {
        return Optional.ofNullable(collection(collection).get(key));
    }

    @Override
    public List<Document> list(String collection, String keyPrefix) {
        return collection(collection).tailMap(keyPrefix, true).values().stream()
                .takeWhile(d -> d.key().startsWith(keyPrefix))
                .toList();
    }

    @Override
    public boolean delete(String collection, String key) {
        return collection(collection).remove(key) != null;
    }

    /** Every document of every collection, for tests that check nothing was left behind. */
    public Map<String, List<Document>> dump() {
        Map<String, List<Document>> out = new java.util.TreeMap<>();
        collections.forEach((name, docs) -> {
            if (!docs.isEmpty()) {
                out.put(name, List.copyOf(docs.values()));
            }
        });
        return out;
    }
}
