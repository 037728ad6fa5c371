package dev.verge.inference.detect;

import dev.verge.inference.pkg.Manifest;
import java.util.ArrayList;
import java.util.List;

/**
 * The YOLOv2 region head of older Custom Vision detection exports: one grid [1, A x (5 + K), H, W], for each cell and
 * anchor tx, ty, tw, th, objectness, then K class scores. The box centre is (sigmoid(tx) + column, sigmoid(ty) + row)
 * over the grid size, its size exp(tw) x anchor width and exp(th) x anchor height over the grid size; a class's
 * probability is softmax(class scores) x sigmoid(objectness).
 *
 * <p>Suppression follows the export's scoring code rather than {@link NonMaxSuppression}: the most probable box and
 * class is taken, then that class's probability is zeroed on the box and on every box overlapping it by more than
 * the IoU threshold, and each of those boxes falls back to its next best class. A box can therefore be reported again
 * under a second label, as the export does.
 */
final class YoloRegionDecoder {
    private final int labels;
    private final double[] anchors;
    private final double threshold;
    private final double iouThreshold;
    private final int maxDetections;

    YoloRegionDecoder(Manifest.Detection spec, int labels) {
        this.labels = labels;
        this.anchors = spec.anchors().stream().mapToDouble(Double::doubleValue).toArray();
        this.threshold = spec.scoreThreshold();
        this.iouThreshold = spec.iouThreshold();
        this.maxDetections = spec.maxDetections();
    }

    /** The kept boxes, best first, in tensor pixels. */
    List<Candidate> decode(OutputTensor grid, int tensorWidth, int tensorHeight) {
        int anchorCount = anchors.length / 2;
        int perAnchor = 5 + labels;
        long[] shape = grid.shape();
        if (shape.length != 4 || shape[0] != 1 || shape[1] != (long) anchorCount * perAnchor) {
            throw new DetectorOutputException(grid.describe() + "; decoding yolo-region expects [1, anchors x (5 +"
                    + " labels), H, W] = [1, " + anchorCount * perAnchor + ", H, W] for " + anchorCount + " anchors and "
                    + labels + " labels");
        }
        int h = (int) shape[2];
        int w = (int) shape[3];
        float[] v = grid.values();
        int plane = h * w;
        List<double[]> boxes = new ArrayList<>();
        List<double[]> probabilities = new ArrayList<>();
        // the export's order: row, column, anchor
        for (int row = 0; row < h; row++) {
            for (int column = 0; column < w; column++) {
                for (int a = 0; a < anchorCount; a++) {
                    int base = a * perAnchor * plane + row * w + column;
                    double bw = Math.exp(v[base + 2 * plane]) * anchors[2 * a] / w;
                    double bh = Math.exp(v[base + 3 * plane]) * anchors[2 * a + 1] / h;
                    double cx = (sigmoid(v[base]) + column) / w;
                    double cy = (sigmoid(v[base + plane]) + row) / h;
                    double objectness = sigmoid(v[base + 4 * plane]);
                    double[] p = softmax(v, base + 5 * plane, plane);
                    double best = 0;
                    for (int k = 0; k < labels; k++) {
                        p[k] *= objectness;
                        best = Math.max(best, p[k]);
                    }
                    if (best > threshold) {
                        boxes.add(new double[] {cx - bw / 2, cy - bh / 2, bw, bh});
                        probabilities.add(p);
                    }
                }
            }
        }
        return suppress(boxes, probabilities, tensorWidth, tensorHeight);
    }

    private List<Candidate> suppress(List<double[]> boxes, List<double[]> probabilities, int tensorWidth,
                                     int tensorHeight) {
        int n = boxes.size();
        int[] bestClass = new int[n];
        double[] bestProbability = new double[n];
        for (int i = 0; i < n; i++) {
            refreshBest(probabilities.get(i), i, bestClass, bestProbability);
        }
        List<Candidate> kept = new ArrayList<>();
        while (kept.size() < Math.min(maxDetections, n)) {
            int i = 0;
            for (int j = 1; j < n; j++) {
                if (bestProbability[j] > bestProbability[i]) {
                    i = j;
                }
            }
            if (bestProbability[i] < threshold) {
                break;
            }
            double[] box = boxes.get(i);
            int label = bestClass[i];
            kept.add(new Candidate(label, (float) bestProbability[i], (float) (box[0] * tensorWidth),
                    (float) (box[1] * tensorHeight), (float) ((box[0] + box[2]) * tensorWidth),
                    (float) ((box[1] + box[3]) * tensorHeight)));
            for (int j = 0; j < n; j++) {
                if (j == i || iou(box, boxes.get(j)) > iouThreshold) {
                    probabilities.get(j)[label] = 0;
                    refreshBest(probabilities.get(j), j, bestClass, bestProbability);
                }
            }
        }
        return kept;
    }

    private static void refreshBest(double[] p, int i, int[] bestClass, double[] bestProbability) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        bestClass[i] = best;
        bestProbability[i] = p[best];
    }

    /** Boxes as left, top, width, height. */
    private static double iou(double[] a, double[] b) {
        double iw = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
        double ih = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
        double overlap = iw * ih;
        return overlap / (a[2] * a[3] + b[2] * b[3] - overlap);
    }

    private double[] softmax(float[] v, int start, int stride) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < labels; k++) {
            max = Math.max(max, v[start + k * stride]);
        }
        double[] p = new double[labels];
        double sum = 0;
        for (int k = 0; k < labels; k++) {
            p[k] = Math.exp(v[start + k * stride] - max);
            sum += p[k];
        }
        for (int k = 0; k < labels; k++) {
            p[k] /= sum;
        }
        return p;
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}
