package dev.verge.cloud;

import dev.verge.cloud.events.EventsConfig;
import dev.verge.cloud.registry.RegistryConfig;
import dev.verge.cloud.registry.RegistryRoutes.PackageDelivery;
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
 * @param events          webhook secrets and event mapping rules ({@link EventsConfig})
 */
public record CloudConfig(List<String> apiKeys, boolean insecureLocal, RegistryConfig registry, PackageDelivery packageDelivery,
                          EventsConfig events) {

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
        events = events == null ? EventsConfig.defaults() : events;
    }

    public CloudConfig(List<String> apiKeys, boolean insecureLocal, RegistryConfig registry, PackageDelivery packageDelivery) {
        this(apiKeys, insecureLocal, registry, packageDelivery, null);
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
     * {@code VERGE_PACKAGE_DELIVERY} ({@code stream} or {@code redirect}), and the webhook secrets and
     * event rules of {@link EventsConfig#fromEnv}.
     */
    public static CloudConfig fromEnv(Map<String, String> env) {
        List<String> keys = Arrays.stream(env.getOrDefault("VERGE_API_KEYS", "").split(",")).toList();
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
        return new CloudConfig(keys, insecure, registry, delivery, EventsConfig.fromEnv(env));
    }

    public CloudConfig withRegistry(RegistryConfig registryConfig) {
        return new CloudConfig(apiKeys, insecureLocal, registryConfig, packageDelivery, events);
    }

    public CloudConfig withPackageDelivery(PackageDelivery delivery) {
        return new CloudConfig(apiKeys, insecureLocal, registry, delivery, events);
    }

    public CloudConfig withEvents(EventsConfig eventsConfig) {
        return new CloudConfig(apiKeys, insecureLocal, registry, packageDelivery, eventsConfig);
    }

    @Override
    public String toString() {
        // never print the keys themselves
        return "CloudConfig[apiKeys=" + apiKeys.size() + ", insecureLocal=" + insecureLocal + ", registry=" + registry
                + ", packageDelivery=" + packageDelivery + ", events=" + events + "]";
    }
}
