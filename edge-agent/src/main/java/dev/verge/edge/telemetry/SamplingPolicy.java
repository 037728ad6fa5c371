package dev.verge.edge.telemetry;

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
}
