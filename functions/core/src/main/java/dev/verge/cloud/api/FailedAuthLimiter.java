package dev.verge.cloud.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications per client address and turns an address away for a while once it has failed
 * too often: a guessed key costs {@link #window} per {@link #maxFailures} tries instead of nothing, while a
 * person who mistyped a key twice is not locked out. In memory, per process: a function instance or the
 * local cloud each keep their own counts.
 */
public final class FailedAuthLimiter {
    /** Addresses remembered at most; beyond that the expired ones are dropped, then everyone's counts start over. */
    private static final int MAX_ADDRESSES = 10_000;

    private record Failures(Instant windowStart, int count) {}

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    public FailedAuthLimiter(int maxFailures, Duration window, Clock clock) {
        if (maxFailures < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("expected at least one failure per positive window, found " + maxFailures
                    + " per " + window);
        }
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    /** 10 failures a minute. */
    public static FailedAuthLimiter defaults(Clock clock) {
        return new FailedAuthLimiter(10, Duration.ofMinutes(1), clock);
    }

    /** How long {@code address} must wait before it may try again; empty when it may try now. */
    public Optional<Duration> retryAfter(String address) {
        Failures f = byAddress.get(address);
        if (f == null || f.count() < maxFailures) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), f.windowStart().plus(window));
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    public void failed(String address) {
        Instant now = clock.instant();
        if (byAddress.size() >= MAX_ADDRESSES) {
            byAddress.values().removeIf(f -> !f.windowStart().plus(window).isAfter(now));
            if (byAddress.size() >= MAX_ADDRESSES) {
                byAddress.clear();
            }
        }
        byAddress.compute(address, (a, f) -> f == null || !f.windowStart().plus(window).isAfter(now)
                ? new Failures(now, 1) : new Failures(f.windowStart(), f.count() + 1));
    }
}
