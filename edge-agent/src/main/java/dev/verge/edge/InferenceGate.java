package dev.verge.edge;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs inferences (decode, preprocess, ONNX Runtime) on a few platform threads, one per allowed
 * concurrent inference; the rest wait in arrival order. Inference is CPU bound and ONNX Runtime already
 * spreads one run over its own threads, so running more at once only makes every request slower. Keeping
 * this work off the virtual threads that serve HTTP matters too: a virtual thread is never preempted and a
 * native ONNX Runtime call pins its carrier, so CPU-bound work there would stall health checks and
 * /metrics behind it, while platform threads share the CPU under the OS scheduler.
 */
final class InferenceGate implements AutoCloseable {
    private final ExecutorService workers;
    private final AgentMetrics metrics;

    InferenceGate(int maxConcurrent, AgentMetrics metrics) {
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(maxConcurrent, task -> {
            Thread t = new Thread(task, "verge-inference-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.metrics = metrics;
    }

    /** Runs {@code inference} when its turn comes and returns its result (or throws what it threw). */
    <T> T run(Supplier<T> inference) {
        Future<T> result;
        long queued = System.nanoTime();
        metrics.waitingStarted();
        try {
            result = workers.submit(() -> {
                metrics.waitingEnded(System.nanoTime() - queued);
                return inference.get();
            });
        } catch (RejectedExecutionException e) {
            metrics.waitingEnded(System.nanoTime() - queued);
            throw shuttingDown();
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw shuttingDown();
        }
    }

    /** Lets queued inferences finish; call after the server stopped taking requests. */
    @Override
    public void close() {
        workers.shutdown();
    }

    private static VergeException shuttingDown() {
        return new VergeException(ErrorKind.NOT_READY, "shutting_down", "the agent is shutting down; retry in a moment");
    }
}
