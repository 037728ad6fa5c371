package dev.verge.inference.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.image.TestImages;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.predict.BoundingBox;
import dev.verge.inference.predict.LabelScore;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.testing.TestPackages;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real detector Verge did not make: PaddleOCR's PP-OCRv4 text detector (DB), fetched by
 * {@code ./verge fetch-test-models}, on pictures drawn here with text lines at known places. Every line must be
 * found with IoU >= 0.5, nothing else may be found, and a blank picture gives nothing. Skipped with a message when
 * the model has not been fetched.
 */
class PaddleOcrTextDetectorTest {
    @TempDir
    static Path dir;
    private static Model model;

    /** A line of text and where it is drawn: baseline start (x, y) and font size, in a 800x600 picture. */
    record Line(String text, int x, int y, int size) {}

    private static final List<Line> LINES = List.of(
            new Line("Verge reads this line", 40, 90, 36),
            new Line("ripe fruit 42 kg", 330, 220, 28),
            new Line("SORTING LINE 7", 60, 380, 48),
            new Line("edge box online", 430, 530, 24));

    @BeforeAll
    static void load() {
        Assumptions.assumeTrue(TestPackages.ocrDetectorModel().isPresent(),
                "PaddleOCR detector not found under " + TestPackages.vergeRoot()
                        + "/.cache/ocr-models; run ./verge fetch-test-models");
        try (ModelPackage pkg = ModelPackage.open(TestPackages.ocrDetectorPackage(dir))) {
            model = Model.load(pkg, ThreadSettings.forAvailableCpus());
        }
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void predict_textLinesOnWhite_everyLineFoundAndNothingElse() {
        assertFinds(1, TestImages.encode(draw(1), "png"));
    }

    /** 1600x1200: shrunk to 960x720 before the model, boxes scaled back to the picture. */
    @Test
    void predict_largePicture_linesFoundAfterShrinking() {
        assertFinds(2, TestImages.encode(draw(2), "png"));
    }

    /** The picture stored lying on its side (turned 90 degrees counter-clockwise), EXIF 6 to show it upright. */
    @Test
    void predict_exifRotatedJpeg_boxesInTheUprightPicture() {
        assertFinds(1, TestImages.jpeg(rotateCounterClockwise(draw(1)), 6));
    }

    @Test
    void predict_blankPicture_findsNothing() {
        Prediction p = model.predict(TestImages.encode(TestImages.white(800, 600), "png"), ImageLimits.defaults());
        assertThat(p.predictions()).isEmpty();
    }

    private static void assertFinds(int scale, byte[] image) {
        Prediction p = model.predict(image, ImageLimits.defaults());
        List<BoundingBox> truth = truth(scale);
        assertThat(p.imageWidth()).isEqualTo(800 * scale);
        for (int i = 0; i < truth.size(); i++) {
            BoundingBox expected = truth.get(i);
            double best = p.predictions().stream().mapToDouble(s -> iou(s.boundingBox(), expected)).max().orElse(0);
            assertThat(best).as("IoU of the best box for line %d \"%s\" at %s; found %s", i, LINES.get(i).text(),
                    expected, p.predictions()).isGreaterThanOrEqualTo(0.5);
        }
        for (LabelScore s : p.predictions()) {
            assertThat(s.tagName()).isEqualTo("text");
            assertThat(s.probability()).isBetween(0.6, 1.0);
            double best = truth.stream().mapToDouble(t -> iou(s.boundingBox(), t)).max().orElse(0);
            assertThat(best).as("box %s matches no line", s.boundingBox()).isGreaterThanOrEqualTo(0.5);
        }
        assertThat(p.predictions()).hasSize(LINES.size());
    }

    /** Black lines on white, everything scaled by {@code scale}. */
    private static BufferedImage draw(int scale) {
        BufferedImage image = TestImages.white(800 * scale, 600 * scale);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            for (Line line : LINES) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, line.size() * scale));
                g.drawString(line.text(), line.x() * scale, line.y() * scale);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Each line's ink: the tight box of its dark pixels, drawn alone, normalized to the picture. */
    private static List<BoundingBox> truth(int scale) {
        List<BoundingBox> boxes = new ArrayList<>();
        int w = 800 * scale;
        int h = 600 * scale;
        for (Line line : LINES) {
            BufferedImage alone = TestImages.white(w, h);
            Graphics2D g = alone.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, line.size() * scale));
            g.drawString(line.text(), line.x() * scale, line.y() * scale);
            g.dispose();
            int minX = w;
            int minY = h;
            int maxX = -1;
            int maxY = -1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if ((alone.getRGB(x, y) & 0xFF) < 128) {
                        minX = Math.min(minX, x);
                        maxX = Math.max(maxX, x);
                        minY = Math.min(minY, y);
                        maxY = Math.max(maxY, y);
                    }
                }
            }
            boxes.add(new BoundingBox((double) minX / w, (double) minY / h, (double) (maxX + 1 - minX) / w,
                    (double) (maxY + 1 - minY) / h));
        }
        return boxes;
    }

    /** The stored pixels of a picture that EXIF orientation 6 turns back upright. */
    private static BufferedImage rotateCounterClockwise(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getHeight(), src.getWidth(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                out.setRGB(y, src.getWidth() - 1 - x, src.getRGB(x, y));
            }
        }
        return out;
    }

    static double iou(BoundingBox a, BoundingBox b) {
        double iw = Math.min(a.left() + a.width(), b.left() + b.width()) - Math.max(a.left(), b.left());
        double ih = Math.min(a.top() + a.height(), b.top() + b.height()) - Math.max(a.top(), b.top());
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double intersection = iw * ih;
        return intersection / (a.width() * a.height() + b.width() * b.height() - intersection);
    }
}
