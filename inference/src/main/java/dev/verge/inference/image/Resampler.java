package dev.verge.inference.image;

import java.nio.FloatBuffer;

/**
 * Resize, EXIF orientation, channel order, normalization and layout in one separable pass from the decoded
 * pixels into the tensor, with no intermediate picture: one stored row of floats at a time. The filter is
 * Pillow's bilinear: a triangle whose support widens with the shrink factor, so a large picture is averaged, not
 * sampled (the Custom Vision export's own scoring code resizes with Pillow's bilinear too).
 */
final class Resampler {
    /**
     * For EXIF orientation 1..8: whether the upright picture's x axis is the stored picture's y axis, and whether
     * the stored axis that feeds upright x (and upright y) runs backwards.
     */
    private static final boolean[] TRANSPOSE = {false, false, false, false, false, true, true, true, true};
    private static final boolean[] FLIP_X = {false, false, true, true, false, false, true, true, false};
    private static final boolean[] FLIP_Y = {false, false, false, true, true, false, false, true, true};

    /** Per model channel c: which byte of an RGB pixel feeds it, and value = byte * gain[c] + bias[c]. */
    private final int[] sourceChannel;
    private final float[] gain;
    private final float[] bias;
    private final boolean nchw;
    /** Cameras send the same size again and again: the taps of the last geometry are kept. */
    private volatile Geometry last;
    /** One stored row combined along y, reused per thread (inference runs on a few platform threads). */
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    private record Geometry(Placement placement, int width, int height, int orientation, Axis alongStoredX,
                            Axis alongStoredY) {
        boolean fits(Placement p, int w, int h, int o) {
            return placement.equals(p) && width == w && height == h && orientation == o;
        }
    }

    Resampler(int[] sourceChannel, float[] gain, float[] bias, boolean nchw) {
        this.sourceChannel = sourceChannel;
        this.gain = gain;
        this.bias = bias;
        this.nchw = nchw;
    }

    /**
     * Writes the tensor of {@code placement} at indexes 0 .. placement.elementCount()-1. {@code pixels} is the
     * stored picture, possibly decoded at a reduced size; {@code orientation} turns it upright (the placement's
     * image size). Tensor pixels outside the picture (letterbox bars) get {@code pad}.
     */
    void write(RgbImage pixels, int orientation, Placement placement, int pad, FloatBuffer target) {
        int o = orientation >= 1 && orientation <= 8 ? orientation : 1;
        boolean transpose = TRANSPOSE[o];
        int tw = placement.tensorWidth();
        int th = placement.tensorHeight();
        Geometry geometry = geometry(pixels, o, placement);
        Axis alongStoredX = geometry.alongStoredX();
        Axis alongStoredY = geometry.alongStoredY();

        // one output row at a time: the stored rows it reads are combined along y into one row (the JIT
        // vectorizes that loop), then filtered along x; memory is one stored row, whatever the picture's shape
        int n = alongStoredX.length;
        int from = 3 * alongStoredX.firstSource;
        int to = 3 * (alongStoredX.lastSource + 1);
        byte[] rgb = pixels.rgb();
        int stride = 3 * pixels.width();
        float[] row = ROW.get();
        if (row.length < stride) {
            row = new float[stride];
            ROW.set(row);
        }
        int plane = tw * th;
        int s0 = sourceChannel[0];
        int s1 = sourceChannel[1];
        int s2 = sourceChannel[2];
        float g0 = gain[0];
        float g1 = gain[1];
        float g2 = gain[2];
        float b0 = bias[0];
        float b1 = bias[1];
        float b2 = bias[2];
        float[] value = new float[3];
        for (int b = 0; b < alongStoredY.length; b++) {
            int tapsY = alongStoredY.count[b];
            if (tapsY > 0) {
                java.util.Arrays.fill(row, from, to, 0f);
                for (int k = 0; k < tapsY; k++) {
                    float weight = alongStoredY.weights[b * alongStoredY.maxTaps + k];
                    int source = (alongStoredY.start[b] + k) * stride;
                    for (int j = from; j < to; j++) {
                        row[j] += weight * (rgb[source + j] & 0xFF);
                    }
                }
            }
            for (int a = 0; a < n; a++) {
                int p = transpose ? a * tw + b : b * tw + a;
                int tapsX = alongStoredX.count[a];
                float c0;
                float c1;
                float c2;
                if (tapsY == 0 || tapsX == 0) {
                    c0 = pad * g0 + b0;
                    c1 = pad * g1 + b1;
                    c2 = pad * g2 + b2;
                } else {
                    float r = 0;
                    float g = 0;
                    float bl = 0;
                    int w = a * alongStoredX.maxTaps;
                    for (int k = 0, in = 3 * alongStoredX.start[a]; k < tapsX; k++, in += 3) {
                        float weight = alongStoredX.weights[w + k];
                        r += weight * row[in];
                        g += weight * row[in + 1];
                        bl += weight * row[in + 2];
                    }
                    value[0] = r;
                    value[1] = g;
                    value[2] = bl;
                    c0 = value[s0] * g0 + b0;
                    c1 = value[s1] * g1 + b1;
                    c2 = value[s2] * g2 + b2;
                }
                if (nchw) {
                    target.put(p, c0);
                    target.put(plane + p, c1);
                    target.put(2 * plane + p, c2);
                } else {
                    target.put(3 * p, c0);
                    target.put(3 * p + 1, c1);
                    target.put(3 * p + 2, c2);
                }
            }
        }
    }

