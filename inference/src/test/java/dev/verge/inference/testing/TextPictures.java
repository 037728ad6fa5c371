package dev.verge.inference.testing;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * A line of large black text on white, 4:1 like the PaddleOCR orientation classifier's 192x48 input (it was trained on
 * tight text-line crops), upright or turned 180 degrees: for the inference tests and the agent's.
 */
public final class TextPictures {
    private TextPictures() {}

    /** Large black text on white, left-aligned, 384x96 (shrunk only if it would not fit). */
    public static BufferedImage text(String s) {
        BufferedImage image = new BufferedImage(384, 96, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.BLACK);
            Font font = new Font(Font.SANS_SERIF, Font.BOLD, 56);
            g.setFont(font);
            int width = g.getFontMetrics().stringWidth(s);
            if (width > image.getWidth() - 16) {
                g.setFont(font.deriveFont(56f * (image.getWidth() - 16) / width));
            }
            var metrics = g.getFontMetrics();
            int y = (image.getHeight() - metrics.getHeight()) / 2 + metrics.getAscent();
            g.drawString(s, 8, y);
        } finally {
            g.dispose();
        }
        return image;
    }

    public static BufferedImage rotate180(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(src, new AffineTransform(-1, 0, 0, -1, src.getWidth(), src.getHeight()), null);
        g.dispose();
        return out;
    }

    /** {@link #text} as PNG bytes, turned 180 degrees when {@code upsideDown}. */
    public static byte[] png(String text, boolean upsideDown) {
        BufferedImage upright = text(text);
        return png(upsideDown ? rotate180(upright) : upright);
    }

    public static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
