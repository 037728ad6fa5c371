package dev.verge.edge.sync;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits, bounded, for something the sync thread does. */
final class Eventually {
    static final Duration LIMIT = Duration.ofSeconds(30);

    private Eventually() {}

    static void await(String what, BooleanSupplier condition) {
        await(what, LIMIT, condition);
    }

    static void await(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + limit + " for: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what);
            }
        }
    }
}