    private Geometry geometry(RgbImage pixels, int o, Placement placement) {
        Geometry g = last;
        if (g != null && g.fits(placement, pixels.width(), pixels.height(), o)) {
            return g;
        }
        boolean transpose = TRANSPOSE[o];
        int tw = placement.tensorWidth();
        int th = placement.tensorHeight();
        // the stored x axis feeds tensor x (or tensor y when transposed)
        Axis alongStoredX = transpose
                ? Axis.of(th, placement.scaleY(), placement.offsetY(), placement.imageHeight(), pixels.width(), FLIP_Y[o])
                : Axis.of(tw, placement.scaleX(), placement.offsetX(), placement.imageWidth(), pixels.width(), FLIP_X[o]);
        Axis alongStoredY = transpose
                ? Axis.of(tw, placement.scaleX(), placement.offsetX(), placement.imageWidth(), pixels.height(), FLIP_X[o])
                : Axis.of(th, placement.scaleY(), placement.offsetY(), placement.imageHeight(), pixels.height(), FLIP_Y[o]);
        g = new Geometry(placement, pixels.width(), pixels.height(), o, alongStoredX, alongStoredY);
        last = g;
        return g;
    }

    /**
     * Filter taps for one tensor axis: output i reads {@code count[i]} source samples from {@code start[i]} with
     * weights {@code weights[i * maxTaps ..]}; count 0 means outside the picture (a bar).
     */
    static final class Axis {
        final int length;
        final int maxTaps;
        final int[] start;
        final int[] count;
        final float[] weights;
        /** The first and last source samples any output reads (last below first when all are bars). */
        int firstSource;
        int lastSource = -1;

        private Axis(int length, int maxTaps) {
            this.length = length;
            this.maxTaps = maxTaps;
            this.start = new int[length];
            this.count = new int[length];
            this.weights = new float[length * maxTaps];
        }

        /**
         * @param length  tensor pixels on this axis
         * @param scale   tensor pixels per upright picture pixel
         * @param offset  where the picture starts in the tensor
         * @param upright the upright picture's size on this axis
         * @param decoded the decoded picture's size on the stored axis that feeds this one
         * @param flip    whether that stored axis runs backwards
         */
        static Axis of(int length, double scale, double offset, int upright, int decoded, boolean flip) {
            double perTensorPixel = (double) decoded / upright / scale; // decoded samples per tensor pixel
            double support = Math.max(1.0, perTensorPixel);
            int maxTaps = (int) Math.ceil(support) * 2 + 1;
            Axis axis = new Axis(length, maxTaps);
            for (int i = 0; i < length; i++) {
                double u = (i + 0.5 - offset) / scale; // the tensor pixel's centre on the upright picture
                if (u < 0 || u >= upright) {
                    continue;
                }
                double centre = (flip ? upright - u : u) * decoded / upright;
                int lo = Math.max(0, (int) Math.floor(centre - support));
                int hi = Math.min(decoded - 1, (int) Math.ceil(centre + support));
                double sum = 0;
                int taps = 0;
                int first = -1;
                double[] w = new double[hi - lo + 1];
                for (int s = lo; s <= hi; s++) {
                    double weight = 1 - Math.abs(s + 0.5 - centre) / support;
                    if (weight > 0) {
                        if (first < 0) {
                            first = s;
                        }
                        w[s - first] = weight;
                        taps = s - first + 1;
                        sum += weight;
                    }
                }
                if (first < 0) { // a centre exactly on the picture's edge: take the nearest sample
                    first = Math.min(decoded - 1, Math.max(0, (int) centre));
                    w[0] = 1;
                    taps = 1;
                    sum = 1;
                }
                axis.start[i] = first;
                axis.count[i] = taps;
                for (int k = 0; k < taps; k++) {
                    axis.weights[i * maxTaps + k] = (float) (w[k] / sum);
                }
                axis.firstSource = axis.lastSource < 0 ? first : Math.min(axis.firstSource, first);
                axis.lastSource = Math.max(axis.lastSource, first + taps - 1);
            }
            return axis;
        }
    }
}
