package dev.verge.cli;

import java.util.Arrays;

/** Round-trip times of a demo run, summarized as a person reads them. */
final class LatencySummary {
    private double[] millis = new double[64];
    private int count;
    private final long started = System.nanoTime();

    void add(double value) {
        if (count == millis.length) {
            millis = Arrays.copyOf(millis, count * 2);
        }
        millis[count++] = value;
    }

    double percentile(double p) {
        double[] sorted = Arrays.copyOf(millis, count);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, index))];
    }

    @Override
    public String toString() {
        if (count == 0) {
            return "no requests";
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return String.format("%d requests: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, %.0f requests/s (one camera)",
                count, percentile(50), percentile(90), percentile(99), percentile(100), count / seconds);
    }
}
