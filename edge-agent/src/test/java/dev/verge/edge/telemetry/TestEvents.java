package dev.verge.edge.telemetry;

import dev.verge.demo.SampleImages;
import dev.verge.edge.PredictionEvent;
import dev.verge.inference.predict.LabelScore;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.predict.Timings;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ThreadSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Prediction events as the server produces them, and a bounded wait. */
final class TestEvents {
    static final ModelInfo MODEL = new ModelInfo("fruit-quality", "3", "ab".repeat(32), "classification",
            List.of("ripe", "unripe"), "image", new long[] {1, 3, 8, 8}, "probabilities", 17, 8, "1.29.0",
            new ThreadSettings(1, 1));
    /** Base time of the events; record n has time BASE + n ms, so the cloud can tell records apart. */
    static final Instant BASE = Instant.now();
    private static final byte[] JPEG = SampleImages.jpeg("ripe-red-apple");

    private TestEvents() {}

    /** Answered image number {@code n}, classified ripe with {@code probability}. */
    static PredictionEvent answered(int n, double probability) {
        Prediction prediction = new Prediction(List.of(
                new LabelScore("0", "ripe", probability, null),
                new LabelScore("1", "unripe", 1 - probability, null)),
                new Timings(1_200_000, 500_000, 2_100_000), 8, 8);
        return new PredictionEvent(BASE.plusMillis(n), "image", MODEL, prediction, 200, null, JPEG);
    }

    static PredictionEvent failed(int n) {
        return new PredictionEvent(BASE.plusMillis(n), "image", MODEL, null, 400, "image_empty", new byte[0]);
    }

    static byte[] jpeg() {
        return JPEG;
    }

    /** How the telemetry tests wait for the sender thread: looking every 10 ms, each wait says how long. */
    static final ConditionFactory EVENTUALLY = Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
}
