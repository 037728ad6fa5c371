package dev.verge.edge;

import dev.verge.edge.telemetry.TelemetrySettings;
import dev.verge.edge.sync.SyncSettings;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.runtime.ThreadSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every setting of the edge agent, as its parts use them. Each one is a command-line option of {@link Main}
 * and an environment variable; {@link AgentOptions} lists them (flag, variable, default) from picocli's model.
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
