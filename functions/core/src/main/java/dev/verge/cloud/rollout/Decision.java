package dev.verge.cloud.rollout;

import java.time.Instant;

/** One step of a deployment's history and why it was taken. */
public record Decision(Instant at, DeploymentState state, String reason) {}
