package dev.verge.inference.image;

import dev.verge.inference.pkg.Manifest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;
import java.nio.FloatBuffer;

/**
 * Turns a picture into the model's input tensor exactly as the manifest says: resize (stretch, center-crop,
 * letterbox with bars of the manifest's grey, or fit-multiple for dynamic-size models) to the tensor size, channel
 * order RGB or BGR, layout NCHW or NHWC, and
 * value = (byte / scale - mean[c]) / std[c], where c counts the model's channels in {@code channels} order.
 * Pixels are read in bulk from the resized picture's int array; values come from a per-channel lookup table.
 */
public final class Preprocessor {
    private final int width;
    private final int height;
    private final boolean nchw;
    private final String resize;
    private final int multiple;
    private final int maxSide;
    private final Color pad;
    /** For model channel c, the bit shift of its colour inside a 0xRRGGBB pixel. */
    private final int[] sourceShift;
    private final float[][] lookup = new float[3][256];

    public Preprocessor(Manifest.InputSpec spec) {
        this.width = spec.width();
        this.height = spec.height();
        this.nchw = spec.isNchw();
        this.resize = spec.resize();
        this.multiple = spec.multiple();
        this.maxSide = spec.maxSide();
        this.pad = new Color(spec.padValue(), spec.padValue(), spec.padValue());
        this.sourceShift = spec.isBgr() ? new int[] {0, 8, 16} : new int[] {16, 8, 0};
        double[] mean = spec.mean();
        double[] std = spec.std();
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                lookup[c][v] = (float) ((v / spec.scale() - mean[c]) / std[c]);
            }
        }
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
     * Resizes {@code image} and writes its values into {@code target} at indexes 0 .. placement.elementCount()-1;
     * returns where the picture went, to map detections back.
     */
    public Placement write(BufferedImage image, FloatBuffer target) {
        Placement placement = placement(image.getWidth(), image.getHeight());
        if (target.capacity() < placement.elementCount()) {
            throw new IllegalArgumentException("buffer holds " + target.capacity() + " floats, expected "
                    + placement.elementCount());
        }
        int[] rgb = ((DataBufferInt) resize(image, placement).getRaster().getDataBuffer()).getData();
        int pixels = placement.tensorWidth() * placement.tensorHeight();
        float[] l0 = lookup[0];
        float[] l1 = lookup[1];
        float[] l2 = lookup[2];
        int s0 = sourceShift[0];
        int s1 = sourceShift[1];
        int s2 = sourceShift[2];
        if (nchw) {
            for (int p = 0; p < pixels; p++) {
                int px = rgb[p];
                target.put(p, l0[(px >> s0) & 0xFF]);
                target.put(pixels + p, l1[(px >> s1) & 0xFF]);
                target.put(2 * pixels + p, l2[(px >> s2) & 0xFF]);
            }
        } else {
            for (int p = 0, t = 0; p < pixels; p++, t += 3) {
                int px = rgb[p];
                target.put(t, l0[(px >> s0) & 0xFF]);
                target.put(t + 1, l1[(px >> s1) & 0xFF]);
                target.put(t + 2, l2[(px >> s2) & 0xFF]);
            }
        }
        return placement;
    }

    /**
     * The picture at the model's size as a plain TYPE_INT_RGB image (one 0xRRGGBB int per pixel). Bilinear;
     * a picture drawn at half its size or less is first halved step by step (each step averages 2x2 pixels),
     * so a large photo shrinks without aliasing.
     */
    BufferedImage resize(BufferedImage src) {
        return resize(src, placement(src.getWidth(), src.getHeight()));
    }

    private BufferedImage resize(BufferedImage src, Placement p) {
        int w = src.getWidth();
        int h = src.getHeight();
        int width = p.tensorWidth();
        int height = p.tensorHeight();
        if (w == width && h == height && isPlainIntRgb(src)) {
            return src;
        }
        double sx = p.scaleX();
        double sy = p.scaleY();
        double tx = p.offsetX();
        double ty = p.offsetY();
        boolean bars = w * sx < width - 0.5 || h * sy < height - 0.5;
        BufferedImage picture = src;
        while (sx <= 0.5 && sy <= 0.5 && picture.getWidth() >= 2 && picture.getHeight() >= 2) {
            int hw = picture.getWidth() / 2;
            int hh = picture.getHeight() / 2;
            sx *= (double) picture.getWidth() / hw;
            sy *= (double) picture.getHeight() / hh;
            picture = draw(picture, hw, hh, AffineTransform.getScaleInstance(
                    (double) hw / picture.getWidth(), (double) hh / picture.getHeight()), null);
        }
        AffineTransform t = AffineTransform.getTranslateInstance(tx, ty);
        t.scale(sx, sy);
        return draw(picture, width, height, t, bars ? pad : null);
    }

    private static BufferedImage draw(BufferedImage src, int w, int h, AffineTransform t, Color bars) {
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = dst.createGraphics();
        try {
            if (bars != null && bars.getRGB() != Color.BLACK.getRGB()) {
                g.setColor(bars);
                g.fillRect(0, 0, w, h);
            }
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_SPEED);
            g.drawImage(src, t, null);
        } finally {
            g.dispose();
        }
        return dst;
    }

    private static boolean isPlainIntRgb(BufferedImage image) {
        return image.getType() == BufferedImage.TYPE_INT_RGB
                && image.getRaster().getParent() == null
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0
                && image.getSampleModel() instanceof SinglePixelPackedSampleModel sm
                && sm.getScanlineStride() == image.getWidth()
                && ((DataBufferInt) image.getRaster().getDataBuffer()).getOffset() == 0;
    }
}
