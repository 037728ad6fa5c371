package dev.verge.edge.shadow;

import dev.verge.wire.status.ShadowReport;

import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.predict.LabelScore;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ModelNotReadyException;
import dev.verge.inference.runtime.ModelSlot;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a model's shadow candidate on a share of that model's pictures after their answers were sent, on one thread
 * of its own: a picture waits in a short queue (holding its lease on the candidate, so a swap never closes it under
 * a run) and is dropped, and counted, when the queue is full. The answer a device got is the serving version's,
 * always; the candidate's only goes into the pair's statistics ({@link ShadowStats}), which the status report takes
 * ({@link #take()}) and {@code /metrics} shows. Candidates are loaded with {@link #CANDIDATE_THREADS}.
 */
public final class ShadowRunner implements Shadows, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ShadowRunner.class.getName());
    /** Pictures waiting for the candidate; a few, so a slow candidate costs memory for a few pictures only. */
    static final int QUEUE_CAPACITY = 8;
    /**
     * What a candidate runs with: one thread inside ONNX Runtime, so a candidate run takes one core at a time and the
     * serving version's inferences keep the others (with two intra-op threads it would stall them all for its run).
     */
    public static final dev.verge.inference.runtime.ThreadSettings CANDIDATE_THREADS =
            new dev.verge.inference.runtime.ThreadSettings(1, 1);
    private static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /** A pair: the model, the version that answered, the candidate beside it. */
    record Key(String model, String version, String candidate) {}

    private record Candidate(ModelSlot slot, int percent) {}

    private record Job(Key key, int percent, byte[] image, Prediction answer, ModelSlot.Lease lease) {}

    private final Map<String, Candidate> byModel = new ConcurrentHashMap<>();
    private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final ImageLimits limits;
    private final Clock clock;
    private final Thread worker;
    private final Counter pairs;
    private final Counter agreements;
    private final Counter dropped;
    private final Counter failures;
    private final Histogram latency;
    private Map<Key, ShadowStats> window = new LinkedHashMap<>(); // guarded by this
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong offered = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong settled = new java.util.concurrent.atomic.AtomicLong();

    public ShadowRunner(ImageLimits limits, PrometheusRegistry registry, Clock clock) {
        this.limits = limits;
        this.clock = clock;
        pairs = Counter.builder().name("verge_shadow_pairs_total")
                .help("Pictures a shadow candidate answered beside the serving version, by model, version and candidate")
                .labelNames("model", "version", "candidate").register(registry);
        agreements = Counter.builder().name("verge_shadow_agreements_total")
                .help("Shadow pairs whose top labels agreed").labelNames("model", "version", "candidate").register(registry);
        dropped = Counter.builder().name("verge_shadow_dropped_total")
                .help("Pictures the shadow candidate was meant to see but skipped because it was busy")
                .labelNames("model", "version", "candidate").register(registry);
        failures = Counter.builder().name("verge_shadow_failures_total")
                .help("Pictures the shadow candidate failed on").labelNames("model", "version", "candidate").register(registry);
        latency = Histogram.builder().name("verge_shadow_candidate_duration_seconds")
                .help("Time the shadow candidate took for one picture (decode, preprocess, inference)")
                .unit(Unit.SECONDS).labelNames("model", "candidate").classicOnly().classicUpperBounds(LATENCY_BUCKETS)
                .withoutExemplars().register(registry);
        worker = Thread.ofPlatform().daemon().name("verge-shadow").start(this::work);
    }

    /**
     * Runs {@code candidate} beside model {@code model} on {@code percent} % of its answers from now on (replacing any
     * candidate it had; that one closes when its queued pictures are done).
     */
    public void set(String model, Model candidate, int percent) {
        if (percent < 0 || percent > 100) {
            candidate.close();
            throw new IllegalArgumentException("shadow percent must be 0..100, found " + percent);
        }
        Candidate previous = byModel.put(model, new Candidate(new ModelSlot(candidate), percent));
        if (previous != null) {
            previous.slot().close();
        }
        LOG.log(System.Logger.Level.INFO, "shadow: " + model + " " + candidate.info().version() + " runs beside the served "
                + model + " on " + percent + " % of its pictures, after each answer is sent");
    }

    /** Changes the share of an installed candidate; false when {@code model} has none. */
    public boolean setPercent(String model, int percent) {
        Candidate c = byModel.get(model);
        if (c == null) {
            return false;
        }
        byModel.put(model, new Candidate(c.slot(), percent));
        return true;
    }

    /** Ends the shadow of {@code model}, if any. */
    public void clear(String model) {
        Candidate previous = byModel.remove(model);
        if (previous != null) {
            previous.slot().close();
            LOG.log(System.Logger.Level.INFO, "shadow: " + model + " has no candidate any more");
        }
    }

    /** The candidate beside {@code model}, while there is one. */
    public Optional<ModelInfo> candidate(String model) {
        Candidate c = byModel.get(model);
        return c == null ? Optional.empty() : c.slot().current();
    }

    /** The models with a candidate. */
    public List<String> models() {
        return byModel.keySet().stream().sorted().toList();
    }

    @Override
    public void offer(ModelInfo served, byte[] image, Prediction answer) {
        Candidate c = byModel.get(served.name());
        if (c == null || closed || image == null) {
            return;
        }
        if (c.percent() < 100 && ThreadLocalRandom.current().nextInt(100) >= c.percent()) {
            return;
        }
        ModelSlot.Lease lease;
        try {
            lease = c.slot().acquire();
        } catch (ModelNotReadyException e) {
            return; // cleared meanwhile
        }
        Key key = new Key(served.name(), served.version(), lease.model().info().version());
        offered.incrementAndGet();
        if (!queue.offer(new Job(key, c.percent(), image, answer, lease))) {
            lease.close();
            settled.incrementAndGet();
            dropped.labelValues(key.model(), key.version(), key.candidate()).inc();
            synchronized (this) {
                stats(key, c.percent()).dropped();
            }
        }
    }

    private void work() {
        while (!closed) {
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                continue; // closed is checked above
            }
            try (ModelSlot.Lease lease = job.lease()) {
                run(job, lease.model());
            } catch (RuntimeException e) {
                Key k = job.key();
                failures.labelValues(k.model(), k.version(), k.candidate()).inc();
                synchronized (this) {
                    stats(k, job.percent()).failed();
                }
            } finally {
                settled.incrementAndGet();
            }
        }
        for (Job left; (left = queue.poll()) != null; ) {
            left.lease().close();
        }
    }

    private void run(Job job, Model candidate) {
        long start = System.nanoTime();
        Prediction theirs = candidate.predict(job.image(), limits);
        double millis = (System.nanoTime() - start) / 1e6;
        Prediction ours = job.answer();
        boolean agreed;
        double shift;
        if (ours.isEmpty() || theirs.isEmpty()) {
            agreed = ours.isEmpty() == theirs.isEmpty();
            shift = ours.isEmpty() ? (theirs.isEmpty() ? 0 : theirs.top().probability()) : -ours.top().probability();
        } else {
            LabelScore top = ours.top();
            agreed = top.tagName().equals(theirs.top().tagName());
            shift = probabilityOf(theirs, top.tagName()) - top.probability();
        }
        Key k = job.key();
        pairs.labelValues(k.model(), k.version(), k.candidate()).inc();
        if (agreed) {
            agreements.labelValues(k.model(), k.version(), k.candidate()).inc();
        }
        latency.labelValues(k.model(), k.candidate()).observe(millis / 1000);
        synchronized (this) {
            stats(k, job.percent()).pair(agreed, shift, millis);
        }
    }

    private static double probabilityOf(Prediction prediction, String label) {
        for (LabelScore s : prediction.predictions()) {
            if (s.tagName().equals(label)) {
                return s.probability();
            }
        }
        return 0;
    }

    private ShadowStats stats(Key key, int percent) {
        return window.computeIfAbsent(key, k -> new ShadowStats(clock.instant(), percent));
    }

    /** Every pair's statistics since the last take; {@link #giveBack} them when the report could not be sent. */
    public synchronized Window take() {
        Window taken = new Window(window);
        window = new LinkedHashMap<>();
        return taken;
    }

    /** Folds statistics that were not reported back in, so no pair goes uncounted. */
    public synchronized void giveBack(Window unreported) {
        Map<Key, ShadowStats> merged = new LinkedHashMap<>(unreported.stats);
        window.forEach((key, later) -> merged.merge(key, later, (a, b) -> {
            a.absorb(b);
            return a;
        }));
        window = merged;
    }

    /**
     * Waits until at least {@code count} pictures were handed to a candidate since the start and each of them was run
     * or dropped (tests, the bench); false when {@code timeoutMillis} passed first.
     */
    public boolean awaitSettled(long count, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000;
        while (System.nanoTime() < end) {
            long done = settled.get();
            if (done >= count && done == offered.get()) {
                return true;
            }
            Thread.sleep(2);
        }
        return false;
    }

    /** Statistics taken for one status report. */
    public static final class Window {
        private final Map<Key, ShadowStats> stats;

        Window(Map<Key, ShadowStats> stats) {
            this.stats = stats;
        }

        /** One entry per pair seen, in the order they were first seen; empty when no shadow ran. */
        public List<ShadowReport> reports() {
            List<ShadowReport> out = new ArrayList<>();
            stats.forEach((key, s) -> {
                if (!s.isEmpty()) {
                    out.add(s.report(key));
                }
            });
            return out;
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String model : models()) {
            Candidate c = byModel.remove(model);
            if (c != null) {
                c.slot().close();
            }
        }
    }
}
