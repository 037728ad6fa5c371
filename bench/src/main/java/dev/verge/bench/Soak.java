package dev.verge.bench;

import dev.verge.edge.AgentSettings;
import dev.verge.edge.EdgeServer;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ModelSlot;
import dev.verge.inference.runtime.ThreadSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./verge bench --soak}: wrk against an agent (in this JVM, so its {@link ModelSlot} can be
 * reached) while the model is hot-swapped between two versions every {@code swapMillis}; counts what
 * was served and what failed. Requests holding the old model must finish on it; none may fail.
 */
final class Soak {
    record Result(int seconds, int concurrency, long swaps, long requests, double rps, double p99Ms, long failed) {}

    private final BenchContext ctx;

    Soak(BenchContext ctx) {
        this.ctx = ctx;
    }

    Result run(String model, int seconds, int concurrency, long swapMillis) throws Exception {
        Path pkg = ctx.packages.get(model);
        ThreadSettings threads = ThreadSettings.forAvailableCpus();
        AgentSettings settings = AgentSettings.defaults(pkg).withHost("127.0.0.1").withPort(0);
        try (ModelSlot slot = new ModelSlot(load(pkg, threads)); EdgeServer server = EdgeServer.serving(settings, slot).start()) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong swaps = new AtomicLong();
            long deadline = System.nanoTime() + (seconds + 30L) * 1_000_000_000L;
            Thread swapper = Thread.ofPlatform().name("soak-swapper").start(() -> {
                while (running.get() && System.nanoTime() < deadline) {
                    slot.swap(load(pkg, threads));
                    swaps.incrementAndGet();
                    try {
                        Thread.sleep(swapMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Wrk.Result r;
            try {
                r = ctx.wrk.run("http://127.0.0.1:" + server.port() + "/image", ctx.image, concurrency, seconds, Map.of());
            } finally {
                running.set(false);
                swapper.interrupt();
                swapper.join(30_000);
            }
            Result result = new Result(seconds, concurrency, swaps.get(), r.requests(), r.rps(), r.p99Ms(), r.errors());
            System.err.printf("  soak %d s at c=%d: %d swaps, %d requests served (%.1f req/s, p99 %.2f ms), %d failed%n",
                    seconds, concurrency, result.swaps(), result.requests(), result.rps(), result.p99Ms(), result.failed());
            return result;
        }
    }

    private static Model load(Path pkg, ThreadSettings threads) {
        try (ModelPackage p = ModelPackage.open(pkg)) {
            return Model.load(p, threads);
        }
    }
}
