package dev.verge.cloud.rollout;

/**
 * What a {@link HealthSource} knows of a deployment's new version on its canary devices. Each figure
 * is null when the source does not know it (no traffic yet, or not what the source measures).
 *
 * @param p95Ms     the highest p95 latency of any canary device, in milliseconds
 * @param p95Device the device with that p95
 * @param drift     how far the version's predictions drifted from the last good version's (the analytics
 *                  stream defines the measure; 0 = none)
 */
public record HealthFigures(Long requests, Long errors, Double p95Ms, String p95Device, Double drift) {

    public static HealthFigures unknown() {
        return new HealthFigures(null, null, null, null, null);
    }

    /** Each figure of this, or of {@code other} where this one does not know it. */
    public HealthFigures orElse(HealthFigures other) {
        boolean ownP95 = p95Ms != null;
        return new HealthFigures(requests != null ? requests : other.requests, errors != null ? errors : other.errors,
                ownP95 ? p95Ms : other.p95Ms, ownP95 ? p95Device : other.p95Device, drift != null ? drift : other.drift);
    }

    public Double errorRate() {
        return requests == null || errors == null || requests == 0 ? null : (double) errors / requests;
    }
}
