package dev.verge.edge.telemetry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter whose count of failures is reset by any success, not only by the end
 * of a retry run: the uplink resets it after each call the cloud answered, so the wait after a failure in
 * the middle of a drain is the shortest one again.
 */
final class Backoff {
    private final Duration min;
    private final Duration max;
    private final double jitter;
    private int failures;

    Backoff(Duration min, Duration max, double jitter) {
        this.min = min;
        this.max = max;
        this.jitter = jitter;
    }

    /** The wait before the next try; each call counts one more failure. */
    synchronized Duration next() {
        double base = Math.min(max.toNanos(), min.toNanos() * Math.pow(2, Math.min(failures, 62)));
        failures++;
        double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofNanos((long) Math.min(max.toNanos(), base * factor));
    }

    /** A call succeeded: the next failure waits {@code min} again. */
    synchronized void reset() {
        failures = 0;
    }

    synchronized int failures() {
        return failures;
    }
}
