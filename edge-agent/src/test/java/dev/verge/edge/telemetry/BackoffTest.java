package dev.verge.edge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(60), 0.25);

    @Test
    void next_afterFailures_growsToTheMaximum() {
        Duration last = Duration.ZERO;
        for (int i = 0; i < 20; i++) {
            last = backoff.next();
        }
        assertThat(last).isBetween(Duration.ofSeconds(45), Duration.ofSeconds(60));
    }

    @Test
    void next_afterASuccess_isTheShortestAgain() {
        for (int i = 0; i < 20; i++) {
            backoff.next();
        }
        backoff.reset();

        assertThat(backoff.next()).isBetween(Duration.ofMillis(75), Duration.ofMillis(125));
        assertThat(backoff.next()).isBetween(Duration.ofMillis(150), Duration.ofMillis(250));
    }
}
