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
     * Groups up to this size are listed whole and their canaries counted exactly; a larger group's canaries are
     * the devices whose rank falls in the first {@code percent} of the rank range, and only enough of the group is
     * read to find the watched ones, so making a deployment costs the same for 10,000 devices as for 1,000,000.
     */
    public static final int COUNTED_UP_TO = 5_000;
    /** A large group is read at most this far for its watched canaries (a 1 % canary finds 200 in about 20,000). */
    static final int READ_AT_MOST = 50_000;

    /**
     * @param count    how many of the group's devices are canaries; null when the group was too large to count
     * @param lastRank the rank of the last canary; a device ranked at or below it is a canary
     * @param watched  the canaries the controller watches (at most {@link #WATCHED}), in id order
     */
    public record Selection(Integer count, String lastRank, List<String> watched) {}

    /** One page of a group's device ids in id order, from after {@code after} (null: the first); empty after the last. */
    @FunctionalInterface
    public interface GroupPages {
        List<String> page(String after, int limit);
    }

    /**
     * The canaries of a group read page by page: counted exactly up to {@link #COUNTED_UP_TO} devices (then as
     * {@link #select}); beyond, the first {@code percent} of the rank range, watched the first {@link #WATCHED}
     * of them in id order.
     */
    public static Selection select(String deploymentId, GroupPages group, int percent) {
        List<String> head = group.page(null, COUNTED_UP_TO + 1);
        if (head.size() <= COUNTED_UP_TO) {
            return select(deploymentId, head, percent);
        }
        String lastRank = rankBelow(percent);
        List<String> watched = new java.util.ArrayList<>();
        List<String> page = head;
        int read = 0;
        while (!page.isEmpty() && watched.size() < WATCHED && read < READ_AT_MOST) {
            for (String id : page) {
                if (watched.size() < WATCHED && isCanary(deploymentId, id, lastRank)) {
                    watched.add(id);
                }
            }
            read += page.size();
            page = group.page(page.get(page.size() - 1), 1_000);
        }
        return new Selection(null, lastRank, List.copyOf(watched));
    }

    /** The rank at the {@code percent} mark of the rank range: ranks are SHA-256 digests, spread evenly. */
    static String rankBelow(int percent) {
        java.math.BigInteger range = java.math.BigInteger.ONE.shiftLeft(256);
        java.math.BigInteger mark = range.multiply(java.math.BigInteger.valueOf(percent)).divide(java.math.BigInteger.valueOf(100))
                .subtract(java.math.BigInteger.ONE).max(java.math.BigInteger.ZERO);
        String hex = mark.toString(16);
        return "0".repeat(64 - hex.length()) + hex;
    }

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
