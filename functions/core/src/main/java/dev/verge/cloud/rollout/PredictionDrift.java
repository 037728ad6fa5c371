package dev.verge.cloud.rollout;

import dev.verge.cloud.analytics.Aggregate;
import dev.verge.cloud.analytics.Psi;
import dev.verge.cloud.analytics.Rollup;
import dev.verge.cloud.analytics.RollupStore;
import dev.verge.cloud.devices.DeviceRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How far a canary's predictions moved from the last good version's: the population stability index
 * of the label mix and of the confidence histogram (the larger of the two) that the deployment's
 * target version answered in the group since the deployment began, against what the previous version
 * answered in the group over the same hours (or the day before, when it had too little traffic then).
 * A model that answers "unripe" for every fruit has no errors and no slow requests; this is the figure
 * that catches it. Unknown (null) until both sides have {@link HealthRules#minRequests()} predictions,
 * and for a group's first deployment, which has nothing to compare with; a shadow's answers are never sent, and
 * a retirement has none.
 */
public final class PredictionDrift implements HealthSource {
    private static final Duration LOOK_BACK = Duration.ofHours(24);

    private final RollupStore rollups;
    private final Clock clock;

    public PredictionDrift(RollupStore rollups, Clock clock) {
        this.rollups = rollups;
        this.clock = clock;
    }

    @Override
    public HealthFigures read(Deployment deployment, List<DeviceRecord> devices) {
        if (deployment.previous() == null || deployment.retires() || deployment.shadowing()) {
            return HealthFigures.unknown();
        }
        Instant now = clock.instant().plusSeconds(1);
        Instant since = deployment.createdAt();
        long enough = deployment.health().minRequests();
        Aggregate canary = answered(deployment, deployment.target().version(), since, now);
        Aggregate reference = answered(deployment, deployment.previous().version(), since, now);
        if (reference.requests() < enough) {
            reference = answered(deployment, deployment.previous().version(), since.minus(LOOK_BACK), now);
        }
        if (canary.requests() < enough || reference.requests() < enough) {
            return HealthFigures.unknown();
        }
        Double labels = Psi.of(reference.labels(), canary.labels());
        Double confidence = Psi.of(toDoubles(reference.confidence()), toDoubles(canary.confidence()));
        return new HealthFigures(null, null, null, null, larger(labels, confidence));
    }

    /** The larger of two figures either of which may be unknown (a canary whose every answer failed has neither). */
    private static Double larger(Double a, Double b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return Math.max(a, b);
    }

    /** Everything {@code version} answered in the deployment's group in [from, to). */
    private Aggregate answered(Deployment deployment, String version, Instant from, Instant to) {
        Aggregate total = new Aggregate();
        for (Rollup rollup : rollups.groupRollups(deployment.model(), version, from, to)) {
            if (deployment.group().equals(rollup.group())) {
                total = total.merge(rollup.aggregate());
            }
        }
        return total;
    }

    private static double[] toDoubles(long[] counts) {
        double[] out = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = counts[i];
        }
        return out;
    }
}
