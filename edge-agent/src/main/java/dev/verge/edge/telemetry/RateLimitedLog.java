package dev.verge.edge.telemetry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A log line that repeats (a full disk, a cloud refusing every batch) written at most once per
 * {@code every}; the next one says how many were left out, so a failing device does not fill its disk
 * with its own warnings.
 */
final class RateLimitedLog {
    private final System.Logger log;
    private final Duration every;
    private final Clock clock;
    private final AtomicLong suppressed = new AtomicLong();
    private Instant last = Instant.MIN;

    RateLimitedLog(System.Logger log, Duration every, Clock clock) {
        this.log = log;
        this.every = every;
        this.clock = clock;
    }

    /** Logs {@code message} unless a line was logged less than {@code every} ago; true when it was logged. */
    boolean log(System.Logger.Level level, String message) {
        Instant now = clock.instant();
        synchronized (this) {
            if (last != Instant.MIN && Duration.between(last, now).compareTo(every) < 0) {
                suppressed.incrementAndGet();
                return false;
            }
            last = now;
        }
        long left = suppressed.getAndSet(0);
        log.log(level, left == 0 ? message : message + " (" + left + " similar line(s) left out in the last " + every + ")");
        return true;
    }

    /** The next line is logged whatever the time: the condition ended, and its end is news. */
    synchronized void reset() {
        last = Instant.MIN;
    }
}
