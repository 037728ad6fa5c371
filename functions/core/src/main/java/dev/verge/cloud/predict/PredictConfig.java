package dev.verge.cloud.predict;

import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ThreadSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Settings of the cloud prediction endpoint.
 *
 * @param limits            image limits, the same defaults as the edge agent (4 MiB, 40 megapixels)
 * @param threads           ONNX Runtime threads per session; the default follows the CPUs the function got
 *                          (Lambda gives vCPUs in proportion to memory; availableProcessors sees them)
 * @param maxLoadedModels   sessions kept warm at once; the least recently used one is closed beyond that
 * @param productionRecheck how long "the production version of a model" is trusted before it is read
 *                          again, so a promotion reaches warm containers within this time
 * @param preloadModels     models whose production version is loaded at start-up (in the init phase, so
 *                          SnapStart or provisioned concurrency captures the session), not at the first request
 * @param maxInferenceTime  longest one ONNX Runtime run may take; ONNX Runtime stops it past that and the
 *                          request is answered 503 inference_timeout (zero: no limit)
 */
public record PredictConfig(ImageLimits limits, ThreadSettings threads, int maxLoadedModels, Duration productionRecheck,
                            List<String> preloadModels, Duration maxInferenceTime) {

    public PredictConfig {
        if (maxLoadedModels < 1) {
            throw new IllegalArgumentException("VERGE_MAX_LOADED_MODELS must be at least 1, found " + maxLoadedModels);
        }
        if (productionRecheck.isNegative()) {
            throw new IllegalArgumentException("VERGE_PRODUCTION_RECHECK_SECONDS must be 0 or more, found " + productionRecheck);
        }
        preloadModels = preloadModels == null ? List.of() : List.copyOf(preloadModels);
        maxInferenceTime = maxInferenceTime == null ? Model.DEFAULT_MAX_RUN_TIME : maxInferenceTime;
        if (maxInferenceTime.isNegative()) {
            throw new IllegalArgumentException("VERGE_MAX_INFERENCE_MS must be 0 (no limit) or more, found " + maxInferenceTime);
        }
    }

    public PredictConfig(ImageLimits limits, ThreadSettings threads, int maxLoadedModels, Duration productionRecheck,
                         List<String> preloadModels) {
        this(limits, threads, maxLoadedModels, productionRecheck, preloadModels, Model.DEFAULT_MAX_RUN_TIME);
    }

    public static PredictConfig defaults() {
        return new PredictConfig(ImageLimits.defaults(), ThreadSettings.forAvailableCpus(), 2, Duration.ofSeconds(10), List.of(),
                Model.DEFAULT_MAX_RUN_TIME);
    }

    public PredictConfig withMaxInferenceTime(Duration limit) {
        return new PredictConfig(limits, threads, maxLoadedModels, productionRecheck, preloadModels, limit);
    }

    /**
     * {@code VERGE_MAX_BODY_BYTES}, {@code VERGE_MAX_PIXELS}, {@code VERGE_INTRA_OP_THREADS},
     * {@code VERGE_MAX_LOADED_MODELS}, {@code VERGE_PRODUCTION_RECHECK_SECONDS}, {@code VERGE_PRELOAD_MODELS}
     * (comma-separated model names), {@code VERGE_MAX_INFERENCE_MS}; defaults for the others.
     */
    public static PredictConfig fromEnv(Map<String, String> env) {
        PredictConfig d = defaults();
        ImageLimits limits = new ImageLimits(
                number(env, "VERGE_MAX_BODY_BYTES", d.limits().maxBytes()),
                number(env, "VERGE_MAX_PIXELS", d.limits().maxPixels()));
        ThreadSettings threads = new ThreadSettings(
                (int) number(env, "VERGE_INTRA_OP_THREADS", d.threads().intraOpThreads()), 1);
        return new PredictConfig(limits, threads,
                (int) number(env, "VERGE_MAX_LOADED_MODELS", d.maxLoadedModels()),
                Duration.ofSeconds(number(env, "VERGE_PRODUCTION_RECHECK_SECONDS", d.productionRecheck().toSeconds())),
                Arrays.stream(env.getOrDefault("VERGE_PRELOAD_MODELS", "").split(","))
                        .map(String::strip).filter(name -> !name.isEmpty()).toList(),
                Duration.ofMillis(number(env, "VERGE_MAX_INFERENCE_MS", d.maxInferenceTime().toMillis())));
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected " + name + " to be a whole number, found '" + text + "'", e);
        }
    }
}
