package dev.verge.bench;

import dev.verge.edge.telemetry.TelemetryJournal;
import dev.verge.edge.telemetry.TelemetryMetrics;
import dev.verge.edge.telemetry.TelemetrySettings.JournalSync;
import dev.verge.inference.json.Json;
import dev.verge.wire.telemetry.TelemetryRecord;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The edge agent's telemetry journal write rate, in records per second, for each fsync policy
 * ({@code synchronous=NORMAL}: fsync at checkpoints; {@code FULL}: fsync of the WAL on every commit) and
 * each group size (records per transaction: 1 is a commit per request, as without group commit; the
 * writer thread groups whatever queued up, up to 1000). The records are the JSON a real prediction
 * journals (~330 bytes). The journal lives in {@code java.io.tmpdir}: point it at the device's real disk
 * ({@code -jvmArgsAppend -Djava.io.tmpdir=/var/lib/verge}) to measure that disk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class JournalBenchmark {
    private static final int RECORDS_PER_INVOCATION = 1000;

    @Param({"normal", "full"})
    public String sync;

    /** Records per transaction (group commit). */
    @Param({"1", "100", "1000"})
    public int group;

    private Path directory;
    private TelemetryJournal journal;
    private List<List<TelemetryJournal.Entry>> groups;

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = Files.createTempDirectory("verge-journal-bench");
        journal = TelemetryJournal.open(directory.resolve("telemetry.db"), 256L * 1024 * 1024, JournalSync.parse(sync),
                new TelemetryMetrics(new PrometheusRegistry()));
        String json = Json.mapper().writeValueAsString(new TelemetryRecord(Instant.now().toString(), "fruit-quality",
                "3", "image", 200, null, "ripe", 0.9712, 1.234, 0.512, 2.101, 48213L, null));
        groups = new ArrayList<>();
        List<TelemetryJournal.Entry> current = new ArrayList<>();
        for (int i = 0; i < RECORDS_PER_INVOCATION; i++) {
            current.add(new TelemetryJournal.Entry(System.currentTimeMillis(), json));
            if (current.size() == group) {
                groups.add(current);
                current = new ArrayList<>();
            }
        }
    }

    /** 1000 records per call, in transactions of {@code group} records; the score is records/s. */
    @Benchmark
    @OperationsPerInvocation(RECORDS_PER_INVOCATION)
    public long append() {
        long last = 0;
        for (List<TelemetryJournal.Entry> g : groups) {
            last = journal.append(g, 0).lastId();
        }
        return last;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        journal.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
