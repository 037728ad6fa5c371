package dev.verge.cloud.rollout;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which deployment a device group follows for each of its models, in collection {@code device-groups} under
 * the group name. Moving this pointer with a conditional write is what makes a new deployment current, so of
 * two concurrent deployments to one group exactly one wins at a time (the other tries again on top of it).
 *
 * @param deploymentId the group's newest deployment; pointers from before several models name only this one
 * @param models       each model of the group (in the order they were first deployed) and its current deployment,
 *                     also one that retired it; empty on a pointer from before several models
 * @param defaultModel the model plain {@code /image} answers with; the first deployed, unless a deployment said
 *                     {@code "default": true}; null on a pointer from before several models
 */
public record GroupPointer(String group, String deploymentId, Instant updatedAt, Map<String, String> models, String defaultModel) {
    public static final String COLLECTION = "device-groups";

    public GroupPointer {
        models = models == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    /** The pointer once {@code model}'s current deployment is {@code deploymentId}. */
    GroupPointer with(String model, String newDeployment, boolean makeDefault, Instant at) {
        Map<String, String> moved = new LinkedHashMap<>(models);
        moved.put(model, newDeployment);
        return new GroupPointer(group, newDeployment, at, moved, makeDefault || defaultModel == null ? model : defaultModel);
    }
}
