package dev.verge.cloud.analytics;

import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.api.Routes;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The analytics API (API key):
 * <pre>
 * GET /api/analytics?model=&amp;version=&amp;group=&amp;device=&amp;from=&amp;to=   totals, series, drift (from rollups)
 * GET /api/analytics/drift/{model}/{version}                        the version's drift now
 * GET /api/analytics/drift-alerts?model=&amp;version=                   stored drift alerts
 * PUT /api/analytics/baselines/{model}/{version}                    {"labels": {"ripe": 70, "unripe": 30}, "confidence": [10 counts]}
 * GET /api/analytics/baselines/{model}/{version}                    the baseline in use
 * DELETE /api/analytics/baselines/{model}/{version}                 reset it: the next one is made of data after now
 * </pre>
 * {@code from}/{@code to} are ISO-8601 instants ({@code 2026-12-02T10:00:00Z}) or dates ({@code 2026-12-02}, UTC).
 */
public final class AnalyticsRoutes implements RouteGroup {

    /** The body of {@code PUT .../baselines/...}. */
    public record BaselineUpload(Map<String, Double> labels, List<Double> confidence) {}

    private final Analytics analytics;
    private final DriftMonitor drift;

    public AnalyticsRoutes(Analytics analytics, DriftMonitor drift) {
        this.analytics = analytics;
        this.drift = drift;
    }

    @Override
    public void addTo(Routes routes) {
        routes.get("/api/analytics", this::query)
                .get("/api/analytics/drift/{model}/{version}", call ->
                        ApiResponse.json(200, drift.drift(call.path("model"), call.path("version"))))
                .get("/api/analytics/drift-alerts", call -> ApiResponse.json(200, Map.of("alerts",
                        drift.alerts(call.query("model").orElse(null), call.query("version").orElse(null)))))
                .put("/api/analytics/baselines/{model}/{version}", this::putBaseline)
                .get("/api/analytics/baselines/{model}/{version}", this::getBaseline)
                .delete("/api/analytics/baselines/{model}/{version}", call -> ApiResponse.json(200,
                        drift.resetBaseline(call.path("model"), call.path("version"), call.caller().name())));
    }

    private ApiResponse query(ApiCall call) {
        AnalyticsQuery q = analytics.complete(call.query("model").orElse(null), call.query("version").orElse(null),
                call.query("group").orElse(null), call.query("device").orElse(null),
                time(call, "from"), time(call, "to"));
        return ApiResponse.json(200, analytics.query(q));
    }

    private ApiResponse putBaseline(ApiCall call) {
        BaselineUpload upload = call.jsonBody(BaselineUpload.class);
        return ApiResponse.json(200, drift.putBaseline(call.path("model"), call.path("version"), upload.labels(), upload.confidence()));
    }

    private ApiResponse getBaseline(ApiCall call) {
        String model = call.path("model");
        String version = call.path("version");
        return drift.storedBaseline(model, version)
                .map(b -> ApiResponse.json(200, b))
                .orElseThrow(() -> new VergeException(ErrorKind.NOT_FOUND, "baseline_not_found",
                        "no baseline for " + model + " " + version + " yet: upload one, or wait until its first hours of data are over"));
    }

    static Instant time(ApiCall call, String name) {
        String text = call.query(name).map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        if (text == null) {
            return null;
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "query_invalid",
                    "expected " + name + " as an ISO-8601 instant (2026-12-02T10:00:00Z) or date (2026-12-02), found \"" + text + "\"");
        }
    }
}
