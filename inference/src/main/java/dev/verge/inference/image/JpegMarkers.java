package dev.verge.inference.image;

/** Byte-level JPEG reading: the frame header, and the checks that decoders do not make. */
final class JpegMarkers {
    private JpegMarkers() {}

    /** The frame header (SOFn): the stored size. */
    record Frame(int width, int height) {}

    /** The first frame header before the first scan; null when there is none. */
    static Frame frame(byte[] b) {
        int i = 2; // after SOI
        while (i + 3 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return null; // a scan or the end before any frame header
            }
            int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            if (length < 2 || i + 2 + length > b.length) {
                return null;
            }
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                if (length < 8) {
                    return null;
                }
                int height = ((b[i + 5] & 0xFF) << 8) | (b[i + 6] & 0xFF);
                int width = ((b[i + 7] & 0xFF) << 8) | (b[i + 8] & 0xFF);
                return new Frame(width, height);
            }
            i += 2 + length;
        }
        return null;
    }

    /**
     * Walks the marker segments from SOI and through the entropy-coded scans; true when it reaches the EOI
     * marker (FF D9). Bytes after EOI (camera trailers) are fine. A thumbnail's EOI inside the EXIF segment is
     * skipped with its segment, so a truncated main image is still caught.
     */
    static boolean endsWithEndOfImage(byte[] b) {
        int i = 2; // after SOI
        while (i + 1 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                return false; // expected a marker: damaged stream
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0xD9) {
                return true;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2; // markers without a length
                continue;
            }
            if (i + 3 >= b.length) {
                return false;
            }
            int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            if (length < 2) {
                return false;
            }
            i += 2 + length;
            if (marker == 0xDA) {
                i = endOfScan(b, i);
            }
        }
        return false;
    }

    /** Index of the first marker after entropy-coded data that starts at {@code i}. */
    private static int endOfScan(byte[] b, int i) {
        while (i + 1 < b.length) {
            if ((b[i] & 0xFF) == 0xFF) {
                int next = b[i + 1] & 0xFF;
                if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                    i += 2; // stuffed byte or restart marker: still inside the scan
                    continue;
                }
                if (next != 0xFF) {
                    return i;
                }
            }
            i++;
        }
        return b.length;
    }
}
