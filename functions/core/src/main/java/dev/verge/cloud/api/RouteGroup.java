package dev.verge.cloud.api;

/** The HTTP routes of one feature (registry, deployments, telemetry, ...), added to the shared table. */
@FunctionalInterface
public interface RouteGroup {
    void addTo(Routes routes);
}
