package dev.verge.cloud.rollout;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Whether a device's ONNX Runtime can load a model of a given opset: the most common way a rollout
 * fails on the device. A runtime at least as new as the one the registry validated the model with
 * can; an older one can up to the highest ai.onnx opset of its release (ONNX Runtime's compatibility
 * table). Unknown or unparsable versions are given the benefit of the doubt: the agent then reports
 * the load failure itself.
 */
public final class RuntimeCompatibility {
    /** ONNX Runtime major.minor (as major * 1000 + minor) to the highest ai.onnx opset it supports. */
    private static final TreeMap<Integer, Integer> MAX_OPSET = new TreeMap<>(Map.ofEntries(
            Map.entry(1_000, 11), Map.entry(1_003, 12), Map.entry(1_006, 13), Map.entry(1_008, 14),
            Map.entry(1_009, 15), Map.entry(1_011, 16), Map.entry(1_012, 17), Map.entry(1_014, 18),
            Map.entry(1_015, 19), Map.entry(1_017, 20), Map.entry(1_018, 21), Map.entry(1_020, 21),
            Map.entry(1_021, 22), Map.entry(1_022, 23)));

    private RuntimeCompatibility() {}

    /** Empty when the device can load it, or why not. */
    public static Optional<String> problem(String deviceOrt, Long opset, String validatedWithOrt) {
        Optional<Integer> device = parse(deviceOrt);
        if (device.isEmpty() || opset == null) {
            return Optional.empty();
        }
        Optional<Integer> validated = parse(validatedWithOrt);
        if (validated.isPresent() && device.get() >= validated.get()) {
            return Optional.empty();
        }
        var known = MAX_OPSET.floorEntry(device.get());
        if (known == null || device.get() > MAX_OPSET.lastKey()) {
            return Optional.empty();
        }
        return opset > known.getValue()
                ? Optional.of("ONNX Runtime " + deviceOrt + " loads models up to opset " + known.getValue()
                        + ", the model has opset " + opset + (validatedWithOrt == null ? "" : " (validated with " + validatedWithOrt + ")")
                        + "; update the agent's ONNX Runtime or export the model with a lower opset")
                : Optional.empty();
    }

    private static Optional<Integer> parse(String version) {
        if (version == null) {
            return Optional.empty();
        }
        String[] parts = version.strip().split("[.\\-+]");
        try {
            return parts.length < 2 ? Optional.empty()
                    : Optional.of(Integer.parseInt(parts[0]) * 1000 + Integer.parseInt(parts[1]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
