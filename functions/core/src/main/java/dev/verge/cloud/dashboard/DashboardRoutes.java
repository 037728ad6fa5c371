package dev.verge.cloud.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.analytics.Analytics;
import dev.verge.cloud.analytics.AnalyticsQuery;
import dev.verge.cloud.analytics.DriftAlert;
import dev.verge.cloud.analytics.DriftMonitor;
import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.ApiKeyAuth;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.CloudJson;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.api.Routes;
import dev.verge.cloud.api.UriPaths;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.telemetry.DeviceSeen;
import dev.verge.cloud.telemetry.TelemetryIngest;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /dashboard}: the page a person looks at. It shows device ids, model versions and
 * rollouts, so it is not public: it takes the same API key as the API. A browser cannot send a
 * header when someone types a URL, so the key comes once as {@code ?key=...}, is checked, and is
 * answered with a redirect that drops it from the URL (and from history and access logs) and sets an
 * HttpOnly, SameSite=Strict cookie; later visits send the cookie. Without a key the page is a small
 * form asking for one. A local cloud started with the insecure flag shows the page to anyone, as it
 * does the API. Query: {@code hours} (default 24, at most 2232), {@code model}, {@code version},
 * {@code group}, {@code device}.
 */
public final class DashboardRoutes implements RouteGroup {
    static final String COOKIE = "verge_key";
    private static final String HTML = "text/html; charset=utf-8";
    private static final int MAX_DEVICES = 500;
    private static final int MAX_ROLLOUTS = 10;

    private final Analytics analytics;
    private final DriftMonitor drift;
    private final TelemetryIngest telemetry;
    private final MetadataStore metadata;
    private final ApiKeyAuth auth;
    private final Clock clock;

    public DashboardRoutes(Analytics analytics, DriftMonitor drift, TelemetryIngest telemetry, MetadataStore metadata,
                           ApiKeyAuth auth, Clock clock) {
        this.analytics = analytics;
        this.drift = drift;
        this.telemetry = telemetry;
        this.metadata = metadata;
        this.auth = auth;
        this.clock = clock;
    }

    @Override
    public void addTo(Routes routes) {
        routes.route("GET", "/dashboard", Routes.Access.PUBLIC, this::dashboard);
    }

    private ApiResponse dashboard(ApiCall call) {
        if (!auth.isInsecure()) {
            Optional<String> fromQuery = call.query("key").filter(k -> !k.isBlank());
            Optional<String> key = fromQuery.or(() -> cookie(call.request(), COOKIE));
            if (key.isEmpty() || !valid(key.get())) {
                return html(401, loginPage(key.isPresent()));
            }
            if (fromQuery.isPresent()) {
                return new ApiResponse(303, Map.of("Location", "dashboard" + queryWithoutKey(call.request()),
                        "Set-Cookie", COOKIE + "=" + URLEncoder.encode(key.get(), StandardCharsets.UTF_8)
                                + "; HttpOnly; SameSite=Strict; Max-Age=43200", "Cache-Control", "no-store"), null);
            }
        }
        int hours = call.query("hours").map(DashboardRoutes::hours).orElse(24);
        Instant to = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        AnalyticsQuery query = analytics.complete(call.query("model").orElse(null), call.query("version").orElse(null),
                call.query("group").orElse(null), call.query("device").orElse(null), to.minus(Duration.ofHours(hours)), to);
        List<DriftAlert> alerts = drift.alerts(query.model(), query.model() == null ? null : query.version());
        DashboardData data = new DashboardData(clock.instant(), analytics.query(query), devices(), rollouts(),
                alerts.subList(Math.max(0, alerts.size() - 10), alerts.size()).reversed());
        return html(200, DashboardPage.render(data)).withHeader("Cache-Control", "no-store");
    }

    private boolean valid(String key) {
        try {
            auth.authenticate(new ApiRequest("GET", "/dashboard", Map.of("x-api-key", List.of(key)), Map.of(), null));
            return true;
        } catch (VergeException e) {
            return false;
        }
    }

