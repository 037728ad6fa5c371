package dev.verge.edge.sync;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import dev.verge.edge.PredictionEvent;
import dev.verge.edge.PredictionListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Counts the agent's own {@code /image} and {@code /url} answers between two status reports: requests,
 * errors (status 500 and above: the agent's failures, not the devices' bad images) and latency quantiles in
 * a DDSketch (1% relative accuracy, a bounded number of bins whatever the traffic).
 */
public final class HealthWindow implements PredictionListener {
    private static final double RELATIVE_ACCURACY = 0.01;
    private static final int MAX_BINS = 2048;

    private final Clock clock;
    private Window window; // guarded by this; each answer holds the lock for one sketch insert

    public HealthWindow(Clock clock) {
        this.clock = clock;
        this.window = new Window(clock.instant());
    }

    @Override
    public void onPrediction(PredictionEvent event) {
        Instant now = clock.instant();
        double millis = Math.max(0, Duration.between(event.time(), now).toNanos() / 1e6);
        String model = event.servedBy().map(m -> m.name()).orElse(null);
        synchronized (this) {
            window.add(model, millis, event.status() >= 500);
        }
    }

    /** Ends the current window and starts a new one; {@link #giveBack} it when the report could not be sent. */
    public synchronized Window take() {
        Window taken = window;
        window = new Window(clock.instant());
        return taken;
    }

    /** Folds a window that was not reported back into the current one, so no answer goes uncounted. */
    public synchronized void giveBack(Window unreported) {
        unreported.absorb(window);
        window = unreported;
    }

    /** The answers of one window. Not thread-safe: only the {@link HealthWindow} writes to one it still holds. */
    public static final class Window {
        private final Instant since;
        private final Counts all = new Counts();
        private final java.util.Map<String, Counts> byModel = new java.util.TreeMap<>();

        Window(Instant since) {
            this.since = since;
        }

        void add(String model, double millis, boolean error) {
            all.add(millis, error);
            if (model != null) {
                byModel.computeIfAbsent(model, m -> new Counts()).add(millis, error);
            }
        }

        void absorb(Window later) {
            all.absorb(later.all);
            later.byModel.forEach((model, counts) -> byModel.computeIfAbsent(model, m -> new Counts()).absorb(counts));
        }

        /** The answers model {@code name} gave in this window (requests no model served are only in the totals). */
        public long requests(String name) {
            Counts c = byModel.get(name);
            return c == null ? 0 : c.requests;
        }

        public long errors(String name) {
            Counts c = byModel.get(name);
            return c == null ? 0 : c.errors;
        }

        /** p50, p95 and p99 of model {@code name}'s answers; null when it answered none. */
        public StatusReport.Latency latency(String name) {
            Counts c = byModel.get(name);
            return c == null ? null : c.quantiles();
        }

        public Instant since() {
            return since;
        }

        public long requests() {
            return all.requests;
        }

        public long errors() {
            return all.errors;
        }

        /** p50, p95 and p99 in milliseconds, rounded to 0.01; null when no request was answered. */
        public StatusReport.Latency latency() {
            return all.quantiles();
        }
    }

    /** Requests, errors and a latency sketch. */
    private static final class Counts {
        private final DDSketch latency = DDSketches.collapsingLowestDense(RELATIVE_ACCURACY, MAX_BINS);
        private long requests;
        private long errors;

        void add(double millis, boolean error) {
            requests++;
            if (error) {
                errors++;
            }
            latency.accept(millis);
        }

        void absorb(Counts later) {
            requests += later.requests;
            errors += later.errors;
            latency.mergeWith(later.latency);
        }

        StatusReport.Latency quantiles() {
            if (latency.isEmpty()) {
                return null;
            }
            double[] q = latency.getValuesAtQuantiles(new double[] {0.50, 0.95, 0.99});
            return new StatusReport.Latency(round(q[0]), round(q[1]), round(q[2]));
        }

        private static double round(double millis) {
            return Math.round(millis * 100) / 100.0;
        }
    }
}
