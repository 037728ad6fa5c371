package dev.verge.cloud.registry;

import java.time.Instant;

/**
 * One model in the list of models.
 *
 * @param versions      registered versions
 * @param rejected      rejected versions
 * @param latestVersion the highest registered version (numbers compared as numbers), or null
 * @param production    the version in production, or null
 */
public record ModelSummary(String name, int versions, int rejected, String latestVersion, String production, Instant updatedAt) {}
