package dev.verge.edge;

import dev.verge.edge.telemetry.Telemetry;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ModelSlot;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/** A running agent: the model in its slot and the server in front of it. */
public final class EdgeAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EdgeAgent.class.getName());

    private final ModelSlot slot;
    private final EdgeServer server;
    private final Telemetry telemetry; // null when off
    private final AtomicBoolean closed = new AtomicBoolean();

    private EdgeAgent(ModelSlot slot, EdgeServer server, Telemetry telemetry) {
        this.slot = slot;
        this.server = server;
        this.telemetry = telemetry;
    }

    /** Loads and checks the model, starts the server, and logs the one start line. */
    public static EdgeAgent start(AgentSettings settings) {
        ModelSlot slot = new ModelSlot();
        PrometheusRegistry registry = new PrometheusRegistry();
        Telemetry telemetry = null;
        EdgeServer server;
        try {
            slot.swap(load(settings));
            if (settings.telemetry().enabled()) {
                telemetry = Telemetry.start(settings.telemetry(), registry);
            }
            server = EdgeServer.start(settings, slot,
                    telemetry == null ? PredictionListener.NONE : telemetry.listener(), registry);
        } catch (RuntimeException e) {
            if (telemetry != null) {
                telemetry.close();
            }
            slot.close();
            throw e;
        }
        ModelInfo info = slot.current().orElseThrow();
        long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        LOG.log(System.Logger.Level.INFO, String.format(
                "ready: model %s version %s sha256 %s, threads intra-op %d inter-op %d, %d inference(s) at once, port %d, %d ms after JVM start",
                info.name(), info.version(), info.sha256().substring(0, Math.min(12, info.sha256().length())),
                settings.threads().intraOpThreads(), settings.threads().interOpThreads(),
                settings.maxConcurrentInferences(), server.port(), sinceJvmStart));
        return new EdgeAgent(slot, server, telemetry);
    }

    /**
     * Opens the package and loads the model; {@link Model#load} already ran it once (smoke test), so the
     * first device does not wait for warm-up. The session no longer needs the package's files.
     */
    static Model load(AgentSettings settings) {
        try (ModelPackage pkg = ModelPackage.open(settings.model())) {
            return Model.load(pkg, settings.threads());
        }
    }

    public int port() {
        return server.port();
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
        server.close();
        if (telemetry != null) {
            telemetry.close();
        }
        slot.close();
    }
}
