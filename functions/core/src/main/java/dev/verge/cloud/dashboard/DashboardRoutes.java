package dev.verge.cloud.dashboard;

import dev.verge.cloud.analytics.Analytics;
import dev.verge.cloud.analytics.AnalyticsQuery;
import dev.verge.cloud.analytics.DriftAlert;
import dev.verge.cloud.analytics.DriftMonitor;
import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.ApiKeyAuth;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.CloudApi;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.api.Routes;
import dev.verge.cloud.api.UriPaths;
import dev.verge.cloud.devices.DeviceRecord;
import dev.verge.cloud.devices.DeviceRegistry;
import dev.verge.cloud.devices.DeviceView;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.devices.StatusReport;
import dev.verge.cloud.rollout.Deployments;
import dev.verge.cloud.rollout.Strategy;
import dev.verge.cloud.telemetry.DeviceSeen;
import dev.verge.cloud.telemetry.TelemetryIngest;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /dashboard}: the page a person looks at. It shows device ids, model versions and
 * rollouts, so it is not public: it takes the same API key as the API, once. The login form posts the key
 * ({@code POST /dashboard}, form field {@code key}); a link may carry it as {@code ?key=...}. Either is
 * checked and answered with a redirect that drops it (from the URL, history and access logs) and sets a
 * session cookie holding a random opaque id ({@link DashboardSessions}), never the key: {@code __Host-}
 * prefixed and {@code Secure} under HTTPS, {@code HttpOnly}, {@code SameSite=Strict}, {@code Path=/}. A
 * local cloud started with the insecure flag shows the page to anyone, as it does the API. Query:
 * {@code hours} (default 24, at most 2232), {@code model}, {@code version}, {@code group}, {@code device}.
 */
public final class DashboardRoutes implements RouteGroup {
    /** The session cookie under HTTPS; browsers keep a {@code __Host-} cookie only when it is Secure. */
    static final String SECURE_COOKIE = "__Host-verge_session";
    /** The session cookie over plain HTTP (local development), where a Secure cookie would never come back. */
    static final String PLAIN_COOKIE = "verge_session";
    /** Only the page's own stylesheet; no script, no frame, no outside resource. */
    static final String POLICY = "default-src 'none'; style-src '" + styleHash() + "'; img-src data:; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";
    private static final String HTML = "text/html; charset=utf-8";
    private static final int MAX_DEVICES = 500;
    private static final int MAX_ROLLOUTS = 10;

    private final Analytics analytics;
    private final DriftMonitor drift;
    private final TelemetryIngest telemetry;
    private final DeviceRegistry devices;
    private final Deployments deployments;
    private final ApiKeyAuth auth;
    private final DashboardSessions sessions;
    private final Clock clock;

    public DashboardRoutes(Analytics analytics, DriftMonitor drift, TelemetryIngest telemetry, DeviceRegistry devices,
                           Deployments deployments, ApiKeyAuth auth, List<String> apiKeys, MetadataStore metadata, Clock clock) {
        this.analytics = analytics;
        this.drift = drift;
        this.telemetry = telemetry;
        this.devices = devices;
        this.deployments = deployments;
        this.auth = auth;
        this.sessions = new DashboardSessions(apiKeys, clock, metadata);
        this.clock = clock;
    }

    @Override
    public void addTo(Routes routes) {
        routes.route("GET", "/dashboard", Routes.Access.PUBLIC, this::dashboard);
        routes.route("POST", "/dashboard", Routes.Access.PUBLIC, this::login);
        routes.route("POST", "/dashboard/logout", Routes.Access.PUBLIC, this::logout);
    }

