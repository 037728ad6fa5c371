package dev.verge.edge.telemetry;

import dev.failsafe.RateLimiter;
import dev.verge.edge.PredictionEvent;
import dev.verge.edge.PredictionListener;
import dev.verge.inference.image.ImageFormat;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Keeps answered images for retraining, as the current {@link SamplingPolicy} says: those the model was
 * unsure about (top probability below the threshold) and a random fraction of the rest, within a rate
 * limit per hour. Deciding is cheap and happens on the request thread; writing the image happens on one
 * thread of its own behind a small queue (full: the sample is skipped and counted).
 */
public final class SampleCapture implements PredictionListener, AutoCloseable {
    private static final int QUEUE = 16;

    private final SampleStore store;
    private final TelemetryMetrics metrics;
    private final DoubleSupplier random;
    private final ThreadPoolExecutor writer;
    private volatile Current current;

    private record Current(SamplingPolicy policy, RateLimiter<Object> limiter) {
        static Current of(SamplingPolicy policy) {
            RateLimiter<Object> limiter = policy.maxPerHour() > 0
                    ? RateLimiter.burstyBuilder(policy.maxPerHour(), Duration.ofHours(1)).build()
                    : null;
            return new Current(policy, limiter);
        }
    }

    SampleCapture(SamplingPolicy policy, SampleStore store, TelemetryMetrics metrics, DoubleSupplier random) {
        this.store = store;
        this.metrics = metrics;
        this.random = random;
        this.current = Current.of(policy);
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                Thread.ofPlatform().daemon().name("verge-sample-writer").factory(),
                (task, executor) -> metrics.sample("dropped_queue"));
    }

    /** Takes a new policy (from the desired state's {@code sampling} object); its rate limit starts afresh. */
    public void update(SamplingPolicy policy) {
        if (!policy.equals(current.policy())) {
            current = Current.of(policy);
        }
    }

    public SamplingPolicy policy() {
        return current.policy();
    }

    @Override
    public void onPrediction(PredictionEvent event) {
        Current now = current;
        SamplingPolicy policy = now.policy();
        if (!policy.enabled() || !event.succeeded() || event.image() == null || event.model() == null) {
            return;
        }
        // a detector that found nothing counts as unsure: such pictures are where missed objects hide
        double topProbability = event.prediction().isEmpty() ? 0 : event.prediction().top().probability();
        boolean unsure = topProbability < policy.belowProbability();
        if (!unsure && random.getAsDouble() >= policy.randomFraction()) {
            return;
        }
        Optional<ImageFormat> format = ImageFormat.detect(event.image());
        if (format.isEmpty()) {
            return;
        }
        if (now.limiter() == null || !now.limiter().tryAcquirePermit()) {
            metrics.sample("rate_limited");
            return;
        }
        String ext = switch (format.get()) {
            case JPEG -> "jpg";
            case PNG -> "png";
            case BMP -> "bmp";
        };
        String id = UUID.randomUUID().toString();
        SampleStore.Sample sample = new SampleStore.Sample(id, event.model().name(), event.model().version(),
                event.prediction().isEmpty() ? null : event.prediction().top().tagName(), topProbability,
                event.time().toString(),
                "image/" + format.get().name().toLowerCase(Locale.ROOT), id + "." + ext);
        byte[] image = event.image();
        writer.execute(() -> store.add(sample, image));
    }

    /** Waits until the queued samples are on disk (tests and shutdown). */
    void drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((writer.getQueue().size() > 0 || writer.getActiveCount() > 0) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
