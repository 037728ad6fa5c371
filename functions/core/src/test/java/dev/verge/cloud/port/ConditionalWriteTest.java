package dev.verge.cloud.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.testing.CountingMetadataStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConditionalWriteTest {
    record Counter(int n) {}

    private final CountingMetadataStore store = new CountingMetadataStore(new InMemoryMetadataStore());
    private final JsonCollection<Counter> counters = new JsonCollection<>(store, "counters", Counter.class);
    private final ConditionalWrite<Counter> writes = new ConditionalWrite<>(counters);

    private static RuntimeException failed(ConditionalWrite.Failure failure) {
        return new IllegalStateException(failure.name());
    }

    @Test
    void upsert_manyWritersAtOnce_loseNoIncrement() throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 400; i++) {
                all.add(pool.submit(() -> writes.upsert("c", c -> new Counter(c.map(Counter::n).orElse(0) + 1), ConditionalWriteTest::failed)));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }

        assertThat(counters.get("c").orElseThrow().value().n()).isEqualTo(400);
    }

    @Test
    void update_missingRecord_failsWithMissingAndWritesNothing() {
        assertThatThrownBy(() -> writes.update("none", c -> new Counter(c.n() + 1), ConditionalWriteTest::failed))
                .hasMessage("MISSING");
        assertThat(counters.get("none")).isEmpty();
    }

    @Test
    void upsert_changeAnsweringTheSameRecord_writesNothing() {
        writes.upsert("c", c -> new Counter(1), ConditionalWriteTest::failed);
        long writesBefore = store.writeUnits();

        ConditionalWrite.Written<Counter> again = writes.upsert("c", c -> c.orElseThrow(), ConditionalWriteTest::failed);

        assertThat(again.after().n()).isEqualTo(1);
        assertThat(store.writeUnits()).isEqualTo(writesBefore);
    }

    @Test
    void upsert_changeThatThrows_isNotTriedAgain() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> writes.upsert("c", c -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("no");
        }, ConditionalWriteTest::failed)).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void upsert_alwaysLosingTheRace_failsContendedAfterBoundedAttempts() {
        counters.create("c", new Counter(0));
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> writes.upsert("c", c -> {
            calls.incrementAndGet();
            // another writer comes first every time
            var current = counters.get("c").orElseThrow();
            counters.update("c", current.revision(), new Counter(current.value().n() + 1));
            return new Counter(-1);
        }, ConditionalWriteTest::failed)).hasMessage("CONTENDED");
        assertThat(calls.get()).isBetween(2, 60);
    }
}
