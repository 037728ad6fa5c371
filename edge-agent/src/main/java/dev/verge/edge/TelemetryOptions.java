package dev.verge.edge;

import static dev.verge.edge.telemetry.TelemetrySettings.*;

import dev.verge.edge.sync.SyncSettings;
import dev.verge.edge.telemetry.SamplingPolicy;
import dev.verge.edge.telemetry.TelemetrySettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The telemetry options of {@link Main} (a picocli mixin), turned into {@link TelemetrySettings}. */
final class TelemetryOptions {

    @Option(names = "--telemetry", paramLabel = "<auto|on|off>", defaultValue = "${env:" + ENV_TELEMETRY + ":-" + DEFAULT_TELEMETRY + "}",
            description = "Journal every answered image and send the journal to the cloud; auto = on when --cloud is given (default: ${DEFAULT-VALUE}). Env: " + ENV_TELEMETRY + ".")
    String telemetry;

    @Option(names = "--journal", paramLabel = "<file>", defaultValue = "${env:" + ENV_JOURNAL + "}",
            description = "The telemetry journal's SQLite file (default: telemetry.db in --state-dir with --cloud, else $XDG_STATE_HOME/verge/telemetry.db or ~/.local/state/verge/telemetry.db). Env: " + ENV_JOURNAL + ".")
    Path journal;

    @Option(names = "--journal-max-bytes", paramLabel = "<size>", converter = Main.SizeConverter.class,
            defaultValue = "${env:" + ENV_JOURNAL_MAX_BYTES + ":-" + DEFAULT_JOURNAL_MAX_BYTES + "}",
            description = "Journal cap; above it the oldest records are dropped and the drop reported (default: ${DEFAULT-VALUE}). Env: " + ENV_JOURNAL_MAX_BYTES + ".")
    long journalMaxBytes;

    @Option(names = "--journal-ttl", paramLabel = "<duration>", converter = Main.DurationConverter.class,
            defaultValue = "${env:" + ENV_JOURNAL_TTL + ":-" + DEFAULT_JOURNAL_TTL + "}",
            description = "Records older than this are dropped (and reported) while the cloud is away (default: ${DEFAULT-VALUE}). Env: " + ENV_JOURNAL_TTL + ".")
    Duration journalTtl;

    @Option(names = "--journal-sync", paramLabel = "<normal|full>", defaultValue = "${env:" + ENV_JOURNAL_SYNC + ":-" + DEFAULT_JOURNAL_SYNC + "}",
            description = "SQLite synchronous: normal survives kill -9, full (fsync every commit) also power loss (default: ${DEFAULT-VALUE}). Env: " + ENV_JOURNAL_SYNC + ".")
    String journalSync;

    @Option(names = "--telemetry-batch-size", paramLabel = "<n>", defaultValue = "${env:" + ENV_BATCH_SIZE + ":-" + DEFAULT_BATCH_SIZE + "}",
            description = "Records per batch sent, at most (default: ${DEFAULT-VALUE}). Env: " + ENV_BATCH_SIZE + ".")
    int batchSize;

    @Option(names = "--telemetry-interval", paramLabel = "<duration>", converter = Main.DurationConverter.class,
            defaultValue = "${env:" + ENV_INTERVAL + ":-" + DEFAULT_INTERVAL + "}",
            description = "Longest a record waits before its batch is sent (default: ${DEFAULT-VALUE}). Env: " + ENV_INTERVAL + ".")
    Duration interval;

    @Option(names = "--samples-below", paramLabel = "<probability>", defaultValue = "${env:" + ENV_SAMPLES_BELOW + "}",
            description = "Keep images whose top probability is below this for retraining and upload them (off unless given;"
                    + " with sync, the deployment's sampling settings replace these). Env: " + ENV_SAMPLES_BELOW + ".")
    Double samplesBelow;

    @Option(names = "--samples-fraction", paramLabel = "<0..1>", defaultValue = "${env:" + ENV_SAMPLES_FRACTION + ":-" + DEFAULT_SAMPLES_FRACTION + "}",
            description = "With --samples-below: also keep this random fraction of the other images (default: ${DEFAULT-VALUE}). Env: " + ENV_SAMPLES_FRACTION + ".")
    double samplesFraction;

    @Option(names = "--samples-max-per-hour", paramLabel = "<n>", defaultValue = "${env:" + ENV_SAMPLES_MAX_PER_HOUR + ":-" + DEFAULT_SAMPLES_MAX_PER_HOUR + "}",
            description = "Images kept per hour, at most (default: ${DEFAULT-VALUE}). Env: " + ENV_SAMPLES_MAX_PER_HOUR + ".")
    int samplesMaxPerHour;

    @Option(names = "--samples-dir", paramLabel = "<folder>", defaultValue = "${env:" + ENV_SAMPLES_DIR + "}",
            description = "Where kept images wait for their upload (default: samples/ next to the journal). Env: " + ENV_SAMPLES_DIR + ".")
    Path samplesDir;

    @Option(names = "--samples-max-bytes", paramLabel = "<size>", converter = Main.SizeConverter.class,
            defaultValue = "${env:" + ENV_SAMPLES_MAX_BYTES + ":-" + DEFAULT_SAMPLES_MAX_BYTES + "}",
            description = "Samples folder cap; above it the oldest samples are deleted (default: ${DEFAULT-VALUE}). Env: " + ENV_SAMPLES_MAX_BYTES + ".")
    long samplesMaxBytes;

    /** The telemetry settings; records go to the cloud that {@code sync} follows (none when sync is off). */
    TelemetrySettings settings(SyncSettings sync) {
        URI cloudUri = sync == null ? null : sync.cloud();
        boolean enabled = switch (telemetry.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> cloudUri != null;
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new IllegalArgumentException("expected --telemetry auto, on or off, found '" + telemetry + "'");
        };
        Path journalFile = journal != null ? journal
                : sync != null ? sync.stateDir().resolve("telemetry.db") : TelemetrySettings.defaultJournal();
        SamplingPolicy sampling = samplesBelow == null
                ? new SamplingPolicy(false, SamplingPolicy.DEFAULT_BELOW_PROBABILITY, samplesFraction, samplesMaxPerHour)
                : new SamplingPolicy(true, samplesBelow, samplesFraction, samplesMaxPerHour);
        return new TelemetrySettings(enabled, cloudUri, sync == null ? null : sync.deviceId(),
                sync == null ? null : sync.deviceKey(), journalFile,
                journalMaxBytes, journalTtl, JournalSync.parse(journalSync), batchSize, interval, sampling,
                samplesDir == null ? TelemetrySettings.defaultSamplesDir(journalFile) : samplesDir, samplesMaxBytes,
                sync == null ? null : sync.tls());
    }


}
