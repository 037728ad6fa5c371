package dev.verge.cloud;

import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.api.ApiKeyAuth;
import dev.verge.cloud.api.CloudApi;
import dev.verge.cloud.api.HealthRoutes;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.registry.ModelRegistry;
import dev.verge.cloud.registry.RegistryRoutes;
import dev.verge.cloud.telemetry.TemporaryDeviceKeys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The composition root of the cloud side: every use case and the HTTP API, built from the two
 * stores, a clock and the settings. Each runtime builds one at start-up (a Lambda or Azure Function
 * in its static initializer) and calls into it:
 * <pre>{@code
 * CloudServices services = CloudServices.create(new S3BlobStore(...), new DynamoDbMetadataStore(...),
 *         Clock.systemUTC(), CloudConfig.fromEnv(System.getenv()));
 * ApiResponse response = services.api().handle(apiRequest);                      // HTTP triggers
 * UploadOutcome outcome = services.registry().onPackageUploaded(key, etag, size, // blob triggers
 *         PackageSource.bucket(bucket, principal));
 * }</pre>
 * New features (deployments, telemetry, analytics, webhooks) add their use case here and their
 * {@link RouteGroup} to {@link #routeGroups}, and every runtime serves them without change.
 */
public final class CloudServices {
    private final BlobStore blobs;
    private final MetadataStore metadata;
    private final Clock clock;
    private final CloudConfig config;
    private final ModelRegistry registry;
    private final AnalyticsServices analytics;
    private final CloudApi api;

    private CloudServices(BlobStore blobs, MetadataStore metadata, Clock clock, CloudConfig config) {
        this.blobs = blobs;
        this.metadata = metadata;
        this.clock = clock;
        this.config = config;
        this.registry = new ModelRegistry(blobs, metadata, clock, config.registry());
        ApiKeyAuth auth = config.insecureLocal() ? ApiKeyAuth.insecureLocal() : ApiKeyAuth.requireKeys(config.apiKeys());
        // TEMPORARY device keys from VERGE_DEVICE_KEYS: the lead replaces them with the device registry at merge
        this.analytics = new AnalyticsServices(blobs, metadata, clock, AnalyticsConfig.fromEnv(System.getenv()),
                TemporaryDeviceKeys.fromEnvironment(), auth);
        this.api = new CloudApi(routeGroups(), auth);
    }

    public static CloudServices create(BlobStore blobs, MetadataStore metadata, Clock clock, CloudConfig config) {
        return new CloudServices(blobs, metadata, clock, config);
    }

    private List<RouteGroup> routeGroups() {
        List<RouteGroup> groups = new ArrayList<>(List.of(new HealthRoutes(), new RegistryRoutes(registry, config.packageDelivery())));
        groups.addAll(analytics.routeGroups());
        return groups;
    }

    public ModelRegistry registry() {
        return registry;
    }

    /** Telemetry ingest, samples, rollups, drift ({@code analytics().driftSource()}), analytics and the dashboard. */
    public AnalyticsServices analytics() {
        return analytics;
    }

    /** The HTTP API every runtime adapts its requests to. */
    public CloudApi api() {
        return api;
    }

    public BlobStore blobs() {
        return blobs;
    }

    public MetadataStore metadata() {
        return metadata;
    }

    public Clock clock() {
        return clock;
    }

    public CloudConfig config() {
        return config;
    }
}
