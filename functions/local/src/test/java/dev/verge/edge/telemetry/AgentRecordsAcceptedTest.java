package dev.verge.edge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.testing.AnalyticsHarness;
import dev.verge.cloud.testing.TestClock;
import dev.verge.edge.PredictionEvent;
import dev.verge.edge.telemetry.TelemetrySettings.JournalSync;
import dev.verge.error.ErrorKind;
import dev.verge.inference.json.Json;
import dev.verge.inference.predict.BoundingBox;
import dev.verge.inference.predict.LabelScore;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.predict.Timings;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ThreadSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire contract, checked as a property: every record the agent can produce (each status of every
 * outcome, with and without a model, classification and detection answers, the cloud fallback's answers,
 * texts of any length and alphabet, stray probabilities, NaN boxes) goes the agent's own way (record, JSON,
 * SQLite journal, batch, gzip) into the cloud's real ingest, and the cloud counts every one of them.
 */
class AgentRecordsAcceptedTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:30:00Z");
    private static final int RANDOM_EVENTS = 4000;
    private static final int BATCH = 500;
    private static final String SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
    private static final String[] ODD_TEXT = {"", " ", "ripe", "überreif", "熟した", "🍎 apple", "tab\there", "line\nbreak",
        "\u0000nul", "quote\"back\\slash", "\ud83c", "lone \udc00 low", "\u2028sep"};

    @TempDir
    Path dir;

    private final AnalyticsHarness cloud = new AnalyticsHarness(new TestClock(NOW), AnalyticsConfig.defaults());

    @Test
    void everyRecordTheAgentCanProduce_isCountedByTheCloudsIngest() throws Exception {
        List<PredictionEvent> events = new ArrayList<>(everyOutcome());
        Random random = new Random(20261202);
        for (int i = 0; i < RANDOM_EVENTS; i++) {
            events.add(randomEvent(random));
        }

        long accepted = 0;
        try (TelemetryJournal journal = TelemetryJournal.open(dir.resolve("telemetry.db"), 256L << 20, JournalSync.NORMAL,
                new TelemetryMetrics(new PrometheusRegistry()))) {
            TelemetrySender sender = new TelemetrySender(journal, null, "cam-1", BATCH, Clock.fixed(NOW, ZoneOffset.UTC),
                    new TelemetryMetrics(new PrometheusRegistry()));
            List<TelemetryJournal.Entry> entries = new ArrayList<>();
            for (PredictionEvent event : events) {
                // as JournalWriter stores them
                entries.add(new TelemetryJournal.Entry(event.time().toEpochMilli(),
                        Json.mapper().writeValueAsString(TelemetryRecords.of(event))));
            }
            journal.append(entries, 0);
            Optional<JournalBatch> batch;
            while ((batch = journal.nextBatch(BATCH)).isPresent()) {
                ApiResponse response = cloud.post("/api/telemetry", "cam-1", sender.gzippedJson(batch.get()),
                        Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"));
                assertThat(response.status()).as(AnalyticsHarness.text(response)).isEqualTo(200);
                JsonNode answer = AnalyticsHarness.json(response);
                assertThat(answer.get("rejected").asInt()).as(rejections(answer, batch.get())).isZero();
                accepted += answer.get("accepted").asLong();
                journal.acknowledge(batch.get());
            }
        }

        assertThat(accepted).isEqualTo(events.size());
        JsonNode device = cloud.analytics("device=cam-1&from=2026-11-20&to=2026-12-03").get("totals");
        assertThat(device.get("requests").asLong()).isEqualTo(events.size());
        assertThat(device.get("rejected").asLong()).isZero();
    }

    /** Each status the agent answers, with a model and without, on both routes. */
    private static List<PredictionEvent> everyOutcome() {
        List<PredictionEvent> out = new ArrayList<>();
        Random random = new Random(1);
        ModelInfo model = model(random);
        for (String route : List.of("image", "url")) {
            for (ModelInfo m : new ModelInfo[] {model, null}) {
                for (ErrorKind kind : ErrorKind.values()) {
                    out.add(new PredictionEvent(NOW, route, m, null, kind.httpStatus(), "some_code", new byte[10]));
                }
                out.add(new PredictionEvent(NOW, route, m, null, 500, "internal_error", null));
                out.add(new PredictionEvent(NOW, route, null, null, 503, "model_not_ready", null));
                out.add(new PredictionEvent(NOW, route, null, null, 415, "unsupported_media_type", null));
                out.add(new PredictionEvent(NOW, route, null, null, 200, null, new byte[10])); // the cloud fallback answered
            }
            out.add(new PredictionEvent(NOW, route, model, classification(random), 200, null, new byte[10]));
            out.add(new PredictionEvent(NOW, route, model, detection(random, 3), 200, null, new byte[10]));
            out.add(new PredictionEvent(NOW, route, model, detection(random, 0), 200, null, new byte[10]));
        }
        return out;
    }

    private static PredictionEvent randomEvent(Random r) {
        Instant time = NOW.minus(Duration.ofMillis((long) (r.nextDouble() * Duration.ofDays(7).toMillis())))
                .plusMillis(r.nextInt(60_000));
        String route = r.nextBoolean() ? "image" : "url";
        ModelInfo model = r.nextInt(5) == 0 ? null : model(r);
        byte[] image = r.nextInt(4) == 0 ? null : new byte[r.nextInt(5000)];
        return switch (r.nextInt(6)) {
            case 0 -> new PredictionEvent(time, route, model, model == null ? null : classification(r), 200, null, image);
            case 1 -> new PredictionEvent(time, route, model, model == null ? null : detection(r, r.nextInt(6)), 200, null, image);
            case 2 -> new PredictionEvent(time, route, model, null, ErrorKind.values()[r.nextInt(ErrorKind.values().length)].httpStatus(),
                    text(r), image);
            case 3 -> new PredictionEvent(time, route, null, null, 503, "model_not_ready", null);
            case 4 -> new PredictionEvent(time, route, model, null, 500, "internal_error", image);
            // the cloud fallback: whatever status and error code the cloud's answer had
            default -> new PredictionEvent(time, route, null, null, 100 + r.nextInt(500), r.nextBoolean() ? null : text(r), image);
        };
    }

    private static ModelInfo model(Random r) {
        List<String> labels = List.of(text(r), text(r));
        return new ModelInfo(safeName(r), r.nextBoolean() ? Integer.toString(r.nextInt(1000)) : safeName(r), "ab".repeat(32),
                "classification", labels, "image", new long[] {1, 3, 8, 8}, "probabilities", 17, 8, "1.29.0",
                new ThreadSettings(1, 1));
    }

    /** A name the agent's manifest check lets through: 1-128 of letters, digits, '.', '_', '-', starting alphanumeric, no "..". */
    private static String safeName(Random r) {
        int length = r.nextInt(4) == 0 ? 128 : 1 + r.nextInt(20);
        StringBuilder s = new StringBuilder().append(SAFE.charAt(r.nextInt(62)));
        while (s.length() < length) {
            char c = SAFE.charAt(r.nextInt(SAFE.length()));
            s.append(c == '.' && s.charAt(s.length() - 1) == '.' ? 'x' : c);
        }
        return s.toString();
    }

    private static Prediction classification(Random r) {
        double p = probability(r);
        return new Prediction(List.of(new LabelScore("0", text(r), p, null), new LabelScore("1", text(r), 1 - p, null)),
                timings(r), 8, 8);
    }

    private static Prediction detection(Random r, int boxes) {
        List<LabelScore> found = new ArrayList<>();
        for (int i = 0; i < boxes; i++) {
            BoundingBox box = r.nextInt(8) == 0 ? new BoundingBox(Double.NaN, 0.1, Double.POSITIVE_INFINITY, 0.2)
                    : new BoundingBox(r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble());
            found.add(new LabelScore(Integer.toString(i), text(r), probability(r), box));
        }
        return new Prediction(found, timings(r), 640, 480);
    }

    /** Mostly a probability; now and then what a model with {@code activation: none} may give out. */
    private static double probability(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> Double.NaN;
            case 1 -> 1 + r.nextDouble() * 5;
            case 2 -> -r.nextDouble();
            case 3 -> 1.0;
            default -> r.nextDouble();
        };
    }

    private static Timings timings(Random r) {
        long hour = Duration.ofHours(1).toNanos();
        return new Timings(r.nextInt(10) == 0 ? 3 * hour : (long) (r.nextDouble() * 1e9), (long) (r.nextDouble() * 1e8),
                r.nextInt(20) == 0 ? 2 * hour : (long) (r.nextDouble() * 1e9));
    }

    private static String text(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> ODD_TEXT[r.nextInt(ODD_TEXT.length)];
            case 1 -> "x".repeat(200 + r.nextInt(400)) + "🍎";
            default -> {
                StringBuilder s = new StringBuilder();
                int n = 1 + r.nextInt(30);
                for (int i = 0; i < n; i++) {
                    s.appendCodePoint(r.nextInt(3) == 0 ? 0x20 + r.nextInt(0x2FFF) : 'a' + r.nextInt(26));
                }
                yield s.toString();
            }
        };
    }

    private static String rejections(JsonNode answer, JournalBatch batch) {
        StringBuilder s = new StringBuilder("records the cloud rejected:");
        for (JsonNode rejection : answer.get("rejections")) {
            s.append("\n  ").append(rejection).append("\n    ").append(batch.records().get(rejection.get("index").asInt()));
        }
        return s.toString();
    }
}
