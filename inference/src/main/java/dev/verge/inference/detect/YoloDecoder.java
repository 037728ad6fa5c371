package dev.verge.inference.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * Anchor-free YOLO output (YOLOv8 and later exports): one tensor [1, 4 + K, N] of N candidates, each cx, cy, w, h in
 * input pixels then K label scores; the transposed [1, N, 4 + K] is read too. A candidate takes its best label.
 */
final class YoloDecoder {
    private final int labels;
    private final float scoreThreshold;

    YoloDecoder(int labels, double scoreThreshold) {
        this.labels = labels;
        this.scoreThreshold = (float) scoreThreshold;
    }

    List<Candidate> decode(OutputTensor out) {
        int rows = 4 + labels;
        long d1 = out.dim(2);
        long d2 = out.dim(1);
        boolean channelsFirst = d1 == rows;
        if (out.shape().length < 2 || out.leading(2) != 1 || (!channelsFirst && d2 != rows)) {
            throw new DetectorOutputException(out.describe() + "; decoding yolo expects [1, 4 + labels, N] = [1, "
                    + rows + ", N] (or [1, N, " + rows + "]) for " + labels + " labels");
        }
        int n = (int) (channelsFirst ? d2 : d1);
        float[] v = out.values();
        // element (field f, candidate i): channels-first at f * n + i, rows at i * rows + f
        int fieldStride = channelsFirst ? n : 1;
        int candidateStride = channelsFirst ? 1 : rows;
        List<Candidate> found = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int base = i * candidateStride;
            int best = -1;
            float bestScore = scoreThreshold;
            for (int k = 0; k < labels; k++) {
                float s = v[base + (4 + k) * fieldStride];
                if (s >= bestScore) {
                    bestScore = s;
                    best = k;
                }
            }
            if (best < 0) {
                continue;
            }
            float cx = v[base];
            float cy = v[base + fieldStride];
            float w = v[base + 2 * fieldStride];
            float h = v[base + 3 * fieldStride];
            found.add(new Candidate(best, bestScore, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
        }
        return found;
    }
}
