package dev.verge.inference.runtime;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import dev.verge.inference.pkg.ManifestInvalidException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A classifier output of ONNX-ML's ZipMap (older Custom Vision classification exports): a sequence with one map per
 * image from label (or class index) to probability, read into the scores of every label in the manifest's order.
 */
final class ScoreMaps {
    private ScoreMaps() {}

    /** The scores of each image, one after another; {@link ManifestInvalidException} when the keys are not the labels. */
    static float[] read(OnnxSequence sequence, String outputName, List<String> labels) throws OrtException {
        List<? extends OnnxValue> maps = sequence.getValue();
        float[] scores = new float[maps.size() * labels.size()];
        for (int image = 0; image < maps.size(); image++) {
            if (!(maps.get(image) instanceof OnnxMap map)) {
                throw new ModelLoadException("model output \"" + outputName + "\" holds " + maps.get(image).getType()
                        + " values; expected maps from label to probability");
            }
            Map<?, ?> probabilities = map.getValue();
            List<String> unknown = new ArrayList<>();
            int found = 0;
            for (Map.Entry<?, ?> e : probabilities.entrySet()) {
                int label = e.getKey() instanceof Long index && index >= 0 && index < labels.size()
                        ? index.intValue() : labels.indexOf(String.valueOf(e.getKey()));
                if (label < 0) {
                    unknown.add(String.valueOf(e.getKey()));
                    continue;
                }
                scores[image * labels.size() + label] = ((Number) e.getValue()).floatValue();
                found++;
            }
            if (!unknown.isEmpty() || found != labels.size()) {
                throw new ManifestInvalidException(List.of(new ManifestInvalidException.Problem("labels",
                        "model output \"" + outputName + "\" scores the labels " + probabilities.keySet()
                                + ", the manifest lists " + labels)));
            }
        }
        return scores;
    }
}
