package dev.verge.inference.image;

import java.util.Optional;

/** The formats Verge decodes, recognized by their magic bytes (never by a file name or content type). */
public enum ImageFormat {
    JPEG("jpeg"),
    PNG("png"),
    BMP("bmp");

    public static final String ACCEPTED = "JPEG, PNG or BMP";

    private final String readerName;

    ImageFormat(String readerName) {
        this.readerName = readerName;
    }

    String readerName() {
        return readerName;
    }

    public static Optional<ImageFormat> detect(byte[] b) {
        if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of(PNG);
        }
        if (startsWith(b, 'B', 'M') && b.length >= 26) {
            return Optional.of(BMP);
        }
        return Optional.empty();
    }

    /** A name for formats we recognize but do not decode, for a helpful message. */
    static Optional<String> knownUnsupported(byte[] b) {
        if (startsWith(b, 'G', 'I', 'F', '8')) {
            return Optional.of("GIF");
        }
        if (startsWith(b, 'R', 'I', 'F', 'F') && b.length >= 12 && b[8] == 'W' && b[9] == 'E' && b[10] == 'B'
                && b[11] == 'P') {
            return Optional.of("WebP");
        }
        if (startsWith(b, 'I', 'I', 0x2A, 0x00) || startsWith(b, 'M', 'M', 0x00, 0x2A)) {
            return Optional.of("TIFF");
        }
        if (b.length >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
            return Optional.of("HEIC/AVIF");
        }
        if (startsWith(b, 0x00, 0x00, 0x01, 0x00)) {
            return Optional.of("ICO");
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] b, int... magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
