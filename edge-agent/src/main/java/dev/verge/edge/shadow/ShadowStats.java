package dev.verge.edge.shadow;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import dev.verge.wire.status.Latency;
import dev.verge.wire.status.ShadowReport;
import java.time.Instant;

/**
 * What one shadow candidate did beside the version serving a model, between two status reports: how many pictures
 * both answered, how often their top labels agreed, how the candidate's confidence in the served top label moved,
 * its latency, and the pictures it was meant to see but skipped because it was busy. Not thread-safe: the
 * {@link ShadowRunner} holds its lock around every use.
 */
final class ShadowStats {
    private static final double RELATIVE_ACCURACY = 0.01;
    private static final int MAX_BINS = 2048;

    private final Instant since;
    private final int percent;
    private final DDSketch latency = DDSketches.collapsingLowestDense(RELATIVE_ACCURACY, MAX_BINS);
    private long pairs;
    private long agreements;
    private double shiftSum;
    private double absShiftSum;
    private long dropped;
    private long failures;

    ShadowStats(Instant since, int percent) {
        this.since = since;
        this.percent = percent;
    }

    void pair(boolean agreed, double confidenceShift, double candidateMillis) {
        pairs++;
        if (agreed) {
            agreements++;
        }
        shiftSum += confidenceShift;
        absShiftSum += Math.abs(confidenceShift);
        latency.accept(Math.max(0, candidateMillis));
    }

    void dropped() {
        dropped++;
    }

    void failed() {
        failures++;
    }

    void absorb(ShadowStats later) {
        pairs += later.pairs;
        agreements += later.agreements;
        shiftSum += later.shiftSum;
        absShiftSum += later.absShiftSum;
        dropped += later.dropped;
        failures += later.failures;
        latency.mergeWith(later.latency);
    }

    boolean isEmpty() {
        return pairs == 0 && dropped == 0 && failures == 0;
    }

    ShadowReport report(ShadowRunner.Key key) {
        Latency ms = null;
        if (!latency.isEmpty()) {
            double[] q = latency.getValuesAtQuantiles(new double[] {0.50, 0.95, 0.99});
            ms = new Latency(round(q[0]), round(q[1]), round(q[2]));
        }
        return new ShadowReport(key.model(), key.version(), key.candidate(), percent, since.toString(), pairs, agreements,
                pairs == 0 ? null : round4((double) agreements / pairs), pairs == 0 ? null : round4(shiftSum / pairs),
                pairs == 0 ? null : round4(absShiftSum / pairs), ms, dropped, failures);
    }

    private static double round(double millis) {
        return Math.round(millis * 100) / 100.0;
    }

    private static double round4(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
