package dev.verge.cloud.devices;

import java.time.Instant;

/**
 * The answer to creating a device or rotating a key: the only time a key is shown. {@code primaryKey}
 * or {@code secondaryKey} is null when that key was not (re)issued.
 */
public record DeviceCredentials(String id, String group, String primaryKey, String secondaryKey, Instant issuedAt) {}
