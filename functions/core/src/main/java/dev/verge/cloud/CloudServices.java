package dev.verge.cloud;

import dev.verge.cloud.api.DeviceAuthenticator;
import dev.verge.cloud.api.ApiKeyAuth;
import dev.verge.cloud.api.FailedAuthLimiter;
import dev.verge.cloud.api.CloudApi;
import dev.verge.cloud.api.HealthRoutes;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.dashboard.DashboardRoutes;
import dev.verge.cloud.devices.DeviceRegistry;
import dev.verge.cloud.devices.DeviceRoutes;
import dev.verge.cloud.events.BlobUploads;
import dev.verge.cloud.events.EventIntake;
import dev.verge.cloud.events.EventRoutes;
import dev.verge.cloud.events.ModelEvents;
import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.predict.CustomVisionPredictionRoutes;
import dev.verge.cloud.predict.LoadedModels;
import dev.verge.cloud.predict.PredictRoutes;
import dev.verge.cloud.registry.ModelRegistry;
import dev.verge.cloud.registry.RegistryRoutes;
import dev.verge.cloud.rights.DeviceRights;
import dev.verge.cloud.rights.SentVersions;
import dev.verge.cloud.rollout.Assignments;
import dev.verge.cloud.rollout.Deployments;
import dev.verge.cloud.rollout.DesiredStatements;
import dev.verge.cloud.rollout.DeviceSync;
import dev.verge.cloud.rollout.HealthSource;
import dev.verge.cloud.rollout.PredictionDrift;
import dev.verge.cloud.rollout.PackageSigner;
import dev.verge.cloud.rollout.RolloutController;
import dev.verge.cloud.rollout.RolloutRoutes;
import dev.verge.cloud.rollout.SigningKeys;
import dev.verge.cloud.rollout.StatusReportHealth;
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
 * ApiResponse response = services.api().handle(apiRequest);                        // HTTP triggers
 * BlobUploads.Outcome outcome = services.blobUploads().received(EventSource.S3,     // blob notifications
 *         principal, BlobUpload.inBucket(bucket, key, etag, size));
 * EventIntake.Answer answer = services.eventIntake().eventGrid(body, true, h, q);   // Event Grid, EventBridge
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
    private final LoadedModels loadedModels;
    private final DeviceRegistry devices;
    private final PackageSigner signer;
    private final SigningKeys signingKeys;
    private final Deployments deployments;
    private final RolloutController rollout;
    private final DeviceSync deviceSync;
    private final SentVersions sentVersions;
    private final DeviceRights rights;
    private final ModelEvents events;
    private final EventIntake eventIntake;
    private final BlobUploads blobUploads;
    private final AnalyticsServices analytics;
    private final ApiKeyAuth auth;
    private final CloudApi api;

    private CloudServices(BlobStore blobs, MetadataStore metadata, Clock clock, CloudConfig config) {
        this.blobs = blobs;
        this.metadata = metadata;
        this.clock = clock;
        this.config = config;
        this.registry = new ModelRegistry(blobs, metadata, clock, config.registry());
        this.loadedModels = new LoadedModels(registry, config.predict(), config.registry().tempDir(), clock);
        this.devices = new DeviceRegistry(metadata, clock);
        this.signingKeys = SigningKeys.of(config.signingKey(), config.deviceProtocol());
        this.signer = signingKeys == null ? null : signingKeys.current();
        this.deployments = new Deployments(registry, devices, metadata, clock, signer);
        this.auth = config.insecureLocal() ? ApiKeyAuth.insecureLocal() : ApiKeyAuth.requireKeys(config.apiKeys());
        this.sentVersions = new SentVersions(metadata, config.rights().retention().plus(config.rights().clockSkew()));
        this.rights = new DeviceRights(devices, new Assignments(deployments), sentVersions, config.rights(), clock);
        this.analytics = new AnalyticsServices(blobs, metadata, clock, config.analytics(), config.retention(),
                DeviceAuthenticator.of(devices), rights::reportWindow, rights.config(), deployments::firstDeployed);
        // each health figure from the first source that knows it: errors and latency from the status reports,
        // drift from the predictions the agents' telemetry brought in
        this.rollout = new RolloutController(deployments, devices, HealthSource.firstOf(List.of(
                new StatusReportHealth(), new PredictionDrift(analytics.rollups(), clock))));
        this.deviceSync = new DeviceSync(deployments, devices, registry, rollout, config.devicePollSeconds(), sentVersions);
        this.events = new ModelEvents(registry, blobs, metadata, clock, config.events().rules(), config.retention().events());
        this.eventIntake = new EventIntake(events, config.events(), clock);
        this.blobUploads = new BlobUploads(events, clock);
        this.api = new CloudApi(routeGroups(), auth, FailedAuthLimiter.defaults(clock));
    }

    public static CloudServices create(BlobStore blobs, MetadataStore metadata, Clock clock, CloudConfig config) {
        return new CloudServices(blobs, metadata, clock, config);
    }

    private List<RouteGroup> routeGroups() {
        PredictRoutes predict = new PredictRoutes(loadedModels, config.predict(), auth, DeviceAuthenticator.of(devices), rights);
        List<RouteGroup> groups = new ArrayList<>(List.of(new HealthRoutes(), new RegistryRoutes(registry, config.packageDelivery()),
                predict, new CustomVisionPredictionRoutes(predict), new DeviceRoutes(devices),
                new RolloutRoutes(deployments, rollout, deviceSync, DeviceAuthenticator.of(devices), signingKeys == null ? null
                        : new DesiredStatements(signingKeys, devices, config.deviceProtocol().statementLifetime(), clock),
                        config.deviceProtocol().legacyAgents()), new EventRoutes(eventIntake, events)));
        groups.addAll(analytics.routeGroups());
        groups.add(new DashboardRoutes(analytics.analytics(), analytics.drift(), analytics.ingest(), devices, deployments, auth,
                config.apiKeys(), metadata, clock));
        return groups;
    }

    /** Webhooks and cloud events (Event Grid trigger, EventBridge) turned into registry actions. */
    public EventIntake eventIntake() {
        return eventIntake;
    }

    /** Objects created in a bucket or container, from the doors that announce nothing else (S3 notifications, blob trigger, folder). */
    public BlobUploads blobUploads() {
        return blobUploads;
    }

    public ModelRegistry registry() {
        return registry;
    }

    /** The model sessions the prediction endpoint keeps warm in this process. */
    public LoadedModels loadedModels() {
        return loadedModels;
    }

    /** The device registry, which is also the {@code DeviceAuthenticator} of every device route. */
    public DeviceRegistry devices() {
        return devices;
    }

    /** What each device may predict and report. */
    public DeviceRights rights() {
        return rights;
    }

    public Deployments deployments() {
        return deployments;
    }

    /** The rollout controller, for the runtimes' timers ({@code rollout().evaluate(clock.instant())}). */
    public RolloutController rollout() {
        return rollout;
    }

    public DeviceSync deviceSync() {
        return deviceSync;
    }

    /** The key packages are signed with for devices; null when none is configured. */
    public PackageSigner signer() {
        return signer;
    }

    /** Telemetry ingest, samples, rollups, drift ({@code analytics().driftSource()}) and analytics. */
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
