package dev.verge.edge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.edge.telemetry.TelemetrySettings.JournalSync;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetryJournalTest {
    private static final long CAP = 256L * 1024 * 1024;
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    private TelemetryJournal open(long cap) {
        return TelemetryJournal.open(dir.resolve("telemetry.db"), cap, JournalSync.NORMAL,
                new TelemetryMetrics(new PrometheusRegistry()));
    }

    private static List<TelemetryJournal.Entry> entries(int from, int to, Instant time) {
        List<TelemetryJournal.Entry> out = new ArrayList<>();
        for (int n = from; n < to; n++) {
            out.add(new TelemetryJournal.Entry(time.toEpochMilli(), "{\"n\":" + n + ",\"pad\":\"" + "x".repeat(200) + "\"}"));
        }
        return out;
    }

    @Test
    void append_consecutiveIds_andDepthCounts() {
        try (TelemetryJournal journal = open(CAP)) {
            TelemetryJournal.Appended a = journal.append(entries(0, 10, NOW), 0);
            TelemetryJournal.Appended b = journal.append(entries(10, 15, NOW), 0);

            assertThat(a.lastId() - a.firstId()).isEqualTo(9);
            assertThat(b.firstId()).isEqualTo(a.lastId() + 1);
            assertThat(journal.depth()).isEqualTo(15);
        }
    }

    @Test
    void nextBatch_notAcknowledged_sameIdAndRecordsAfterReopen() {
        JournalBatch first;
        try (TelemetryJournal journal = open(CAP)) {
            journal.append(entries(0, 30, NOW), 3);
            first = journal.nextBatch(20).orElseThrow();
            journal.append(entries(30, 40, NOW), 0);
        }
        try (TelemetryJournal reopened = open(CAP)) {
            JournalBatch again = reopened.nextBatch(20).orElseThrow();

            assertThat(again).isEqualTo(first);
            assertThat(again.records()).hasSize(20);
            assertThat(again.dropped()).isEqualTo(3);
            assertThat(reopened.depth()).isEqualTo(40);
        }
    }

    @Test
    void acknowledge_batch_recordsLeaveAndNextBatchFollows() {
        try (TelemetryJournal journal = open(CAP)) {
            journal.append(entries(0, 30, NOW), 0);
            JournalBatch first = journal.nextBatch(20).orElseThrow();

            journal.acknowledge(first);
            JournalBatch second = journal.nextBatch(20).orElseThrow();

            assertThat(second.batchId()).isNotEqualTo(first.batchId());
            assertThat(second.firstId()).isEqualTo(first.lastId() + 1);
            assertThat(second.records()).hasSize(10).first().asString().startsWith("{\"n\":20,");
            assertThat(second.dropped()).isZero();
            journal.acknowledge(second);
            assertThat(journal.nextBatch(20)).isEmpty();
            assertThat(journal.depth()).isZero();
        }
    }

    @Test
    void acknowledge_everything_idsNeverReused() {
        try (TelemetryJournal journal = open(CAP)) {
            journal.append(entries(0, 5, NOW), 0);
            JournalBatch batch = journal.nextBatch(10).orElseThrow();
            journal.acknowledge(batch);

            TelemetryJournal.Appended later = journal.append(entries(5, 6, NOW), 0);

            assertThat(later.firstId()).isGreaterThan(batch.lastId());
        }
    }

    @Test
    void expire_oldRecords_droppedReportedAndBatchInFlightKept() {
        try (TelemetryJournal journal = open(CAP)) {
            Instant old = NOW.minusSeconds(8 * 24 * 3600);
            journal.append(entries(0, 10, old), 0);
            JournalBatch inFlight = journal.nextBatch(4).orElseThrow();
            journal.append(entries(10, 2500, old), 0);
            journal.append(entries(2500, 2510, NOW), 0);

            long expired = journal.expire(NOW.minusSeconds(7 * 24 * 3600));

            assertThat(expired).isEqualTo(2500 - 4);
            assertThat(journal.depth()).isEqualTo(4 + 10);
            assertThat(journal.nextBatch(100).orElseThrow()).isEqualTo(inFlight);
            journal.acknowledge(inFlight);
            JournalBatch next = journal.nextBatch(100).orElseThrow();
            assertThat(next.dropped()).isEqualTo(2496);
            assertThat(next.records()).hasSize(10).first().asString().startsWith("{\"n\":2500,");
        }
    }

    @Test
    void append_overTheCap_oldestDroppedBatchInFlightKeptAndUsedBytesUnderCap() {
        long cap = 256 * 1024;
        try (TelemetryJournal journal = open(cap)) {
            journal.append(entries(0, 50, NOW), 0);
            JournalBatch inFlight = journal.nextBatch(50).orElseThrow();
            long dropped = 0;
            for (int from = 50; from < 10_050; from += 500) {
                dropped += journal.append(entries(from, from + 500, NOW), 0).droppedForCap();
            }

            assertThat(dropped).isPositive();
            assertThat(journal.depth()).isEqualTo(10_050 - dropped);
            assertThat(journal.nextBatch(50).orElseThrow()).isEqualTo(inFlight);
            journal.acknowledge(inFlight);
            JournalBatch next = journal.nextBatch(10_000).orElseThrow();
            assertThat(next.dropped()).isEqualTo(dropped);
            assertThat(next.records()).last().asString().startsWith("{\"n\":10049,");
        }
    }

    @Test
    void open_notADatabase_movedAsideAndFreshJournal() throws Exception {
        Path file = dir.resolve("telemetry.db");
        Files.write(file, "this is not SQLite, it is a text file long enough to have a header".repeat(100).getBytes());

        try (TelemetryJournal journal = open(CAP)) {
            journal.append(entries(0, 1, NOW), 0);
            assertThat(journal.depth()).isEqualTo(1);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("telemetry.db.corrupt-"));
        }
    }
}
