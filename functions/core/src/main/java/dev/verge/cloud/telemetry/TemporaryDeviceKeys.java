package dev.verge.cloud.telemetry;

import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.DeviceAuthenticator;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TEMPORARY, to be replaced at merge by the device registry of the rollout work (which stores two
 * hashed keys per device): devices and their keys from {@code VERGE_DEVICE_KEYS}, for example
 * {@code cam-1@line-1=key1,cam-2=key2} (id, optional {@code @group}, {@code =key}); the system
 * property {@code verge.deviceKeys} is read when the variable is not set, so tests of the local
 * runtime can configure it. With neither, every device call is refused.
 */
public final class TemporaryDeviceKeys implements DeviceAuthenticator {
    private record Entry(String group, byte[] keyDigest) {}

    private final Map<String, Entry> devices;

    private TemporaryDeviceKeys(Map<String, Entry> devices) {
        this.devices = devices;
    }

    public static TemporaryDeviceKeys fromEnvironment() {
        String spec = System.getenv("VERGE_DEVICE_KEYS");
        return parse(spec != null ? spec : System.getProperty("verge.deviceKeys", ""));
    }

    public static TemporaryDeviceKeys parse(String spec) {
        Map<String, Entry> devices = new LinkedHashMap<>();
        for (String item : spec.split(",")) {
            String entry = item.strip();
            int eq = entry.indexOf('=');
            if (entry.isEmpty()) {
                continue;
            }
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("expected VERGE_DEVICE_KEYS entries as id[@group]=key, found an entry without"
                        + " id or key");
            }
            String id = entry.substring(0, eq);
            String group = null;
            int at = id.indexOf('@');
            if (at > 0) {
                group = id.substring(at + 1);
                id = id.substring(0, at);
            }
            devices.put(id, new Entry(group, digest(entry.substring(eq + 1))));
        }
        return new TemporaryDeviceKeys(Map.copyOf(devices));
    }

    @Override
    public AuthenticatedDevice authenticate(ApiCall call) {
        String id = call.header(DEVICE_ID_HEADER).map(String::strip).orElse("");
        String key = call.header(DEVICE_KEY_HEADER).map(String::strip).orElse("");
        if (id.isEmpty() || key.isEmpty()) {
            throw unauthorized("expected headers " + DEVICE_ID_HEADER + " and " + DEVICE_KEY_HEADER + ", found "
                    + (id.isEmpty() ? "no device id" : "no device key"));
        }
        Entry entry = devices.get(id);
        if (entry == null || !MessageDigest.isEqual(entry.keyDigest(), digest(key))) {
            throw unauthorized("the device id and key sent do not match a registered device");
        }
        return new AuthenticatedDevice(id, entry.group());
    }

    private static VergeException unauthorized(String message) {
        return new VergeException(ErrorKind.UNAUTHORIZED, "device_unauthorized", message);
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
