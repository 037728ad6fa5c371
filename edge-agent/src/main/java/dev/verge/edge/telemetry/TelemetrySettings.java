package dev.verge.edge.telemetry;

import static dev.verge.edge.SettingValues.bytes;
import static dev.verge.edge.SettingValues.duration;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The telemetry journal, its uplink to the cloud and sample capture: one component of the agent's
 * settings. The flags and environment variables are listed by {@code AgentOptions}.
 *
 * @param enabled         journal every answered image and send the journal to the cloud
 * @param cloud           the cloud's base URL, the one model sync follows ({@code POST /api/telemetry},
 *                        {@code /api/samples}); null keeps
 *                        records in the journal (within its TTL and cap) and sends nothing
 * @param deviceId        sent as {@code X-Device-Id}
 * @param deviceKey       sent as {@code X-Device-Key}
 * @param journal         the SQLite file of the journal
 * @param journalMaxBytes the journal's cap: above it the oldest records are dropped (and reported)
 * @param journalTtl      records older than this are dropped (and reported) even when the cloud was never reached
 * @param journalSync     when the journal's writes reach the disk (see {@link JournalSync})
 * @param batchSize       records per batch sent to the cloud, at most
 * @param interval        how long a record waits, at most, before its batch is sent (when the cloud is reachable)
 * @param sampling        which images are kept for retraining; off by default
 * @param samplesDir      where kept images wait for their upload
 * @param samplesMaxBytes the samples folder's cap: above it the oldest samples are deleted (and counted)
 */
