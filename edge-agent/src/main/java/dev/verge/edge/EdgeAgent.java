package dev.verge.edge;

import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ModelSlot;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/** A running agent: the model in its slot and the server in front of it. */
public final class EdgeAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EdgeAgent.class.getName());

    private final ModelSlot slot;
    private final EdgeServer server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EdgeAgent(ModelSlot slot, EdgeServer server) {
        this.slot = slot;
        this.server = server;
    }

    /** Loads and checks the model, starts the server, and logs the one start line. */
    public static EdgeAgent start(AgentSettings settings) {
        ModelSlot slot = new ModelSlot();
        EdgeServer server;
        try {
            slot.swap(load(settings));
            server = EdgeServer.start(settings, slot);
        } catch (RuntimeException e) {
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
        return new EdgeAgent(slot, server);
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

    /** Finishes requests in flight (bounded by the shutdown timeout), then closes the model. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close();
        slot.close();
    }
}
