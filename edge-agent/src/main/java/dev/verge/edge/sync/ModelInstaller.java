package dev.verge.edge.sync;

import dev.verge.edge.sync.DesiredState.Target;
import dev.verge.edge.sync.StateStore.State;
import dev.verge.error.VergeException;
import dev.verge.inference.pkg.Manifest;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.pkg.ZipLimits;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ModelSlot;
import dev.verge.inference.runtime.ThreadSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Puts a signed package into the slot: signature first (before a byte is downloaded), then the download
 * with resume, size and sha256 of the bytes on disk, the manifest against the desired model and version,
 * {@link Model#load} (which runs a smoke inference), and only then {@link ModelSlot#swap}. Requests in
 * flight finish on the old model, which closes with its last request. Any failure leaves the old model
 * serving and {@code state.json} unchanged.
 */
final class ModelInstaller {
    private static final System.Logger LOG = System.getLogger(ModelInstaller.class.getName());

    private final SyncSettings settings;
    private final ThreadSettings threads;
    private final java.time.Duration maxInferenceTime;
    private final ModelSlot slot;
    private final StateStore store;
    private final CloudClient client;
    private final Supplier<KeyRing> keys;
    private final Object swapLock = new Object();
    private boolean closed; // guarded by swapLock: no swap into a slot the agent is closing
    private volatile State state = State.EMPTY;

    ModelInstaller(SyncSettings settings, ThreadSettings threads, java.time.Duration maxInferenceTime, ModelSlot slot,
                   StateStore store, CloudClient client, Supplier<KeyRing> keys) {
        this.settings = settings;
        this.keys = keys;
        this.threads = threads;
        this.maxInferenceTime = maxInferenceTime;
        this.slot = slot;
        this.store = store;
        this.client = client;
    }

    /** The package being served from the state directory, or null (nothing, or a --model package). */
    PackageRef serving() {
        return state.current();
    }

    /**
     * Serves what {@code state.json} names, before the cloud is asked anything: the current package, or the
     * last good one when the current no longer checks out or loads. Answers why a package was passed over.
     */
    List<SyncError> serveLastGood() {
        State saved = store.read();
        List<SyncError> problems = new ArrayList<>();
        for (PackageRef ref : new PackageRef[] {saved.current(), saved.previous()}) {
            if (ref == null) {
                continue;
            }
            try {
                long start = System.nanoTime();
                Path file = store.packageFile(ref);
                checkKeptSignature(ref);
                checkBytes(ref, file);
                swap(load(ref, file));
                state = ref == saved.current() ? saved : new State(ref, null);
                if (state != saved) {
                    store.write(state);
                }
                LOG.log(System.Logger.Level.INFO, "sync: serving " + ref.describe() + " from " + store.directory()
                        + " (last good, " + (System.nanoTime() - start) / 1_000_000 + " ms), before asking the cloud");
                return problems;
            } catch (SyncException e) {
                LOG.log(System.Logger.Level.WARNING, "sync: cannot serve " + ref.describe() + " from " + store.directory()
                        + ": " + e.getMessage() + " (" + e.code() + ")");
                problems.add(SyncError.of(ref.version(), e.code(), e.getMessage(), java.time.Instant.now()));
            }
        }
        if (!problems.isEmpty()) {
            state = State.EMPTY;
            store.write(state);
        }
        return problems;
    }

    /** Fetches, checks, loads and swaps in {@code target}; throws {@link SyncException} and serves on otherwise. */
    void install(Target target) {
        PackageRef ref = target.ref();
        long start = System.nanoTime();
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
        long downloadNanos = 0;
        if (!Files.exists(file)) {
            store.prune(state, ref);
            Path part = store.partFile(ref);
            long downloadStart = System.nanoTime();
            boolean resumed = client.download(target.url(), part, ref.size());
            downloadNanos = System.nanoTime() - downloadStart;
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
        State before = state;
        State next = new State(ref, before.current());
        try {
            store.write(next);
        } catch (SyncException e) {
            model.close();
            throw e;
        }
        swap(model);
        state = next;
        store.prune(next, null);
        LOG.log(System.Logger.Level.INFO, String.format("sync: now serving %s (deployment %s) after %d ms: download %d ms, load and smoke test %d ms; was %s",
                ref.describe(), target.deploymentId(), (System.nanoTime() - start) / 1_000_000, downloadNanos / 1_000_000,
                loadNanos / 1_000_000, before.current() == null ? "nothing from the cloud" : before.current().describe()));
    }

    private boolean isKept(PackageRef ref) {
        State s = state;
        return (s.current() != null && s.current().sha256().equals(ref.sha256()))
                || (s.previous() != null && s.previous().sha256().equals(ref.sha256()));
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

    private void swap(Model model) {
        synchronized (swapLock) {
            if (closed) {
                model.close();
                throw SyncException.transientFailure("sync_interrupted", "the agent is stopping");
            }
            slot.swap(model);
        }
    }

    /** After this no model is swapped in; a load in progress is closed instead. */
    void close() {
        synchronized (swapLock) {
            closed = true;
        }
    }
}