public record TelemetrySettings(
        boolean enabled,
        URI cloud,
        String deviceId,
        String deviceKey,
        Path journal,
        long journalMaxBytes,
        Duration journalTtl,
        JournalSync journalSync,
        int batchSize,
        Duration interval,
        SamplingPolicy sampling,
        Path samplesDir,
        long samplesMaxBytes,
        dev.verge.edge.sync.CloudTls cloudTls) {

    public static final String ENV_TELEMETRY = "VERGE_TELEMETRY";
    public static final String ENV_JOURNAL = "VERGE_JOURNAL";
    public static final String ENV_JOURNAL_MAX_BYTES = "VERGE_JOURNAL_MAX_BYTES";
    public static final String ENV_JOURNAL_TTL = "VERGE_JOURNAL_TTL";
    public static final String ENV_JOURNAL_SYNC = "VERGE_JOURNAL_SYNC";
    public static final String ENV_BATCH_SIZE = "VERGE_TELEMETRY_BATCH_SIZE";
    public static final String ENV_INTERVAL = "VERGE_TELEMETRY_INTERVAL";
    public static final String ENV_SAMPLES_BELOW = "VERGE_SAMPLES_BELOW";
    public static final String ENV_SAMPLES_FRACTION = "VERGE_SAMPLES_FRACTION";
    public static final String ENV_SAMPLES_MAX_PER_HOUR = "VERGE_SAMPLES_MAX_PER_HOUR";
    public static final String ENV_SAMPLES_DIR = "VERGE_SAMPLES_DIR";
    public static final String ENV_SAMPLES_MAX_BYTES = "VERGE_SAMPLES_MAX_BYTES";

    /** {@code auto}: on when a cloud is given. */
    public static final String DEFAULT_TELEMETRY = "auto";
    public static final String DEFAULT_JOURNAL_MAX_BYTES = "256MiB";
    public static final String DEFAULT_JOURNAL_TTL = "7d";
    public static final String DEFAULT_JOURNAL_SYNC = "normal";
    public static final String DEFAULT_BATCH_SIZE = "500";
    public static final String DEFAULT_INTERVAL = "10s";
    public static final String DEFAULT_SAMPLES_FRACTION = "" + SamplingPolicy.DEFAULT_RANDOM_FRACTION;
    public static final String DEFAULT_SAMPLES_MAX_PER_HOUR = "" + SamplingPolicy.DEFAULT_MAX_PER_HOUR;
    public static final String DEFAULT_SAMPLES_MAX_BYTES = "64MiB";

    /** Below this a cap would not hold one batch of records next to SQLite's own pages. */
    public static final long MIN_JOURNAL_BYTES = 64 * 1024;
    public static final int MAX_BATCH_SIZE = 10_000;

    /**
     * When a committed journal write reaches the disk. Both survive kill -9 of the agent with every
     * committed record (SQLite's WAL is in the OS's page cache); they differ on power loss.
     */
    public enum JournalSync {
        /** {@code PRAGMA synchronous=NORMAL}: fsync at checkpoints only; power loss may lose the commits since. */
        NORMAL,
        /** {@code PRAGMA synchronous=FULL}: fsync of the WAL on every commit; power loss loses no commit. */
        FULL;

        public static JournalSync parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected journal sync 'normal' or 'full', found '" + text + "'");
            }
        }
    }

    public TelemetrySettings {
        cloudTls = cloudTls == null ? dev.verge.edge.sync.CloudTls.DEFAULT : cloudTls;
        if (cloud != null) {
            String scheme = cloud.getScheme() == null ? "" : cloud.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || cloud.getHost() == null) {
                throw new IllegalArgumentException("expected the cloud as an http(s) URL such as https://verge.example.com, found '"
                        + cloud + "'");
            }
            if (isBlank(deviceId) || isBlank(deviceKey)) {
                throw new IllegalArgumentException("a cloud needs the device's identity: pass --device-id and --device-key (or set "
                        + "VERGE_DEVICE_ID and VERGE_DEVICE_KEY)");
            }
        }
        if (journalMaxBytes < MIN_JOURNAL_BYTES || samplesMaxBytes < 0) {
            throw new IllegalArgumentException("the journal cap must be at least 64KiB and the samples cap 0 or more, found "
                    + journalMaxBytes + " and " + samplesMaxBytes);
        }
        if (journalTtl.isNegative() || journalTtl.isZero() || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the journal TTL and the telemetry interval must be positive, found "
                    + journalTtl + " and " + interval);
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("the telemetry batch size must be 1.." + MAX_BATCH_SIZE + ", found " + batchSize);
        }
    }

    /** These settings with the TLS of the cloud connection that sync uses. */
    public TelemetrySettings withCloudTls(dev.verge.edge.sync.CloudTls tls) {
        return new TelemetrySettings(enabled, cloud, deviceId, deviceKey, journal, journalMaxBytes, journalTtl,
                journalSync, batchSize, interval, sampling, samplesDir, samplesMaxBytes, tls);
    }

    /** Telemetry off, every other value its default. */
    public static TelemetrySettings defaults() {
        Path journal = defaultJournal();
        return new TelemetrySettings(false, null, null, null, journal, bytes(DEFAULT_JOURNAL_MAX_BYTES), duration(DEFAULT_JOURNAL_TTL),
                JournalSync.parse(DEFAULT_JOURNAL_SYNC), Integer.parseInt(DEFAULT_BATCH_SIZE), duration(DEFAULT_INTERVAL), SamplingPolicy.OFF,
                defaultSamplesDir(journal), bytes(DEFAULT_SAMPLES_MAX_BYTES), null);
    }

    /** {@code $XDG_STATE_HOME/verge/telemetry.db}, else {@code ~/.local/state/verge/telemetry.db}: state that must outlive restarts, unlike a cache. */
    public static Path defaultJournal() {
        String state = System.getenv("XDG_STATE_HOME");
        Path base = state != null && !state.isBlank()
                ? Path.of(state)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("verge").resolve("telemetry.db");
    }

    /** A {@code samples} folder next to the journal. */
    public static Path defaultSamplesDir(Path journal) {
        Path parent = journal.toAbsolutePath().getParent();
        return parent.resolve("samples");
    }

    public boolean sends() {
        return enabled && cloud != null;
    }

    public TelemetrySettings withCloud(URI newCloud, String newDeviceId, String newDeviceKey) {
        return new TelemetrySettings(enabled, newCloud, newDeviceId, newDeviceKey, journal, journalMaxBytes, journalTtl,
                journalSync, batchSize, interval, sampling, samplesDir, samplesMaxBytes, cloudTls);
    }

    public TelemetrySettings withJournal(Path newJournal, long newMaxBytes, Duration newTtl) {
        return new TelemetrySettings(enabled, cloud, deviceId, deviceKey, newJournal, newMaxBytes, newTtl,
                journalSync, batchSize, interval, sampling, defaultSamplesDir(newJournal), samplesMaxBytes, cloudTls);
    }

    public TelemetrySettings withBatches(int newBatchSize, Duration newInterval) {
        return new TelemetrySettings(enabled, cloud, deviceId, deviceKey, journal, journalMaxBytes, journalTtl,
                journalSync, newBatchSize, newInterval, sampling, samplesDir, samplesMaxBytes, cloudTls);
    }

    public TelemetrySettings withSampling(SamplingPolicy newSampling, long newSamplesMaxBytes) {
        return new TelemetrySettings(enabled, cloud, deviceId, deviceKey, journal, journalMaxBytes, journalTtl,
                journalSync, batchSize, interval, newSampling, samplesDir, newSamplesMaxBytes, cloudTls);
    }

    public TelemetrySettings withEnabled(boolean newEnabled) {
        return new TelemetrySettings(newEnabled, cloud, deviceId, deviceKey, journal, journalMaxBytes, journalTtl,
                journalSync, batchSize, interval, sampling, samplesDir, samplesMaxBytes, cloudTls);
    }

    /** The key stays out of logs and test failure messages. */
    @Override
    public String toString() {
        return "TelemetrySettings[enabled=" + enabled + ", cloud=" + cloud + ", deviceId=" + deviceId
                + ", deviceKey=" + (deviceKey == null ? null : "***") + ", journal=" + journal
                + ", journalMaxBytes=" + journalMaxBytes + ", journalTtl=" + journalTtl + ", journalSync=" + journalSync
                + ", batchSize=" + batchSize + ", interval=" + interval + ", sampling=" + sampling
                + ", samplesDir=" + samplesDir + ", samplesMaxBytes=" + samplesMaxBytes + "]";
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
