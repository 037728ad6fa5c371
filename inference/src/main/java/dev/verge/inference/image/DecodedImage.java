package dev.verge.inference.image;

import java.awt.image.BufferedImage;

/**
 * A decoded picture: its pixels as stored, possibly decoded at a reduced size, and the EXIF orientation that
 * turns them upright.
 *
 * @param pixels      the stored pixels (before orientation), at most the picture's size
 * @param width       the upright picture's full width (as the client sent it, orientation applied)
 * @param height      the upright picture's full height
 * @param orientation EXIF orientation 1..8 (1: already upright)
 * @param format      {@code jpeg}, {@code png} or {@code bmp}
 */
public record DecodedImage(RgbImage pixels, int width, int height, int orientation, String format) {

    /** An upright picture already in memory, at its full size. */
    public static DecodedImage upright(BufferedImage image) {
        return new DecodedImage(RgbImage.of(image), image.getWidth(), image.getHeight(), 1, "memory");
    }

    /** The decoded pixels turned upright, at the size they were decoded (for tests and tools, not the hot path). */
    public BufferedImage toUprightImage() {
        boolean swaps = orientation >= 5 && orientation <= 8;
        int sw = pixels.width();
        int sh = pixels.height();
        int w = swaps ? sh : sw;
        int h = swaps ? sw : sh;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                int ux;
                int uy;
                switch (orientation) {
                    case 2 -> { ux = sw - 1 - x; uy = y; }
                    case 3 -> { ux = sw - 1 - x; uy = sh - 1 - y; }
                    case 4 -> { ux = x; uy = sh - 1 - y; }
                    case 5 -> { ux = y; uy = x; }
                    case 6 -> { ux = sh - 1 - y; uy = x; }
                    case 7 -> { ux = sh - 1 - y; uy = sw - 1 - x; }
                    case 8 -> { ux = y; uy = sw - 1 - x; }
                    default -> { ux = x; uy = y; }
                }
                out.setRGB(ux, uy, pixels.rgbAt(x, y));
            }
        }
        return out;
    }
}
