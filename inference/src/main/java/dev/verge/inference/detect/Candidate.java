package dev.verge.inference.detect;

/** One detected box of label {@code label} with its score, corners in input-tensor pixels (x0 < x1, y0 < y1). */
public record Candidate(int label, float score, float x0, float y0, float x1, float y1) {

    public float area() {
        return Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
    }

    /** Intersection over union, 0 when the boxes do not overlap. */
    public float iou(Candidate other) {
        float iw = Math.min(x1, other.x1) - Math.max(x0, other.x0);
        float ih = Math.min(y1, other.y1) - Math.max(y0, other.y0);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        float intersection = iw * ih;
        return intersection / (area() + other.area() - intersection);
    }
}
