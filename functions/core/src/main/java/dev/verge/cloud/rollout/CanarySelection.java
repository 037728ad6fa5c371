package dev.verge.cloud.rollout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Picks a deployment's canary devices: the devices ranked by SHA-256 of deployment id and device id,
 * the first {@code percent} of them (rounded up, at least one). Deterministic, so asking again gives
 * the same devices; different for every deployment, so the same device is not always the canary.
 */
public final class CanarySelection {

    private CanarySelection() {}

    public static List<String> choose(String deploymentId, List<String> deviceIds, int percent) {
        int count = (int) Math.min(deviceIds.size(), Math.max(1, Math.ceil(deviceIds.size() * percent / 100.0)));
        return deviceIds.stream()
                .sorted(Comparator.comparing((String id) -> rank(deploymentId, id)).thenComparing(id -> id))
                .limit(count)
                .sorted()
                .toList();
    }

    static String rank(String deploymentId, String deviceId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((deploymentId + "\n" + deviceId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
