package dev.verge.inference.image;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;

/**
 * Pixels as the decoder stored them (before EXIF orientation): {@code width x height} pixels, three bytes each
 * in R, G, B order, rows packed one after the other.
 */
public record RgbImage(byte[] rgb, int width, int height) {
    public RgbImage {
        if (width <= 0 || height <= 0 || rgb.length < 3L * width * height) {
            throw new IllegalArgumentException("expected " + width + "x" + height + " RGB pixels (" + 3L * width * height
                    + " bytes), found " + rgb.length + " bytes");
        }
    }

    /** 0xRRGGBB of pixel (x, y). */
    public int rgbAt(int x, int y) {
        int i = 3 * (y * width + x);
        return (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | (rgb[i + 2] & 0xFF);
    }

    /**
     * The pixels of any ImageIO or Java2D picture. Transparent pixels are composed onto black, as drawing the
     * picture onto an opaque one would.
     */
    public static RgbImage of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[3 * w * h];
        if (isPackedBgr(image)) {
            byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < out.length; i += 3) {
                out[i] = bgr[i + 2];
                out[i + 1] = bgr[i + 1];
                out[i + 2] = bgr[i];
            }
            return new RgbImage(out, w, h);
        }
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            // getRGB would convert the linear grey colour space to sRGB; a grey picture's samples are its values
            int[] grey = new int[w];
            for (int y = 0, o = 0; y < h; y++) {
                image.getRaster().getSamples(0, y, w, 1, 0, grey);
                for (int x = 0; x < w; x++, o += 3) {
                    byte v = (byte) grey[x];
                    out[o] = v;
                    out[o + 1] = v;
                    out[o + 2] = v;
                }
            }
            return new RgbImage(out, w, h);
        }
        int[] row = new int[w];
        boolean alpha = image.getColorModel().hasAlpha();
        for (int y = 0, o = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++, o += 3) {
                int argb = row[x];
                int a = alpha ? argb >>> 24 : 255;
                out[o] = (byte) (((argb >> 16) & 0xFF) * a / 255);
                out[o + 1] = (byte) (((argb >> 8) & 0xFF) * a / 255);
                out[o + 2] = (byte) ((argb & 0xFF) * a / 255);
            }
        }
        return new RgbImage(out, w, h);
    }

    private static boolean isPackedBgr(BufferedImage image) {
        return image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && image.getRaster().getParent() == null
                && image.getRaster().getDataBuffer() instanceof DataBufferByte buffer
                && buffer.getNumBanks() == 1 && buffer.getOffset() == 0
                && image.getSampleModel() instanceof ComponentSampleModel sm
                && sm.getScanlineStride() == 3 * image.getWidth() && sm.getPixelStride() == 3
                && image.getRaster().getSampleModelTranslateX() == 0 && image.getRaster().getSampleModelTranslateY() == 0
                && buffer.getData().length == 3 * image.getWidth() * image.getHeight();
    }
}
