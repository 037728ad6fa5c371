package dev.verge.cloud.local;

import dev.verge.cloud.api.UriPaths;
import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.port.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A {@link BlobStore} in a folder: key {@code models/a/1/package.zip} is the file
 * {@code <root>/models/a/1/package.zip}, so people can also drop files in by hand. Writes go to a
 * temp file and are moved into place, so a reader never sees half an object. The ETag is the hex
 * SHA-256 of the content (computed while writing, or on first {@link #head} for files dropped in
 * by hand, then cached while size and modification time stay the same).
 */
public final class FileSystemBlobStore implements BlobStore {
    /** Temp files live under the root (same file system, so the move is atomic) but are not objects. */
    static final String TEMP_DIR = ".verge-tmp";

    private final Path root;
    private final Path temp;
    private final Map<Path, CachedEtag> etags = new ConcurrentHashMap<>();
    private volatile HttpDownloads downloads;

    private record CachedEtag(long size, long modifiedNanos, String etag) {}

    private record HttpDownloads(URI base, BlobUrlSigner signer) {}

    public FileSystemBlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.temp = this.root.resolve(TEMP_DIR);
        try {
            Files.createDirectories(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob folder " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    /**
     * From now on {@link #downloadUrl} hands out signed URLs under {@code base} (for example
     * {@code http://localhost:7071}), served by {@link BlobDownloadHandler}; before that it hands out
     * {@code file:} URLs.
     */
    public void serveDownloadsAt(URI base, BlobUrlSigner signer) {
        this.downloads = new HttpDownloads(base, signer);
    }

    /** The file behind {@code key}; refuses keys that would leave the root or touch the temp folder. */
    public Path pathOf(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("expected a relative '/'-separated blob key, found \"" + key + "\"");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("expected a blob key without empty, '.' or '..' segments, found \"" + key + "\"");
            }
        }
        if (key.equals(TEMP_DIR) || key.startsWith(TEMP_DIR + "/")) {
            throw new IllegalArgumentException("blob keys under " + TEMP_DIR + "/ are reserved, found \"" + key + "\"");
        }
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("expected a blob key inside the store, found \"" + key + "\"");
        }
        return path;
    }

    /** The key of a file under the root, or empty for files outside it or in the temp folder. */
    public Optional<String> keyOf(Path file) {
        Path path = file.toAbsolutePath().normalize();
        if (!path.startsWith(root) || path.equals(root) || path.startsWith(temp)) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        root.relativize(path).forEach(p -> parts.add(p.toString()));
        return Optional.of(String.join("/", parts));
    }

    @Override
    public BlobInfo put(String key, InputStream data, long length, String contentType) {
        Path target = pathOf(key);
        try {
            Path tmp = Files.createTempFile(temp, "put-", ".tmp");
            try {
                MessageDigest sha = sha256();
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
                    data.transferTo(out);
                }
                String etag = HexFormat.of().formatHex(sha.digest());
                moveIntoPlace(tmp, target);
                BasicFileAttributes attrs = Files.readAttributes(target, BasicFileAttributes.class);
                etags.put(target, new CachedEtag(attrs.size(), attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), etag));
                return new BlobInfo(key, attrs.size(), etag, attrs.lastModifiedTime().toInstant());
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write blob " + key, e);
        }
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        // a concurrent delete may prune the parent folder between createDirectories and move: retry
        for (int attempt = 1; ; attempt++) {
            Files.createDirectories(target.getParent());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return;
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                return;
            } catch (NoSuchFileException e) {
                if (attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    @Override
    public Optional<InputStream> get(String key) {
        Path path = pathOf(key);
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.newInputStream(path));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob " + key, e);
        }
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        Path path = pathOf(key);
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new BlobInfo(key, attrs.size(), etagOf(path, attrs), attrs.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob " + key, e);
        }
    }

    private String etagOf(Path path, BasicFileAttributes attrs) throws IOException {
        long modified = attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        CachedEtag cached = etags.get(path);
        if (cached != null && cached.size() == attrs.size() && cached.modifiedNanos() == modified) {
            return cached.etag();
        }
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        String etag = HexFormat.of().formatHex(sha.digest());
        etags.put(path, new CachedEtag(attrs.size(), modified, etag));
        return etag;
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash)).normalize();
        if (!start.startsWith(root) || !Files.isDirectory(start)) {
            return List.of();
        }
        List<String> keys = walkKeys(start, prefix);
        List<BlobInfo> out = new ArrayList<>(keys.size());
        for (String key : keys) {
            head(key).ifPresent(out::add);
        }
        return out;
    }

    private List<String> walkKeys(Path start, String prefix) {
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> files = Files.walk(start)) {
                return files.filter(p -> !p.startsWith(temp))
                        .filter(Files::isRegularFile)
                        .map(this::keyOf)
                        .flatMap(Optional::stream)
                        .filter(k -> k.startsWith(prefix))
                        .sorted(Comparator.naturalOrder())
                        .toList();
            } catch (NoSuchFileException | UncheckedIOException e) {
                // a folder deleted by a concurrent delete while walking: walk again
                boolean vanished = e instanceof NoSuchFileException || e.getCause() instanceof NoSuchFileException;
                if (!vanished || attempt >= 3) {
                    throw e instanceof UncheckedIOException u ? u : new UncheckedIOException((IOException) e);
                }
                if (!Files.isDirectory(start)) {
                    return List.of();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list blobs under " + prefix, e);
            }
        }
    }

    @Override
    public boolean delete(String key) {
        Path path = pathOf(key);
        try {
            boolean deleted = Files.deleteIfExists(path);
            etags.remove(path);
            pruneEmptyParents(path.getParent());
            return deleted;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete blob " + key, e);
        }
    }

    private void pruneEmptyParents(Path dir) {
        while (dir != null && dir.startsWith(root) && !dir.equals(root)) {
            try {
                Files.deleteIfExists(dir);
            } catch (DirectoryNotEmptyException notEmpty) {
                return;
            } catch (IOException e) {
                return;
            }
            dir = dir.getParent();
        }
    }

    @Override
    public String downloadUrl(String key, long ttlSeconds) {
        Path path = pathOf(key);
        HttpDownloads http = downloads;
        if (http == null) {
            return path.toUri().toString();
        }
        long expires = http.signer().expiresAt(ttlSeconds);
        String base = http.base().toString().replaceAll("/+$", "");
        return base + BlobDownloadHandler.CONTEXT + UriPaths.encodePath(key)
                + "?expires=" + expires + "&sig=" + http.signer().sign(key, expires);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "FileSystemBlobStore[" + root + "]";
    }
}
