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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The agent's state directory:
 * <pre>
 * state.json                  {"current": {...}, "previous": {...}, "models": {"&lt;name&gt;": {"current", "previous"}, ...},
 *                             "default": "&lt;name&gt;"}: what to serve on restart, model by model, and the last good one
 *                             before each; current and previous on their own are the default model's (as before
 *                             there were several models, so an older agent still reads them)
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
    static final String SHADOWS_FILE = "shadows.json";
    private static final String REF_SUFFIX = ".ref.json";

    private final Path dir;
    private final Path packages;
    private final Path downloads;
    private final Path unpacked;
    private final FileChannel lockChannel;
    private final FileLock lock;

    /** One model's state in {@code state.json}; either entry may be null. */
    record State(PackageRef current, PackageRef previous) {
        static final State EMPTY = new State(null, null);
    }

    /** A shadow candidate kept for a model ({@code shadows.json}): its package and the share of requests it runs on. */
    record KeptShadow(PackageRef candidate, int percent) {}

    /** What {@code state.json} holds: the default model's state on its own, and every model's. */
    record Saved(PackageRef current, PackageRef previous, Map<String, State> models,
                 @com.fasterxml.jackson.annotation.JsonProperty("default") String defaultName) {}

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
        Map<String, State> all = readAll();
        return all.isEmpty() ? State.EMPTY : all.values().iterator().next();
    }

    /**
     * Every model's state, the default model first; a state.json written before several models (current and previous
     * only) is that one model's. Missing or unreadable: rebuilt as {@link #read()} says.
     */
    Map<String, State> readAll() {
        Path file = dir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return rebuilt("missing");
        }
        try {
            Saved saved = Json.mapper().readValue(file.toFile(), Saved.class);
            if (saved == null) {
                return rebuilt("empty");
            }
            if (saved.models() == null || saved.models().isEmpty()) {
                return byModel(new State(saved.current(), saved.previous()));
            }
            Map<String, State> all = new LinkedHashMap<>();
            if (saved.defaultName() != null && saved.models().containsKey(saved.defaultName())) {
                all.put(saved.defaultName(), saved.models().get(saved.defaultName()));
            }
            saved.models().forEach(all::putIfAbsent);
            all.values().removeIf(state -> state == null || state.current() == null);
            return all;
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

    private static Map<String, State> byModel(State state) {
        Map<String, State> all = new LinkedHashMap<>();
        if (state != null && state.current() != null) {
            all.put(state.current().model(), state);
        }
        return all;
    }

    /**
     * The state the kept packages tell, model by model: each one's newest kept package current, its one before
     * previous; the model kept last is the default.
     */
    private Map<String, State> rebuilt(String why) {
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
            return new LinkedHashMap<>();
        }
        Map<String, State> all = new LinkedHashMap<>();
        if (kept.isEmpty()) {
            return all;
        }
        kept.sort(Comparator.comparingLong(Kept::keptAt).reversed());
        for (Kept k : kept) {
            State state = all.get(k.ref().model());
            if (state == null) {
                all.put(k.ref().model(), new State(k.ref(), null));
            } else if (state.previous() == null) {
                all.put(k.ref().model(), new State(state.current(), k.ref()));
            }
        }
        all.values().forEach(state -> LOG.log(System.Logger.Level.WARNING, "sync: " + STATE_FILE + " " + why
                + "; rebuilt from the kept packages: current " + state.current().describe()
                + (state.previous() == null ? "" : ", previous " + state.previous().describe())));
        writeAll(all, all.keySet().iterator().next());
        return all;
    }

    private record Kept(PackageRef ref, long keptAt) {}

    void write(State state) {
        writeAll(byModel(state), state.current() == null ? null : state.current().model());
    }

    /** Every model's state and which is the default, atomically. */
    void writeAll(Map<String, State> states, String defaultName) {
        State first = defaultName == null ? null : states.get(defaultName);
        State shown = first == null ? State.EMPTY : first;
        writeDurably(dir.resolve(STATE_FILE), new Saved(shown.current(), shown.previous(), new LinkedHashMap<>(states),
                defaultName));
    }

    /** The shadow candidates the last desired state named, by model; empty when none or when the file cannot be read. */
    Map<String, KeptShadow> readShadows() {
        Path file = dir.resolve(SHADOWS_FILE);
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            Map<String, KeptShadow> kept = Json.mapper().readValue(file.toFile(),
                    new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, KeptShadow>>() {});
            return kept == null ? Map.of() : kept;
        } catch (JacksonException e) {
            LOG.log(System.Logger.Level.WARNING, "sync: " + file + " is not valid JSON (" + e.getOriginalMessage()
                    + "); the models serve on without their shadows until the cloud names them again");
            return Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Written before the candidates run, so an agent restarted without the cloud runs them again. */
    void writeShadows(Map<String, KeptShadow> shadows) {
        writeDurably(dir.resolve(SHADOWS_FILE), new LinkedHashMap<>(shadows));
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
        java.util.List<PackageRef> keep = new ArrayList<>();
        keep.add(state.current());
        keep.add(state.previous());
        keep.add(downloading);
        prune(keep);
    }

    /** Deletes packages and downloads other than {@code kept}'s (nulls in it are skipped), and anything left unpacked. */
    void prune(java.util.Collection<PackageRef> kept) {
        Set<String> keep = new HashSet<>();
        for (PackageRef ref : kept) {
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
