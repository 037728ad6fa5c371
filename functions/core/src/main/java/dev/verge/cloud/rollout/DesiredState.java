package dev.verge.cloud.rollout;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The answer of {@code GET /api/devices/{id}/desired} for protocol-1 agents, and what the signed statement says
 * (see {@link DesiredStatements}): what one device should run. Model, version and package are its default model's,
 * null when nothing is deployed to it; {@code models} lists every model it runs.
 */
public record DesiredState(
        String deviceId,
        String group,
        DeploymentRef deployment,
        String model,
        String version,
        @JsonProperty("package") PackageRef packageRef,
        JsonNode sampling,
        int pollSeconds,
        List<ModelState> models) {

    public DesiredState {
        models = models == null ? List.of() : List.copyOf(models);
    }

    /** The deployment behind the answer and the device's part in it ({@code canary} or {@code stable}). */
    public record DeploymentRef(String id, String strategy, String role) {}

    /** Where to fetch the package and how to check it. */
    public record PackageRef(String url, String sha256, long size, String signature) {}

    /** One model the device runs, whether it is the default, and the candidate it runs beside it, if any. */
    public record ModelState(String model, String version, DeploymentRef deployment, @JsonProperty("package") PackageRef packageRef,
                             @JsonProperty("default") boolean isDefault, ShadowState shadow) {}

    /** A candidate run beside a model on {@code percent} of its requests. */
    public record ShadowState(String version, @JsonProperty("package") PackageRef packageRef, int percent, DeploymentRef deployment) {}
}
