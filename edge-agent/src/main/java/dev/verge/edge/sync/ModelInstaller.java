package dev.verge.edge.sync;

import dev.verge.edge.ModelShelf;
import dev.verge.edge.sync.DesiredState.Target;
import dev.verge.edge.sync.StateStore.State;
import dev.verge.error.VergeException;
import dev.verge.inference.pkg.Manifest;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.pkg.ZipLimits;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ThreadSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Puts signed packages on the {@link ModelShelf}, each model on its own: signature first (before a byte is
 * downloaded), then the download with resume, size and sha256 of the bytes on disk, the manifest against the desired
 * model and version, {@link Model#load} (which runs a smoke inference), and only then the swap. Requests in flight
 * finish on the old version, which closes with its last request. Any failure leaves the old version serving and
 * {@code state.json} unchanged. Shadow candidates are fetched and checked the same way, but only loaded
 * ({@link #loadCandidate}); what runs them is the {@code ShadowRunner}.
 */
final class ModelInstaller {
    private static final System.Logger LOG = System.getLogger(ModelInstaller.class.getName());

    private final SyncSettings settings;
    private final ThreadSettings threads;
    private final java.time.Duration maxInferenceTime;
    private final ModelShelf shelf;
    private final StateStore store;
    private final DeviceApiClient client;
    private final Supplier<KeyRing> keys;
    private final Object swapLock = new Object();
    private boolean closed; // guarded by swapLock: no swap into a shelf the agent is closing
    // every model installed from the state directory, the default first; replaced whole, only by the sync thread
    private volatile Map<String, State> states = Map.of();
    private volatile String defaultName;
    private volatile Set<PackageRef> candidates = Set.of(); // shadow packages kept beside the models'

    ModelInstaller(SyncSettings settings, ThreadSettings threads, java.time.Duration maxInferenceTime, ModelShelf shelf,
                   StateStore store, DeviceApiClient client, Supplier<KeyRing> keys) {
        this.settings = settings;
        this.keys = keys;
        this.threads = threads;
        this.maxInferenceTime = maxInferenceTime;
        this.shelf = shelf;
        this.store = store;
        this.client = client;
    }

    /** The default model's package served from the state directory, or null (nothing, or a --model package). */
    PackageRef serving() {
        String name = defaultName;
        return name == null ? null : serving(name);
    }

    /** The package of model {@code name} served from the state directory, or null. */
    PackageRef serving(String name) {
        State state = states.get(name);
        return state == null ? null : state.current();
    }

    /** The models installed from the state directory. */
    Set<String> installed() {
        return states.keySet();
    }

    /**
     * Serves what {@code state.json} names, every model, before the cloud is asked anything: each one's current
     * package, or its last good one when the current no longer checks out or loads. Answers why a package was passed
     * over.
     */
    List<SyncError> serveLastGood() {
        Map<String, State> saved = store.readAll();
        List<SyncError> problems = new ArrayList<>();
        Map<String, State> served = new LinkedHashMap<>();
        for (Map.Entry<String, State> model : saved.entrySet()) {
            State state = model.getValue();
            for (PackageRef ref : new PackageRef[] {state.current(), state.previous()}) {
                if (ref == null) {
                    continue;
                }
                try {
                    long start = System.nanoTime();
                    Path file = store.packageFile(ref);
                    checkKeptSignature(ref);
                    checkBytes(ref, file);
                    swap(load(ref, file), reloader(ref), served.isEmpty());
                    served.put(model.getKey(), ref == state.current() ? state : new State(ref, null));
                    LOG.log(System.Logger.Level.INFO, "sync: serving " + ref.describe() + " from " + store.directory()
                            + " (last good, " + (System.nanoTime() - start) / 1_000_000 + " ms), before asking the cloud");
                    break;
                } catch (SyncException e) {
                    LOG.log(System.Logger.Level.WARNING, "sync: cannot serve " + ref.describe() + " from " + store.directory()
                            + ": " + e.getMessage() + " (" + e.code() + ")");
                    problems.add(SyncError.of(ref.version(), e.code(), e.getMessage(), java.time.Instant.now()));
                }
            }
        }
        states = Map.copyOf(served);
        defaultName = served.isEmpty() ? null : served.keySet().iterator().next();
        if (!served.equals(saved)) {
            store.writeAll(served, defaultName);
        }
        return problems;
    }

    /** Fetches, checks, loads and swaps in {@code target}; throws {@link SyncException} and serves on otherwise. */
    void install(Target target, boolean isDefault) {
        PackageRef ref = target.ref();
        long start = System.nanoTime();
        Path file = fetch(target);
        long loadStart = System.nanoTime();
        Model model;
        try {
            model = load(ref, file);
        } catch (SyncException e) {
            if (!isKept(ref)) {
                StateStore.deleteQuietly(file);
            }
            throw e;
        }
        long loadNanos = System.nanoTime() - loadStart;
        State before = states.getOrDefault(ref.model(), State.EMPTY);
        Map<String, State> next = new LinkedHashMap<>(states);
        next.put(ref.model(), new State(ref, before.current()));
        String nextDefault = isDefault || defaultName == null ? ref.model() : defaultName;
        try {
            store.writeAll(ordered(next, nextDefault), nextDefault);
        } catch (SyncException e) {
            model.close();
            throw e;
        }
        swap(model, reloader(ref), isDefault);
        states = Map.copyOf(next);
        defaultName = nextDefault;
        prune(null);
        LOG.log(System.Logger.Level.INFO, String.format("sync: now serving %s (deployment %s) after %d ms: load and smoke test %d ms; was %s",
                ref.describe(), target.deploymentId(), (System.nanoTime() - start) / 1_000_000,
                loadNanos / 1_000_000, before.current() == null ? "nothing from the cloud" : before.current().describe()));
    }

    /** Makes installed model {@code name} the default one (what plain /image answers with), on the shelf and on disk. */
    void makeDefault(String name) {
        if (name.equals(defaultName) || !states.containsKey(name)) {
            return;
        }
        store.writeAll(ordered(states, name), name);
        defaultName = name;
        shelf.makeDefault(name);
    }

    /** Stops serving model {@code name} and forgets its packages. */
    void remove(String name) {
        if (!states.containsKey(name)) {
            shelf.remove(name); // a --model package the cloud does not list
            return;
        }
        Map<String, State> next = new LinkedHashMap<>(states);
        next.remove(name);
        String nextDefault = name.equals(defaultName) ? next.keySet().stream().findFirst().orElse(null) : defaultName;
        store.writeAll(ordered(next, nextDefault), nextDefault);
        states = Map.copyOf(next);
        defaultName = nextDefault;
        shelf.remove(name);
        prune(null);
        LOG.log(System.Logger.Level.INFO, "sync: stopped serving " + name + ": the desired state no longer lists it");
    }

    /** Fetches and checks a shadow candidate's package, and loads it; the caller owns the model. */
    Model loadCandidate(Target target) {
        Path file = fetch(target);
        return loadCandidate(target.ref(), file);
    }

    /** A candidate kept on disk, checked again (signature with the trusted keys, size, sha256) and loaded, without the cloud. */
    Model loadKeptCandidate(PackageRef ref) {
        checkKeptSignature(ref);
        Path file = store.packageFile(ref);
        checkBytes(ref, file);
        return loadCandidate(ref, file);
    }

    /** Loads a candidate's checked package, kept on disk from now on (see {@link #keepCandidates}). */
    private Model loadCandidate(PackageRef ref, Path file) {
        Set<PackageRef> kept = new java.util.HashSet<>(candidates);
        kept.add(ref);
        candidates = Set.copyOf(kept);
        return load(ref, file, dev.verge.edge.shadow.ShadowRunner.CANDIDATE_THREADS);
    }

    /** Forgets the shadow packages other than {@code keep}'s (the desired state no longer names them). */
    void keepCandidates(Set<PackageRef> keep) {
        if (!keep.equals(candidates)) {
            candidates = Set.copyOf(keep);
            prune(null);
        }
    }

    /** The package on disk, checked: already there (a rollback needs no download), or downloaded now. */
    private Path fetch(Target target) {
        PackageRef ref = target.ref();
        if (ref.size() > settings.maxPackageBytes()) {
            throw SyncException.refused("package_too_large", ref.describe() + " is larger than the "
                    + settings.maxPackageBytes() + " bytes this agent downloads");
        }
        checkSignature(ref);
        Path file = store.packageFile(ref);
        if (Files.exists(file)) {
            try {
                checkBytes(ref, file); // already here: a rollback to the last good version needs no download
            } catch (SyncException damaged) {
                StateStore.deleteQuietly(file);
            }
        }
        if (!Files.exists(file)) {
            prune(ref);
            Path part = store.partFile(ref);
            boolean resumed = client.download(target.url(), part, ref.size());
            try {
                checkBytes(ref, part);
            } catch (SyncException e) {
                StateStore.deleteQuietly(part);
                if (resumed) {
                    // the bytes kept from an earlier attempt may be the bad ones: one more try, whole
                    throw SyncException.transientFailure(e.code(), e.getMessage()
                            + " (the download had resumed an earlier one; fetching it whole)", e);
                }
                throw e;
            }
            file = store.keep(part, ref);
        }
        return file;
    }

    /** Deletes what no model (current or previous) and no shadow names, but {@code downloading}. */
    private void prune(PackageRef downloading) {
        List<PackageRef> keep = new ArrayList<>(candidates);
        for (State s : states.values()) {
            keep.add(s.current());
            keep.add(s.previous());
        }
        keep.add(downloading);
        store.prune(keep);
    }

    private static Map<String, State> ordered(Map<String, State> states, String first) {
        Map<String, State> out = new LinkedHashMap<>();
        if (first != null && states.containsKey(first)) {
            out.put(first, states.get(first));
        }
        states.forEach(out::putIfAbsent);
        return out;
    }

    /** How the shelf loads {@code ref} again after the memory budget unloaded it: the kept bytes, checked again. */
    private ModelShelf.Loader reloader(PackageRef ref) {
        return () -> {
            Path file = store.packageFile(ref);
            checkBytes(ref, file);
            return load(ref, file);
        };
    }

    private boolean isKept(PackageRef ref) {
        for (State s : states.values()) {
            if ((s.current() != null && s.current().sha256().equals(ref.sha256()))
                    || (s.previous() != null && s.previous().sha256().equals(ref.sha256()))) {
                return true;
            }
        }
        return candidates.contains(ref);
    }

    private void checkSignature(PackageRef ref) {
        if (!keys.get().signed(ref)) {
            throw SyncException.refused("package_signature_invalid", "the signature of " + ref.describe()
                    + " does not verify with a trusted key (--trusted-key or one the cloud announced): the package was not"
                    + " signed by this cloud, or its model, version, sha256 or size were changed");
        }
    }

    /** A package kept on disk may also be vouched for by a key the cloud has rotated away from since. */
    private void checkKeptSignature(PackageRef ref) {
        if (!keys.get().signedKept(ref)) {
            throw SyncException.refused("package_signature_invalid", "the signature of kept " + ref.describe()
                    + " does not verify with a trusted or retired key: it was not signed by this cloud, or changed on disk");
        }
    }

    private static void checkBytes(PackageRef ref, Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (java.io.IOException e) {
            throw SyncException.refused("package_missing", "expected " + file + " for " + ref.describe() + ", found none");
        }
        if (size != ref.size()) {
            throw SyncException.refused("package_size_mismatch", "expected " + ref.size() + " bytes for " + ref.model() + " "
                    + ref.version() + ", found " + size);
        }
        String sha256;
        try {
            sha256 = ModelPackage.sha256(file);
        } catch (VergeException e) {
            throw SyncException.refused("package_missing", e.getMessage(), e);
        }
        if (!sha256.equals(ref.sha256())) {
            throw SyncException.refused("package_sha256_mismatch", "expected sha256 " + ref.sha256() + " for " + ref.model()
                    + " " + ref.version() + ", found " + sha256);
        }
    }

    /** Opens the checked zip and loads it; the manifest must name the model and version that were signed. */
    private Model load(PackageRef ref, Path file) {
        return load(ref, file, threads);
    }

    private Model load(PackageRef ref, Path file, ThreadSettings threads) {
        try (ModelPackage pkg = ModelPackage.open(file, ZipLimits.defaults(), store.unpackDirectory())) {
            Manifest manifest = pkg.manifest();
            if (!manifest.name().equals(ref.model()) || !manifest.version().equals(ref.version())) {
                throw SyncException.refused("package_manifest_mismatch", "expected a package of " + ref.model() + " "
                        + ref.version() + ", found a manifest of " + manifest.name() + " " + manifest.version());
            }
            return Model.load(pkg, threads, maxInferenceTime);
        } catch (SyncException e) {
            throw e;
        } catch (VergeException e) {
            throw SyncException.refused(e.code(), ref.model() + " " + ref.version() + " does not load: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw SyncException.refused("model_load_failed", ref.model() + " " + ref.version() + " does not load: " + e, e);
        }
    }

    private void swap(Model model, ModelShelf.Loader loader, boolean isDefault) {
        synchronized (swapLock) {
            if (closed) {
                model.close();
                throw SyncException.transientFailure("sync_interrupted", "the agent is stopping");
            }
            shelf.put(model, loader);
            if (isDefault) {
                shelf.makeDefault(model.info().name());
            }
        }
    }

    /** After this no model is swapped in; a load in progress is closed instead. */
    void close() {
        synchronized (swapLock) {
            closed = true;
        }
    }
}
