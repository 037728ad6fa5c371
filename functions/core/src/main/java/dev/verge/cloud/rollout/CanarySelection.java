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
 *
 * <p>What a deployment keeps is the rank of its last canary ({@link Selection#lastRank()}), not the
 * list: whether a device is a canary is one hash of its id, so a deployment to a group of 100,000
 * devices is as small as one to 4, and a device that joins the group later is a canary when its rank
 * falls in the same range. It also keeps the first {@link #WATCHED} canaries by rank, the devices the
 * rollout controller reads to judge the deployment: its work grows with them, never with the group.
 */
public final class CanarySelection {

    /** How many canaries the controller watches: enough for the health figures, few enough to read every minute. */
    public static final int WATCHED = 200;

    /**
     * @param count    how many of the group's devices are canaries
     * @param lastRank the rank of the last canary; a device ranked at or below it is a canary
     * @param watched  the first {@link #WATCHED} canaries by rank, in id order
     */
    public record Selection(int count, String lastRank, List<String> watched) {}

    private CanarySelection() {}

    /** The first {@code percent} of {@code deviceIds} by rank (not empty when there are devices); 100: all of them. */
    public static Selection select(String deploymentId, List<String> deviceIds, int percent) {
        int count = (int) Math.min(deviceIds.size(), Math.max(1, Math.ceil(deviceIds.size() * percent / 100.0)));
        List<String> ranked = deviceIds.stream()
                .map(id -> new Ranked(rank(deploymentId, id), id))
                .sorted(Comparator.comparing(Ranked::rank).thenComparing(Ranked::id))
                .limit(count)
                .map(Ranked::id)
                .toList();
        String lastRank = ranked.isEmpty() ? "" : rank(deploymentId, ranked.get(ranked.size() - 1));
        return new Selection(ranked.size(), lastRank, ranked.stream().limit(WATCHED).sorted().toList());
    }

    /** Every canary among {@code deviceIds}, in id order: {@link #select} without the watching limit. */
    public static List<String> choose(String deploymentId, List<String> deviceIds, int percent) {
        Selection selection = select(deploymentId, deviceIds, percent);
        return deviceIds.stream().filter(id -> isCanary(deploymentId, id, selection.lastRank())).sorted().toList();
    }

    /** True when {@code deviceId} ranks at or below {@code lastRank} in deployment {@code deploymentId}. */
    public static boolean isCanary(String deploymentId, String deviceId, String lastRank) {
        return rank(deploymentId, deviceId).compareTo(lastRank) <= 0;
    }

    private record Ranked(String rank, String id) {}

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
