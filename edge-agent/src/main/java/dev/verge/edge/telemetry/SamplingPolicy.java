package dev.verge.edge.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Which answered images are kept for retraining: those whose top probability is below
 * {@code belowProbability}, plus a random {@code randomFraction} of the rest, at most {@code maxPerHour}.
 * The same fields as the desired state's {@code sampling} object, so the sync stream can hand one over
 * ({@link SampleCapture#update}).
 *
 * @param enabled          nothing is kept when false
 * @param belowProbability keep every image whose top probability is below this (0..1)
 * @param randomFraction   keep this fraction (0..1) of the other images
 * @param maxPerHour       at most this many images an hour, whichever rule chose them
 */
public record SamplingPolicy(boolean enabled, double belowProbability, double randomFraction, int maxPerHour) {
    public static final double DEFAULT_BELOW_PROBABILITY = 0.5;
    public static final double DEFAULT_RANDOM_FRACTION = 0.01;
    public static final int DEFAULT_MAX_PER_HOUR = 60;

    /** Off, with the defaults the desired state's example shows, ready to be switched on. */
    public static final SamplingPolicy OFF =
            new SamplingPolicy(false, DEFAULT_BELOW_PROBABILITY, DEFAULT_RANDOM_FRACTION, DEFAULT_MAX_PER_HOUR);

    public SamplingPolicy {
        if (!(belowProbability >= 0 && belowProbability <= 1) || !(randomFraction >= 0 && randomFraction <= 1)) {
            throw new IllegalArgumentException("sampling probability threshold and random fraction must be 0..1, found "
                    + belowProbability + " and " + randomFraction);
        }
        if (maxPerHour < 0) {
            throw new IllegalArgumentException("samples per hour must be 0 or more, found " + maxPerHour);
        }
    }

    /**
     * The policy a desired state's {@code sampling} object asks for ({@code {"enabled": true, "belowProbability":
     * 0.5, "randomFraction": 0.01, "maxPerHour": 60}}); a field left out takes the default of {@link #OFF}.
     * {@code absent} when there is no such object (null or JSON null).
     *
     * @throws IllegalArgumentException naming every field that is of the wrong type or out of range
     */
    public static SamplingPolicy fromDesiredState(JsonNode sampling, SamplingPolicy absent) {
        if (sampling == null || sampling.isNull() || sampling.isMissingNode()) {
            return absent;
        }
        if (!sampling.isObject()) {
            throw new IllegalArgumentException("expected sampling as an object, found " + sampling);
        }
        List<String> problems = new ArrayList<>();
        JsonNode enabled = sampling.path("enabled");
        if (!enabled.isMissingNode() && !enabled.isNull() && !enabled.isBoolean()) {
            problems.add("sampling.enabled: expected true or false, found " + enabled);
        }
        double below = fraction(sampling, "belowProbability", DEFAULT_BELOW_PROBABILITY, problems);
        double fraction = fraction(sampling, "randomFraction", DEFAULT_RANDOM_FRACTION, problems);
        JsonNode perHour = sampling.path("maxPerHour");
        int maxPerHour = DEFAULT_MAX_PER_HOUR;
        if (!perHour.isMissingNode() && !perHour.isNull()) {
            if (!perHour.canConvertToInt() || !perHour.isIntegralNumber() || perHour.asInt() < 0) {
                problems.add("sampling.maxPerHour: expected a whole number, 0 or more, found " + perHour);
            } else {
                maxPerHour = perHour.asInt();
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new SamplingPolicy(enabled.asBoolean(false), below, fraction, maxPerHour);
    }

    private static double fraction(JsonNode sampling, String field, double fallback, List<String> problems) {
        JsonNode value = sampling.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || !(value.asDouble() >= 0 && value.asDouble() <= 1)) {
            problems.add("sampling." + field + ": expected a number from 0 to 1, found " + value);
            return fallback;
        }
        return value.asDouble();
    }
}
