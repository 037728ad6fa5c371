package dev.verge.inference.image;

/** How much of a picture's resolution the consumer of a decoded picture will use. */
@FunctionalInterface
public interface ResolutionNeed {
    /** Every pixel. */
    ResolutionNeed FULL = (width, height) -> 1.0;

    /**
     * The largest scale that will be applied to an upright picture of {@code width x height} (1 or more: every
     * pixel counts; 0.25: a quarter of the size on some axis is enough).
     */
    double scale(int width, int height);
}
