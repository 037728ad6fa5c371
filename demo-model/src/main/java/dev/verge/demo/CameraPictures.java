package dev.verge.demo;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Pictures the size cameras send (1080p video frames, 12 MP stills) with photo-like content: a sample fruit with
 * surface texture at several scales and sensor noise, so a JPEG of it is as large as a camera's (about 0.2
 * bytes per pixel at quality 90), not a flat picture that compresses to nothing. Deterministic.
 */
public final class CameraPictures {
    /** A 1080p video frame. */
    public static final int[] FULL_HD = {1920, 1080};
    /** A Raspberry Pi camera module 3 still (12 MP). */
    public static final int[] TWELVE_MP = {4000, 3000};

    private CameraPictures() {}

    /** The fruit of {@link SampleImages} named {@code fruitName} at {@code width x height}, as a JPEG of quality 90. */
    public static byte[] jpeg(String fruitName, int width, int height) {
        return jpeg(render(fruitName, width, height), 0.9f);
    }

    public static BufferedImage render(String fruitName, int width, int height) {
        SampleImages.Fruit base = SampleImages.fruit(fruitName);
        BufferedImage image = SampleImages.render(new SampleImages.Fruit(base.name(), base.outline(), base.colour(),
                width, height));
        addTexture(image, fruitName.hashCode());
        return image;
    }

    /** Value noise at three scales (blotches, grain of the surface, pixel noise), the same on every channel. */
    private static void addTexture(BufferedImage image, long seed) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] coarse = lattice(seed, w, h, 96);
        float[] medium = lattice(seed + 1, w, h, 12);
        Random random = new Random(seed + 2);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int n = Math.round(10 * sample(coarse, w, h, 96, x, y) + 7 * sample(medium, w, h, 12, x, y))
                        + random.nextInt(7) - 3;
                int px = row[x];
                row[x] = clamp(((px >> 16) & 0xFF) + n) << 16 | clamp(((px >> 8) & 0xFF) + n) << 8
                        | clamp((px & 0xFF) + n);
            }
            image.setRGB(0, y, w, 1, row, 0, w);
        }
    }

    private static float[] lattice(long seed, int w, int h, int cell) {
        int cols = w / cell + 2;
        int rows = h / cell + 2;
        Random random = new Random(seed);
        float[] values = new float[cols * rows];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }

    private static float sample(float[] lattice, int w, int h, int cell, int x, int y) {
        int cols = w / cell + 2;
        float fx = (float) x / cell;
        float fy = (float) y / cell;
        int ix = (int) fx;
        int iy = (int) fy;
        float tx = fx - ix;
        float ty = fy - iy;
        float top = lattice[iy * cols + ix] * (1 - tx) + lattice[iy * cols + ix + 1] * tx;
        float bottom = lattice[(iy + 1) * cols + ix] * (1 - tx) + lattice[(iy + 1) * cols + ix + 1] * tx;
        return top * (1 - ty) + bottom * ty;
    }

    /** JPEG bytes at {@code quality} (0..1). */
    public static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
