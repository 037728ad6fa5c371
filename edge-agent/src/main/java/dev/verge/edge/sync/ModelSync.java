package dev.verge.edge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.verge.edge.sync.DesiredState.Target;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.edge.ModelShelf;
import dev.verge.edge.shadow.ShadowRunner;
import dev.verge.inference.runtime.ModelSlot;
import dev.verge.inference.runtime.Onnx;
import dev.verge.inference.runtime.ThreadSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Follows the cloud's desired state for this device. Each poll sends the status report (what is served,
 * counts and latencies since the last report, the last error) and then asks for the desired state; a new
 * package is installed by {@link ModelInstaller}. Polls run on one daemon thread, every poll interval
 * (+-10% jitter so a fleet that restarted together spreads out); a failed poll is retried with exponential
 * backoff (Failsafe: doubling from the retry delay up to the maximum backoff, +-25% jitter). The agent
 * serves throughout: nothing here runs on a request's thread, and nothing that fails here empties the slot.
 */
public final class ModelSync implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ModelSync.class.getName());
    static final double BACKOFF_JITTER = 0.25;
    private static final double POLL_JITTER = 0.10;

    private final SyncSettings settings;
    private final ModelShelf shelf;
    private final StateStore store;
    private final DeviceApiClient client;
    private final StatementVerifier statements;
    private final SyncMetrics metrics;
    private final ModelInstaller installer;
    private final HealthWindow health;
    private final Clock clock;
    private final RetryPolicy<Object> retry;
    private volatile Consumer<Duration> backoffListener = delay -> {};
    private volatile Consumer<JsonNode> samplingListener = sampling -> {};
    private volatile java.util.function.Supplier<StatusReport.Telemetry> telemetryStatus = () -> null;
    private volatile ShadowRunner shadows; // null: shadow candidates in the desired state are not run
    private volatile Thread thread;
    private volatile boolean closed;

    // what the last desired state named; null before the first answer or when nothing is deployed. Written by the
    // sync thread, read by requests that find no model (the cloud fallback)
    private volatile PackageRef wanted;
    private volatile Map<String, PackageRef> wantedByModel = Map.of(); // every model the last desired state named

    // only the sync thread touches these after start
    private volatile SyncError lastError;
    private Target attempting; // the target of the poll in progress, for the error report
    // by model: failed for a reason fetching it again would not fix; skipped while the cloud asks for it
    private final Map<String, Target> failed = new HashMap<>();
    private final Map<String, SyncError> failedBecause = new HashMap<>();
    private final Map<String, PackageRef> shadowRefs = new HashMap<>(); // the candidate each model runs beside it
    private Map<String, StateStore.KeptShadow> keptShadows = Map.of(); // what shadows.json says, by the sync thread
    private Duration pollInterval;
    private boolean pollSoon;
    private int failedPolls;
    private boolean samplingHandedOver;
    private JsonNode sampling; // the desired state's sampling object last handed over; null: none

    private ModelSync(SyncSettings settings, ModelShelf shelf, StateStore store, DeviceApiClient client, StatementVerifier statements,
                      ModelInstaller installer, SyncMetrics metrics, Clock clock) {
        this.settings = settings;
        this.shelf = shelf;
        this.store = store;
        this.client = client;
        this.statements = statements;
        this.metrics = metrics;
        this.installer = installer;
        this.clock = clock;
        this.health = new HealthWindow(clock);
        this.pollInterval = settings.pollInterval();
        this.retry = RetryPolicy.builder()
                .handleIf(failure -> !closed) // a poll that failed because the agent is closing is not retried
                .withBackoff(settings.retryDelay(), settings.maxBackoff())
                .withJitter(BACKOFF_JITTER)
                .withMaxRetries(-1)
                .onFailedAttempt(event -> pollFailed(event.getLastException()))
                .onRetryScheduled(event -> {
                    LOG.log(failedPolls == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                            "sync: next try in " + event.getDelay().toMillis() + " ms");
                    backoffListener.accept(event.getDelay());
                })
                .build();
    }

    /** Opens the state directory; serves nothing yet (see {@link #serveLastGood()}) and polls nothing yet (see {@link #start()}). */
    public static ModelSync create(SyncSettings settings, ThreadSettings threads, ModelSlot slot) {
        return create(settings, threads, dev.verge.inference.runtime.Model.DEFAULT_MAX_RUN_TIME, slot, new PrometheusRegistry());
    }

    /** As {@link #create(SyncSettings, ThreadSettings, ModelSlot)}, with its metrics in {@code registry} ({@code /metrics}). */
    public static ModelSync create(SyncSettings settings, ThreadSettings threads, ModelSlot slot, PrometheusRegistry registry) {
        return create(settings, threads, dev.verge.inference.runtime.Model.DEFAULT_MAX_RUN_TIME, slot, registry);
    }

    /** The models it loads stop runs past {@code maxInferenceTime}; its metrics go to {@code registry} ({@code /metrics}). */
    public static ModelSync create(SyncSettings settings, ThreadSettings threads, java.time.Duration maxInferenceTime,
                                   ModelSlot slot, PrometheusRegistry registry) {
        return create(settings, threads, maxInferenceTime, ModelShelf.around(slot), registry);
    }

    /** Follows every model the desired state lists, each on {@code shelf} under its name. */
    public static ModelSync create(SyncSettings settings, ThreadSettings threads, java.time.Duration maxInferenceTime,
                                   ModelShelf shelf, PrometheusRegistry registry) {
        SyncMetrics metrics = new SyncMetrics(registry);
        StateStore store = new StateStore(settings.stateDir());
        DeviceApiClient client = new DeviceApiClient(settings);
        StatementVerifier statements = new StatementVerifier(settings, store, Clock.systemUTC());
        metrics.revision(statements.revision());
        ModelInstaller installer = new ModelInstaller(settings, threads, maxInferenceTime, shelf, store, client, statements::keys);
        if (settings.cloud().getScheme().equals("http") && !isLoopback(settings.cloud().getHost())) {
            LOG.log(System.Logger.Level.WARNING, "sync: " + settings.cloud() + " is plain HTTP: the device key travels"
                    + " unencrypted (packages are still checked against their signature)");
        }
        return new ModelSync(settings, shelf, store, client, statements, installer, metrics, Clock.systemUTC());
    }

    /**
     * Runs the desired state's shadow candidates with {@code runner} (set it before {@link #start()}); without one
     * they are not fetched.
     */
    public void followShadows(ShadowRunner runner) {
        this.shadows = runner;
    }

    /**
     * Serves the last good package of every model of the state directory at once, without the cloud, and runs the shadow
     * candidates the last desired state named beside them; true when a model is served.
     */
    public boolean serveLastGood() {
        List<SyncError> problems = installer.serveLastGood();
        if (!problems.isEmpty()) {
            lastError = problems.get(0);
        }
        runKeptShadows();
        return installer.serving() != null;
    }

    /** A candidate that cannot be used any more is skipped: the models serve on whatever happens here. */
    private void runKeptShadows() {
        ShadowRunner runner = shadows;
        if (runner == null) {
            return;
        }
        keptShadows = store.readShadows();
        keptShadows.forEach((name, kept) -> {
            if (!shelf.holds(name)) {
                return;
            }
            try {
                runner.set(name, installer.loadKeptCandidate(kept.candidate()), kept.percent());
                shadowRefs.put(name, kept.candidate());
            } catch (RuntimeException e) { // refused (SyncException) or failing to load: the models serve on
                LOG.log(System.Logger.Level.WARNING, "sync: kept shadow candidate " + kept.candidate().describe()
                        + " not run: " + e.getMessage());
            }
        });
        shelf.reserve(runner.models().size());
    }

    /** The package the cloud's last desired state named (served or not yet); empty before the first answer or when nothing is deployed. */
    public Optional<PackageRef> wanted() {
        return Optional.ofNullable(wanted);
    }

    /** The package of {@code model} the cloud's last desired state named; null: the default model's. */
    public Optional<PackageRef> wanted(String model) {
        return model == null ? wanted() : Optional.ofNullable(wantedByModel.get(model));
    }

    /** The cloud fallback for requests that find no model, when {@code --cloud-fallback} is on. */
    public Optional<CloudFallback> cloudFallback() {
        return settings.cloudFallback() ? Optional.of(new CloudFallback(this::wanted, client)) : Optional.empty();
    }

    /** The listener that counts the agent's answers for the status report. */
    public HealthWindow health() {
        return health;
    }

    /** Starts polling on a daemon thread; the first poll is at once. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "sync: following " + settings.cloud() + " as device " + settings.deviceId()
                + ", state in " + settings.stateDir()
                + (settings.cloudFallback() ? "; while no model is loaded the cloud answers (--cloud-fallback)" : ""));
        thread = Thread.ofPlatform().daemon().name("verge-sync").start(this::run);
    }

    private void run() {
        while (!closed) {
            try {
                Failsafe.with(retry).run(this::poll);
            } catch (RuntimeException e) {
                if (closed) {
                    return; // interrupted while waiting to retry, or a poll cut short
                }
                Thread.interrupted();
                LOG.log(System.Logger.Level.WARNING, "sync: the poll loop was interrupted; polling on", e);
            }
            if (!sleep(nextPollDelay())) {
                return;
            }
        }
    }

    private Duration nextPollDelay() {
        if (pollSoon) {
            pollSoon = false;
            return Duration.ZERO;
        }
        double factor = 1 + ThreadLocalRandom.current().nextDouble(-POLL_JITTER, POLL_JITTER);
        return Duration.ofNanos((long) (pollInterval.toNanos() * factor));
    }

    private boolean sleep(Duration delay) {
        try {
            Thread.sleep(delay);
            return !closed;
        } catch (InterruptedException e) {
            return !closed;
        }
    }

    /** One poll: report, ask, and install when the answer names a package not served yet. Package-private for tests. */
    void poll() {
        attempting = null;
        if (closed) {
            throw SyncException.transientFailure("sync_interrupted", "the agent is stopping");
        }
        HealthWindow.Window window = health.take();
        ShadowRunner runner = shadows;
        ShadowRunner.Window shadowWindow = runner == null ? null : runner.take();
        try {
            client.report(report(window, shadowWindow));
        } catch (RuntimeException e) {
            health.giveBack(window);
            if (shadowWindow != null) {
                runner.giveBack(shadowWindow);
            }
            throw e;
        }
        DesiredState desired = desired();
        handOver(desired.sampling());
        pollInterval = desired.pollInterval(settings.pollInterval());
        if (failedPolls > 0) {
            LOG.log(System.Logger.Level.INFO, "sync: the cloud answers again after " + failedPolls + " failed poll(s)");
            failedPolls = 0;
        }
        Optional<Target> target = desired.target();
        wanted = target.map(Target::ref).orElse(null);
        wantedByModel = desired.models().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                DesiredState.Wanted::name, m -> m.target().ref(), (a, b) -> a));
        if (desired.models().isEmpty()) {
            forgetFailure(); // nothing deployed: keep serving what is here
            lastError = null;
            return;
        }
        boolean changed = false;
        SyncError error = null;
        SyncException retryLater = null; // a download that may succeed later: the other models go on meanwhile
        Target retryTarget = null;
        for (DesiredState.Wanted model : desired.models()) {
            Target next = model.target();
            String name = model.name();
            if (next.ref().equals(installer.serving(name))) {
                failed.remove(name);
                failedBecause.remove(name);
                continue;
            }
            if (sameDeployment(next, failed.get(name))) {
                error = failedBecause.get(name); // reported until the desired state changes
                continue;
            }
            failed.remove(name);
            failedBecause.remove(name);
            attempting = next;
            try {
                installer.install(next, model.isDefault());
            } catch (SyncException e) {
                if (e.retryable()) {
                    if (retryLater == null) {
                        retryLater = e;
                        retryTarget = next;
                    }
                    continue;
                }
                error = refusedModel(next, e);
                failed.put(name, next);
                failedBecause.put(name, error);
            }
            changed = true;
        }
        attempting = null;
        target.ifPresent(t -> installer.makeDefault(t.ref().model()));
        if (target.isPresent() && target.get().ref().equals(installer.serving(target.get().ref().model()))) {
            // once the default is the cloud's, what the cloud does not list goes (a --model package, a retired model)
            Set<String> listed = new HashSet<>(desired.models().stream().map(DesiredState.Wanted::name).toList());
            for (String name : shelf.names()) {
                if (!listed.contains(name)) {
                    installer.remove(name);
                    changed = true;
                }
            }
            failed.keySet().retainAll(listed);
            failedBecause.keySet().retainAll(listed);
        }
        SyncError shadowError = followShadows(desired.models());
        lastError = error != null ? error : shadowError;
        if (changed) {
            pollSoon = true; // tell the cloud at once what came of it
        }
        if (retryLater != null) {
            attempting = retryTarget;
            throw retryLater; // backoff, then resume that download
        }
    }

    private SyncError refusedModel(Target target, SyncException e) {
        LOG.log(System.Logger.Level.WARNING, "sync: refused " + target.ref().describe() + ", still serving "
                + shelf.current(target.ref().model()).map(info -> info.name() + " " + info.version()).orElse("nothing")
                + ": " + e.getMessage() + " (" + e.code() + ")");
        return SyncError.of(target.ref().version(), e.code(), e.getMessage(), clock.instant());
    }

    /**
     * Loads each shadow candidate the desired state names that is not running yet and ends those it no longer names.
     * A candidate that cannot be used is reported and skipped; the models serve on whatever happens here.
     */
    private SyncError followShadows(List<DesiredState.Wanted> models) {
        ShadowRunner runner = shadows;
        if (runner == null) {
            return null;
        }
        SyncError error = null;
        Set<PackageRef> keep = new HashSet<>();
        Set<String> shadowed = new HashSet<>();
        for (DesiredState.Wanted model : models) {
            DesiredState.Shadow shadow = model.shadow();
            if (shadow == null) {
                continue;
            }
            String name = model.name();
            PackageRef ref = shadow.candidate().ref();
            shadowed.add(name);
            keep.add(ref);
            if (ref.equals(shadowRefs.get(name)) && runner.candidate(name).isPresent()) {
                runner.setPercent(name, shadow.percent());
                continue;
            }
            try {
                dev.verge.inference.runtime.Model candidate = installer.loadCandidate(shadow.candidate());
                keep(name, new StateStore.KeptShadow(ref, shadow.percent())); // on disk before it runs
                runner.set(name, candidate, shadow.percent());
                shadowRefs.put(name, ref);
            } catch (SyncException e) {
                if (e.retryable()) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, "sync: shadow candidate " + ref.describe() + " not run: " + e.getMessage()
                        + " (" + e.code() + ")");
                error = SyncError.of(ref.version(), e.code(), e.getMessage(), clock.instant());
            }
        }
        for (String name : runner.models()) {
            if (!shadowed.contains(name)) {
                runner.clear(name);
                shadowRefs.remove(name);
            }
        }
        installer.keepCandidates(keep);
        shelf.reserve(runner.models().size());
        Map<String, StateStore.KeptShadow> running = new java.util.LinkedHashMap<>();
        for (DesiredState.Wanted model : models) {
            PackageRef ref = shadowRefs.get(model.name());
            if (model.shadow() != null && ref != null && ref.equals(model.shadow().candidate().ref())
                    && runner.candidate(model.name()).isPresent()) {
                running.put(model.name(), new StateStore.KeptShadow(ref, model.shadow().percent()));
            }
        }
        if (!running.equals(keptShadows)) {
            store.writeShadows(running);
            keptShadows = running;
        }
        return error;
    }

    private void keep(String model, StateStore.KeptShadow shadow) {
        Map<String, StateStore.KeptShadow> next = new java.util.LinkedHashMap<>(keptShadows);
        next.put(model, shadow);
        store.writeShadows(next);
        keptShadows = next;
    }

    /** The cloud's signed desired state, verified; a refusal is counted and logged with its reason, and serving goes on. */
    private DesiredState desired() {
        byte[] answer = client.desired();
        try {
            DesiredState desired = DesiredState.of(statements.accept(answer));
            metrics.revision(statements.revision());
            return desired;
        } catch (SyncException e) {
            if (!e.retryable()) {
                metrics.refused(e.code()); // logged with its reason as every failed poll is
            }
            throw e;
        }
    }

    /**
     * Same package for the same deployment. The URL does not count: a cloud that hands out pre-signed URLs
     * signs a new one on every poll, and that is not a new desired state.
     */
    private static boolean sameDeployment(Target a, Target b) {
        return a != null && b != null && a.ref().equals(b.ref()) && java.util.Objects.equals(a.deploymentId(), b.deploymentId());
    }

    private void forgetFailure() {
        failed.clear();
        failedBecause.clear();
    }

    /** Passes the desired state's sampling object on, the first time and whenever it changes; it never fails the poll. */
    private void handOver(JsonNode next) {
        JsonNode given = next == null || next.isNull() || next.isMissingNode() ? null : next;
        if (samplingHandedOver && Objects.equals(given, sampling)) {
            return;
        }
        samplingHandedOver = true;
        sampling = given;
        try {
            samplingListener.accept(given);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "sync: the desired state's sampling " + given + " was not taken, sampling"
                    + " stays as it was: " + e.getMessage());
        }
    }

    private void pollFailed(Throwable e) {
        failedPolls++;
        String code = e instanceof SyncException s ? s.code() : "sync_failed";
        String version = attempting == null ? null : attempting.ref().version();
        lastError = SyncError.of(version, code, String.valueOf(e.getMessage()), clock.instant());
        // a refused desired state is worth a line every time; the network failing, the first time
        boolean refused = e instanceof SyncException s && !s.retryable();
        LOG.log(failedPolls == 1 || refused ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                "sync: poll failed, serving on: " + e.getMessage() + " (" + code + ")");
    }

    StatusReport report(HealthWindow.Window window) {
        return report(window, null);
    }

    StatusReport report(HealthWindow.Window window, ShadowRunner.Window shadowWindow) {
        Optional<ModelInfo> info = shelf.current();
        // a default the memory budget unloaded for a while is still served: the next request loads it again
        String state = shelf.defaultModel().isPresent() ? "serving" : wanted != null ? "loading" : "no-model";
        List<dev.verge.wire.status.ModelStatus> models = new ArrayList<>();
        String defaultModel = shelf.defaultModel().orElse(null);
        for (String name : shelf.names()) {
            Optional<ModelInfo> loaded = shelf.current(name);
            PackageRef ref = installer.serving(name);
            String version = loaded.map(ModelInfo::version).orElse(ref == null ? null : ref.version());
            StatusReport.Latency ms = window.latency(name);
            models.add(new dev.verge.wire.status.ModelStatus(name, version, loaded.isPresent() ? "serving" : "unloaded",
                    name.equals(defaultModel), window.requests(name), window.errors(name),
                    ms == null ? null : new dev.verge.wire.status.Latency(ms.p50(), ms.p95(), ms.p99())));
        }
        return new StatusReport(
                info.map(ModelInfo::name).orElse(null),
                info.map(ModelInfo::version).orElse(null),
                info.map(ModelInfo::onnxRuntimeVersion).orElseGet(Onnx::runtimeVersion),
                agentVersion(),
                state,
                window.since().toString(),
                window.requests(),
                window.errors(),
                window.latency(),
                lastError,
                telemetryStatus.get(),
                models,
                shadowWindow == null ? List.of() : shadowWindow.reports());
    }

    /** What the status report says about telemetry (the journal's health); null, the default, says nothing. */
    public void reportTelemetry(java.util.function.Supplier<StatusReport.Telemetry> status) {
        this.telemetryStatus = status;
    }

    /** The last failure of sync (reported with the next status), or empty. */
    public Optional<SyncError> lastError() {
        return Optional.ofNullable(lastError);
    }

    /**
     * Tells {@code listener} the desired state's {@code sampling} object (null when the answer has none) after
     * the first answer and whenever it changes. Set it before {@link #start()}. It runs on the sync thread; what
     * it throws is logged and the poll goes on.
     */
    public void onSampling(Consumer<JsonNode> listener) {
        this.samplingListener = listener;
    }

    /** Tells {@code listener} each backoff delay Failsafe schedules after a failed poll (tests, logs). */
    void onBackoff(Consumer<Duration> listener) {
        this.backoffListener = listener;
    }

    static String agentVersion() {
        String v = ModelSync.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    /** Stops polling (a download or load in progress is abandoned; nothing is swapped in after this). */
    @Override
    public void close() {
        closed = true;
        installer.close();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        client.close();
        store.close();
    }
}
