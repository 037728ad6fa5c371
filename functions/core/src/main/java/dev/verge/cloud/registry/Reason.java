package dev.verge.cloud.registry;

/** One reason a package was rejected: a stable code, the field path when there is one, and what was wrong. */
public record Reason(String code, String path, String message) {}
