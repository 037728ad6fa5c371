package dev.verge.cloud.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.AnalyticsServices;
import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.api.ApiKeyAuth;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.CloudApi;
import dev.verge.cloud.api.CloudJson;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.telemetry.TemporaryDeviceKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The telemetry and analytics routes over in-memory stores and a hand-moved clock, with three devices:
 * cam-1 and cam-2 in group line-1, cam-3 in line-2 (keys: key-1, key-2, key-3), and API key {@value #API_KEY}.
 */
public final class AnalyticsHarness {
    public static final String API_KEY = "analytics-test-key-0123456789";
    public static final String DEVICES = "cam-1@line-1=key-1,cam-2@line-1=key-2,cam-3@line-2=key-3";

    public final TestClock clock;
    public final InMemoryBlobStore blobs;
    public final MetadataStore metadata;
    public final AnalyticsServices services;
    public final CloudApi api;

    public AnalyticsHarness(TestClock clock, AnalyticsConfig config) {
        this(clock, config, new InMemoryMetadataStore());
    }

    public AnalyticsHarness(TestClock clock, AnalyticsConfig config, MetadataStore metadata) {
        this.clock = clock;
        this.blobs = new InMemoryBlobStore(clock);
        this.metadata = metadata;
        ApiKeyAuth auth = ApiKeyAuth.requireKeys(List.of(API_KEY));
        this.services = new AnalyticsServices(blobs, metadata, clock, config, TemporaryDeviceKeys.parse(DEVICES), auth);
        this.api = new CloudApi(services.routeGroups(), auth);
    }

    public ApiResponse postBatch(String device, ObjectNode batch) {
        return post("/api/telemetry", device, TelemetryBatches.json(batch), Map.of("Content-Type", "application/json"));
    }

    /** POSTs {@code body} as device {@code device} (key-N for cam-N) with extra headers. */
    public ApiResponse post(String pathAndQuery, String device, byte[] body, Map<String, String> headers) {
        Map<String, List<String>> h = new HashMap<>();
        if (device != null) {
            h.put("X-Device-Id", List.of(device));
            h.put("X-Device-Key", List.of("key-" + device.substring(device.indexOf('-') + 1)));
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
