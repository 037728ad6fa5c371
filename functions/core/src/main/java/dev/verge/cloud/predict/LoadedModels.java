package dev.verge.cloud.predict;

import dev.verge.cloud.registry.ModelRegistry;
import dev.verge.cloud.registry.PackageDownload;
import dev.verge.cloud.registry.SpooledPackage;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.pkg.ZipLimits;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ModelSlot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The model sessions of one warm function container. A version's package is fetched from the blob store
 * once, checked against the sha256 the registry recorded, loaded, and kept for later invocations; the
 * least recently used session beyond {@link PredictConfig#maxLoadedModels} is closed once its requests
 * finish. "The production version" is read from the registry at most every
 * {@link PredictConfig#productionRecheck}, so a promotion replaces the session without a restart.
 */
public final class LoadedModels implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LoadedModels.class.getName());

    private final ModelRegistry registry;
    private final PredictConfig config;
    private final Path tempDir;
    private final Clock clock;
    private final Map<String, CompletableFuture<ModelSlot>> loaded = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Production> production = new ConcurrentHashMap<>();

    private record Production(String version, Instant readAt) {}

    public LoadedModels(ModelRegistry registry, PredictConfig config, Path tempDir, Clock clock) {
        this.registry = registry;
        this.config = config;
        this.tempDir = tempDir;
        this.clock = clock;
    }

    /**
     * A lease on {@code name} at {@code version}, or at its production version when empty; 404 when the
     * model has no production version or the version does not exist, 409 when it is not deployable.
     */
    public ModelSlot.Lease acquire(String name, Optional<String> version) {
        String resolved = version.orElseGet(() -> productionVersion(name));
        String key = name + "@" + resolved;
        CompletableFuture<ModelSlot> future;
        boolean mine = false;
        synchronized (loaded) {
            future = loaded.get(key);
            if (future == null) {
                future = new CompletableFuture<>();
                loaded.put(key, future);
                mine = true;
            }
        }
        if (mine) {
            load(key, name, resolved, future);
        }
        try {
            return future.get().acquire();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VergeException(ErrorKind.NOT_READY, "interrupted", "the function is shutting down; try again");
        }
    }

    /**
     * Loads the production version of each model now; a model that cannot be loaded is logged and
     * left for the first request to report, so start-up never fails on it.
     */
    public void preload(java.util.List<String> names) {
        for (String name : names) {
            try (ModelSlot.Lease lease = acquire(name, Optional.empty())) {
                LOG.log(System.Logger.Level.INFO, "preloaded " + name + " version " + lease.model().info().version());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not preload model " + name + ": " + e.getMessage());
            }
        }
    }

    private String productionVersion(String name) {
        Instant now = clock.instant();
        Production known = production.get(name);
        if (known != null && !known.readAt().plus(config.productionRecheck()).isBefore(now)) {
            return known.version();
        }
        registry.listVersions(name); // 404 model_not_found for an unknown model, before "no production version"
        String version = registry.productionVersion(name).orElseThrow(() -> new VergeException(ErrorKind.NOT_FOUND,
                "no_production_version", "model " + name + " has no version in production; promote one"
                        + " (POST /api/models/" + name + "/versions/{version}/stage {\"stage\": \"production\"})"
                        + " or name the version: POST /api/models/" + name + "/versions/{version}/predict"));
        production.put(name, new Production(version, now));
        return version;
    }

    private void load(String key, String name, String version, CompletableFuture<ModelSlot> future) {
        try {
            Model model = fetchAndLoad(name, version);
            future.complete(new ModelSlot(model));
            LOG.log(System.Logger.Level.INFO, "loaded " + key + " for predictions");
            evictBeyondLimit();
        } catch (RuntimeException e) {
            synchronized (loaded) {
                loaded.remove(key, future); // a later request tries again (the blob may be back)
            }
            future.completeExceptionally(e);
        }
    }

    private Model fetchAndLoad(String name, String version) {
        PackageDownload download = registry.openPackage(name, version);
        // the registry already bounded the package's size when it was registered
        try (SpooledPackage spooled = SpooledPackage.spool(download.in(), Long.MAX_VALUE, tempDir)) {
            if (!spooled.sha256().equals(download.sha256())) {
                throw new VergeException(ErrorKind.UPSTREAM_FAILED, "package_digest_mismatch",
                        "the blob store returned a package for " + name + " version " + version + " with sha256 "
                                + spooled.sha256() + ", but the registry recorded " + download.sha256()
                                + "; the stored package was changed, upload it again");
            }
            try (ModelPackage pkg = ModelPackage.open(spooled.file(), ZipLimits.defaults(), tempDir)) {
                return Model.load(pkg, config.threads(), config.maxInferenceTime());
            }
        }
    }

    private void evictBeyondLimit() {
        while (true) {
            CompletableFuture<ModelSlot> eldest;
            synchronized (loaded) {
                if (loaded.size() <= config.maxLoadedModels()) {
                    return;
                }
                Map.Entry<String, CompletableFuture<ModelSlot>> entry = loaded.entrySet().iterator().next();
                eldest = entry.getValue();
                loaded.remove(entry.getKey());
                LOG.log(System.Logger.Level.INFO, "closing " + entry.getKey() + ": more than "
                        + config.maxLoadedModels() + " models loaded");
            }
            // the session closes when the requests that still hold a lease on it finish
            eldest.thenAccept(ModelSlot::close);
        }
    }

    /** Versions with a session now, most recently used last (for tests and the health route). */
    public java.util.List<String> loadedKeys() {
        synchronized (loaded) {
            return java.util.List.copyOf(loaded.keySet());
        }
    }

    @Override
    public void close() {
        synchronized (loaded) {
            loaded.values().forEach(future -> future.thenAccept(ModelSlot::close));
            loaded.clear();
        }
    }
}
