package dev.verge.inference.detect;

import dev.verge.inference.pkg.Manifest;
import java.util.ArrayList;
import java.util.List;

/**
 * SSD / TensorFlow Object Detection outputs: boxes [1, N, 4], scores [1, N], classes [1, N]. Boxes in the
 * manifest's format, 0..1 of the input or input pixels; a class id minus classOffset indexes the labels (ids
 * outside the labels, such as a background class, are skipped).
 */
final class BoxesScoresClassesDecoder {
    private final Manifest.Detection spec;
    private final int labels;

    BoxesScoresClassesDecoder(Manifest.Detection spec, int labels) {
        this.spec = spec;
        this.labels = labels;
    }

    List<Candidate> decode(OutputTensor boxes, OutputTensor scores, OutputTensor classes, int tensorWidth,
                           int tensorHeight) {
        int n = scores.values().length;
        if (boxes.dim(1) != 4 || boxes.values().length != 4L * n || classes.values().length != n) {
            throw new DetectorOutputException("decoding boxes-scores-classes expects boxes [1, N, 4], scores [1, N]"
                    + " and classes [1, N]; " + boxes.describe() + ", " + scores.describe() + ", " + classes.describe());
        }
        float sx = spec.normalized() ? tensorWidth : 1;
        float sy = spec.normalized() ? tensorHeight : 1;
        float[] b = boxes.values();
        List<Candidate> found = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float score = scores.values()[i];
            if (!(score >= spec.scoreThreshold())) {
                continue;
            }
            long label = Math.round((double) classes.values()[i]) - spec.classOffset();
            if (label < 0 || label >= labels) {
                continue;
            }
            float a = b[4 * i];
            float c = b[4 * i + 1];
            float d = b[4 * i + 2];
            float e = b[4 * i + 3];
            float x0;
            float y0;
            float x1;
            float y1;
            switch (spec.boxFormat()) {
                case "xyxy" -> {
                    x0 = a; y0 = c; x1 = d; y1 = e;
                }
                case "xywh" -> {
                    x0 = a; y0 = c; x1 = a + d; y1 = c + e;
                }
                case "cxcywh" -> {
                    x0 = a - d / 2; y0 = c - e / 2; x1 = a + d / 2; y1 = c + e / 2;
                }
                default -> { // yxyx, TensorFlow's order
                    y0 = a; x0 = c; y1 = d; x1 = e;
                }
            }
            found.add(new Candidate((int) label, score, x0 * sx, y0 * sy, x1 * sx, y1 * sy));
        }
        return found;
    }
}
