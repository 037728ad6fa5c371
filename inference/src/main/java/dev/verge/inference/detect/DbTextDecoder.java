package dev.verge.inference.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * The probability map of a DB (differentiable binarization) text detector, such as PaddleOCR's, to axis-aligned
 * boxes, following PaddleOCR's DBPostProcess: pixels above binaryThreshold form 8-connected regions; a region's
 * score is the mean probability inside its bounding box; regions thinner than 3 map pixels or scoring below
 * scoreThreshold are dropped; DB predicts shrunk text, so each box grows back by area x unclipRatio / perimeter.
 */
final class DbTextDecoder {
    static final int MIN_SIZE = 3;

    private final float binaryThreshold;
    private final double scoreThreshold;
    private final double unclipRatio;

    DbTextDecoder(double binaryThreshold, double scoreThreshold, double unclipRatio) {
        this.binaryThreshold = (float) binaryThreshold;
        this.scoreThreshold = scoreThreshold;
        this.unclipRatio = unclipRatio;
    }

    List<Candidate> decode(OutputTensor map, int tensorWidth, int tensorHeight) {
        if (map.shape().length < 2 || map.leading(2) != 1) {
            throw new DetectorOutputException(map.describe() + "; decoding db-text expects a probability map"
                    + " [1, 1, H, W]");
        }
        int h = (int) map.dim(2);
        int w = (int) map.dim(1);
        float[] p = map.values();
        float sx = (float) tensorWidth / w;
        float sy = (float) tensorHeight / h;
        boolean[] seen = new boolean[w * h];
        int[] stack = new int[w * h];
        List<Candidate> found = new ArrayList<>();
        for (int start = 0; start < p.length; start++) {
            if (seen[start] || !(p[start] > binaryThreshold)) {
                continue;
            }
            int minX = w;
            int minY = h;
            int maxX = -1;
            int maxY = -1;
            int top = 0;
            stack[top++] = start;
            seen[start] = true;
            while (top > 0) {
                int at = stack[--top];
                int x = at % w;
                int y = at / w;
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
                for (int ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++) {
                    for (int nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
                        int next = ny * w + nx;
                        if (!seen[next] && p[next] > binaryThreshold) {
                            seen[next] = true;
                            stack[top++] = next;
                        }
                    }
                }
            }
            Candidate box = box(p, w, minX, minY, maxX, maxY, sx, sy);
            if (box != null) {
                found.add(box);
            }
        }
        return found;
    }

    /** The region's box grown back by the unclip distance, in tensor pixels; null when too thin or too weak. */
    private Candidate box(float[] p, int w, int minX, int minY, int maxX, int maxY, float sx, float sy) {
        int bw = maxX - minX + 1;
        int bh = maxY - minY + 1;
        if (Math.min(bw, bh) < MIN_SIZE) {
            return null;
        }
        double sum = 0;
        for (int y = minY; y <= maxY; y++) {
            for (int x = minX; x <= maxX; x++) {
                sum += p[y * w + x];
            }
        }
        double score = sum / ((double) bw * bh);
        if (score < scoreThreshold) {
            return null;
        }
        double d = (double) bw * bh * unclipRatio / (2.0 * (bw + bh));
        if (Math.min(bw, bh) + 2 * d < MIN_SIZE + 2) {
            return null;
        }
        return new Candidate(0, (float) score, (float) ((minX - d) * sx), (float) ((minY - d) * sy),
                (float) ((maxX + 1 + d) * sx), (float) ((maxY + 1 + d) * sy));
    }
}
