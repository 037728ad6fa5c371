package dev.verge.inference.turbojpeg;

/** CMYK (and YCCK, which libjpeg turns into CMYK) to RGB, the way Pillow converts a CMYK JPEG. */
final class Cmyk {
    private Cmyk() {}

    /**
     * Photoshop and most Adobe tools store CMYK inverted (0 = full ink) and mark the file with an Adobe APP14
     * segment; others store plain CMYK.
     */
    static void toRgb(byte[] cmyk, byte[] rgb, boolean inverted) {
        for (int i = 0, o = 0; o < rgb.length; i += 4, o += 3) {
            int c = cmyk[i] & 0xFF;
            int m = cmyk[i + 1] & 0xFF;
            int y = cmyk[i + 2] & 0xFF;
            int k = cmyk[i + 3] & 0xFF;
            if (!inverted) {
                c = 255 - c;
                m = 255 - m;
                y = 255 - y;
                k = 255 - k;
            }
            rgb[o] = (byte) (c * k / 255);
            rgb[o + 1] = (byte) (m * k / 255);
            rgb[o + 2] = (byte) (y * k / 255);
        }
    }

    /** True when an APP14 "Adobe" segment comes before the first scan. */
    static boolean adobeInverted(byte[] b) {
        int i = 2;
        while (i + 9 < b.length && (b[i] & 0xFF) == 0xFF) {
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xDA) {
                return false;
            }
            int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            if (marker == 0xEE && b[i + 4] == 'A' && b[i + 5] == 'd' && b[i + 6] == 'o' && b[i + 7] == 'b'
                    && b[i + 8] == 'e') {
                return true;
            }
            i += 2 + Math.max(length, 2);
        }
        return false;
    }
}
