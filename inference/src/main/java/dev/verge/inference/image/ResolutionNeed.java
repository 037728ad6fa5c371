package dev.verge.inference.image;

/** How much of a picture's resolution the consumer of a decoded picture will use, per axis. */
public interface ResolutionNeed {
    /** Every pixel. */
    ResolutionNeed FULL = (width, height) -> new double[] {1.0, 1.0};

    /**
     * The scales that will be applied to an upright picture of {@code width x height}, {x, y} (1 or more: every
     * pixel counts; 0.25: a quarter of the size on that axis is enough).
     */
    double[] scales(int width, int height);

    /** The larger of the two: what a decoder that scales both axes alike must keep. */
    default double scale(int width, int height) {
        double[] s = scales(width, height);
        return Math.max(s[0], s[1]);
    }
}
