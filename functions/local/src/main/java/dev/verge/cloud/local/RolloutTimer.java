package dev.verge.cloud.local;

import dev.verge.cloud.rollout.RolloutController;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs the rollout controller every few seconds, as the scheduled Lambda or Azure timer function does in the cloud. */
final class RolloutTimer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RolloutTimer.class.getName());

    private final RolloutController controller;
    private final Clock clock;
    private final Duration every;
    private final ScheduledExecutorService scheduler;

    RolloutTimer(RolloutController controller, Clock clock, Duration every) {
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("expected a rollout tick above zero, found " + every);
        }
        this.controller = controller;
        this.clock = clock;
        this.every = every;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "verge-rollout-timer");
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::tick, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            controller.evaluate(clock.instant());
        } catch (RuntimeException e) {
            // a failing tick (store briefly unavailable) must not end the schedule
            LOG.log(Level.WARNING, "rollout evaluation failed; trying again in " + every, e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
