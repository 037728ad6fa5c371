package dev.verge.inference.image;

import dev.verge.inference.pkg.Manifest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.nio.FloatBuffer;

/**
 * Turns a picture into the model's input tensor exactly as the manifest says: resize (stretch, center-crop or
 * letterbox with black bars) to width x height, channel order RGB or BGR, layout NCHW or NHWC, and
 * value = (byte / scale - mean[c]) / std[c], where c counts the model's channels in {@code channels} order.
 * Pixels are read in bulk from the byte raster; values come from a per-channel lookup table.
 */
public final class Preprocessor {
    private final int width;
    private final int height;
    private final boolean nchw;
    private final String resize;
    /** For model channel c, the byte offset of its colour inside a B,G,R pixel. */
    private final int[] sourceOffset;
    private final float[][] lookup = new float[3][256];

    public Preprocessor(Manifest.InputSpec spec) {
        this.width = spec.width();
        this.height = spec.height();
        this.nchw = spec.isNchw();
        this.resize = spec.resize();
        this.sourceOffset = spec.isBgr() ? new int[] {0, 1, 2} : new int[] {2, 1, 0};
        double[] mean = spec.mean();
        double[] std = spec.std();
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                lookup[c][v] = (float) ((v / spec.scale() - mean[c]) / std[c]);
            }
        }
    }

    /** Number of floats of one image: 3 x width x height. */
    public int elementCount() {
        return 3 * width * height;
    }

    /** The tensor shape for a batch of one. */
    public long[] shape() {
        return nchw ? new long[] {1, 3, height, width} : new long[] {1, height, width, 3};
    }

    /** Resizes {@code image} and writes its values into {@code target} at indexes 0 .. elementCount()-1. */
    public void write(BufferedImage image, FloatBuffer target) {
        if (target.capacity() < elementCount()) {
            throw new IllegalArgumentException("buffer holds " + target.capacity() + " floats, expected "
                    + elementCount());
        }
        byte[] bgr = ((DataBufferByte) resize(image).getRaster().getDataBuffer()).getData();
        int pixels = width * height;
        float[] l0 = lookup[0];
        float[] l1 = lookup[1];
        float[] l2 = lookup[2];
        int o0 = sourceOffset[0];
        int o1 = sourceOffset[1];
        int o2 = sourceOffset[2];
        if (nchw) {
            for (int p = 0, s = 0; p < pixels; p++, s += 3) {
                target.put(p, l0[bgr[s + o0] & 0xFF]);
                target.put(pixels + p, l1[bgr[s + o1] & 0xFF]);
                target.put(2 * pixels + p, l2[bgr[s + o2] & 0xFF]);
            }
        } else {
            for (int p = 0, s = 0; p < pixels; p++, s += 3) {
                target.put(s, l0[bgr[s + o0] & 0xFF]);
                target.put(s + 1, l1[bgr[s + o1] & 0xFF]);
                target.put(s + 2, l2[bgr[s + o2] & 0xFF]);
            }
        }
    }

    /** The picture at the model's size as a plain TYPE_3BYTE_BGR image (B,G,R bytes, no padding). */
    public BufferedImage resize(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        if (w == width && h == height && isPlainBgr(src)) {
            return src;
        }
        BufferedImage dst = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = dst.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_SPEED);
            switch (resize) {
                case Manifest.InputSpec.CENTER_CROP -> {
                    double s = Math.max((double) width / w, (double) height / h);
                    AffineTransform t = AffineTransform.getTranslateInstance((width - w * s) / 2, (height - h * s) / 2);
                    t.scale(s, s);
                    g.drawImage(src, t, null);
                }
                case Manifest.InputSpec.LETTERBOX -> {
                    double s = Math.min((double) width / w, (double) height / h);
                    int nw = Math.max(1, (int) Math.round(w * s));
                    int nh = Math.max(1, (int) Math.round(h * s));
                    g.setColor(Color.BLACK);
                    g.fillRect(0, 0, width, height);
                    g.drawImage(src, (width - nw) / 2, (height - nh) / 2, nw, nh, null);
                }
                default -> g.drawImage(src, 0, 0, width, height, null);
            }
        } finally {
            g.dispose();
        }
        return dst;
    }

    private static boolean isPlainBgr(BufferedImage image) {
        return image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && image.getRaster().getParent() == null
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0
                && image.getSampleModel() instanceof ComponentSampleModel sm
                && sm.getScanlineStride() == image.getWidth() * 3
                && sm.getPixelStride() == 3
                && image.getRaster().getDataBuffer().getNumBanks() == 1
                && ((DataBufferByte) image.getRaster().getDataBuffer()).getOffset() == 0;
    }
}
