package dev.verge.cloud.registry;

/** The result of registering a package: the version, and whether this call created it (false when the same bytes were already registered). */
public record Registration(ModelVersion version, boolean created) {}
