package dev.verge.inference.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class NonMaxSuppressionTest {
    private static final Candidate A = new Candidate(0, 0.9f, 0, 0, 10, 10);
    /** A shifted by 1, 1: intersection 9 x 9 = 81, union 100 + 100 - 81 = 119, IoU 0.681. */
    private static final Candidate B = new Candidate(0, 0.8f, 1, 1, 11, 11);
    /** A shifted by 5 to the right: intersection 50, union 150, IoU 1/3. */
    private static final Candidate C = new Candidate(0, 0.7f, 5, 0, 15, 10);
    /** A's box with another label. */
    private static final Candidate D = new Candidate(1, 0.6f, 0, 0, 10, 10);

    @Test
    void iou_handComputedCases() {
        assertThat(A.iou(B)).isCloseTo(81f / 119f, Offset.offset(1e-6f));
        assertThat(A.iou(C)).isCloseTo(1f / 3f, Offset.offset(1e-6f));
        assertThat(A.iou(A)).isEqualTo(1f);
        assertThat(A.iou(new Candidate(0, 1f, 10, 0, 20, 10))).isZero(); // touching edges
        assertThat(A.iou(new Candidate(0, 1f, 2, 2, 4, 4))).isCloseTo(4f / 100f, Offset.offset(1e-6f)); // inside
    }

    @Test
    void apply_overlapAboveThreshold_dropsTheWeakerBoxOfTheSameLabelOnly() {
        assertThat(NonMaxSuppression.apply(List.of(C, D, B, A), 0.45, 100)).containsExactly(A, C, D);
    }

    @Test
    void apply_thresholdBetweenTheOverlaps_keepsWhatOverlapsLess() {
        // 1/3 < 0.5 < 0.681: B goes, C stays; at 0.3 both go; at 0.7 both stay
        assertThat(NonMaxSuppression.apply(List.of(A, B, C), 0.5, 100)).containsExactly(A, C);
        assertThat(NonMaxSuppression.apply(List.of(A, B, C), 0.3, 100)).containsExactly(A);
        assertThat(NonMaxSuppression.apply(List.of(A, B, C), 0.7, 100)).containsExactly(A, B, C);
    }

    @Test
    void apply_suppressedBoxDoesNotSuppressOthers() {
        // E overlaps B (IoU 0.681) but not A (IoU 0.47 > 0.45? no: inter 8x8=64, union 136, 0.47): pick threshold 0.5
        Candidate e = new Candidate(0, 0.5f, 2, 2, 12, 12);
        assertThat(A.iou(e)).isCloseTo(64f / 136f, Offset.offset(1e-6f));
        // at 0.5, B is dropped by A; e overlaps A by 0.47 (kept), and is not judged against the dropped B
        assertThat(NonMaxSuppression.apply(List.of(A, B, e), 0.5, 100)).containsExactly(A, e);
    }

    @Test
    void apply_maxDetections_keepsTheBestFirst() {
        assertThat(NonMaxSuppression.apply(List.of(D, C, A), 0.45, 2)).containsExactly(A, C);
        assertThat(NonMaxSuppression.apply(List.of(), 0.45, 2)).isEmpty();
    }
}
