package dev.verge.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.MultipleGradientPaint;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Point2D;
import java.awt.geom.QuadCurve2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Fruit-like pictures for the demo, tests and benchmarks: a shaded fruit on a neutral grey background.
 * A file name starts with the label the demo model should give it: {@code ripe-red-apple.jpg}.
 */
public final class SampleImages {
    /** One kind of picture: what it shows, its colour and its size. */
    public record Fruit(String name, Outline outline, Color colour, int width, int height) {
        /** The label the demo model should answer: the name's prefix. */
        public String expectedLabel() {
            return name.substring(0, name.indexOf('-'));
        }
    }

    /** The outline of a fruit. */
    public enum Outline { ROUND, PEAR, BANANA }

    public static final List<Fruit> FRUITS = List.of(
            new Fruit("ripe-red-apple", Outline.ROUND, new Color(196, 32, 38), 320, 240),
            new Fruit("ripe-yellow-banana", Outline.BANANA, new Color(240, 192, 44), 400, 300),
            new Fruit("ripe-orange-peach", Outline.ROUND, new Color(236, 136, 62), 256, 256),
            new Fruit("ripe-red-tomato", Outline.ROUND, new Color(214, 44, 30), 480, 360),
            new Fruit("unripe-green-apple", Outline.ROUND, new Color(118, 186, 62), 320, 240),
            new Fruit("unripe-green-pear", Outline.PEAR, new Color(150, 190, 72), 300, 400),
            new Fruit("unripe-green-banana", Outline.BANANA, new Color(126, 176, 58), 400, 300),
            new Fruit("unripe-green-tomato", Outline.ROUND, new Color(98, 158, 70), 256, 256));

    private SampleImages() {}

    /** Every fruit as JPEG and PNG: {@code ripe-red-apple.jpg}, {@code ripe-red-apple.png}, ... in a stable order. */
    public static Map<String, byte[]> samples() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Fruit fruit : FRUITS) {
            BufferedImage image = render(fruit);
            out.put(fruit.name() + ".jpg", encode(image, "jpg"));
            out.put(fruit.name() + ".png", encode(image, "png"));
        }
        return out;
    }

    /** The label a sample file should get: the prefix of its name ({@code ripe} or {@code unripe}). */
    public static String expectedLabel(String fileName) {
        return fileName.substring(0, fileName.indexOf('-'));
    }

    /** A JPEG of the given fruit (by name, e.g. {@code ripe-red-apple}). */
    public static byte[] jpeg(String fruitName) {
        return encode(render(fruit(fruitName)), "jpg");
    }

    public static Fruit fruit(String name) {
        return FRUITS.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no sample fruit " + name + "; known: "
                        + FRUITS.stream().map(Fruit::name).toList()));
    }

    /** Draws the picture (deterministic: same pixels on every run). */
    public static BufferedImage render(Fruit fruit) {
        int w = fruit.width();
        int h = fruit.height();
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            // neutral background: equal red and green, so it does not tip the classifier
            g.setPaint(new GradientPaint(0, 0, new Color(232, 232, 230), 0, h, new Color(200, 200, 198)));
            g.fillRect(0, 0, w, h);

            Shape body = outline(fruit.outline(), w, h);
            var bounds = body.getBounds2D();
            g.setColor(new Color(150, 150, 150, 110));
            g.fill(new Ellipse2D.Double(bounds.getX() + bounds.getWidth() * 0.1, bounds.getMaxY() - bounds.getHeight() * 0.08,
                    bounds.getWidth() * 0.9, bounds.getHeight() * 0.16));

            Color base = fruit.colour();
            Point2D light = new Point2D.Double(bounds.getX() + bounds.getWidth() * 0.35,
                    bounds.getY() + bounds.getHeight() * 0.3);
            float radius = (float) Math.max(bounds.getWidth(), bounds.getHeight()) * 0.75f;
            g.setPaint(new RadialGradientPaint(light, radius, new float[] {0f, 0.45f, 1f},
                    new Color[] {mix(base, Color.WHITE, 0.35), base, mix(base, Color.BLACK, 0.45)},
                    MultipleGradientPaint.CycleMethod.NO_CYCLE));
            g.fill(body);

            if (fruit.outline() != Outline.BANANA) {
                g.setColor(new Color(92, 66, 40));
                g.setStroke(new BasicStroke(Math.max(2f, w / 80f), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                double cx = bounds.getCenterX();
                double top = bounds.getY();
                g.draw(new QuadCurve2D.Double(cx, top + bounds.getHeight() * 0.08, cx + 4, top - h * 0.02,
                        cx + w * 0.03, top - h * 0.06));
            }
        } finally {
            g.dispose();
        }
        addGrain(image, fruit.name().hashCode());
        return image;
    }

    private static Shape outline(Outline outline, int w, int h) {
        double cx = w / 2.0;
        double cy = h / 2.0 + h * 0.03;
        double size = Math.min(w, h);
        return switch (outline) {
            case ROUND -> new Ellipse2D.Double(cx - size * 0.36, cy - size * 0.34, size * 0.72, size * 0.68);
            case PEAR -> {
                Area pear = new Area(new Ellipse2D.Double(cx - size * 0.36, cy - size * 0.05, size * 0.72, size * 0.66));
                pear.add(new Area(new Ellipse2D.Double(cx - size * 0.22, cy - size * 0.45, size * 0.44, size * 0.58)));
                yield pear;
            }
            case BANANA -> {
                Area banana = new Area(new Ellipse2D.Double(cx - w * 0.42, cy - h * 0.34, w * 0.84, h * 0.62));
                banana.subtract(new Area(new Ellipse2D.Double(cx - w * 0.46, cy - h * 0.60, w * 0.92, h * 0.62)));
                yield banana.createTransformedArea(AffineTransform.getRotateInstance(-0.12, cx, cy));
            }
        };
    }

    /** A little neutral sensor noise, the same on every channel, so JPEG has something real to compress. */
    private static void addGrain(BufferedImage image, long seed) {
        Random random = new Random(seed);
        int[] row = new int[image.getWidth()];
        for (int y = 0; y < image.getHeight(); y++) {
            image.getRGB(0, y, row.length, 1, row, 0, row.length);
            for (int x = 0; x < row.length; x++) {
                int n = random.nextInt(9) - 4;
                int r = clamp(((row[x] >> 16) & 0xFF) + n);
                int gr = clamp(((row[x] >> 8) & 0xFF) + n);
                int b = clamp((row[x] & 0xFF) + n);
                row[x] = (r << 16) | (gr << 8) | b;
            }
            image.setRGB(0, y, row.length, 1, row, 0, row.length);
        }
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static Color mix(Color a, Color b, double t) {
        return new Color((int) Math.round(a.getRed() * (1 - t) + b.getRed() * t),
                (int) Math.round(a.getGreen() * (1 - t) + b.getGreen() * t),
                (int) Math.round(a.getBlue() * (1 - t) + b.getBlue() * t));
    }

    /** JPEG ({@code jpg}), PNG or BMP bytes of an RGB picture. */
    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
