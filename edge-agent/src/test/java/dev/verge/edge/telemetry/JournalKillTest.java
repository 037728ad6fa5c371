package dev.verge.edge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while the journal writes: a child JVM journals as fast as it can and prints the id ranges it
 * committed; it is killed mid-writes (twice, the second time on the journal the first kill left); the
 * journal then opens, passes SQLite's integrity check, and holds every record the child reported.
 */
class JournalKillTest {
    private static final long KILL_AFTER_COMMITS = 40;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"normal", "full"})
    void killDashNine_duringWrites_journalIntactWithEveryCommittedRecord(String sync) throws Exception {
        Path file = dir.resolve("telemetry.db");
        List<long[]> committed = new ArrayList<>();
        committed.addAll(runAndKill(file, sync));
        committed.addAll(runAndKill(file, sync));

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            for (long[] range : committed) {
                try (ResultSet rs = st.executeQuery(
                        "SELECT count(*) FROM records WHERE id BETWEEN " + range[0] + " AND " + range[1])) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("records %d..%d", range[0], range[1]).isEqualTo(range[1] - range[0] + 1);
                }
            }
        }
        try (TelemetryJournal reopened = TelemetryJournal.open(file, 256L * 1024 * 1024,
                TelemetrySettings.JournalSync.parse(sync), new TelemetryMetrics(new io.prometheus.metrics.model.registry.PrometheusRegistry()))) {
            long last = committed.get(committed.size() - 1)[1];
            assertThat(reopened.depth()).isGreaterThanOrEqualTo(last - committed.get(0)[0] + 1);
            assertThat(reopened.append(List.of(new TelemetryJournal.Entry(0, "{}")), 0).firstId()).isGreaterThan(last);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"normal", "full"})
    void killDashNine_withRecordsQueued_theyAreReportedDroppedAsCrashAtTheNextOpen(String sync) throws Exception {
        Path file = dir.resolve("telemetry.db");
        int produced = 30_000;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "--enable-native-access=ALL-UNNAMED", JournalChild.class.getName(), file.toString(), sync,
                Integer.toString(produced))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("produced ")) {
                // commits go by
            }
            child.destroyForcibly(); // SIGKILL right after the last record was offered: some are still queued
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
        }

        TelemetryMetrics metrics = new TelemetryMetrics(new io.prometheus.metrics.model.registry.PrometheusRegistry());
        try (TelemetryJournal reopened = TelemetryJournal.open(file, 256L * 1024 * 1024, TelemetrySettings.JournalSync.parse(sync),
                metrics)) {
            long crash = metrics.dropped("crash");
            long uncounted = produced - reopened.depth() - crash;
            assertThat(reopened.unreportedDropped()).isEqualTo(crash);
            // what arrived after the last commit counted its queue escapes; the child keeps at most ~2,000 queued
            assertThat(uncounted).as("records neither journaled nor counted").isBetween(0L, 4096L);
            assertThat(crash).as("the queue's loss counted").isPositive();
            System.out.println("kill -9 with records queued (synchronous=" + sync + "): produced " + produced + ", journaled "
                    + reopened.depth() + ", reported dropped (crash) " + crash + ", uncounted " + uncounted);
        }
    }

    /** Starts the child, lets it commit a while, kills it with SIGKILL; the ranges it reported. */
    private static List<long[]> runAndKill(Path file, String sync) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "--enable-native-access=ALL-UNNAMED", JournalChild.class.getName(), file.toString(), sync)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<long[]> committed = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    String[] parts = line.split(" ");
                    committed.add(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
                    if (committed.size() == KILL_AFTER_COMMITS) {
                        child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, mid-transaction
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exited").isTrue();
        }
        assertThat(committed).as("commits reported by the child").hasSize((int) KILL_AFTER_COMMITS);
        return committed;
    }
}
