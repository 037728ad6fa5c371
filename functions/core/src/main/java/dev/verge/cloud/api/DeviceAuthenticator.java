package dev.verge.cloud.api;

import dev.verge.wire.DeviceHeaders;

/**
 * Checks the credentials an edge agent sends on its own routes (desired state, status reports,
 * telemetry, samples): headers {@value #DEVICE_ID_HEADER} and {@value #DEVICE_KEY_HEADER}. Either of
 * the device's two keys (primary, secondary) is accepted, so a key can be rotated without downtime.
 * Routes that use it are declared {@link Routes.Access#PUBLIC} and call {@link #authenticate} first.
 */
@FunctionalInterface
public interface DeviceAuthenticator {
    String DEVICE_ID_HEADER = DeviceHeaders.DEVICE_ID;
    String DEVICE_KEY_HEADER = DeviceHeaders.DEVICE_KEY;

    /**
     * The device the call comes from; throws {@code VergeException} (401, code
     * {@code device_unauthorized}) when the id is unknown or the key matches neither of its keys.
     */
    AuthenticatedDevice authenticate(ApiCall call);

    /** A device whose key was checked, and the group it belongs to (null when in none). */
    record AuthenticatedDevice(String deviceId, String group) {}
}
