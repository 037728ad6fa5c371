package dev.verge.inference.image;

import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.jpeg.JpegProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG, PNG and BMP recognized by their magic bytes. The pixel count is read from the header and
 * checked before any pixel is decoded; a JPEG's EXIF orientation is applied so the picture is upright.
 */
public final class ImageDecoder {
    static {
        ImageIO.setUseCache(false); // keep decoding in memory: no temp files on read-only serverless disks
    }

    private ImageDecoder() {}

    public static DecodedImage decode(byte[] bytes, ImageLimits limits) {
        if (bytes == null || bytes.length == 0) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "image_empty",
                    "the request has no image bytes; send a " + ImageFormat.ACCEPTED + " image");
        }
        if (bytes.length > limits.maxBytes()) {
            throw tooLarge(bytes.length, limits);
        }
        ImageFormat format = ImageFormat.detect(bytes).orElseThrow(() -> unsupported(bytes));
        BufferedImage image = read(bytes, format, limits);
        if (format == ImageFormat.JPEG) {
            image = Orientation.apply(image, exifOrientation(bytes));
        }
        return new DecodedImage(image, format.readerName());
    }

    /** Width and height from the header only, without decoding pixels. */
    public static java.awt.Dimension size(byte[] bytes) {
        ImageFormat format = ImageFormat.detect(bytes).orElseThrow(() -> unsupported(bytes));
        ImageReader reader = reader(format);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            return new java.awt.Dimension(reader.getWidth(0), reader.getHeight(0));
        } catch (IOException | RuntimeException e) {
            throw corrupt(format, e);
        } finally {
            reader.dispose();
        }
    }

    /** 413 {@code image_too_large}. */
    public static VergeException tooLarge(long size, ImageLimits limits) {
        return new VergeException(ErrorKind.PAYLOAD_TOO_LARGE, "image_too_large",
                "the image is larger than " + limits.maxBytes() + " bytes" + (size > 0 ? " (" + size + " bytes)" : "")
                        + "; send a smaller or more compressed image");
    }

    private static BufferedImage read(byte[] bytes, ImageFormat format, ImageLimits limits) {
        ImageReader reader = reader(format);
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new VergeException(ErrorKind.BAD_REQUEST, "image_corrupt",
                        "the " + format + " header says " + width + "x" + height + " pixels; expected a positive size");
            }
            long pixels = (long) width * height;
            if (pixels > limits.maxPixels()) {
                throw new VergeException(ErrorKind.PAYLOAD_TOO_LARGE, "image_too_many_pixels",
                        "the image is " + width + "x" + height + " (" + pixels + " pixels); at most "
                                + limits.maxPixels() + " pixels are accepted, send a smaller image");
            }
            reader.addIIOReadWarningListener((IIOReadWarningListener) (source, warning) -> warnings.add(warning));
            BufferedImage image = reader.read(0, reader.getDefaultReadParam());
            if (format == ImageFormat.JPEG) {
                checkJpegComplete(bytes, warnings);
            }
            return image;
        } catch (VergeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw corrupt(format, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * ImageIO decodes a truncated JPEG without an error, filling the missing part with grey: refuse a JPEG
     * whose decoder warned about a premature end, or that has no end-of-image marker.
     */
    private static void checkJpegComplete(byte[] bytes, List<String> warnings) {
        for (String warning : warnings) {
            String w = warning.toLowerCase(java.util.Locale.ROOT);
            if (w.contains("eoi") || w.contains("premature end") || w.contains("truncated")) {
                throw new VergeException(ErrorKind.BAD_REQUEST, "image_corrupt",
                        "the JPEG is truncated or damaged (" + warning + "); send the complete file");
            }
        }
        if (!JpegMarkers.endsWithEndOfImage(bytes)) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "image_corrupt",
                    "the JPEG has no end-of-image marker (truncated upload?); send the complete file");
        }
    }

    private static ImageReader reader(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.readerName());
        if (!readers.hasNext()) {
            throw new IllegalStateException("the JDK has no ImageIO reader for " + format);
        }
        return readers.next();
    }

    private static int exifOrientation(byte[] bytes) {
        try {
            Metadata metadata = JpegMetadataReader.readMetadata(new ByteArrayInputStream(bytes), List.of(new ExifReader()));
            ExifIFD0Directory exif = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (exif != null && exif.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                return exif.getInt(ExifIFD0Directory.TAG_ORIENTATION);
            }
        } catch (JpegProcessingException | IOException | MetadataException | RuntimeException e) {
            // damaged EXIF must not fail an otherwise good picture: treat it as upright
        }
        return 1;
    }

    private static VergeException unsupported(byte[] bytes) {
        Optional<String> known = ImageFormat.knownUnsupported(bytes);
        String found = known.map(name -> "found " + name).orElse("the bytes are not a recognized image");
        return new VergeException(ErrorKind.BAD_REQUEST, "image_unsupported_format",
                "expected a " + ImageFormat.ACCEPTED + " image, " + found);
    }

    private static VergeException corrupt(ImageFormat format, Exception e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (detail.contains("Unsupported Image Type")) {
            return new VergeException(ErrorKind.BAD_REQUEST, "image_unsupported_format",
                    "this " + format + " variant (for example CMYK) cannot be decoded; send an RGB or greyscale "
                            + ImageFormat.ACCEPTED + " image");
        }
        return new VergeException(ErrorKind.BAD_REQUEST, "image_corrupt",
                "the " + format + " image is truncated or damaged (" + detail + "); send the complete file", e);
    }

    /** EXIF orientation 1..8 to an upright image. */
    static final class Orientation {
        private Orientation() {}

        static BufferedImage apply(BufferedImage src, int orientation) {
            if (orientation <= 1 || orientation > 8) {
                return src;
            }
            int w = src.getWidth();
            int h = src.getHeight();
            boolean swaps = orientation >= 5;
            // x' = m00 x + m01 y + m02, y' = m10 x + m11 y + m12 (in pixel-edge coordinates)
            AffineTransform t = switch (orientation) {
                case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0);
                case 3 -> new AffineTransform(-1, 0, 0, -1, w, h);
                case 4 -> new AffineTransform(1, 0, 0, -1, 0, h);
                case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);
                case 6 -> new AffineTransform(0, 1, -1, 0, h, 0);
                case 7 -> new AffineTransform(0, -1, -1, 0, h, w);
                default -> new AffineTransform(0, -1, 1, 0, 0, w);
            };
            int type = switch (src.getType()) {
                case BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_INT_RGB -> src.getType();
                default -> BufferedImage.TYPE_3BYTE_BGR;
            };
            BufferedImage dst = new BufferedImage(swaps ? h : w, swaps ? w : h, type);
            new AffineTransformOp(t, AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(src, dst);
            return dst;
        }
    }
}
