package dev.verge.cloud.api;

import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.devices.DeviceRegistry;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
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
     * {@code device_unauthorized}) when a header is missing, the id is unknown or the key matches neither of its keys.
     */
    DeviceIdentity authenticate(ApiCall call);

    /** Reads the two headers and has {@code devices} check them. */
    static DeviceAuthenticator of(DeviceRegistry devices) {
        return call -> {
            String id = call.header(DEVICE_ID_HEADER).map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
            String key = call.header(DEVICE_KEY_HEADER).map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
            if (id == null || key == null) {
                throw new VergeException(ErrorKind.UNAUTHORIZED, "device_unauthorized", "expected headers " + DEVICE_ID_HEADER
                        + " and " + DEVICE_KEY_HEADER + ", found " + (id == null && key == null ? "neither"
                        : id == null ? "no " + DEVICE_ID_HEADER : "no " + DEVICE_KEY_HEADER));
            }
            return devices.authenticate(id, key);
        };
    }
}
