package dev.verge.cloud.registry;

import java.time.Instant;

/** One stage change of one version: from where to where, who asked, why, and when. */
public record StageChange(String version, Stage from, Stage to, String by, String reason, Instant at) {}
