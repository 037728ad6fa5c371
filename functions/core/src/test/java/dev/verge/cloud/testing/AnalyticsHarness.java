package dev.verge.cloud.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.AnalyticsServices;
import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.api.ApiKeyAuth;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.CloudApi;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.dashboard.DashboardRoutes;
import dev.verge.cloud.devices.DeviceRegistry;
import dev.verge.cloud.registry.ModelRegistry;
import dev.verge.cloud.registry.RegistryConfig;
import dev.verge.cloud.rollout.Deployments;
import dev.verge.cloud.rollout.PackageSigner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Instant;
import dev.verge.cloud.retention.RetentionConfig;
import dev.verge.cloud.rights.DeviceRights;
import dev.verge.cloud.rights.ReportWindow;
import dev.verge.cloud.rights.RightsConfig;
import dev.verge.cloud.rights.SentVersions;
import dev.verge.cloud.rollout.Assignments;

/**
 * The telemetry, analytics and dashboard routes over in-memory stores and a hand-moved clock, with API key
 * {@value #API_KEY} and three devices in the real device registry: cam-1 and cam-2 in group line-1, cam-3
 * in line-2 (their keys: {@link #key}).
 */
public final class AnalyticsHarness {
    public static final String API_KEY = "analytics-test-key-0123456789";

    public final TestClock clock;
    public final InMemoryBlobStore blobs;
    public final MetadataStore metadata;
    public final DeviceRegistry devices;
    public final ModelRegistry models;
    public final Deployments deployments;
    public final AnalyticsServices services;
    public final SentVersions sent;
    /** Null when the harness enforces no rights. */
    public final DeviceRights rights;
    public final CloudApi api;
    private final Map<String, String> keys = new HashMap<>();

    public AnalyticsHarness(TestClock clock, AnalyticsConfig config) {
        this(clock, config, new InMemoryMetadataStore());
    }

    public AnalyticsHarness(TestClock clock, AnalyticsConfig config, MetadataStore metadata) {
        this(clock, config, metadata, null);
    }

    /**
     * {@code rights} null: every device may report anything and every version counts as deployed since the epoch
     * (for tests of what is made of telemetry); otherwise the real {@link DeviceRights}, where a test tells a
     * device about a version through {@link #sent} (as a desired-state answer would) and deploys through
     * {@link #deployments}.
     */
    public AnalyticsHarness(TestClock clock, AnalyticsConfig config, MetadataStore metadata, RightsConfig rights) {
        this.clock = clock;
        this.blobs = new InMemoryBlobStore(clock);
        this.metadata = metadata;
        ApiKeyAuth auth = ApiKeyAuth.requireKeys(List.of(API_KEY));
        this.devices = new DeviceRegistry(metadata, clock);
        this.models = new ModelRegistry(blobs, metadata, clock, RegistryConfig.defaults());
        this.deployments = new Deployments(models, devices, metadata, clock, PackageSigner.generate());
        for (String[] device : new String[][] {{"cam-1", "line-1"}, {"cam-2", "line-1"}, {"cam-3", "line-2"}}) {
            keys.put(device[0], devices.create(device[0], device[1]).primaryKey());
        }
        this.sent = new SentVersions(metadata, RightsConfig.defaults().retention());
        if (rights == null) {
            this.rights = null;
            this.services = new AnalyticsServices(blobs, metadata, clock, config, RetentionConfig.defaults(), dev.verge.cloud.api.DeviceAuthenticator.of(devices), d -> ReportWindow.open(clock.instant()),
                    RightsConfig.defaults(), (m, v) -> Optional.of(Instant.EPOCH));
        } else {
            this.rights = new DeviceRights(devices, new Assignments(deployments), sent, rights, clock);
            this.services = new AnalyticsServices(blobs, metadata, clock, config, RetentionConfig.defaults(), dev.verge.cloud.api.DeviceAuthenticator.of(devices), this.rights::reportWindow, rights,
                    deployments::firstDeployed);
        }
        List<RouteGroup> routes = new ArrayList<>(services.routeGroups());
        routes.add(new DashboardRoutes(services.analytics(), services.drift(), services.ingest(), devices, deployments, auth,
                List.of(API_KEY), metadata, clock));
        this.api = new CloudApi(routes, auth);
    }

    /** The primary key of device {@code device} (cam-1, cam-2 or cam-3). */
    public String key(String device) {
        return keys.get(device);
    }

    public ApiResponse postBatch(String device, ObjectNode batch) {
        return post("/api/telemetry", device, TelemetryBatches.json(batch), Map.of("Content-Type", "application/json"));
    }

    /** POSTs {@code body} as device {@code device} (with its key) with extra headers. */
    public ApiResponse post(String pathAndQuery, String device, byte[] body, Map<String, String> headers) {
        Map<String, List<String>> h = new HashMap<>();
        if (device != null) {
            h.put("X-Device-Id", List.of(device));
            h.put("X-Device-Key", List.of(key(device)));
        }
        headers.forEach((k, v) -> h.put(k, List.of(v)));
        return api.handle(ApiRequest.of("POST", pathAndQuery, h, new ByteArrayInputStream(body)));
    }

    public ApiResponse get(String pathAndQuery) {
        return api.handle(ApiRequest.of("GET", pathAndQuery, Map.of("x-api-key", List.of(API_KEY)), null));
    }

    public ApiResponse request(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {
        return api.handle(ApiRequest.of(method, pathAndQuery, headers, body == null ? null : new ByteArrayInputStream(body)));
    }

    /** {@code GET /api/analytics?<query>} as JSON, failing unless it answers 200. */
    public JsonNode analytics(String query) {
        ApiResponse response = get("/api/analytics" + (query.isEmpty() ? "" : "?" + query));
        if (response.status() != 200) {
            throw new AssertionError("analytics answered " + response.status() + ": " + text(response));
        }
        return json(response);
    }

    public static JsonNode json(ApiResponse response) {
        try {
            return CloudJson.mapper().readTree(response.bodyBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(ApiResponse response) {
        return new String(response.bodyBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
