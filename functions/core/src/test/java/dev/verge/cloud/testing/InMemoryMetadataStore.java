package dev.verge.cloud.testing;

import dev.verge.cloud.port.ExpiringDocuments;
import dev.verge.cloud.port.MetadataStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/** A {@link MetadataStore} in memory, for use-case tests; passes {@code MetadataStoreContract}. */
public final class InMemoryMetadataStore implements MetadataStore, ExpiringDocuments {
    private final Map<String, ConcurrentSkipListMap<String, Document>> collections = new ConcurrentHashMap<>();
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    /** Writes check and change a document and its expiry together; a lock, since synchronized pins virtual threads on JDK 21. */
    private final ReentrantLock writing = new ReentrantLock();

    private ConcurrentSkipListMap<String, Document> collection(String name) {
        return collections.computeIfAbsent(name, k -> new ConcurrentSkipListMap<>());
    }

    @Override
    public boolean create(String collection, String key, String json, Instant expiresAt) {
        writing.lock();
        try {
            ConcurrentSkipListMap<String, Document> docs = collection(collection);
            if (docs.putIfAbsent(key, new Document(key, 1, json)) != null) {
                return false;
            }
            expire(collection, key, expiresAt);
            return true;
        } finally {
            writing.unlock();
        }
    }

    @Override
    public boolean update(String collection, String key, long expectedRevision, String json, Instant expiresAt) {
        writing.lock();
        try {
            ConcurrentSkipListMap<String, Document> docs = collection(collection);
            Document current = docs.get(key);
            if (current == null || current.revision() != expectedRevision) {
                return false;
            }
            docs.put(key, new Document(key, expectedRevision + 1, json));
            expire(collection, key, expiresAt);
            return true;
        } finally {
            writing.unlock();
        }
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
    public Page page(String collection, String keyPrefix, String after, int limit) {
        ConcurrentSkipListMap<String, Document> docs = collection(collection);
        var from = after == null || after.compareTo(keyPrefix) < 0 ? docs.tailMap(keyPrefix, true) : docs.tailMap(after, false);
        List<Document> found = from.values().stream()
                .takeWhile(d -> d.key().startsWith(keyPrefix))
                .limit(limit + 1L)
                .toList();
        return found.size() <= limit ? new Page(found, null)
                : new Page(found.subList(0, limit), found.get(limit - 1).key());
    }

    @Override
    public boolean delete(String collection, String key) {
        writing.lock();
        try {
            expiries.remove(collection + "\n" + key);
            return collection(collection).remove(key) != null;
        } finally {
            writing.unlock();
        }
    }

    private void expire(String collection, String key, Instant expiresAt) {
        if (expiresAt == null) {
            expiries.remove(collection + "\n" + key);
        } else {
            expiries.put(collection + "\n" + key, expiresAt);
        }
    }

    @Override
    public int deleteExpired(Instant now) {
        writing.lock();
        try {
            List<String> due = expiries.entrySet().stream().filter(e -> !e.getValue().isAfter(now)).map(Map.Entry::getKey).toList();
            for (String id : due) {
                String[] parts = id.split("\n", 2);
                collection(parts[0]).remove(parts[1]);
                expiries.remove(id);
            }
            return due.size();
        } finally {
            writing.unlock();
        }
    }

    /** When a document expires; null when it does not (or is not there). */
    public Instant expiryOf(String collection, String key) {
        return expiries.get(collection + "\n" + key);
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
