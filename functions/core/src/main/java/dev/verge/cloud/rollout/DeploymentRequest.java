package dev.verge.cloud.rollout;

import com.fasterxml.jackson.databind.JsonNode;

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
        String group, String model, String version, JsonNode strategy, HealthRules health, JsonNode sampling, String by) {}