    /** Devices from the device registry (collection {@code devices}, when there is one) joined with what telemetry saw. */
    private List<DashboardData.DeviceRow> devices() {
        Map<String, DashboardData.DeviceRow> rows = new LinkedHashMap<>();
        Map<String, DeviceSeen> seen = new LinkedHashMap<>();
        telemetry.devices().forEach(d -> seen.put(d.deviceId(), d));
        for (MetadataStore.Document doc : limit(metadata.list("devices", ""), MAX_DEVICES)) {
            JsonNode n = tree(doc.json());
            String id = text(n, "deviceId", "id").orElse(UriPaths.decode(doc.key()));
            DeviceSeen s = seen.remove(id);
            String version = modelVersion(n);
            rows.put(id, new DashboardData.DeviceRow(id, text(n, "group").orElse(s == null ? null : s.group()), version,
                    s == null ? null : s.model() + " " + s.version(), s == null ? null : s.lastSeen(),
                    s == null ? 0 : s.records(), s == null ? 0 : s.dropped()));
        }
        for (DeviceSeen s : limit(new ArrayList<>(seen.values()), MAX_DEVICES - rows.size())) {
            rows.put(s.deviceId(), new DashboardData.DeviceRow(s.deviceId(), s.group(), null,
                    s.model() == null ? null : s.model() + " " + s.version(), s.lastSeen(), s.records(), s.dropped()));
        }
        return List.copyOf(rows.values());
    }

    /** The model and version a device record reports, whatever shape the registry keeps it in. */
    private static String modelVersion(JsonNode n) {
        for (String holder : new String[] {"status", "reported", "current", "lastStatus"}) {
            JsonNode inner = n.get(holder);
            if (inner != null && inner.isObject() && text(inner, "version").isPresent()) {
                return text(inner, "model").map(m -> m + " ").orElse("") + text(inner, "version").get();
            }
        }
        return text(n, "version", "currentVersion")
                .map(v -> text(n, "model", "currentModel").map(m -> m + " ").orElse("") + v).orElse(null);
    }

    /** The latest deployments (collection {@code deployments}, when there is one), newest first. */
    private List<DashboardData.RolloutRow> rollouts() {
        List<DashboardData.RolloutRow> rows = new ArrayList<>();
        for (MetadataStore.Document doc : metadata.list("deployments", "")) {
            JsonNode n = tree(doc.json());
            rows.add(new DashboardData.RolloutRow(text(n, "id", "deploymentId").orElse(UriPaths.decode(doc.key())),
                    text(n, "model").orElse(null), text(n, "version").orElse(null), text(n, "group", "deviceGroup").orElse(null),
                    text(n, "strategy").orElse(null), text(n, "state", "status", "phase").orElse(null),
                    text(n, "updatedAt", "createdAt", "at").orElse(null)));
        }
        rows.sort(Comparator.comparing((DashboardData.RolloutRow r) -> r.at() == null ? "" : r.at()).reversed());
        return rows.subList(0, Math.min(MAX_ROLLOUTS, rows.size()));
    }

    private static JsonNode tree(String json) {
        try {
            return CloudJson.mapper().readTree(json);
        } catch (IOException e) {
            return CloudJson.mapper().createObjectNode();
        }
    }

    private static Optional<String> text(JsonNode n, String... names) {
        for (String name : names) {
            JsonNode v = n.get(name);
            if (v != null && (v.isTextual() || v.isNumber())) {
                return Optional.of(v.asText());
            }
        }
        return Optional.empty();
    }

    private static <T> List<T> limit(List<T> list, int max) {
        return list.subList(0, Math.max(0, Math.min(max, list.size())));
    }

    private static int hours(String text) {
        try {
            int h = Integer.parseInt(text.strip());
            if (h >= 1 && h <= 2232) {
                return h;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new VergeException(ErrorKind.BAD_REQUEST, "query_invalid", "expected hours from 1 to 2232, found \"" + text + "\"");
    }

    static Optional<String> cookie(ApiRequest request, String name) {
        for (String header : request.headers().getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
                    String value = URLDecoder.decode(part.substring(eq + 1).strip(), StandardCharsets.UTF_8);
                    return value.isEmpty() ? Optional.empty() : Optional.of(value);
                }
            }
        }
        return Optional.empty();
    }

    private static String queryWithoutKey(ApiRequest request) {
        StringBuilder q = new StringBuilder();
        request.query().forEach((name, values) -> {
            if (!name.equals("key")) {
                for (String v : values) {
                    q.append(q.isEmpty() ? '?' : '&').append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                            .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
                }
            }
        });
        return q.toString();
    }

    private static ApiResponse html(int status, String page) {
        return new ApiResponse(status, Map.of("Content-Type", HTML), new ApiResponse.Bytes(page.getBytes(StandardCharsets.UTF_8)));
    }

    private static String loginPage(boolean wrongKey) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Verge dashboard</title></head>"
                + "<body style=\"font-family:system-ui,sans-serif;margin:40px\"><h1>Verge dashboard</h1>"
                + (wrongKey ? "<p id=\"login-error\">That API key does not match any configured key.</p>" : "")
                + "<form method=\"get\" action=\"dashboard\"><label>API key <input type=\"password\" name=\"key\" autofocus></label>"
                + " <button type=\"submit\">Open</button></form></body></html>";
    }
}