    /** The login form's post: {@code key=<API key>}, form-encoded. */
    private ApiResponse login(ApiCall call) {
        if (auth.isInsecure()) {
            return new ApiResponse(303, Map.of("Location", "dashboard", "Cache-Control", "no-store"), null);
        }
        Optional<String> key;
        try {
            byte[] form = call.request().body().readNBytes(4096);
            key = Optional.ofNullable(UriPaths.parseQuery(new String(form, StandardCharsets.US_ASCII)).get("key"))
                    .flatMap(values -> values.stream().findFirst()).filter(k -> !k.isBlank());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (key.isEmpty()) {
            return page(html(401, loginPage(false)));
        }
        if (!valid(key.get())) {
            return page(html(401, loginPage(true))).withHeader(CloudApi.AUTH_FAILED, "1");
        }
        return signedIn(call.request(), "");
    }

    /** Ends the browser's session (on every instance, not only in this browser) and forgets its cookie. */
    private ApiResponse logout(ApiCall call) {
        boolean https = https(call.request());
        String name = https ? SECURE_COOKIE : PLAIN_COOKIE;
        cookie(call.request(), name).ifPresent(sessions::close);
        String expired = name + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (https ? "; Secure" : "");
        return new ApiResponse(303, Map.of("Location", "../dashboard", "Set-Cookie", expired, "Cache-Control", "no-store"), null);
    }

    private ApiResponse dashboard(ApiCall call) {
        if (!auth.isInsecure()) {
            Optional<String> fromQuery = call.query("key").filter(k -> !k.isBlank());
            if (fromQuery.isPresent()) {
                if (!valid(fromQuery.get())) {
                    return page(html(401, loginPage(true))).withHeader(CloudApi.AUTH_FAILED, "1");
                }
                return signedIn(call.request(), queryWithoutKey(call.request()));
            }
            Optional<String> session = cookie(call.request(), https(call.request()) ? SECURE_COOKIE : PLAIN_COOKIE);
            if (session.isEmpty() || !sessions.isValid(session.get())) {
                return page(html(401, loginPage(false)));
            }
        }
        int hours = call.query("hours").map(DashboardRoutes::hours).orElse(24);
        Instant to = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        AnalyticsQuery query = analytics.complete(call.query("model").orElse(null), call.query("version").orElse(null),
                call.query("group").orElse(null), call.query("device").orElse(null), to.minus(Duration.ofHours(hours)), to);
        List<DriftAlert> alerts = drift.alerts(query.model(), query.model() == null ? null : query.version());
        List<DeviceRecord> shown = devices.first(MAX_DEVICES);
        DashboardData data = new DashboardData(clock.instant(), analytics.query(query), devices(shown), rollouts(),
                alerts.subList(Math.max(0, alerts.size() - 10), alerts.size()).reversed(), shadows(shown));
        return page(html(200, DashboardPage.render(data)).withHeader("Cache-Control", "no-store"));
    }

    /** A redirect to the page that opens a session; the key the request carried goes no further. */
    private ApiResponse signedIn(ApiRequest request, String query) {
        boolean https = https(request);
        String cookie = (https ? SECURE_COOKIE : PLAIN_COOKIE) + "=" + sessions.open() + "; Path=/; HttpOnly; SameSite=Strict;"
                + " Max-Age=" + DashboardSessions.LIFETIME.toSeconds() + (https ? "; Secure" : "");
        return new ApiResponse(303, Map.of("Location", "dashboard" + query, "Set-Cookie", cookie, "Cache-Control", "no-store"), null);
    }

    /**
     * Whether the browser reached us over HTTPS: API Gateway and Azure's front ends say so in
     * {@code X-Forwarded-Proto}, and the local cloud sets it itself (and drops a client's own).
     */
    static boolean https(ApiRequest request) {
        return request.header("X-Forwarded-Proto").map(p -> p.strip().equalsIgnoreCase("https")).orElse(false);
    }

    private static ApiResponse page(ApiResponse response) {
        return response.withHeader("Content-Security-Policy", POLICY);
    }

    private static String styleHash() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(DashboardPage.CSS.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + java.util.Base64.getEncoder().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private boolean valid(String key) {
        try {
            auth.authenticate(new ApiRequest("GET", "/dashboard", Map.of("x-api-key", List.of(key)), Map.of(), null));
            return true;
        } catch (VergeException e) {
            return false;
        }
    }

    /**
     * The first {@value #MAX_DEVICES} devices of the registry joined with what their telemetry said, then devices only
     * telemetry knows while there is room: one page of each, so the page costs the same in a fleet of any size.
     */
    private List<DashboardData.DeviceRow> devices(List<DeviceRecord> shown) {
        Map<String, DashboardData.DeviceRow> rows = new LinkedHashMap<>();
        for (DeviceRecord d : shown) {
            DeviceSeen s = telemetry.device(d.id()).orElse(null);
            rows.put(d.id(), new DashboardData.DeviceRow(d.id(), d.group(), reported(d.lastStatus()), seenVersion(s),
                    latest(d.lastSeen(), s == null ? null : s.lastSeen()), s == null ? 0 : s.records(), s == null ? 0 : s.dropped(),
                    s == null ? 0 : s.rejected(), journal(d.lastStatus())));
        }
        List<DeviceSeen> telemetryOnly = rows.size() >= MAX_DEVICES ? List.of()
                : telemetry.devices(MAX_DEVICES).stream().filter(s -> !rows.containsKey(s.deviceId())).toList();
        for (DeviceSeen s : limit(telemetryOnly, MAX_DEVICES - rows.size())) {
            rows.put(s.deviceId(), new DashboardData.DeviceRow(s.deviceId(), s.group(), null, seenVersion(s), s.lastSeen(),
                    s.records(), s.dropped(), s.rejected(), null));
        }
        return List.copyOf(rows.values());
    }

    /** The shadow candidates the shown devices reported on last, with their agreement. */
    private static List<DashboardData.ShadowRow> shadows(List<DeviceRecord> shown) {
        return shown.stream().filter(d -> d.lastStatus() != null)
                .flatMap(d -> d.lastStatus().shadows().stream().map(s -> new DashboardData.ShadowRow(d.id(), s))).toList();
    }

    /** The models and versions the device's last status report says it serves; null before a report or with no model. */
    private static String reported(StatusReport status) {
        if (status != null && !status.models().isEmpty()) {
            return String.join(", ", DeviceView.modelsOf(status).stream().map(m -> m.replace('/', ' ')).toList());
        }
        if (status == null || status.version() == null) {
            return null;
        }
        return (status.model() == null ? "" : status.model() + " ") + status.version();
    }

    /** The agent's telemetry journal as its last status report says ({@code ok}, {@code disk_full}, ...); null when unknown. */
    private static String journal(StatusReport status) {
        return status == null || status.telemetry() == null ? null : status.telemetry().journal();
    }

    private static String seenVersion(DeviceSeen s) {
        return s == null || s.model() == null ? null : s.model() + " " + s.version();
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    /** The latest deployments, newest first, in the state the API shows (an overtaken one as superseded). */
    private List<DashboardData.RolloutRow> rollouts() {
        return deployments.page(Optional.empty(), null, MAX_ROLLOUTS).deployments().stream()
                .map(d -> new DashboardData.RolloutRow(d.id(), d.model(), d.retires() ? "retire" : d.version(), d.group(), strategy(d.strategy()),
                        d.state().json(), d.updatedAt()))
                .toList();
    }

    private static String strategy(Strategy strategy) {
        if (strategy.shadow()) {
            return "shadow " + strategy.percent() + "%, then " + strategy(strategy.then());
        }
        return strategy.canary() ? strategy.type() + " " + strategy.percent() + "%" : strategy.type();
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
                    // taken as sent: a session id is base64url, and a broken %-escape must not fail the page
                    String value = part.substring(eq + 1).strip();
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
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Verge dashboard</title>"
                + "<style>" + DashboardPage.CSS + "</style></head>"
                + "<body><h1>Verge dashboard</h1>"
                + (wrongKey ? "<p id=\"login-error\">That API key does not match any configured key.</p>" : "")
                + "<form method=\"post\" action=\"dashboard\"><label>API key <input type=\"password\" name=\"key\" autofocus></label>"
                + " <button type=\"submit\">Open</button></form></body></html>";
    }
}
