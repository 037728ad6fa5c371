package dev.verge.edge;

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
 * tight text-line crops), upright or turned 180 degrees, as PNG bytes.
 */
public final class TextPictures {
    private TextPictures() {}

    public static byte[] png(String text, boolean upsideDown) {
        BufferedImage image = new BufferedImage(384, 96, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            if (upsideDown) {
                g.setTransform(AffineTransform.getRotateInstance(Math.PI, image.getWidth() / 2.0, image.getHeight() / 2.0));
            }
            g.setColor(Color.BLACK);
            Font font = new Font(Font.SANS_SERIF, Font.BOLD, 56);
            g.setFont(font);
            int width = g.getFontMetrics().stringWidth(text);
            if (width > image.getWidth() - 16) {
                g.setFont(font.deriveFont(56f * (image.getWidth() - 16) / width));
            }
            var metrics = g.getFontMetrics();
            int y = (image.getHeight() - metrics.getHeight()) / 2 + metrics.getAscent();
            g.drawString(text, 8, y); // left-aligned, as the inference tests draw it
        } finally {
            g.dispose();
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
