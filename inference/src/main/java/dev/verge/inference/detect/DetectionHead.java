package dev.verge.inference.detect;

import dev.verge.inference.pkg.Manifest;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A detector's outputs to its final boxes, as the manifest's {@code output} says: decode, drop low scores,
 * non-maximum suppression per label (yolo, boxes-scores-classes; yolo-region the export's own way), best
 * {@code maxDetections} first.
 */
public final class DetectionHead {
    private final Manifest.Detection spec;
    private final List<String> outputNames;
    private final int labels;

    /** {@code outputNames}: the model outputs to fetch, in the decoding's order (boxes, scores, classes). */
    public DetectionHead(Manifest.Detection spec, List<String> outputNames, int labels) {
        this.spec = spec;
        this.outputNames = List.copyOf(outputNames);
        this.labels = labels;
    }

    public List<String> outputNames() {
        return outputNames;
    }

    /** Boxes in input-tensor pixels, best first. {@link DetectorOutputException} when the outputs are misshapen. */
    public List<Candidate> decode(Map<String, OutputTensor> outputs, int tensorWidth, int tensorHeight) {
        return switch (spec.decoding()) {
            case Manifest.Detection.BOXES_SCORES_CLASSES -> NonMaxSuppression.apply(
                    new BoxesScoresClassesDecoder(spec, labels).decode(outputs.get(outputNames.get(0)),
                            outputs.get(outputNames.get(1)), outputs.get(outputNames.get(2)), tensorWidth, tensorHeight),
                    spec.iouThreshold(), spec.maxDetections());
            case Manifest.Detection.YOLO_REGION -> new YoloRegionDecoder(spec, labels)
                    .decode(outputs.get(outputNames.get(0)), tensorWidth, tensorHeight);
            case Manifest.Detection.DB_TEXT -> new DbTextDecoder(spec.binaryThreshold(), spec.scoreThreshold(),
                    spec.unclipRatio()).decode(outputs.get(outputNames.get(0)), tensorWidth, tensorHeight).stream()
                    .sorted(Comparator.comparingDouble(Candidate::score).reversed())
                    .limit(spec.maxDetections()).toList();
            default -> NonMaxSuppression.apply(
                    new YoloDecoder(labels, spec.scoreThreshold()).decode(outputs.get(outputNames.get(0))),
                    spec.iouThreshold(), spec.maxDetections());
        };
    }
}
