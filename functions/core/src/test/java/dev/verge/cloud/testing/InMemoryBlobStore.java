package dev.verge.cloud.testing;

import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.port.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link BlobStore} in memory, for use-case tests; passes {@code BlobStoreContract} ({@link #downloadUrl}
 * writes the object to a temp file and returns its {@code file:} URL). Counts reads, so tests can
 * check that a redelivered event did not download again.
 */
public final class InMemoryBlobStore implements BlobStore {
    private record Blob(byte[] bytes, BlobInfo info) {}

    private final ConcurrentSkipListMap<String, Blob> blobs = new ConcurrentSkipListMap<>();
    private final Clock clock;
    private final AtomicInteger gets = new AtomicInteger();

    public InMemoryBlobStore(Clock clock) {
        this.clock = clock;
    }

    public InMemoryBlobStore() {
        this(Clock.systemUTC());
    }

    @Override
    public BlobInfo put(String key, InputStream data, long length, String contentType) {
        try {
            byte[] bytes = data.readAllBytes();
            BlobInfo info = new BlobInfo(key, bytes.length, HexFormat.of().formatHex(md5(bytes)), clock.instant());
            blobs.put(key, new Blob(bytes, info));
            return info;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<InputStream> get(String key) {
        gets.incrementAndGet();
        return Optional.ofNullable(blobs.get(key)).map(b -> new ByteArrayInputStream(b.bytes()));
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        return Optional.ofNullable(blobs.get(key)).map(Blob::info);
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        return blobs.tailMap(prefix, true).values().stream()
                .map(Blob::info)
                .takeWhile(i -> i.key().startsWith(prefix))
                .toList();
    }

    @Override
    public boolean delete(String key) {
        return blobs.remove(key) != null;
    }

    @Override
    public String downloadUrl(String key, long ttlSeconds) {
        Blob blob = blobs.get(key);
        if (blob == null) {
            throw new IllegalArgumentException("no blob " + key);
        }
        try {
            Path file = Files.createTempFile("verge-blob-", ".bin");
            file.toFile().deleteOnExit();
            Files.write(file, blob.bytes());
            return file.toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many times {@link #get} was called. */
    public int gets() {
        return gets.get();
    }

    public List<String> keys() {
        return List.copyOf(blobs.keySet());
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
