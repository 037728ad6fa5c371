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
        synchronized (this) {
            window.add(millis, event.status() >= 500);
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
        private final DDSketch latency = DDSketches.collapsingLowestDense(RELATIVE_ACCURACY, MAX_BINS);
        private long requests;
        private long errors;

        Window(Instant since) {
            this.since = since;
        }

        void add(double millis, boolean error) {
            requests++;
            if (error) {
                errors++;
            }
            latency.accept(millis);
        }

        void absorb(Window later) {
            requests += later.requests;
            errors += later.errors;
            latency.mergeWith(later.latency);
        }

        public Instant since() {
            return since;
        }

        public long requests() {
            return requests;
        }

        public long errors() {
            return errors;
        }

        /** p50, p95 and p99 in milliseconds, rounded to 0.01; null when no request was answered. */
        public StatusReport.Latency latency() {
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
