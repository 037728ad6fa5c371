package dev.verge.cloud.rollout;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer of {@code GET /api/devices/{id}/desired}: what one device should run. Model, version and
 * package are null when nothing is deployed to it.
 */
public record DesiredState(
        String deviceId,
        String group,
        DeploymentRef deployment,
        String model,
        String version,
        @JsonProperty("package") PackageRef packageRef,
        JsonNode sampling,
        int pollSeconds) {

    /** The deployment behind the answer and the device's part in it ({@code canary} or {@code stable}). */
    public record DeploymentRef(String id, String strategy, String role) {}

    /** Where to fetch the package and how to check it. */
    public record PackageRef(String url, String sha256, long size, String signature) {}
}
