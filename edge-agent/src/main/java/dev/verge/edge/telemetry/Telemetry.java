package dev.verge.edge.telemetry;

import dev.verge.edge.PredictionListener;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The edge side of telemetry, started by the agent when {@link TelemetrySettings#enabled()}: the journal
 * and its writer, sample capture, and (with a cloud) the uplink that sends both. Give {@link #listener()}
 * to the server; hand the desired state's sampling policy to {@link #samples()}.
 */
public final class Telemetry implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Telemetry.class.getName());

    /**
     * What the settings do not expose: the defaults suit a device; tests shorten the backoff.
     *
     * @param queueCapacity  records waiting for the journal writer, at most
     * @param minBackoff     first wait after the cloud failed
     * @param maxBackoff     longest wait between tries while the cloud stays away
     * @param connectTimeout connecting to the cloud
     * @param requestTimeout one send, answer included (a slow cloud counts as unavailable)
     * @param clock          time for the TTL and {@code sentAt}
     * @param random         0..1, for the random share of samples
     */
    public record Tuning(int queueCapacity, Duration minBackoff, Duration maxBackoff, Duration connectTimeout,
                         Duration requestTimeout, Clock clock, DoubleSupplier random) {
        public static final Tuning DEFAULT = new Tuning(JournalWriter.DEFAULT_QUEUE_CAPACITY, Duration.ofSeconds(1),
                Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(60), Clock.systemUTC(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    private final TelemetrySettings settings;
    private final TelemetryMetrics metrics;
    private final TelemetryJournal journal;
    private final JournalWriter writer;
    private final SampleCapture samples;
    private final Uplink uplink;

    private Telemetry(TelemetrySettings settings, TelemetryMetrics metrics, TelemetryJournal journal, JournalWriter writer,
            SampleCapture samples, Uplink uplink) {
        this.settings = settings;
        this.metrics = metrics;
        this.journal = journal;
        this.writer = writer;
        this.samples = samples;
        this.uplink = uplink;
    }

    public static Telemetry start(TelemetrySettings settings, PrometheusRegistry registry) {
        return start(settings, registry, Tuning.DEFAULT);
    }

    public static Telemetry start(TelemetrySettings settings, PrometheusRegistry registry, Tuning tuning) {
        TelemetryMetrics metrics = new TelemetryMetrics(registry);
        TelemetryJournal journal = TelemetryJournal.open(settings.journal(), settings.journalMaxBytes(),
                settings.journalSync(), metrics);
        SampleStore store = new SampleStore(settings.samplesDir(), settings.samplesMaxBytes(), metrics);
        SampleCapture samples = new SampleCapture(settings.sampling(), store, metrics, tuning.random());
        Uplink uplink = null;
        if (settings.sends()) {
            TelemetryApiClient cloud = new TelemetryApiClient(settings.cloud(), settings.deviceId(), settings.deviceKey(),
                    tuning.connectTimeout(), tuning.requestTimeout(), settings.cloudTls().context());
            List<Uplink.Delivery> deliveries = new ArrayList<>();
            deliveries.add(new TelemetrySender(journal, cloud, settings.deviceId(), settings.batchSize(), tuning.clock(), metrics));
            deliveries.add(new SampleUploader(store, cloud, metrics));
            uplink = new Uplink(settings.interval(), tuning.minBackoff(), tuning.maxBackoff(), deliveries);
        }
        Uplink wake = uplink;
        JournalWriter writer = new JournalWriter(journal, tuning.queueCapacity(), settings.journalTtl(), tuning.clock(),
                metrics, appended -> {
                    if (wake != null && journal.depth() >= settings.batchSize()) {
                        wake.nudge(); // a full batch is waiting: no need to wait for the interval
                    }
                });
        LOG.log(System.Logger.Level.INFO, String.format(
                "telemetry: journal %s (%d record(s) waiting, cap %d MiB, TTL %s, synchronous=%s), %s, samples %s",
                journal.file(), journal.depth(), settings.journalMaxBytes() / (1024 * 1024), settings.journalTtl(),
                settings.journalSync(), settings.sends() ? "sent to " + settings.cloud() + " every " + settings.interval()
                        : "kept on disk (no --cloud)",
                settings.sampling().enabled() ? "below " + settings.sampling().belowProbability() : "off"));
        return new Telemetry(settings, metrics, journal, writer, samples, uplink);
    }

    /** Journals every answered image and keeps samples: give it to {@code EdgeServer.Builder.listener}. */
    public PredictionListener listener() {
        return PredictionListener.all(List.of(writer, samples));
    }

    /** Sample capture, whose policy the desired state's {@code sampling} object updates. */
    public SampleCapture samples() {
        return samples;
    }

    public TelemetryJournal journal() {
        return journal;
    }

    public TelemetryMetrics metrics() {
        return metrics;
    }

    public TelemetrySettings settings() {
        return settings;
    }

    /** Sends what is due now rather than at the end of the interval (no-op without a cloud). */
    public void flush() {
        if (uplink != null) {
            uplink.nudge();
        }
    }

    /** Stops sending, commits the records still queued, and closes the journal. */
    @Override
    public void close() {
        if (uplink != null) {
            uplink.close();
        }
        writer.close();
        samples.close();
        journal.close();
    }
}
