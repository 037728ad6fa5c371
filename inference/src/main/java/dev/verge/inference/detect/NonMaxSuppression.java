package dev.verge.inference.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Greedy non-maximum suppression per label, as YOLO and SSD post-processing do it: take the best remaining box,
 * drop every box of the same label that overlaps it by more than the IoU threshold, repeat.
 */
public final class NonMaxSuppression {
    private NonMaxSuppression() {}

    /** The kept boxes, best first, at most {@code max}. */
    public static List<Candidate> apply(List<Candidate> candidates, double iouThreshold, int max) {
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Candidate::score).reversed());
        List<Candidate> kept = new ArrayList<>();
        boolean[] dropped = new boolean[sorted.size()];
        for (int i = 0; i < sorted.size() && kept.size() < max; i++) {
            if (dropped[i]) {
                continue;
            }
            Candidate best = sorted.get(i);
            kept.add(best);
            for (int j = i + 1; j < sorted.size(); j++) {
                Candidate other = sorted.get(j);
                if (!dropped[j] && other.label() == best.label() && best.iou(other) > iouThreshold) {
                    dropped[j] = true;
                }
            }
        }
        return kept;
    }
}
