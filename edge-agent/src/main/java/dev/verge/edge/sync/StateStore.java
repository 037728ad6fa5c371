package dev.verge.edge.sync;

import com.fasterxml.jackson.core.JacksonException;
import dev.verge.inference.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The agent's state directory:
 * <pre>
 * state.json                  {"current": {...}, "previous": {...}}: what to serve on restart, and the last good one before it
 * packages/&lt;sha256&gt;.zip       the packages state.json names (nothing else is kept)
 * packages/&lt;sha256&gt;.ref.json  each one's reference as the cloud signed it (model, version, sha256, size,
 *                             signature): what rebuilds a lost or unreadable state.json
 * downloads/&lt;sha256&gt;.part     a download in progress, resumed after a failure or a restart
 * unpacked/                   where a package is unzipped while it loads
 * trust.json                  the highest revision of the cloud's signed desired state taken, what it said,
 *                             and the signing keys it announced (and those it no longer does)
 * state.lock                  held while an agent uses the directory
 * </pre>
 * {@code state.json} is replaced atomically (a temporary file, flushed, then moved over it), so a power cut
 * leaves either the old or the new state, never half of one. A state.json that is missing or unreadable while
 * packages are kept is rebuilt from their references, newest kept first (the installer still checks each
 * one's signature and bytes before serving it, and falls back to the next).
 */
final class StateStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StateStore.class.getName());
    static final String STATE_FILE = "state.json";
    static final String LOCK_FILE = "state.lock";
    static final String TRUST_FILE = "trust.json";
    private static final String REF_SUFFIX = ".ref.json";

    private final Path dir;
    private final Path packages;
    private final Path downloads;
    private final Path unpacked;
    private final FileChannel lockChannel;
    private final FileLock lock;

    /** What {@code state.json} holds; either entry may be null. */
    record State(PackageRef current, PackageRef previous) {
        static final State EMPTY = new State(null, null);
    }

    StateStore(Path dir) {
        this.dir = dir;
        this.packages = dir.resolve("packages");
        this.downloads = dir.resolve("downloads");
        this.unpacked = dir.resolve("unpacked");
        try {
            Files.createDirectories(dir);
            this.lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state directory " + dir + " (--state-dir): " + e.getMessage(), e);
        }
        this.lock = lockOrFail(lockChannel, dir);
        try {
            Files.createDirectories(packages);
            Files.createDirectories(downloads);
            Files.createDirectories(unpacked);
            deleteContents(unpacked); // left over when the agent was killed while loading
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot create the state directory " + dir + " (--state-dir): " + e.getMessage(), e);
        }
    }

    /** Two agents on one state directory would delete each other's packages: the second one does not start. */
    private static FileLock lockOrFail(FileChannel channel, Path dir) {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // reported below
            }
            throw new UncheckedIOException("another agent uses the state directory " + dir + " (" + LOCK_FILE
                    + " is locked): give each agent its own --state-dir", new IOException(LOCK_FILE + " is locked"));
        }
        return lock;
    }

    /** Lets another agent use the directory. */
    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "sync: cannot unlock " + dir + ": " + e.getMessage());
        }
    }

    Path directory() {
        return dir;
    }

    /**
     * The state as last written. When there is none, or it cannot be read (then it is set aside, not lost),
     * it is rebuilt from the kept packages' references; empty when there are none.
     */
    State read() {
        Path file = dir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return rebuilt("missing");
        }
        try {
            State state = Json.mapper().readValue(file.toFile(), State.class);
            return state == null ? rebuilt("empty") : state;
        } catch (JacksonException e) {
            Path aside = dir.resolve(STATE_FILE + ".unreadable");
            LOG.log(System.Logger.Level.WARNING, "sync: " + file + " is not valid JSON (" + e.getOriginalMessage()
                    + "); moved to " + aside);
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // reading it failed already; the next write replaces it
            }
            return rebuilt("unreadable");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The state the kept packages tell: the newest kept one current, the one before it previous. */
    private State rebuilt(String why) {
        List<Kept> kept = new ArrayList<>();
        try (Stream<Path> files = Files.list(packages)) {
            for (Path refFile : files.filter(f -> f.getFileName().toString().endsWith(REF_SUFFIX)).toList()) {
                try {
                    PackageRef ref = Json.mapper().readValue(refFile.toFile(), PackageRef.class);
                    Path zip = packageFile(ref);
                    if (ref != null && refFile.getFileName().toString().equals(ref.sha256() + REF_SUFFIX) && Files.exists(zip)) {
                        kept.add(new Kept(ref, Files.getLastModifiedTime(zip).toMillis()));
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "sync: cannot read " + refFile + ", skipped: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "sync: cannot list " + packages + ": " + e.getMessage());
            return State.EMPTY;
        }
        if (kept.isEmpty()) {
            return State.EMPTY;
        }
        kept.sort(Comparator.comparingLong(Kept::keptAt).reversed());
        State state = new State(kept.get(0).ref(), kept.size() > 1 ? kept.get(1).ref() : null);
        LOG.log(System.Logger.Level.WARNING, "sync: " + STATE_FILE + " " + why + "; rebuilt from the kept packages: current "
                + state.current().describe() + (state.previous() == null ? "" : ", previous " + state.previous().describe()));
        write(state);
        return state;
    }

    private record Kept(PackageRef ref, long keptAt) {}

    void write(State state) {
        writeDurably(dir.resolve(STATE_FILE), state);
    }

    /**
     * What this device has accepted of the cloud's signed desired states (see {@link TrustState}); empty when
     * nothing yet. A file that cannot be read is set aside, and the device starts over from revision 0.
     */
    TrustState readTrust() {
        Path file = dir.resolve(TRUST_FILE);
        if (!Files.exists(file)) {
            return TrustState.EMPTY;
        }
        try {
            TrustState trust = Json.mapper().readValue(file.toFile(), TrustState.class);
            return trust == null ? TrustState.EMPTY : trust;
        } catch (JacksonException e) {
            Path aside = dir.resolve(TRUST_FILE + ".unreadable");
            LOG.log(System.Logger.Level.WARNING, "sync: " + file + " is not valid JSON (" + e.getOriginalMessage()
                    + "); moved to " + aside + ", taking the next signed desired state whatever its revision");
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // reading it failed already; the next write replaces it
            }
            return TrustState.EMPTY;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Written, and on the disk, before the agent acts on the statement it records. */
    void writeTrust(TrustState trust) {
        writeDurably(dir.resolve(TRUST_FILE), trust);
    }

    private static void writeDurably(Path file, Object value) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            byte[] json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(json));
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw SyncException.refused("state_dir_unwritable", "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    Path packageFile(PackageRef ref) {
        return packages.resolve(ref.sha256() + ".zip");
    }

    Path partFile(PackageRef ref) {
        return downloads.resolve(ref.sha256() + ".part");
    }

    Path unpackDirectory() {
        return unpacked;
    }

    /** Moves a checked download to where packages are kept, with its signed reference beside it. */
    Path keep(Path part, PackageRef ref) {
        Path target = packageFile(ref);
        try {
            Path refFile = packages.resolve(ref.sha256() + REF_SUFFIX);
            Path temporary = packages.resolve(ref.sha256() + REF_SUFFIX + ".tmp");
            Files.write(temporary, Json.mapper().writeValueAsBytes(ref));
            Files.move(temporary, refFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw SyncException.refused("state_dir_unwritable", "cannot move the download to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Deletes packages and downloads that {@code state} does not name, and anything left unpacked. */
    void prune(State state, PackageRef downloading) {
        Set<String> keep = new HashSet<>();
        for (PackageRef ref : new PackageRef[] {state.current(), state.previous(), downloading}) {
            if (ref != null) {
                keep.add(ref.sha256());
            }
        }
        deleteExcept(packages, keep, ".zip", REF_SUFFIX);
        deleteExcept(downloads, keep, ".part");
    }

    private static void deleteExcept(Path folder, Set<String> keep, String... suffixes) {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                String sha = name;
                for (String suffix : suffixes) {
                    if (name.endsWith(suffix)) {
                        sha = name.substring(0, name.length() - suffix.length());
                    }
                }
                if (!keep.contains(sha)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "sync: cannot tidy " + folder + ": " + e.getMessage());
        }
    }

    private static void deleteContents(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(folder)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "sync: cannot delete " + file + ": " + e.getMessage());
        }
    }
}
