package dev.verge.cloud.rollout;

/**
 * What a {@link HealthSource} knows of a deployment's new version on its canary devices. Each figure
 * is null when the source does not know it (no traffic yet, or not what the source measures).
 *
 * @param p95Ms     the highest p95 latency of any canary device, in milliseconds
 * @param p95Device the device with that p95
 * @param drift     how far the version's predictions drifted from the last good version's (the analytics
 *                  stream defines the measure; 0 = none)
 * @param agreements for a shadow (whose {@code requests} are the pictures both versions answered and {@code errors}
 *                   those the new one failed on): how many got the same top label from both; null otherwise
 */
public record HealthFigures(Long requests, Long errors, Double p95Ms, String p95Device, Double drift, Long agreements) {

    public HealthFigures(Long requests, Long errors, Double p95Ms, String p95Device, Double drift) {
        this(requests, errors, p95Ms, p95Device, drift, null);
    }

    public static HealthFigures unknown() {
        return new HealthFigures(null, null, null, null, null, null);
    }

    /** Each figure of this, or of {@code other} where this one does not know it. */
    public HealthFigures orElse(HealthFigures other) {
        boolean ownP95 = p95Ms != null;
        return new HealthFigures(requests != null ? requests : other.requests, errors != null ? errors : other.errors,
                ownP95 ? p95Ms : other.p95Ms, ownP95 ? p95Device : other.p95Device, drift != null ? drift : other.drift,
                agreements != null ? agreements : other.agreements);
    }

    /** Agreements / requests; null when unknown or without requests. */
    public Double agreement() {
        return requests == null || agreements == null || requests == 0 ? null : (double) agreements / requests;
    }

    public Double errorRate() {
        return requests == null || errors == null || requests == 0 ? null : (double) errors / requests;
    }
}
