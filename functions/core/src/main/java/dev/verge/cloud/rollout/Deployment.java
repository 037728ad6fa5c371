package dev.verge.cloud.rollout;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.devices.DeviceHealth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deployment of one model to a device group, stored in collection {@code deployments} under its id and shown
 * as is by the API. A group runs one deployment per model at a time (see {@link GroupPointer}).
 *
 * @param version       the version being rolled out; null for a deployment that retires the model from the group
 * @param target        the version being rolled out; null when the deployment retires the model
 * @param previous      the group's last good version when this deployment was made: where the canary
 *                      devices go back to on a rollback, and what the other devices keep meanwhile
 *                      (null for a group's first deployment)
 * @param canaryDevices the devices the rollout controller watches to judge the deployment: the canaries
 *                      (for all-at-once, the group's devices), at most {@link CanarySelection#WATCHED} of
 *                      them, the first by rank (see {@link CanarySelection})
 * @param canaryCount   how many of the group's devices were canaries when it was made (for all-at-once,
 *                      the group's size; for a shadow, the devices running the shadow until it passed); null for a
 *                      group too large to count at once (over
 *                      {@link CanarySelection#COUNTED_UP_TO} devices), whose canaries are the share of the
 *                      rank range the percentage says
 * @param canaryRank    the rank of the last canary: a device of the group ranked at or below it takes
 *                      {@code target} first, also when it joined later (for all-at-once, every device
 *                      does anyway); null for deployments stored before ranks were kept (then
 *                      {@code canaryDevices} lists every canary)
 * @param heldDevices   canary devices kept on their version because their ONNX Runtime cannot load
 *                      the target's opset, with the reason
 * @param history       every state change with its reason, oldest first
 * @param makesDefault  it made its model the group's default (the one plain {@code /image} answers with)
 */
public record Deployment(
        String id,
        String group,
        String model,
        String version,
        Strategy strategy,
        HealthRules health,
        JsonNode sampling,
        DeploymentState state,
        Target target,
        Target previous,
        List<String> canaryDevices,
        Integer canaryCount,
        String canaryRank,
        Map<String, String> heldDevices,
        String createdBy,
        Instant createdAt,
        Instant bakeStartedAt,
        Instant updatedAt,
        List<Decision> history,
        @JsonProperty("default") boolean makesDefault) {

    public static final String COLLECTION = "deployments";

    public Deployment {
        canaryDevices = canaryDevices == null ? List.of() : List.copyOf(canaryDevices);
        canaryCount = canaryCount == null && canaryRank == null ? Integer.valueOf(canaryDevices.size()) : canaryCount;
        heldDevices = heldDevices == null ? Map.of() : Map.copyOf(heldDevices);
        history = history == null ? List.of() : List.copyOf(history);
        health = health == null ? HealthRules.none() : health;
        sampling = sampling == null || sampling.isNull() ? null : sampling; // JSON null reads back as a NullNode
    }

    /** The deployment in {@code next} state, with the decision recorded. */
    Deployment moveTo(DeploymentState next, String reason, Instant at) {
        List<Decision> steps = new ArrayList<>(history);
        steps.add(new Decision(at, next, reason));
        Instant bake = next == DeploymentState.BAKING ? at : bakeStartedAt;
        return new Deployment(id, group, model, version, strategy, health, sampling, next, target, previous, canaryDevices, canaryCount, canaryRank,
                heldDevices, createdBy, createdAt, bake, at, steps, makesDefault);
    }

    /** The deployment with a note in its history that changes nothing else (a device refused what it was sent). */
    Deployment note(String reason, Instant at) {
        List<Decision> steps = new ArrayList<>(history);
        steps.add(new Decision(at, state, reason));
        return new Deployment(id, group, model, version, strategy, health, sampling, state, target, previous, canaryDevices, canaryCount, canaryRank,
                heldDevices, createdBy, createdAt, bakeStartedAt, at, steps, makesDefault);
    }

    Deployment hold(String deviceId, String reason, Instant at) {
        Map<String, String> held = new LinkedHashMap<>(heldDevices);
        held.put(deviceId, reason);
        return new Deployment(id, group, model, version, strategy, health, sampling, state, target, previous, canaryDevices, canaryCount, canaryRank,
                held, createdBy, createdAt, bakeStartedAt, at, history, makesDefault);
    }

    /** The deployment with the canaries of the rollout that follows its shadow, chosen just now. */
    Deployment withCanaries(CanarySelection.Selection canaries) {
        return new Deployment(id, group, model, version, strategy, health, sampling, state, target, previous, canaries.watched(),
                canaries.count(), canaries.lastRank(), heldDevices, createdBy, createdAt, bakeStartedAt, updatedAt, history, makesDefault);
    }

    /** What a device taking part in it does: serve its version, or run it as a shadow. Not for a retirement. */
    DeviceHealth.Part part() {
        return new DeviceHealth.Part(id, model, version, shadowing());
    }

    /** True when it takes its model off the group's devices instead of rolling out a version. */
    @JsonIgnore
    public boolean retires() {
        return target == null;
    }

    /** The deployment's shadow phase: its devices run {@code target} beside the last good version. */
    @JsonIgnore
    public boolean shadowing() {
        return state == DeploymentState.SHADOWING;
    }

    /**
     * True when {@code deviceId} (of this group) takes the target while the deployment is under evaluation; in the
     * shadow phase no device does (it runs the target as a shadow).
     */
    @JsonIgnore
    public boolean isCanary(String deviceId) {
        return !shadowing() && (!strategy.rollout().canary() || canaryDevices.contains(deviceId)
                || (canaryRank != null && CanarySelection.isCanary(id, deviceId, canaryRank)));
    }
}
