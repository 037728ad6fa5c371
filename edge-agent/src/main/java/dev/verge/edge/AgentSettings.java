package dev.verge.edge;

import dev.verge.edge.telemetry.TelemetrySettings;
import dev.verge.edge.sync.SyncSettings;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.runtime.ThreadSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every setting of the edge agent, in one place. Each one is a command-line option of {@link Main}
 * and, because IoT Edge, Greengrass and systemd pass configuration as environment variables, an
 * environment variable too; {@link #OPTIONS} lists them (flag, variable, default) so deployment
 * files (Dockerfile, IoT Edge manifest, systemd unit) can be checked against this class.
 *
 * @param model                  model package folder or .zip to serve; with sync, optional: the first model until the
 *                               state directory holds one from the cloud
 * @param host                   address to listen on
 * @param port                   TCP port to listen on (0 picks a free one)
 * @param maxBodyBytes           largest image accepted, in bytes (413 above)
 * @param maxPixels              largest image accepted, in pixels, read from the header before decoding (413 above)
 * @param threads                ONNX Runtime intra-op and inter-op threads
 * @param maxConcurrentInferences inferences run at once; more requests wait their turn, so they do not
 *                               oversubscribe ONNX Runtime's own thread pool
 * @param urlConnectTimeout      connect timeout of {@code POST /url} fetches
 * @param urlTimeout             total time a {@code POST /url} fetch may take (all redirects and the body)
 * @param urlMaxRedirects        redirects a {@code POST /url} fetch follows
 * @param shutdownTimeout        how long SIGTERM waits for requests in flight before closing the model
 * @param keepTinyPredictions    also answer the predictions below 1e-8, which the Custom Vision export leaves out
 * @param maxInferenceTime       longest one ONNX Runtime run may take; past it ONNX Runtime stops the run and the
 *                               request gets 503 inference_timeout (zero: no limit); the smoke test at load too
 * @param sync                   model sync with the cloud (desired state, signed packages, status reports); null when off
 * @param telemetry              the telemetry journal, its uplink and sample capture
 * @param access                 hosts {@code POST /url} may fetch from besides public ones, and the callers' keys
 * @param moreModels             further packages served beside {@code model} (a repeated {@code --model}), each under
 *                               its manifest's name; {@code model} is the default one
 * @param maxLoadedModels        models kept in memory at once (0: all); past it the least recently used is unloaded
 */
public record AgentSettings(
        Path model,
        String host,
        int port,
        long maxBodyBytes,
        long maxPixels,
        ThreadSettings threads,
        int maxConcurrentInferences,
        Duration urlConnectTimeout,
        Duration urlTimeout,
        int urlMaxRedirects,
        Duration shutdownTimeout,
        boolean keepTinyPredictions,
        Duration maxInferenceTime,
        SyncSettings sync,
        TelemetrySettings telemetry,
        AccessSettings access,
        List<Path> moreModels,
        int maxLoadedModels) {

    public static final String ENV_MODEL = "VERGE_MODEL";
    public static final String ENV_HOST = "VERGE_HOST";
    public static final String ENV_PORT = "VERGE_PORT";
    public static final String ENV_MAX_BODY_BYTES = "VERGE_MAX_BODY_BYTES";
    public static final String ENV_MAX_PIXELS = "VERGE_MAX_PIXELS";
    public static final String ENV_INTRA_OP_THREADS = "VERGE_INTRA_OP_THREADS";
    public static final String ENV_INTER_OP_THREADS = "VERGE_INTER_OP_THREADS";
    public static final String ENV_MAX_CONCURRENT_INFERENCES = "VERGE_MAX_CONCURRENT_INFERENCES";
    public static final String ENV_URL_CONNECT_TIMEOUT = "VERGE_URL_CONNECT_TIMEOUT";
    public static final String ENV_URL_TIMEOUT = "VERGE_URL_TIMEOUT";
    public static final String ENV_URL_MAX_REDIRECTS = "VERGE_URL_MAX_REDIRECTS";
    public static final String ENV_SHUTDOWN_TIMEOUT = "VERGE_SHUTDOWN_TIMEOUT";
    public static final String ENV_KEEP_TINY_PREDICTIONS = "VERGE_KEEP_TINY_PREDICTIONS";
    public static final String ENV_MAX_INFERENCE_MS = "VERGE_MAX_INFERENCE_MS";
    public static final String ENV_MAX_LOADED_MODELS = "VERGE_MAX_LOADED_MODELS";

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final String DEFAULT_PORT = "8080";
    public static final String DEFAULT_MAX_BODY_BYTES = "4MiB";
    public static final String DEFAULT_MAX_PIXELS = "40000000";
    /** "auto": from {@link ThreadSettings#forAvailableCpus()}. */
    public static final String DEFAULT_THREADS = "auto";
    public static final String DEFAULT_URL_CONNECT_TIMEOUT = "5s";
    public static final String DEFAULT_URL_TIMEOUT = "5s";
    public static final String DEFAULT_URL_MAX_REDIRECTS = "3";
    public static final String DEFAULT_SHUTDOWN_TIMEOUT = "10s";
    public static final String DEFAULT_KEEP_TINY_PREDICTIONS = "false";
    /** {@link dev.verge.inference.runtime.Model#DEFAULT_MAX_RUN_TIME}, as the cloud's predict routes use. */
    public static final String DEFAULT_MAX_INFERENCE_MS = "10000";
    /** 0: every model the agent serves stays loaded. */
    public static final String DEFAULT_MAX_LOADED_MODELS = "0";

    /** Whether a deployment must give a setting; an empty value counts as not given. */
    public enum Requirement {
        /** has a default, or is computed or off without one */
        OPTIONAL,
        /** needed unless --cloud is given (the cloud then sends the model) */
        UNLESS_CLOUD,
        /** needed, all together, whenever --cloud is given */
        WITH_CLOUD
    }

    /** One setting as a deployment file sees it; {@code defaultValue} "" = none (see {@code requirement}). */
    public record Option(String flag, String environmentVariable, String defaultValue, Requirement requirement) {

        Option(String flag, String environmentVariable, String defaultValue) {
            this(flag, environmentVariable, defaultValue, Requirement.OPTIONAL);
        }
    }

    /**
     * Every setting: its command-line flag, its environment variable, its default ("" = none: computed or
     * off, as the descriptions say) and whether a deployment must give it.
     */
    public static final List<Option> OPTIONS = List.of(
            new Option("--model", ENV_MODEL, "", Requirement.UNLESS_CLOUD),
            new Option("--host", ENV_HOST, DEFAULT_HOST),
            new Option("--port", ENV_PORT, DEFAULT_PORT),
            new Option("--max-body-bytes", ENV_MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES),
            new Option("--max-pixels", ENV_MAX_PIXELS, DEFAULT_MAX_PIXELS),
            new Option("--intra-op-threads", ENV_INTRA_OP_THREADS, DEFAULT_THREADS),
            new Option("--inter-op-threads", ENV_INTER_OP_THREADS, DEFAULT_THREADS),
            new Option("--max-concurrent-inferences", ENV_MAX_CONCURRENT_INFERENCES, DEFAULT_THREADS),
            new Option("--url-connect-timeout", ENV_URL_CONNECT_TIMEOUT, DEFAULT_URL_CONNECT_TIMEOUT),
            new Option("--url-timeout", ENV_URL_TIMEOUT, DEFAULT_URL_TIMEOUT),
            new Option("--url-max-redirects", ENV_URL_MAX_REDIRECTS, DEFAULT_URL_MAX_REDIRECTS),
            new Option("--shutdown-timeout", ENV_SHUTDOWN_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT),
            new Option("--keep-tiny-predictions", ENV_KEEP_TINY_PREDICTIONS, DEFAULT_KEEP_TINY_PREDICTIONS),
            new Option("--max-inference-ms", ENV_MAX_INFERENCE_MS, DEFAULT_MAX_INFERENCE_MS),
            new Option("--max-loaded-models", ENV_MAX_LOADED_MODELS, DEFAULT_MAX_LOADED_MODELS),
            // model sync (SyncSettings): on when --cloud is given, which then needs the device and the trusted key
            new Option("--cloud", SyncSettings.ENV_CLOUD, ""),
            new Option("--device-id", SyncSettings.ENV_DEVICE_ID, "", Requirement.WITH_CLOUD),
            new Option("--device-key", SyncSettings.ENV_DEVICE_KEY, "", Requirement.WITH_CLOUD),
            new Option("--trusted-key", SyncSettings.ENV_TRUSTED_KEY, "", Requirement.WITH_CLOUD),
            new Option("--state-dir", SyncSettings.ENV_STATE_DIR, SyncSettings.DEFAULT_STATE_DIR),
            new Option("--sync-poll-interval", SyncSettings.ENV_POLL_INTERVAL, SyncSettings.DEFAULT_POLL_INTERVAL),
            new Option("--sync-timeout", SyncSettings.ENV_TIMEOUT, SyncSettings.DEFAULT_TIMEOUT),
            new Option("--sync-retry-delay", SyncSettings.ENV_RETRY_DELAY, SyncSettings.DEFAULT_RETRY_DELAY),
            new Option("--sync-max-backoff", SyncSettings.ENV_MAX_BACKOFF, SyncSettings.DEFAULT_MAX_BACKOFF),
            new Option("--cloud-fallback", SyncSettings.ENV_CLOUD_FALLBACK, SyncSettings.DEFAULT_CLOUD_FALLBACK),
            new Option("--max-clock-skew", SyncSettings.ENV_MAX_CLOCK_SKEW, SyncSettings.DEFAULT_MAX_CLOCK_SKEW),
            new Option("--cloud-ca", dev.verge.edge.sync.CloudTls.ENV_CLOUD_CA, ""),
            new Option("--cloud-client-cert", dev.verge.edge.sync.CloudTls.ENV_CLOUD_CLIENT_CERT, ""),
            new Option("--cloud-client-key", dev.verge.edge.sync.CloudTls.ENV_CLOUD_CLIENT_KEY, ""),
            // telemetry (TelemetryOptions, one component: telemetry); it sends to the cloud that sync uses
            new Option("--telemetry", TelemetrySettings.ENV_TELEMETRY, TelemetrySettings.DEFAULT_TELEMETRY),
            new Option("--journal", TelemetrySettings.ENV_JOURNAL, ""),
            new Option("--journal-max-bytes", TelemetrySettings.ENV_JOURNAL_MAX_BYTES, TelemetrySettings.DEFAULT_JOURNAL_MAX_BYTES),
            new Option("--journal-ttl", TelemetrySettings.ENV_JOURNAL_TTL, TelemetrySettings.DEFAULT_JOURNAL_TTL),
            new Option("--journal-sync", TelemetrySettings.ENV_JOURNAL_SYNC, TelemetrySettings.DEFAULT_JOURNAL_SYNC),
            new Option("--telemetry-batch-size", TelemetrySettings.ENV_BATCH_SIZE, TelemetrySettings.DEFAULT_BATCH_SIZE),
            new Option("--telemetry-interval", TelemetrySettings.ENV_INTERVAL, TelemetrySettings.DEFAULT_INTERVAL),
            new Option("--samples-below", TelemetrySettings.ENV_SAMPLES_BELOW, ""),
            new Option("--samples-fraction", TelemetrySettings.ENV_SAMPLES_FRACTION, TelemetrySettings.DEFAULT_SAMPLES_FRACTION),
            new Option("--samples-max-per-hour", TelemetrySettings.ENV_SAMPLES_MAX_PER_HOUR, TelemetrySettings.DEFAULT_SAMPLES_MAX_PER_HOUR),
            new Option("--samples-dir", TelemetrySettings.ENV_SAMPLES_DIR, ""),
            new Option("--samples-max-bytes", TelemetrySettings.ENV_SAMPLES_MAX_BYTES, TelemetrySettings.DEFAULT_SAMPLES_MAX_BYTES),
            // access (AccessOptions, one component: access): what /url may reach, and the keys callers must send
            new Option("--url-allow", AccessSettings.ENV_URL_ALLOW, ""),
            new Option("--client-key", AccessSettings.ENV_CLIENT_KEYS, ""),
            new Option("--tls-cert", AccessSettings.ENV_TLS_CERT, ""),
            new Option("--tls-key", AccessSettings.ENV_TLS_KEY, ""));

    public AgentSettings {
        access = access == null ? AccessSettings.defaults() : access;
        if (model == null && sync == null) {
            throw new IllegalArgumentException("no model package: pass --model <folder|zip> (or set " + ENV_MODEL
                    + "), or --cloud <url> to get one from the cloud");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, found " + port);
        }
        if (maxBodyBytes <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("max body bytes and max pixels must be positive, found "
                    + maxBodyBytes + " and " + maxPixels);
        }
        if (maxConcurrentInferences < 1) {
            throw new IllegalArgumentException("max concurrent inferences must be at least 1, found " + maxConcurrentInferences);
        }
        maxInferenceTime = maxInferenceTime == null ? Duration.ofMillis(Long.parseLong(DEFAULT_MAX_INFERENCE_MS)) : maxInferenceTime;
        if (maxInferenceTime.isNegative()) {
            throw new IllegalArgumentException("max inference ms must be 0 (no limit) or more, found " + maxInferenceTime.toMillis());
        }
        moreModels = moreModels == null ? List.of() : List.copyOf(moreModels);
        if (maxLoadedModels < 0) {
            throw new IllegalArgumentException("max loaded models must be 0 (no limit) or more, found " + maxLoadedModels);
        }
        if (urlMaxRedirects < 0) {
            throw new IllegalArgumentException("url max redirects must be 0 or more, found " + urlMaxRedirects);
        }
    }

    /** The defaults documented above, for {@code model}; tests change single fields with the withers. */
    public static AgentSettings defaults(Path model) {
        return new AgentSettings(model, DEFAULT_HOST, Integer.parseInt(DEFAULT_PORT),
                SettingValues.bytes(DEFAULT_MAX_BODY_BYTES), Long.parseLong(DEFAULT_MAX_PIXELS),
                ThreadSettings.forAvailableCpus(), defaultConcurrentInferences(),
                SettingValues.duration(DEFAULT_URL_CONNECT_TIMEOUT), SettingValues.duration(DEFAULT_URL_TIMEOUT),
                Integer.parseInt(DEFAULT_URL_MAX_REDIRECTS), SettingValues.duration(DEFAULT_SHUTDOWN_TIMEOUT),
                Boolean.parseBoolean(DEFAULT_KEEP_TINY_PREDICTIONS), Duration.ofMillis(Long.parseLong(DEFAULT_MAX_INFERENCE_MS)), null,
                TelemetrySettings.defaults(), AccessSettings.defaults(), List.of(), 0);
    }

    /** One inference per core: each ORT run already spreads over its intra-op threads. */
    static int defaultConcurrentInferences() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    public ImageLimits imageLimits() {
        return new ImageLimits(maxBodyBytes, maxPixels);
    }

    public AgentSettings withHost(String newHost) {
        return new AgentSettings(model, newHost, port, maxBodyBytes, maxPixels, threads, maxConcurrentInferences,
                urlConnectTimeout, urlTimeout, urlMaxRedirects, shutdownTimeout, keepTinyPredictions, maxInferenceTime, sync, telemetry, access, moreModels, maxLoadedModels);
    }

    public AgentSettings withPort(int newPort) {
        return new AgentSettings(model, host, newPort, maxBodyBytes, maxPixels, threads, maxConcurrentInferences,
                urlConnectTimeout, urlTimeout, urlMaxRedirects, shutdownTimeout, keepTinyPredictions, maxInferenceTime, sync, telemetry, access, moreModels, maxLoadedModels);
    }

    public AgentSettings withUrlTimeouts(Duration connect, Duration total) {
        return new AgentSettings(model, host, port, maxBodyBytes, maxPixels, threads, maxConcurrentInferences,
                connect, total, urlMaxRedirects, shutdownTimeout, keepTinyPredictions, maxInferenceTime, sync, telemetry, access, moreModels, maxLoadedModels);
    }

    public AgentSettings withTelemetry(TelemetrySettings newTelemetry) {
        return new AgentSettings(model, host, port, maxBodyBytes, maxPixels, threads, maxConcurrentInferences,
                urlConnectTimeout, urlTimeout, urlMaxRedirects, shutdownTimeout, keepTinyPredictions, maxInferenceTime, sync, newTelemetry, access, moreModels, maxLoadedModels);
    }

    public AgentSettings withKeepTinyPredictions(boolean keep) {
        return new AgentSettings(model, host, port, maxBodyBytes, maxPixels, threads, maxConcurrentInferences,
                urlConnectTimeout, urlTimeout, urlMaxRedirects, shutdownTimeout, keep, maxInferenceTime, sync, telemetry, access, moreModels, maxLoadedModels);
    }

    public AgentSettings withMaxInferenceTime(Duration limit) {
        return new AgentSettings(model, host, port, maxBodyBytes, maxPixels, threads, maxConcurrentInferences,
                urlConnectTimeout, urlTimeout, urlMaxRedirects, shutdownTimeout, keepTinyPredictions, limit, sync, telemetry, access, moreModels, maxLoadedModels);
    }

    public AgentSettings withAccess(AccessSettings newAccess) {
        return new AgentSettings(model, host, port, maxBodyBytes, maxPixels, threads, maxConcurrentInferences,
                urlConnectTimeout, urlTimeout, urlMaxRedirects, shutdownTimeout, keepTinyPredictions, maxInferenceTime, sync, telemetry, newAccess, moreModels, maxLoadedModels);
    }

    /** These settings following the cloud; {@code newModel} (may be null) serves until the cloud's first package. */
    public AgentSettings withSync(Path newModel, SyncSettings newSync) {
        return new AgentSettings(newModel, host, port, maxBodyBytes, maxPixels, threads, maxConcurrentInferences,
                urlConnectTimeout, urlTimeout, urlMaxRedirects, shutdownTimeout, keepTinyPredictions, maxInferenceTime, newSync, telemetry, access, moreModels, maxLoadedModels);
    }

    /** These settings serving {@code more} packages beside {@code model}, {@code maxLoaded} of them in memory at most (0: all). */
    public AgentSettings withMoreModels(List<Path> more, int maxLoaded) {
        return new AgentSettings(model, host, port, maxBodyBytes, maxPixels, threads, maxConcurrentInferences,
                urlConnectTimeout, urlTimeout, urlMaxRedirects, shutdownTimeout, keepTinyPredictions, maxInferenceTime, sync,
                telemetry, access, more, maxLoaded);
    }

    /** Every package given with {@code --model}: the default one first. */
    public List<Path> models() {
        List<Path> all = new java.util.ArrayList<>();
        if (model != null) {
            all.add(model);
        }
        all.addAll(moreModels);
        return all;
    }
}
