package dev.verge.edge.sync;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** How the sync tests wait for what the sync thread does: up to 30 s, looking every 10 ms. */
final class Eventually {
    static final ConditionFactory EVENTUALLY = Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(10));

    private Eventually() {}
}
