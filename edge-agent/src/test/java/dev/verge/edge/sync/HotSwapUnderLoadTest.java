package dev.verge.edge.sync;

import static dev.verge.edge.sync.Eventually.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.DemoModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty versions rolled out through the cloud while four devices keep posting images: every request is
 * answered 200 (requests in flight finish on the old model, new ones use the new), and no device ever sees
 * an older version after a newer one.
 */
class HotSwapUnderLoadTest {
    private static final int CLIENTS = 4;
    private static final int SWAPS = 20;

    @Test
    void swap_twentyVersionsUnderConcurrentLoad_noRequestFails(@TempDir Path dir) throws Exception {
        List<byte[]> packages = new ArrayList<>();
        for (int v = 1; v <= SWAPS + 1; v++) {
            packages.add(Packages.fruitQuality(dir, Integer.toString(v)));
        }
        AtomicLong answered = new AtomicLong();
        List<String> failures = new CopyOnWriteArrayList<>();
        ConcurrentHashMap<String, AtomicLong> perVersion = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();

        try (FakeCloud cloud = FakeCloud.start();
             SyncedAgent agent = SyncedAgent.start(SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("state")))) {
            cloud.deploy(DemoModels.NAME, "1", packages.get(0));
            EVENTUALLY.alias("version 1 served").until(() -> "1".equals(agent.servedVersion()));

            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(Thread.ofPlatform().name("device-" + c).start(() -> {
                    int lastSeen = 0;
                    while (!stop.get()) {
                        try {
                            SyncedAgent.Answer answer = agent.classify();
                            answered.incrementAndGet();
                            if (answer.status() != 200) {
                                failures.add(answer.status() + " " + answer.json());
                                continue;
                            }
                            int version = Integer.parseInt(answer.iteration());
                            perVersion.computeIfAbsent(answer.iteration(), k -> new AtomicLong()).incrementAndGet();
                            if (version < lastSeen) {
                                failures.add("version " + version + " after " + lastSeen);
                            }
                            lastSeen = version;
                        } catch (RuntimeException e) {
                            answered.incrementAndGet();
                            failures.add(e.toString());
                        }
                    }
                }));
            }

            long start = System.nanoTime();
            for (int v = 2; v <= SWAPS + 1; v++) {
                String version = Integer.toString(v);
                cloud.deploy(DemoModels.NAME, version, packages.get(v - 1));
                EVENTUALLY.alias("version " + version + " served").until(() -> version.equals(agent.servedVersion()));
                long before = answered.get();
                EVENTUALLY.alias("requests on version " + version).until(() -> answered.get() >= before + CLIENTS);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            stop.set(true);
            for (Thread client : clients) {
                client.join(60_000);
            }

            System.out.printf("hot swap: %d requests from %d clients during %d swaps in %d ms, %d failed; answers per version %s%n",
                    answered.get(), CLIENTS, SWAPS, millis, failures.size(), new java.util.TreeMap<>(perVersion));
            assertThat(failures).isEmpty();
            assertThat(answered.get()).isGreaterThan(SWAPS * CLIENTS);
            assertThat(agent.servedVersion()).isEqualTo(Integer.toString(SWAPS + 1));
            assertThat(perVersion.keySet()).hasSizeGreaterThan(SWAPS / 2);
        }
    }
}
