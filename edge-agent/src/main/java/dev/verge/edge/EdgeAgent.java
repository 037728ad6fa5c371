package dev.verge.edge;

import dev.verge.edge.shadow.ShadowRunner;
import dev.verge.edge.sync.ModelSync;
import dev.verge.edge.sync.StatusReport;
import dev.verge.edge.telemetry.SampleCapture;
import dev.verge.edge.telemetry.SamplingPolicy;
import dev.verge.edge.telemetry.Telemetry;
import dev.verge.inference.image.ImageDecoder;
import dev.verge.inference.image.JpegDecoding;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.predict.CustomVisionResponse;
import dev.verge.inference.runtime.Model;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A running agent: the model in its slot and the server in front of it. */
public final class EdgeAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EdgeAgent.class.getName());

    private final ModelShelf models;
    private final EdgeServer server;
    private final ModelSync sync; // null when sync is off
    private final Telemetry telemetry; // null when off
    private final ShadowRunner shadows;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EdgeAgent(ModelShelf models, EdgeServer server, ModelSync sync, Telemetry telemetry, ShadowRunner shadows) {
        this.models = models;
        this.shadows = shadows;
        this.server = server;
        this.sync = sync;
        this.telemetry = telemetry;
    }

    /**
     * Loads and checks the model, starts the server, and logs the one start line. With sync the model is the
     * state directory's last good package (served before the cloud is asked anything), else {@code --model},
     * else none until the cloud's first package arrives; polling starts once the server listens.
     */
    public static EdgeAgent start(AgentSettings settings) {
        // the picture decoder warms up on the second core while ONNX Runtime loads the model on this one
        Thread warmUp = Thread.ofPlatform().name("verge-warm-up").daemon().start(ImageDecoder::warmUp);
        ModelShelf models = ModelShelf.withBudget(settings.maxLoadedModels());
        PrometheusRegistry registry = new PrometheusRegistry();
        ShadowRunner shadows = new ShadowRunner(settings.imageLimits(), registry, java.time.Clock.systemUTC());
        ModelSync sync = null;
        Telemetry telemetry = null;
        EdgeServer server;
        try {
            if (settings.sync() != null) {
                sync = ModelSync.create(settings.sync(), settings.threads(), settings.maxInferenceTime(), models, registry);
                sync.followShadows(shadows);
                sync.serveLastGood();
            }
            if (!models.isReady()) {
                // the --model packages, the first the default; with sync only until the cloud's own arrive
                Map<String, Path> named = new HashMap<>();
                for (Path pkg : settings.models()) {
                    Model model = load(pkg, settings);
                    Path same = named.putIfAbsent(model.info().name(), pkg);
                    if (same != null) {
                        model.close();
                        throw new IllegalStateException("--model " + same + " and --model " + pkg + " are both model '"
                                + model.info().name() + "' (the name in manifest.json): each model is served under its"
                                + " own name, give each package its own");
                    }
                    models.put(model, () -> load(pkg, settings));
                    warmUpAnswer(model);
                }
            }
            if (settings.telemetry().enabled()) {
                telemetry = Telemetry.start(settings.telemetry(), registry);
            }
            if (sync != null && telemetry != null) {
                followSampling(sync, telemetry.samples(), settings.telemetry().sampling());
                Telemetry t = telemetry;
                sync.reportTelemetry(() -> new StatusReport.Telemetry(t.journal().state().code(), t.journal().depth(),
                        t.metrics().droppedTotal()));
            }
            List<PredictionListener> listeners = new ArrayList<>();
            if (sync != null) {
                listeners.add(sync.health());
            }
            if (telemetry != null) {
                listeners.add(telemetry.listener());
            }
            server = EdgeServer.serving(settings, models).listener(PredictionListener.all(listeners)).registry(registry)
                    .fallback(sync == null ? null : sync.cloudFallback().orElse(null)).shadows(shadows).start();
        } catch (RuntimeException e) {
            if (sync != null) {
                sync.close();
            }
            if (telemetry != null) {
                telemetry.close();
            }
            shadows.close();
            models.close();
            throw e;
        }
        awaitWarmUp(warmUp);
        long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        List<String> each = models.loaded().stream().map(info -> String.format("%s version %s sha256 %s", info.name(), info.version(),
                info.sha256().substring(0, Math.min(12, info.sha256().length())))).toList();
        String served = each.isEmpty() ? "no model yet (503 until the cloud sends one)"
                : (each.size() == 1 ? "model " : "models ") + String.join(", ", each)
                        + (each.size() == 1 ? "" : " (default " + models.defaultModel().orElse("none") + ")");
        LOG.log(System.Logger.Level.INFO, String.format(
                "ready: %s, threads intra-op %d inter-op %d, %d inference(s) at once, port %d, %d ms after JVM start;"
                        + " JPEG decoding: %s; %s",
                served, settings.threads().intraOpThreads(), settings.threads().interOpThreads(),
                settings.maxConcurrentInferences(), server.port(), sinceJvmStart, JpegDecoding.decoderName(),
                settings.access().tlsCert() == null ? "plain HTTP" : "HTTPS only"));
        if (sync != null) {
            sync.start();
        }
        return new EdgeAgent(models, server, sync, telemetry, shadows);
    }

    /**
     * Builds one answer as a device gets it, so the first device does not wait for the JSON writer to learn the
     * answer's types (tens of milliseconds on a small box).
     */
    private static void warmUpAnswer(Model model) {
        try {
            Reply.ok(CustomVisionResponse.of(model.smokeTest(), model.info()));
        } catch (RuntimeException e) {
            // a warm-up that fails only means the first request warms up instead
        }
    }

    private static void awaitWarmUp(Thread warmUp) {
        try {
            warmUp.join(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sample capture follows the deployment (its {@code sampling} object in the desired state, which the cloud
     * sends with every answer); the agent's own sampling settings apply only while the cloud sends none.
     */
    private static void followSampling(ModelSync sync, SampleCapture capture, SamplingPolicy configured) {
        sync.onSampling(sampling -> {
            SamplingPolicy policy = SamplingPolicy.fromDesiredState(sampling, configured);
            if (!policy.equals(capture.policy())) {
                LOG.log(System.Logger.Level.INFO, "samples: " + (policy.enabled() ? String.format(
                        "images below probability %s and %s of the rest are kept, at most %d an hour",
                        policy.belowProbability(), policy.randomFraction(), policy.maxPerHour()) : "off")
                        + (sampling == null ? " (the agent's own settings)" : " (from the deployment)"));
                capture.update(policy);
            }
        });
    }

    /**
     * Opens the package and loads the model; {@link Model#load} already ran it once (smoke test), so the
     * first device does not wait for warm-up. The session no longer needs the package's files.
     */
    static Model load(AgentSettings settings) {
        return load(settings.model(), settings);
    }

    static Model load(Path path, AgentSettings settings) {
        try (ModelPackage pkg = ModelPackage.open(path)) {
            return Model.load(pkg, settings.threads(), settings.maxInferenceTime());
        }
    }

    public int port() {
        return server.port();
    }

    /** The models served, by name. */
    public ModelShelf models() {
        return models;
    }

    /** What runs shadow candidates beside the models (tests put candidates here; sync does from the desired state). */
    public ShadowRunner shadows() {
        return shadows;
    }

    /** The telemetry journal, uplink and sample capture, when {@code --telemetry} is on. */
    public java.util.Optional<Telemetry> telemetry() {
        return java.util.Optional.ofNullable(telemetry);
    }

    /** Finishes requests in flight (bounded by the shutdown timeout), commits their telemetry, then closes the model. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (sync != null) {
            sync.close(); // no swap after this
        }
        server.close();
        if (telemetry != null) {
            telemetry.close();
        }
        shadows.close();
        models.close();
    }
}
