package dev.verge.edge.telemetry;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that talks to the cloud: every {@code interval} (or sooner when {@link #nudge}d, e.g.
 * because a full batch is waiting) it runs every {@link Delivery} until each has nothing left. When the
 * cloud is unavailable it retries with exponential backoff and jitter (failsafe), so a fleet of agents
 * coming back online does not call the cloud in step; data waits in the journal and the samples folder.
 * The backoff starts again from {@code minBackoff} as soon as one call succeeds, so a backlog drains at
 * full rate once the cloud is back: a failure in the middle of a drain waits the shortest time, not the
 * longest one the outage had grown to.
 */
final class Uplink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Uplink.class.getName());

    /** Something the uplink delivers; throws {@link CloudUnavailableException} to be retried later. */
    interface Delivery {
        /** Delivers until nothing is left; calls {@code progressed} after each call the cloud answered. */
        void deliver(Runnable progressed);
    }

    private final Duration interval;
    private final List<Delivery> deliveries;
    private final RetryPolicy<Object> retry;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean failing;
    private final Backoff backoff;
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofMinutes(1), java.time.Clock.systemUTC());

    Uplink(Duration interval, Duration minBackoff, Duration maxBackoff, List<Delivery> deliveries) {
        this.interval = interval;
        this.deliveries = List.copyOf(deliveries);
        this.backoff = new Backoff(minBackoff, maxBackoff, 0.25);
        this.retry = RetryPolicy.builder()
                .handle(CloudUnavailableException.class)
                .withDelayFn(context -> backoff.next())
                .withMaxRetries(-1)
                .onFailedAttempt(event -> {
                    if (!failing) {
                        failing = true;
                        LOG.log(System.Logger.Level.WARNING, "cloud unavailable, keeping telemetry on disk and retrying with backoff: "
                                + event.getLastException().getMessage());
                    }
                })
                .build();
        this.thread = Thread.ofPlatform().daemon().name("verge-uplink").start(this::run);
    }

    private void run() {
        while (running) {
            try {
                wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                if (!running) {
                    return;
                }
                Failsafe.with(retry).run(this::deliverAll);
                if (failing) {
                    failing = false;
                    LOG.log(System.Logger.Level.INFO, "cloud reachable again, telemetry delivered");
                }
            } catch (InterruptedException e) {
                return;
            } catch (FailsafeException e) {
                if (!running || e.getCause() instanceof InterruptedException) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "telemetry uplink failed: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                // a journal or disk failure: logged (once a minute while it lasts), and the next round tries again
                failures.log(System.Logger.Level.WARNING, "telemetry uplink failed: " + e.getMessage());
            }
        }
    }

    private void deliverAll() {
        for (Delivery delivery : deliveries) {
            if (!running) {
                return;
            }
            delivery.deliver(backoff::reset);
        }
    }

    /** Deliver now rather than at the end of the interval. */
    void nudge() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
