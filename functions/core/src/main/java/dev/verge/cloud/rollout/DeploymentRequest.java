package dev.verge.cloud.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.devices.DeviceRegistry;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /api/deployments}:
 * <pre>{@code
 * {"group": "line-1", "model": "fruit-quality", "version": "2",
 *  "strategy": {"type": "canary", "percent": 50, "bakeMinutes": 30},     // or "all-at-once"
 *  "health": {"maxErrorRate": 0.05, "maxP95Ms": 200, "maxDrift": 0.2, "minRequests": 20},
 *  "sampling": {"enabled": true, "belowProbability": 0.5, ...},           // optional, passed to devices
 *  "by": "alice"}                                                         // optional
 * }</pre>
 */
public record DeploymentRequest(
        String group, String model, String version, JsonNode strategy, HealthRules health, JsonNode sampling, String by) {

    /** The request once every field was checked. */
    record Checked(String group, String model, String version, Strategy strategy, HealthRules health, JsonNode sampling) {}

    /** 400 naming what is missing or malformed: {@code deployment_invalid}, {@code strategy_invalid}, ... */
    Checked check() {
        List<String> missing = new ArrayList<>();
        if (group == null || group.isBlank()) {
            missing.add("group");
        }
        if (model == null || model.isBlank()) {
            missing.add("model");
        }
        if (version == null || version.isBlank()) {
            missing.add("version");
        }
        if (!missing.isEmpty()) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "deployment_invalid", "expected " + String.join(", ", missing)
                    + " in the deployment, found " + (missing.size() == 1 ? "it" : "them") + " missing or empty");
        }
        boolean noSampling = sampling == null || sampling.isNull();
        if (!noSampling && !sampling.isObject()) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "sampling_invalid",
                    "expected sampling as an object such as {\"enabled\": true, \"belowProbability\": 0.5}, found " + sampling);
        }
        return new Checked(DeviceRegistry.checkName("group", group), model, version, Strategy.parse(strategy),
                (health == null ? HealthRules.none() : health).validate(), noSampling ? null : sampling);
    }
}
