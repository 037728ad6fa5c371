package dev.verge.inference.image;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.logging.Logger;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * JPEG pixels at about the size they are needed: through a {@link ScaledJpegDecoder} (libjpeg-turbo, Java 22+)
 * in the DCT domain when one is on the class path and works here, else through ImageIO with source subsampling,
 * which bounds memory the same way but still runs every inverse DCT. {@code -Dverge.jpeg.decoder=imageio} forces
 * the ImageIO path.
 */
public final class JpegDecoding {
    private static final Logger LOG = Logger.getLogger(JpegDecoding.class.getName());
    private static final Optional<ScaledJpegDecoder> SCALED = findScaled();

    private JpegDecoding() {}

    /** The decoder in use, for logs and metrics: {@code turbojpeg ...} or {@code imageio}. */
    public static String decoderName() {
        return SCALED.map(ScaledJpegDecoder::name).orElse("imageio");
    }

    static RgbImage decode(byte[] bytes, double scale) {
        if (SCALED.isPresent()) {
            RgbImage pixels = SCALED.get().decode(bytes, denominator(scale));
            if (!JpegMarkers.endsWithEndOfImage(bytes)) {
                throw new VergeException(ErrorKind.BAD_REQUEST, "image_corrupt",
                        "the JPEG has no end-of-image marker (truncated upload?); send the complete file");
            }
            return pixels;
        }
        return readWithImageIo(bytes, ImageDecoder.subsampling(scale));
    }

    /** The largest of 1/1, 1/2, 1/4, 1/8 that still covers {@code scale} of the picture. */
    static int denominator(double scale) {
        for (int d = 8; d > 1; d /= 2) {
            if (d * scale <= 1) {
                return d;
            }
        }
        return 1;
    }

    private static RgbImage readWithImageIo(byte[] bytes, int step) {
        ImageReader reader = ImageDecoder.reader(ImageFormat.JPEG);
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener((IIOReadWarningListener) (source, warning) -> warnings.add(warning));
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceSubsampling(step, step, 0, 0);
            RgbImage pixels = RgbImage.of(reader.read(0, param));
            ImageDecoder.checkJpegComplete(bytes, warnings);
            return pixels;
        } catch (VergeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw ImageDecoder.corrupt(ImageFormat.JPEG, e);
        } finally {
            reader.dispose();
        }
    }

    private static Optional<ScaledJpegDecoder> findScaled() {
        if ("imageio".equals(System.getProperty("verge.jpeg.decoder"))) {
            return Optional.empty();
        }
        if (Runtime.version().feature() < 22) {
            return Optional.empty(); // the shipped decoder is Java 22 bytecode (FFM): do not even load it
        }
        try {
            Iterator<ScaledJpegDecoder> found = ServiceLoader.load(ScaledJpegDecoder.class).iterator();
            while (found.hasNext()) {
                try {
                    ScaledJpegDecoder decoder = found.next();
                    LOG.fine(() -> "JPEG decoding with " + decoder.name());
                    return Optional.of(decoder);
                } catch (ServiceConfigurationError e) {
                    // the library is missing or native access is denied: fall back, and say why once
                    LOG.info("JPEG decoding with ImageIO (no DCT scaling): " + rootMessage(e));
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            LOG.info("JPEG decoding with ImageIO (no DCT scaling): " + rootMessage(e));
        }
        return Optional.empty();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
