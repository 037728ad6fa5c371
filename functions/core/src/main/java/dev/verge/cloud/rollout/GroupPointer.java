package dev.verge.cloud.rollout;

import java.time.Instant;

/**
 * Which deployment a device group follows, in collection {@code device-groups} under the group name.
 * Moving this pointer with a conditional write is what makes a new deployment current, so of two
 * concurrent deployments to one group exactly one wins.
 */
public record GroupPointer(String group, String deploymentId, Instant updatedAt) {
    public static final String COLLECTION = "device-groups";
}
