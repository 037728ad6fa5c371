package dev.verge.cloud.rollout;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules a deployment's new version must keep on its canary devices; a rule left out is not
 * checked. Error rate and latency are judged only once the canary devices served at least
 * {@code minRequests} requests (default 20), so one failed request of three does not roll back.
 *
 * @param maxErrorRate errors / requests, from 0 to 1
 * @param maxP95Ms     the highest p95 latency of any canary device, in milliseconds
 * @param maxDrift     the highest prediction drift a {@link HealthSource} reports (e.g. the analytics
 *                     stream's distance between label distributions)
 * @param minAgreement for a shadow: the lowest share of pictures on which the new version's top label must
 *                     equal the served version's, from 0 to 1 (judged, like {@code maxP95Ms} on the new version's
 *                     latency, once the shadow saw {@code minRequests} pictures)
 */
public record HealthRules(Double maxErrorRate, Double maxP95Ms, Double maxDrift, Long minRequests, Double minAgreement) {
    public static final long DEFAULT_MIN_REQUESTS = 20;

    public HealthRules {
        minRequests = minRequests == null ? DEFAULT_MIN_REQUESTS : minRequests;
    }

    public HealthRules(Double maxErrorRate, Double maxP95Ms, Double maxDrift, Long minRequests) {
        this(maxErrorRate, maxP95Ms, maxDrift, minRequests, null);
    }

    public static HealthRules none() {
        return new HealthRules(null, null, null, null, null);
    }

    /** 400 {@code health_invalid} listing every rule that is out of range. */
    HealthRules validate() {
        List<String> problems = new ArrayList<>();
        if (maxErrorRate != null && !(maxErrorRate >= 0 && maxErrorRate <= 1)) {
            problems.add("health.maxErrorRate: expected a fraction from 0 to 1, found " + maxErrorRate);
        }
        if (maxP95Ms != null && !(maxP95Ms > 0)) {
            problems.add("health.maxP95Ms: expected milliseconds above 0, found " + maxP95Ms);
        }
        if (maxDrift != null && !(maxDrift >= 0)) {
            problems.add("health.maxDrift: expected 0 or more, found " + maxDrift);
        }
        if (minAgreement != null && !(minAgreement >= 0 && minAgreement <= 1)) {
            problems.add("health.minAgreement: expected a fraction from 0 to 1, found " + minAgreement);
        }
        if (minRequests < 0) {
            problems.add("health.minRequests: expected 0 or more, found " + minRequests);
        }
        if (!problems.isEmpty()) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "health_invalid", String.join("; ", problems));
        }
        return this;
    }
}
