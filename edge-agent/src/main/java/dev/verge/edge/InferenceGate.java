package dev.verge.edge;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

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

    /** Runs {@code inference} when its turn comes. */
    <T> T run(Supplier<T> inference) {
        metrics.waitingStarted();
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VergeException(ErrorKind.NOT_READY, "shutting_down", "the agent is shutting down; retry on another box or later");
        } finally {
            metrics.waitingEnded();
        }
        try {
            return inference.get();
        } finally {
            permits.release();
        }
    }
}
