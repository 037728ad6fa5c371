package dev.verge.inference.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The run options of one ONNX Runtime run that a timer terminates once the run is over its time limit. A
 * model's graph may loop for hours (a {@code Loop} trip count is an int64), and ONNX Runtime checks the
 * terminate flag between operators and loop iterations, so the run ends soon after the flag is set and
 * the native call returns an error instead of holding its thread.
 */
final class RunDeadline implements AutoCloseable {
    /** One daemon thread for every session: it only flips flags. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final OrtSession.RunOptions options;
    private final ScheduledFuture<?> alarm; // null without a limit
    private boolean expired;
    private boolean closed;

    private RunDeadline(Duration limit) throws OrtException {
        this.options = new OrtSession.RunOptions();
        this.alarm = limit.isZero() ? null : TIMER.schedule(this::terminate, limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Starts the clock; {@link Duration#ZERO} means no limit. */
    static RunDeadline start(Duration limit) throws OrtException {
        return new RunDeadline(limit);
    }

    OrtSession.RunOptions options() {
        return options;
    }

    /** Whether the timer terminated this run. */
    synchronized boolean expired() {
        return expired;
    }

    // synchronized with close: the flag is never set on options that were already freed
    private synchronized void terminate() {
        if (closed) {
            return;
        }
        try {
            options.setTerminate(true);
            expired = true;
        } catch (OrtException e) {
            // the run goes on to its end; nothing else can stop it
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (alarm != null) {
            alarm.cancel(false);
        }
        options.close();
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, "verge-inference-deadline");
            t.setDaemon(true);
            return t;
        });
        // most runs end long before their limit: drop their alarms at once rather than when they are due
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
