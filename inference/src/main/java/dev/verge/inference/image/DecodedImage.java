package dev.verge.inference.image;

import java.awt.image.BufferedImage;

/**
 * A decoded picture, upright (EXIF orientation applied).
 *
 * @param format {@code jpeg}, {@code png} or {@code bmp}
 */
public record DecodedImage(BufferedImage image, String format) {
    public int width() {
        return image.getWidth();
    }

    public int height() {
        return image.getHeight();
    }
}
