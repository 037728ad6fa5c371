package dev.verge.cloud.analytics;

import java.util.Map;
import java.util.TreeSet;

/**
 * Population stability index of an observed distribution against an expected one:
 * {@code sum over bins of (actual% - expected%) * ln(actual% / expected%)}. Under 0.1 is usually read
 * as no shift, 0.1-0.2 as moderate, 0.2 and above as significant. Empty bins are floored at
 * {@value #FLOOR} of the total so one bin seen on one side only gives a large but finite value.
 */
public final class Psi {
    static final double FLOOR = 1e-4;

    private Psi() {}

    /** PSI over the union of the two maps' keys; null when either side has no counts. */
    public static Double of(Map<String, ? extends Number> expected, Map<String, ? extends Number> actual) {
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        double[] e = new double[keys.size()];
        double[] a = new double[keys.size()];
        int i = 0;
        for (String key : keys) {
            e[i] = value(expected.get(key));
            a[i] = value(actual.get(key));
            i++;
        }
        return of(e, a);
    }

    /** PSI of two histograms over the same bins; null when either side has no counts. */
    public static Double of(double[] expected, double[] actual) {
        if (expected.length != actual.length) {
            throw new IllegalArgumentException("expected histograms with the same bins, found " + expected.length
                    + " and " + actual.length + " bins");
        }
        double expectedTotal = sum(expected);
        double actualTotal = sum(actual);
        if (expectedTotal <= 0 || actualTotal <= 0) {
            return null;
        }
        double psi = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = Math.max(expected[i] / expectedTotal, FLOOR);
            double a = Math.max(actual[i] / actualTotal, FLOOR);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    private static double value(Number n) {
        return n == null ? 0 : Math.max(0, n.doubleValue());
    }

    private static double sum(double[] values) {
        double total = 0;
        for (double v : values) {
            total += Math.max(0, v);
        }
        return total;
    }
}
