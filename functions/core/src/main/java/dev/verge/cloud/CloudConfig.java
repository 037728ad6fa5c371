package dev.verge.cloud;

import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.events.EventsConfig;
import dev.verge.cloud.predict.PredictConfig;
import dev.verge.cloud.registry.RegistryConfig;
import dev.verge.cloud.registry.RegistryRoutes.PackageDelivery;
import dev.verge.cloud.retention.RetentionConfig;
import dev.verge.cloud.rights.RightsConfig;
import dev.verge.cloud.rollout.DeviceProtocolConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings every runtime passes to {@link CloudServices}. Either API keys or the explicit
 * {@code insecureLocal} flag must be given: a registry open to anyone is never a default.
 *
 * @param apiKeys         keys accepted by the registry API (several, so one can be rotated)
 * @param insecureLocal   let every request in (local development only)
 * @param registry        the registry's limits
 * @param packageDelivery how package downloads are answered
 * @param predict         limits and threads of the cloud prediction endpoint
 * @param signingKey      the Ed25519 private key packages and desired states are signed with for devices (Base64
 *                        PKCS#8 or PEM); during a key rotation the new key followed by the previous one, which
 *                        co-signs; null: deployments are refused (the local cloud makes and keeps its own)
 * @param events          webhook secrets and event mapping rules ({@link EventsConfig})
 * @param devicePollSeconds how often agents are told to ask for their desired state (default 30;
 *                        {@code VERGE_DEVICE_POLL_SECONDS})
 * @param deviceProtocol  signing-key rotation, the signed desired state's lifetime and whether protocol-1
 *                        agents are still served ({@link DeviceProtocolConfig#fromEnv})
 * @param analytics       telemetry batch limits, baselines and drift ({@link AnalyticsConfig#fromEnv})
 * @param rights          what devices may report and how much ({@link RightsConfig#fromEnv})
 * @param retention       how long what grows with traffic is kept ({@link RetentionConfig#fromEnv})
 */
public record CloudConfig(List<String> apiKeys, boolean insecureLocal, RegistryConfig registry, PackageDelivery packageDelivery,
                          PredictConfig predict, String signingKey, EventsConfig events, Integer devicePollSeconds,
                          DeviceProtocolConfig deviceProtocol, AnalyticsConfig analytics, RightsConfig rights,
                          RetentionConfig retention) {
    public static final int DEFAULT_DEVICE_POLL_SECONDS = 30;
    /** Shorter keys are guessed (the old README's {@code s3cret}); a generated one is 32 characters. */
    public static final int MIN_API_KEY_LENGTH = 16;

    public CloudConfig {
        apiKeys = apiKeys == null ? List.of() : apiKeys.stream().map(String::strip).filter(k -> !k.isEmpty()).toList();
        if (apiKeys.isEmpty() && !insecureLocal) {
            throw new IllegalArgumentException("expected an API key (VERGE_API_KEYS, --api-key) or the explicit"
                    + " insecure-local flag, found neither");
        }
        if (!apiKeys.isEmpty() && insecureLocal) {
            throw new IllegalArgumentException("expected either API keys or the insecure-local flag, found both");
        }
        registry = registry == null ? RegistryConfig.defaults() : registry;
        packageDelivery = packageDelivery == null ? PackageDelivery.STREAM : packageDelivery;
        predict = predict == null ? PredictConfig.defaults() : predict;
        signingKey = signingKey == null || signingKey.isBlank() ? null : signingKey.strip();
        events = events == null ? EventsConfig.defaults() : events;
        devicePollSeconds = devicePollSeconds == null ? DEFAULT_DEVICE_POLL_SECONDS : devicePollSeconds;
        deviceProtocol = deviceProtocol == null ? DeviceProtocolConfig.defaults() : deviceProtocol;
        analytics = analytics == null ? AnalyticsConfig.defaults() : analytics;
        rights = rights == null ? RightsConfig.defaults() : rights;
        retention = retention == null ? RetentionConfig.defaults() : retention;
        if (devicePollSeconds < 1) {
            throw new IllegalArgumentException("expected a device poll interval of 1 second or more, found " + devicePollSeconds);
        }
    }

    public CloudConfig(List<String> apiKeys, boolean insecureLocal, RegistryConfig registry, PackageDelivery packageDelivery) {
        this(apiKeys, insecureLocal, registry, packageDelivery, null, null, null, null, null, null, null, null);
    }

    public static CloudConfig withApiKeys(String... keys) {
        return new CloudConfig(List.of(keys), false, null, null);
    }

    public static CloudConfig insecure() {
        return new CloudConfig(List.of(), true, null, null);
    }

    /**
     * Reads the settings of a cloud function from its environment (app settings): {@code VERGE_API_KEYS}
     * (comma-separated), {@code VERGE_INSECURE_LOCAL} ({@code true} to switch keys off),
     * {@code VERGE_MAX_PACKAGE_MB}, {@code VERGE_TMPDIR} (default {@code java.io.tmpdir}),
     * {@code VERGE_PACKAGE_DELIVERY} ({@code stream} or {@code redirect}), {@code VERGE_SIGNING_KEY} (the
     * Ed25519 private key that signs packages for devices, Base64 PKCS#8 or PEM; keep it in the secret
     * store; {@code openssl genpkey -algorithm ed25519} makes one), the prediction endpoint's settings
     * ({@link PredictConfig#fromEnv}; its {@code VERGE_MAX_INFERENCE_MS} bounds the registry's smoke test too), the webhook secrets and event rules ({@link EventsConfig#fromEnv}),
     * {@code VERGE_DEVICE_POLL_SECONDS}, and the analytics, device-rights and retention settings
     * ({@link AnalyticsConfig#fromEnv}, {@link RightsConfig#fromEnv}, {@link RetentionConfig#fromEnv}).
     */
    public static CloudConfig fromEnv(Map<String, String> env) {
        List<String> keys = Arrays.stream(env.getOrDefault("VERGE_API_KEYS", "").split(",")).toList();
        requireStrongKeys(keys);
        boolean insecure = Boolean.parseBoolean(env.getOrDefault("VERGE_INSECURE_LOCAL", "false"));
        RegistryConfig registry = RegistryConfig.defaults();
        if (env.containsKey("VERGE_MAX_PACKAGE_MB")) {
            registry = registry.withMaxPackageBytes(Long.parseLong(env.get("VERGE_MAX_PACKAGE_MB").strip()) << 20);
        }
        if (env.containsKey("VERGE_TMPDIR")) {
            registry = registry.withTempDir(Path.of(env.get("VERGE_TMPDIR")));
        }
        PackageDelivery delivery = PackageDelivery.valueOf(
                env.getOrDefault("VERGE_PACKAGE_DELIVERY", "stream").strip().toUpperCase(Locale.ROOT));
        PredictConfig predict = PredictConfig.fromEnv(env);
        // a model that cannot pass its smoke test within the prediction limit would time out on every request
        registry = registry.withMaxSmokeTestTime(predict.maxInferenceTime());
        return new CloudConfig(keys, insecure, registry, delivery, predict, env.get("VERGE_SIGNING_KEY"),
                EventsConfig.fromEnv(env), devicePollSeconds(env), DeviceProtocolConfig.fromEnv(env), AnalyticsConfig.fromEnv(env),
                RightsConfig.fromEnv(env), RetentionConfig.fromEnv(env));
    }

    /**
     * Refuses, at start, API keys shorter than {@link #MIN_API_KEY_LENGTH} characters; never names the key. Blank
     * entries (a trailing comma) are skipped as the config skips them.
     */
    public static void requireStrongKeys(List<String> keys) {
        int position = 0;
        for (String key : keys) {
            position++;
            String k = key == null ? "" : key.strip();
            if (!k.isEmpty() && k.length() < MIN_API_KEY_LENGTH) {
                throw new IllegalArgumentException("API key " + position + " has " + k.length() + " characters; expected at"
                        + " least " + MIN_API_KEY_LENGTH + " (openssl rand -hex 16 makes one)");
            }
        }
    }

    /** A new API key: 32 hexadecimal characters from a strong random source. */
    public static String generateApiKey() {
        byte[] bytes = new byte[16];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** {@code VERGE_DEVICE_POLL_SECONDS}; null (the default) when unset. */
    public static Integer devicePollSeconds(Map<String, String> env) {
        String text = env.get("VERGE_DEVICE_POLL_SECONDS");
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected VERGE_DEVICE_POLL_SECONDS as a whole number of seconds, found \""
                    + text.strip() + "\"");
        }
    }

    public CloudConfig withRegistry(RegistryConfig registryConfig) {
        return new CloudConfig(apiKeys, insecureLocal, registryConfig, packageDelivery, predict, signingKey, events, devicePollSeconds, deviceProtocol, analytics, rights, retention);
    }

    public CloudConfig withPackageDelivery(PackageDelivery delivery) {
        return new CloudConfig(apiKeys, insecureLocal, registry, delivery, predict, signingKey, events, devicePollSeconds, deviceProtocol, analytics, rights, retention);
    }

    public CloudConfig withPredict(PredictConfig predictConfig) {
        return new CloudConfig(apiKeys, insecureLocal, registry, packageDelivery, predictConfig, signingKey, events, devicePollSeconds, deviceProtocol, analytics, rights, retention);
    }

    public CloudConfig withSigningKey(String privateKey) {
        return new CloudConfig(apiKeys, insecureLocal, registry, packageDelivery, predict, privateKey, events, devicePollSeconds, deviceProtocol, analytics, rights, retention);
    }

    public CloudConfig withEvents(EventsConfig eventsConfig) {
        return new CloudConfig(apiKeys, insecureLocal, registry, packageDelivery, predict, signingKey, eventsConfig, devicePollSeconds, deviceProtocol, analytics, rights, retention);
    }

    public CloudConfig withDevicePollSeconds(int seconds) {
        return new CloudConfig(apiKeys, insecureLocal, registry, packageDelivery, predict, signingKey, events, seconds, deviceProtocol, analytics, rights, retention);
    }

    public CloudConfig withDeviceProtocol(DeviceProtocolConfig protocol) {
        return new CloudConfig(apiKeys, insecureLocal, registry, packageDelivery, predict, signingKey, events, devicePollSeconds, protocol, analytics, rights, retention);
    }

    public CloudConfig withAnalytics(AnalyticsConfig analyticsConfig) {
        return new CloudConfig(apiKeys, insecureLocal, registry, packageDelivery, predict, signingKey, events, devicePollSeconds, deviceProtocol, analyticsConfig, rights, retention);
    }

    public CloudConfig withRetention(RetentionConfig retentionConfig) {
        return new CloudConfig(apiKeys, insecureLocal, registry, packageDelivery, predict, signingKey, events, devicePollSeconds, deviceProtocol, analytics, rights, retentionConfig);
    }

    public CloudConfig withRights(RightsConfig rightsConfig) {
        return new CloudConfig(apiKeys, insecureLocal, registry, packageDelivery, predict, signingKey, events, devicePollSeconds, deviceProtocol, analytics, rightsConfig, retention);
    }

    @Override
    public String toString() {
        // never print the keys themselves
        return "CloudConfig[apiKeys=" + apiKeys.size() + ", insecureLocal=" + insecureLocal + ", registry=" + registry
                + ", packageDelivery=" + packageDelivery + ", predict=" + predict
                + ", signingKey=" + (signingKey == null ? "none" : "set") + ", events=" + events
                + ", devicePollSeconds=" + devicePollSeconds + ", deviceProtocol=" + deviceProtocol + ", analytics=" + analytics
                + ", rights=" + rights + ", retention=" + retention + "]";
    }
}
