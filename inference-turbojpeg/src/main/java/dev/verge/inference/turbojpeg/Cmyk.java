package dev.verge.inference.turbojpeg;

/** CMYK (and YCCK, which libjpeg turns into CMYK) to RGB, the way Pillow converts a CMYK JPEG. */
final class Cmyk {
    private Cmyk() {}

    /**
     * @param inverted samples stored inverted (0 = full ink), as files with an Adobe segment have them
     *                 ({@link dev.verge.inference.image.JpegMarkers#hasAdobeSegment}); others store plain CMYK
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
}
