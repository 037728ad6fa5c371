package dev.verge.cloud.rollout;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
 *  "by": "alice",                                                         // optional
 *  "default": true}                                                       // optional: plain /image answers with it
 * }</pre>
 * A group runs each model it was given; a deployment of another model adds to them. {@code "retire": true} instead of
 * a version takes the model off the group's devices, by the strategy given (all at once when none is).
 */
public record DeploymentRequest(
        String group, String model, String version, JsonNode strategy, HealthRules health, JsonNode sampling, String by,
        Boolean retire, @JsonProperty("default") Boolean makeDefault) {

    public DeploymentRequest(String group, String model, String version, JsonNode strategy, HealthRules health, JsonNode sampling,
                             String by) {
        this(group, model, version, strategy, health, sampling, by, null, null);
    }

    /** The request once every field was checked; {@code version} is null when it retires the model. */
    record Checked(String group, String model, String version, Strategy strategy, HealthRules health, JsonNode sampling,
                   boolean retire, boolean makeDefault) {}

    /** 400 naming what is missing or malformed: {@code deployment_invalid}, {@code strategy_invalid}, ... */
    Checked check() {
        List<String> missing = new ArrayList<>();
        if (group == null || group.isBlank()) {
            missing.add("group");
        }
        if (model == null || model.isBlank()) {
            missing.add("model");
        }
        boolean retiring = Boolean.TRUE.equals(retire);
        if (!retiring && (version == null || version.isBlank())) {
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
        if (retiring && version != null && !version.isBlank()) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "deployment_invalid", "expected either a version to deploy or"
                    + " \"retire\": true, found both (version " + version + ")");
        }
        boolean noStrategy = strategy == null || strategy.isNull();
        Strategy how = retiring && noStrategy ? Strategy.parse(TextNode.valueOf(Strategy.ALL_AT_ONCE)) : Strategy.parse(strategy);
        if (retiring && how.shadow()) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "strategy_invalid",
                    "expected \"all-at-once\" or a canary to retire " + model + ", found a shadow: there is no new version to shadow");
        }
        if (retiring && Boolean.TRUE.equals(makeDefault)) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "deployment_invalid",
                    "expected \"default\": true on a deployment of a version, found it on one that retires " + model);
        }
        return new Checked(DeviceRegistry.checkName("group", group), model, retiring ? null : version, how,
                (health == null ? HealthRules.none() : health).validate(), noSampling ? null : sampling, retiring,
                Boolean.TRUE.equals(makeDefault));
    }
}
