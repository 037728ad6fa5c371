package dev.verge.inference.image;

import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.jpeg.JpegProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG, PNG and BMP recognized by their magic bytes, at about the size the caller needs: a JPEG in the
 * DCT domain at 1/2, 1/4 or 1/8 ({@link JpegDecoding}), PNG and BMP row by row with source subsampling, so the
 * work and the memory follow the model's input, not the photo. The pixel count is read from the header and
 * checked before any pixel is decoded; a JPEG's EXIF orientation travels with the pixels.
 */
public final class ImageDecoder {
    static {
        ImageIO.setUseCache(false); // keep decoding in memory: no temp files on read-only serverless disks
    }

    private ImageDecoder() {}

    /** Every pixel, at the picture's full size. */
    public static DecodedImage decode(byte[] bytes, ImageLimits limits) {
        return decode(bytes, limits, ResolutionNeed.FULL);
    }

    /** At the smallest size that still holds what {@code need} says will be used. */
    public static DecodedImage decode(byte[] bytes, ImageLimits limits, ResolutionNeed need) {
        if (bytes == null || bytes.length == 0) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "image_empty",
                    "the request has no image bytes; send a " + ImageFormat.ACCEPTED + " image");
        }
        if (bytes.length > limits.maxBytes()) {
            throw tooLarge(bytes.length, limits);
        }
        ImageFormat format = ImageFormat.detect(bytes).orElseThrow(() -> unsupported(bytes));
        if (format == ImageFormat.JPEG) {
            JpegMarkers.Frame frame = JpegMarkers.frame(bytes);
            if (frame == null) {
                throw new VergeException(ErrorKind.BAD_REQUEST, "image_corrupt",
                        "the JPEG has no frame header before its first scan; send the complete file");
            }
            checkSize(format, frame.width(), frame.height(), limits);
            int orientation = exifOrientation(bytes);
            boolean swaps = orientation >= 5 && orientation <= 8;
            int w = swaps ? frame.height() : frame.width();
            int h = swaps ? frame.width() : frame.height();
            RgbImage pixels = JpegDecoding.decode(bytes, need.scale(w, h));
            return new DecodedImage(pixels, w, h, orientation, format.readerName());
        }
        ImageReader reader = reader(format);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            checkSize(format, w, h, limits);
            ImageReadParam param = reader.getDefaultReadParam();
            double[] scales = need.scales(w, h);
            param.setSourceSubsampling(subsampling(scales[0]), subsampling(scales[1]), 0, 0);
            return new DecodedImage(RgbImage.of(reader.read(0, param)), w, h, 1, format.readerName());
        } catch (VergeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw corrupt(format, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Source subsampling keeps every n-th pixel (no averaging): keep at least twice the pixels the resize needs,
     * so the resampler's filter still averages and fine detail does not alias.
     */
    static int subsampling(double scale) {
        return scale >= 0.5 ? 1 : Math.max(1, (int) Math.floor(0.5 / scale));
    }

    private static void checkSize(ImageFormat format, int width, int height, ImageLimits limits) {
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
    }

    /**
     * Decodes a small picture shipped with the module at half size, so the first real request does not pay for
     * loading the JPEG decoder (libjpeg-turbo's symbols, the EXIF reader) and compiling its paths. Servers call
     * it while the model loads; it never throws.
     */
    public static void warmUp() {
        try (var in = ImageDecoder.class.getResourceAsStream("warm-up.jpg")) {
            if (in != null) {
                decode(in.readAllBytes(), ImageLimits.defaults(), (w, h) -> new double[] {0.5, 0.5});
            }
        } catch (IOException | RuntimeException e) {
            // a warm-up that fails only means the first request warms up instead
        }
    }

    /** 413 {@code image_too_large}. */
    public static VergeException tooLarge(long size, ImageLimits limits) {
        return new VergeException(ErrorKind.PAYLOAD_TOO_LARGE, "image_too_large",
                "the image is larger than " + limits.maxBytes() + " bytes" + (size > 0 ? " (" + size + " bytes)" : "")
                        + "; send a smaller or more compressed image");
    }

    /**
     * ImageIO decodes a truncated JPEG without an error, filling the missing part with grey: refuse a JPEG
     * whose decoder warned about a premature end, or that has no end-of-image marker.
     */
    static void checkJpegComplete(byte[] bytes, List<String> warnings) {
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

    static ImageReader reader(ImageFormat format) {
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

    static VergeException corrupt(ImageFormat format, Exception e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (detail.contains("Unsupported Image Type")) {
            return new VergeException(ErrorKind.BAD_REQUEST, "image_unsupported_format",
                    "this " + format + " variant (for example CMYK) cannot be decoded; send an RGB or greyscale "
                            + ImageFormat.ACCEPTED + " image");
        }
        return new VergeException(ErrorKind.BAD_REQUEST, "image_corrupt",
                "the " + format + " image is truncated or damaged (" + detail + "); send the complete file", e);
    }
}
