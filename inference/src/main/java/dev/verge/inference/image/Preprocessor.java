package dev.verge.inference.image;

import dev.verge.inference.pkg.Manifest;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;

/**
 * Turns a picture into the model's input tensor exactly as the manifest says: resize (stretch, center-crop,
 * letterbox with bars of the manifest's grey, or fit-multiple for dynamic-size models) to the tensor size, channel
 * order RGB or BGR, layout NCHW or NHWC, and
 * value = (byte / scale - mean[c]) / std[c], where c counts the model's channels in {@code channels} order.
 * All of it happens in one pass from the decoded pixels into the tensor ({@link Resampler}); {@link #resolutionNeed}
 * tells the decoder how small it may decode a picture for that.
 */
public final class Preprocessor {
    private final int width;
    private final int height;
    private final boolean nchw;
    private final String resize;
    private final int multiple;
    private final int maxSide;
    private final int pad;
    private final Resampler resampler;

    public Preprocessor(Manifest.InputSpec spec) {
        this.width = spec.width();
        this.height = spec.height();
        this.nchw = spec.isNchw();
        this.resize = spec.resize();
        this.multiple = spec.multiple();
        this.maxSide = spec.maxSide();
        this.pad = spec.padValue();
        double[] mean = spec.mean();
        double[] std = spec.std();
        float[] gain = new float[3];
        float[] bias = new float[3];
        for (int c = 0; c < 3; c++) {
            gain[c] = (float) (1 / (spec.scale() * std[c]));
            bias[c] = (float) (-mean[c] / std[c]);
        }
        int[] source = spec.isBgr() ? new int[] {2, 1, 0} : new int[] {0, 1, 2};
        this.resampler = new Resampler(source, gain, bias, nchw);
    }

    /**
     * How much of a picture's resolution this model uses: the scales its resize applies to an upright picture of
     * that size. The decoder may decode at those scales or larger.
     */
    public ResolutionNeed resolutionNeed() {
        return (w, h) -> {
            Placement p = placement(w, h);
            return new double[] {p.scaleX(), p.scaleY()};
        };
    }

    /** True when the tensor size follows each picture (fit-multiple). */
    public boolean isDynamicSize() {
        return maxSide > 0;
    }

    /** Floats of one image: 3 x width x height; for a dynamic size, of the largest tensor (3 x maxSide x maxSide). */
    public int elementCount() {
        return isDynamicSize() ? 3 * maxSide * maxSide : 3 * width * height;
    }

    /** The tensor shape for a batch of one (for a dynamic size, of the largest tensor). */
    public long[] shape() {
        return isDynamicSize() ? shape(maxSide, maxSide) : shape(width, height);
    }

    /** The tensor shape of one picture placed by {@link #placement}. */
    public long[] shape(Placement placement) {
        return shape(placement.tensorWidth(), placement.tensorHeight());
    }

    private long[] shape(int w, int h) {
        return nchw ? new long[] {1, 3, h, w} : new long[] {1, h, w, 3};
    }

    /**
     * Where a picture of w x h lands in the tensor. fit-multiple follows PaddleOCR's detector resize: shrink (never
     * enlarge) so the longer side is at most maxSide, then stretch each side to the nearest multiple.
     */
    public Placement placement(int w, int h) {
        switch (resize) {
            case Manifest.InputSpec.CENTER_CROP -> {
                double s = Math.max((double) width / w, (double) height / h);
                return new Placement(w, h, width, height, s, s, (width - w * s) / 2, (height - h * s) / 2);
            }
            case Manifest.InputSpec.LETTERBOX -> {
                double s = Math.min((double) width / w, (double) height / h);
                int nw = Math.max(1, Math.min(width, (int) Math.round(w * s)));
                int nh = Math.max(1, Math.min(height, (int) Math.round(h * s)));
                return new Placement(w, h, width, height, (double) nw / w, (double) nh / h, (width - nw) / 2,
                        (height - nh) / 2);
            }
            case Manifest.InputSpec.FIT_MULTIPLE -> {
                double ratio = Math.min(1.0, (double) maxSide / Math.max(w, h));
                int tw = Math.max(multiple, (int) Math.round(w * ratio / multiple) * multiple);
                int th = Math.max(multiple, (int) Math.round(h * ratio / multiple) * multiple);
                return new Placement(w, h, tw, th, (double) tw / w, (double) th / h, 0, 0);
            }
            default -> {
                return new Placement(w, h, width, height, (double) width / w, (double) height / h, 0, 0);
            }
        }
    }

    /**
     * Resizes the decoded picture and writes its values into {@code target} at indexes 0 ..
     * placement.elementCount()-1; returns where the picture went, to map detections back.
     */
    public Placement write(DecodedImage image, FloatBuffer target) {
        Placement placement = placement(image.width(), image.height());
        if (target.capacity() < placement.elementCount()) {
            throw new IllegalArgumentException("buffer holds " + target.capacity() + " floats, expected "
                    + placement.elementCount());
        }
        resampler.write(image.pixels(), image.orientation(), placement, pad, target);
        return placement;
    }

    /** {@link #write(DecodedImage, FloatBuffer)} for an upright picture already in memory. */
    public Placement write(BufferedImage image, FloatBuffer target) {
        return write(DecodedImage.upright(image), target);
    }
}
