package dev.verge.inference.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.verge.demo.SampleImages;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.testing.TestPackages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSlotTest {
    private static final ThreadSettings THREADS = new ThreadSettings(1, 1);

    @TempDir
    Path dir;

    @Test
    void acquire_emptySlot_throwsModelNotReady503() {
        try (ModelSlot slot = new ModelSlot()) {
            assertThat(slot.current()).isEmpty();
            assertThat(slot.isReady()).isFalse();
            assertThatThrownBy(slot::acquire).isInstanceOfSatisfying(ModelNotReadyException.class, e -> {
                assertThat(e.code()).isEqualTo("model_not_ready");
                assertThat(e.kind().httpStatus()).isEqualTo(503);
            });
        }
    }

    @Test
    void swap_whileLeaseOpen_closesOldModelOnlyAfterLeaseCloses() {
        try (ModelPackage pkg = ModelPackage.open(TestPackages.fruitQuality(dir));
             ModelSlot slot = new ModelSlot(Model.load(pkg, THREADS))) {
            ModelSlot.Lease lease = slot.acquire();
            Model old = lease.model();
            Model next = Model.load(pkg, THREADS);
            slot.swap(next);
            assertThat(old.isClosed()).isFalse();
            assertThat(lease.model().predict(SampleImages.jpeg("ripe-red-apple"), ImageLimits.defaults()).top().tagName())
                    .isEqualTo("ripe");
            lease.close();
            assertThat(old.isClosed()).isTrue();
            lease.close(); // twice is harmless and must not release the slot's own reference again
            try (ModelSlot.Lease fresh = slot.acquire()) {
                assertThat(fresh.model()).isSameAs(next);
            }
            assertThat(next.isClosed()).isFalse();
        }
    }

    @Test
    void swap_withoutLeases_closesOldModelAtOnce() {
        try (ModelPackage pkg = ModelPackage.open(TestPackages.fruitQuality(dir))) {
            Model first = Model.load(pkg, THREADS);
            Model second = Model.load(pkg, THREADS);
            ModelSlot slot = new ModelSlot(first);
            slot.swap(second);
            assertThat(first.isClosed()).isTrue();
            assertThat(slot.current()).contains(second.info());
            slot.close();
            assertThat(second.isClosed()).isTrue();
            assertThatThrownBy(slot::acquire).isInstanceOf(ModelNotReadyException.class);
        }
    }

    @Test
    void swap_sameModelOrClosedModel_refused() {
        try (ModelPackage pkg = ModelPackage.open(TestPackages.fruitQuality(dir));
             ModelSlot slot = new ModelSlot()) {
            Model model = Model.load(pkg, THREADS);
            slot.swap(model);
            assertThatThrownBy(() -> slot.swap(model)).isInstanceOf(IllegalArgumentException.class);
            Model closed = Model.load(pkg, THREADS);
            closed.close();
            assertThatThrownBy(() -> slot.swap(closed)).isInstanceOf(IllegalArgumentException.class);
            assertThat(model.isClosed()).isFalse();
        }
    }

    @Test
    void swap_twentyTimesUnderConcurrentPredictions_noFailuresAndEveryOldModelClosed() throws Exception {
        byte[] ripe = SampleImages.jpeg("ripe-red-apple");
        byte[] unripe = SampleImages.jpeg("unripe-green-pear");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Model> loaded = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        Set<String> modelsSeen = ConcurrentHashMap.newKeySet();
        AtomicInteger predictions = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(threads);
        try (ModelPackage pkg = ModelPackage.open(TestPackages.fruitQuality(dir))) {
            ModelSlot slot = new ModelSlot();
            Model first = Model.load(pkg, THREADS);
            loaded.add(first);
            slot.swap(first);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean wantRipe = t % 2 == 0;
                workers.add(pool.submit(() -> {
                    started.countDown();
                    while (!stop.get()) {
                        try (ModelSlot.Lease lease = slot.acquire()) {
                            Prediction p = lease.model().predict(wantRipe ? ripe : unripe, ImageLimits.defaults());
                            if (!p.top().tagName().equals(wantRipe ? "ripe" : "unripe")) {
                                failures.add(new AssertionError("wrong label " + p.top()));
                            }
                            modelsSeen.add(Integer.toHexString(System.identityHashCode(lease.model())));
                            predictions.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 20; i++) {
                int before = predictions.get();
                Model next = Model.load(pkg, THREADS);
                loaded.add(next);
                slot.swap(next);
                // let requests land on each model generation
                await("requests on model generation " + i).atMost(Duration.ofSeconds(60))
                        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                        .until(() -> predictions.get() >= before + threads);
            }
            stop.set(true);
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
            Model last = loaded.get(loaded.size() - 1);
            for (Model old : loaded.subList(0, loaded.size() - 1)) {
                assertThat(old.isClosed()).as("swapped-out model closed").isTrue();
            }
            assertThat(last.isClosed()).isFalse();
            slot.close();
            assertThat(last.isClosed()).isTrue();
        } finally {
            stop.set(true);
            pool.shutdownNow();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(failures).isEmpty();
        assertThat(predictions.get()).isGreaterThan(20 * threads);
        assertThat(modelsSeen.size()).isGreaterThan(10);
    }
}
