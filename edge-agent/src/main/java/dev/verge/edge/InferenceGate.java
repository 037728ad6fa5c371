package dev.verge.edge;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.concurrent.Semaphore;

/**
 * Lets at most N inferences run at once; the others wait their turn in arrival order. Inference is
 * CPU bound and ONNX Runtime already spreads one run over its own threads, so running more at once
 * only makes every request slower.
 */
final class InferenceGate {
    private final Semaphore permits;
    private final AgentMetrics metrics;

    InferenceGate(int maxConcurrent, AgentMetrics metrics) {
        this.permits = new Semaphore(maxConcurrent, true);
        this.metrics = metrics;
    }

    /** A turn to run the model; close it when done. */
    Turn enter() {
        metrics.waitingStarted();
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VergeException(ErrorKind.NOT_READY, "shutting_down", "the agent is shutting down; retry on another box or later");
        } finally {
            metrics.waitingEnded();
        }
        return permits::release;
    }

    @FunctionalInterface
    interface Turn extends AutoCloseable {
        @Override
        void close();
    }
}
