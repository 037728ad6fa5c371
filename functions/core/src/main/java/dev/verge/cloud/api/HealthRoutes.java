package dev.verge.cloud.api;

import java.util.Map;

/** {@code GET /api/health}: public, for load balancers and uptime checks. */
public final class HealthRoutes implements RouteGroup {
    @Override
    public void addTo(Routes routes) {
        routes.route("GET", "/api/health", Routes.Access.PUBLIC,
                call -> ApiResponse.json(200, Map.of("status", "ok", "service", "verge-cloud")));
    }
}
