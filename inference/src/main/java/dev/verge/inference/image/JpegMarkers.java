package dev.verge.inference.image;

/** Byte-level JPEG reading: the frame header, the Adobe segment, and the checks that decoders do not make. */
public final class JpegMarkers {
    private JpegMarkers() {}

    /** The frame header (SOFn): the stored size. */
    record Frame(int width, int height) {}

    /** Which segment a walk looks for: its marker, where it starts ({@code FF} byte) and its length field. */
    private interface Wanted {
        boolean test(byte[] b, int marker, int at, int length);
    }

    /** The first frame header before the first scan; null when there is none. */
    static Frame frame(byte[] b) {
        int at = segmentBeforeScan(b, (bytes, marker, i, length) ->
                marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC);
        if (at < 0 || length(b, at) < 8) {
            return null;
        }
        int height = ((b[at + 5] & 0xFF) << 8) | (b[at + 6] & 0xFF);
        int width = ((b[at + 7] & 0xFF) << 8) | (b[at + 8] & 0xFF);
        return new Frame(width, height);
    }

    /**
     * True when an APP14 "Adobe" segment comes before the first scan: Photoshop and most Adobe tools mark CMYK
     * JPEGs so, and store their samples inverted (0 = full ink).
     */
    public static boolean hasAdobeSegment(byte[] b) {
        return segmentBeforeScan(b, (bytes, marker, i, length) -> marker == 0xEE && length >= 7 && bytes[i + 4] == 'A'
                && bytes[i + 5] == 'd' && bytes[i + 6] == 'o' && bytes[i + 7] == 'b' && bytes[i + 8] == 'e') >= 0;
    }

    /** Where the first segment {@code wanted} accepts starts, walking from SOI up to the first scan; -1 if none. */
    private static int segmentBeforeScan(byte[] b, Wanted wanted) {
        int i = 2; // after SOI
        while (i + 3 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                return -1;
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
                return -1; // a scan or the end
            }
            int length = length(b, i);
            if (length < 2 || i + 2 + length > b.length) {
                return -1;
            }
            if (wanted.test(b, marker, i, length)) {
                return i;
            }
            i += 2 + length;
        }
        return -1;
    }

    private static int length(byte[] b, int at) {
        return ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
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
