package dev.verge.bench;

import dev.verge.cloud.AnalyticsServices;
import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.devices.DeviceRegistry;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.TelemetryBatches;
import dev.verge.wire.telemetry.TelemetryAnswer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import dev.verge.cloud.retention.RetentionConfig;
import dev.verge.cloud.rights.ReportWindow;
import dev.verge.cloud.rights.RightsConfig;
import dev.verge.cloud.rights.SentVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Ingest throughput of the cloud core: records per second parsed, checked and aggregated into rollups
 * (DDSketch latencies, labels, confidence histogram) by {@code TelemetryIngest}, with the in-memory
 * stores, so the figure is the core's own cost and not a database's. Each operation is one batch of
 * {@value #RECORDS} records (what an agent sends), reported per record. {@code hours} spreads the
 * batch over that many hours, i.e. that many group and device rollups to update per batch.
 * <pre>
 * java -jar bench/target/benchmarks.jar IngestBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
public class IngestBenchmark {
    static final int RECORDS = 1000;
    private static final Instant START = Instant.parse("2026-12-02T00:00:00Z");

    @Param({"1", "24"})
    public int hours;

    private AnalyticsServices services;
    private DeviceIdentity device;
    private byte[] head;
    private byte[] tail;
    private final AtomicLong batch = new AtomicLong();

    @Setup
    public void setUp() {
        Clock clock = Clock.fixed(START.plusSeconds(hours * 3600L), ZoneOffset.UTC);
        InMemoryMetadataStore metadata = new InMemoryMetadataStore();
        // the benchmark calls ingest with an authenticated device, so the registry is never asked
        // every record is checked against the device's window, as in the cloud: the version was sent a day before
        List<SentVersion> sent = List.of(new SentVersion("cam-1", "fruit-quality", "1", "dep-1", START.minus(Duration.ofDays(1)),
                START.minus(Duration.ofDays(1)), START));
        services = new AnalyticsServices(new InMemoryBlobStore(clock), metadata, clock, AnalyticsConfig.defaults(),
                RetentionConfig.defaults(), dev.verge.cloud.api.DeviceAuthenticator.of(new DeviceRegistry(metadata, clock)), d -> ReportWindow.of(d.deviceId(), sent, clock.instant(), RightsConfig.defaults()),
                RightsConfig.defaults(), (m, v) -> Optional.of(START));
        device = new DeviceIdentity("cam-1", "line-1");
        String json = TelemetryBatches.batch("BATCH-ID", "cam-1", 0,
                TelemetryBatches.records(7, RECORDS, START, hours, "fruit-quality", "1", 0.7, 50)).toString();
        int at = json.indexOf("BATCH-ID");
        head = json.substring(0, at).getBytes(StandardCharsets.UTF_8);
        tail = json.substring(at + "BATCH-ID".length()).getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public TelemetryAnswer ingestBatch() {
        byte[] id = ("b-" + batch.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + id.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(id, 0, body, head.length, id.length);
        System.arraycopy(tail, 0, body, head.length + id.length, tail.length);
        return services.ingest().ingest(device, new ByteArrayInputStream(body));
    }
}
