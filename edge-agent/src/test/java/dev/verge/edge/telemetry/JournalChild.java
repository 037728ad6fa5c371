package dev.verge.edge.telemetry;

import dev.verge.edge.telemetry.TelemetrySettings.JournalSync;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Run in its own JVM by {@link JournalKillTest}: journals records through the real writer (queue,
 * group commit) as fast as it can, and prints {@code committed <first> <last>} after each commit, until
 * it is killed. With a third argument N it offers exactly N records, prints {@code produced N} and waits to
 * be killed with records still queued.
 */
public final class JournalChild {
    private JournalChild() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        JournalSync sync = JournalSync.parse(args[1]);
        TelemetryMetrics metrics = new TelemetryMetrics(new PrometheusRegistry());
        TelemetryJournal journal = TelemetryJournal.open(file, 256L * 1024 * 1024, sync, metrics);
        JournalWriter writer = new JournalWriter(journal, 4096, Duration.ofDays(7), Clock.systemUTC(), metrics, appended -> {
            if (appended.firstId() > 0) {
                System.out.println("committed " + appended.firstId() + " " + appended.lastId());
                System.out.flush();
            }
        });
        System.out.println("ready");
        System.out.flush();
        long burst = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
        for (int n = 0; n < burst; n++) {
            writer.onPrediction(TestEvents.answered(n, 0.9));
            if (writer.queued() > 2000) {
                Thread.sleep(1);
            }
        }
        System.out.println("produced " + burst);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
