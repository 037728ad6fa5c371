package dev.verge.cloud.local;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a job every so often on its own daemon thread, as the cloud's timers do (the rollout controller every few
 * seconds, as the scheduled Lambda or Azure timer function does every minute; housekeeping hourly).
 */
final class PeriodicTask implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PeriodicTask.class.getName());

    private final String name;
    private final Runnable job;
    private final Duration every;
    private final ScheduledExecutorService scheduler;

    PeriodicTask(String name, Runnable job, Duration every) {
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("expected a period above zero for " + name + ", found " + every);
        }
        this.name = name;
        this.job = job;
        this.every = every;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "verge-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::tick, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            job.run();
        } catch (RuntimeException e) {
            // a failing run (store briefly unavailable) must not end the schedule
            LOG.log(Level.WARNING, name + " failed; trying again in " + every, e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
