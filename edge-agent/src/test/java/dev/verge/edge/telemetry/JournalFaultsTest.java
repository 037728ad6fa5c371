package dev.verge.edge.telemetry;

import static dev.verge.edge.telemetry.TestEvents.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.edge.PredictionListener;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal under real faults, each with its counts: every record produced is either delivered or
 * reported to the cloud as dropped, exactly once. A full disk is a real one (a 1 MiB tmpfs, when the test
 * may mount: root, as here and in CI; skipped otherwise), corruption is garbled pages, loss is a journal
 * cut to 0 bytes or deleted.
 */
@Timeout(120)
class JournalFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Telemetry.Tuning FAST = new Telemetry.Tuning(8192, Duration.ofMillis(20), Duration.ofMillis(200),
            Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC(), () -> 0.99);

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private Telemetry telemetry;
    private PrometheusRegistry registry;
    private Path mounted;
    private final AtomicInteger warnings = new AtomicInteger();
    private final Handler countWarnings = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.incrementAndGet();
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void start() throws Exception {
        cloud = new FakeCloud();
        Logger.getLogger("dev.verge.edge.telemetry").addHandler(countWarnings);
    }

    @AfterEach
    void stop() throws Exception {
        Logger.getLogger("dev.verge.edge.telemetry").removeHandler(countWarnings);
        if (telemetry != null) {
            telemetry.close();
        }
        cloud.close();
        if (mounted != null) {
            new ProcessBuilder("umount", "-l", mounted.toString()).inheritIO().start().waitFor();
        }
    }

    private Telemetry start(Path journal) {
        registry = new PrometheusRegistry();
        TelemetrySettings settings = TelemetrySettings.defaults().withEnabled(true)
                .withCloud(cloud.uri(), FakeCloud.DEVICE_ID, FakeCloud.DEVICE_KEY)
                .withJournal(journal, 256L * 1024 * 1024, Duration.ofDays(7))
                .withBatches(100, Duration.ofMillis(100));
        telemetry = Telemetry.start(settings, registry, FAST);
        return telemetry;
    }

    private static void produce(PredictionListener listener, int from, int to) {
        for (int n = from; n < to; n++) {
            listener.onPrediction(TestEvents.answered(n, 0.9));
        }
    }

    private String metrics() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A 1 MiB tmpfs, or the test is skipped: mounting needs root (and a kernel that lets the container mount). */
    private Path smallFileSystem() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("small"));
        int rc;
        try {
            rc = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString())
                    .redirectErrorStream(true).start().waitFor();
        } catch (IOException e) {
            rc = -1;
        }
        Assumptions.assumeTrue(rc == 0, "cannot mount a tmpfs here (not root?): the real full-disk test is skipped");
        mounted = mount;
        return mount;
    }

    /** Fills the file system with one file until it is full; deleting the file gives the space back. */
    private static Path fill(Path folder) throws IOException {
        Path filler = folder.resolve("filler");
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            return filler;
        }
    }

    @Test
    void diskFull_recordsDroppedCountedOnce_journalRecoversWhenSpaceReturns_everyRecordAccountedFor() throws Exception {
        Path small = smallFileSystem();
        Telemetry t = start(small.resolve("telemetry.db"));
        produce(t.listener(), 0, 200);
        EVENTUALLY.alias("the first records delivered").atMost(WAIT).until(() -> t.metrics().deliveredTotal() == 200);

        Path filler = fill(small);
        int produced = 200;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (t.journal().state() == TelemetryJournal.State.OK && System.nanoTime() < deadline) {
            produce(t.listener(), produced, produced + 100);
            produced += 100;
            Thread.sleep(20);
        }
        assertThat(t.journal().state()).isEqualTo(TelemetryJournal.State.DISK_FULL);
        int warningsBefore = warnings.get();
        for (int i = 0; i < 20; i++) { // ten seconds of traffic on a full disk
            produce(t.listener(), produced, produced + 50);
            produced += 50;
            Thread.sleep(500);
        }
        assertThat(metrics()).contains("verge_telemetry_journal_state{state=\"disk_full\"} 1.0");
        assertThat(warnings.get() - warningsBefore).as("warnings written onto the full disk in 10 s").isLessThanOrEqualTo(3);
        long droppedWhileFull = t.metrics().dropped("journal_error");
        assertThat(droppedWhileFull).isPositive();

        Files.delete(filler);
        produce(t.listener(), produced, produced + 100);
        int all = produced + 100;
        // the sender deletes a batch, then counts it delivered: wait for the count too
        EVENTUALLY.alias("every record delivered or reported dropped").atMost(WAIT)
                .until(() -> cloud.acceptedRecords() + cloud.droppedReported.get() == all && t.journal().depth() == 0
                        && t.metrics().deliveredTotal() >= cloud.acceptedRecords());

        assertThat(t.journal().state()).isEqualTo(TelemetryJournal.State.OK);
        assertThat(metrics()).contains("verge_telemetry_journal_state{state=\"ok\"} 1.0");
        assertThat(cloud.droppedReported.get()).as("each drop reported once").isEqualTo(t.metrics().droppedTotal());
        assertThat(cloud.acceptedRecords()).isEqualTo(all - t.metrics().droppedTotal());
        assertThat(t.metrics().deliveredTotal()).isEqualTo(cloud.acceptedRecords());
        System.out.println("disk full: produced " + all + ", delivered " + cloud.acceptedRecords() + ", reported dropped "
                + cloud.droppedReported.get() + " (journal_error " + droppedWhileFull + ")");
    }

    @Test
    void garbledPageFoundAfterOpen_quarantined_readableRecordsKept_theRestReportedDropped() throws Exception {
        cloud.mode(FakeCloud.Mode.DOWN);
        Path file = dir.resolve("telemetry.db");
        Telemetry t = start(file);
        produce(t.listener(), 0, 1000);
        EVENTUALLY.alias("1000 records journaled").atMost(WAIT).until(() -> t.journal().depth() == 1000);
        telemetry.close();
        checkpoint(file);
        garble(file);

        Telemetry again = start(file);
        // open reads only the counts; the garbled pages are met by the first batch read
        cloud.mode(FakeCloud.Mode.UP);
        produce(again.listener(), 1000, 1100);
        EVENTUALLY.alias("every record delivered or reported dropped").atMost(WAIT).until(() -> cloud.acceptedRecords() + cloud.droppedReported.get() == 1100 && again.journal().depth() == 0);

        assertThat(again.metrics().dropped("corrupt")).as("the garbled page's records").isBetween(1L, 999L);
        assertThat(cloud.acceptedRecords()).as("what was still readable, and the new records").isGreaterThan(100);
        assertThat(cloud.droppedReported.get()).as("each drop reported once").isEqualTo(again.metrics().droppedTotal());
        assertThat(cloud.acceptedRecords() + cloud.droppedReported.get()).isEqualTo(1100);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("telemetry.db.corrupt-"));
        }
        System.out.println("corrupt pages: produced 1100, delivered " + cloud.acceptedRecords() + ", reported dropped "
                + cloud.droppedReported.get() + " (corrupt " + again.metrics().dropped("corrupt") + ")");
    }

    @Test
    void journalCutToZeroBytes_itsWaitingRecordsReportedDropped() throws Exception {
        cloud.mode(FakeCloud.Mode.DOWN);
        Path file = dir.resolve("telemetry.db");
        Telemetry t = start(file);
        produce(t.listener(), 0, 1000);
        EVENTUALLY.alias("1000 records journaled").atMost(WAIT).until(() -> t.journal().depth() == 1000);
        telemetry.close();
        for (String name : new String[] {"telemetry.db", "telemetry.db-wal", "telemetry.db-shm"}) {
            Path p = dir.resolve(name);
            if (Files.exists(p)) {
                try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
                    raf.setLength(0);
                }
            }
        }

        cloud.mode(FakeCloud.Mode.UP);
        Telemetry again = start(file);
        produce(again.listener(), 1000, 1010);
        EVENTUALLY.alias("the loss reported and the new records delivered").atMost(WAIT).until(() -> cloud.acceptedRecords() == 10 && cloud.droppedReported.get() == 1000);

        assertThat(again.metrics().dropped("journal_lost")).isEqualTo(1000);
        assertThat(cloud.acceptedRecords() + cloud.droppedReported.get()).isEqualTo(1010);
    }

    @Test
    void journalDeleted_itsWaitingRecordsReportedDropped() throws Exception {
        cloud.mode(FakeCloud.Mode.DOWN);
        Path file = dir.resolve("telemetry.db");
        Telemetry t = start(file);
        produce(t.listener(), 0, 300);
        EVENTUALLY.alias("300 records journaled").atMost(WAIT).until(() -> t.journal().depth() == 300);
        telemetry.close();
        for (String name : new String[] {"telemetry.db", "telemetry.db-wal", "telemetry.db-shm"}) {
            Files.deleteIfExists(dir.resolve(name));
        }

        cloud.mode(FakeCloud.Mode.UP);
        Telemetry again = start(file);
        produce(again.listener(), 300, 305);
        EVENTUALLY.alias("the loss reported").atMost(WAIT).until(() -> cloud.acceptedRecords() == 5 && cloud.droppedReported.get() == 300);
    }

    /** Moves the WAL's pages into the main file, so that garbling the file hits records. */
    private static void checkpoint(Path file) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); var st = c.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    /** Overwrites one page in the middle of the file, as a failing SD card does (the header stays: it still opens as SQLite). */
    private static void garble(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long pages = raf.length() / 4096;
            byte[] junk = new byte[4096];
            java.util.Arrays.fill(junk, (byte) 0x5A);
            raf.seek(pages * 3 / 5 * 4096);
            raf.write(junk);
        }
    }
}
