package dev.verge.edge;

import dev.verge.demo.SampleImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Good and bad images for the HTTP tests. */
final class TestImages {
    static final String APPLE = "ripe-red-apple";

    private TestImages() {}

    static byte[] appleJpeg() {
        return SampleImages.jpeg(APPLE);
    }

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    static byte[] truncatedJpeg() {
        byte[] jpeg = appleJpeg();
        return Arrays.copyOf(jpeg, jpeg.length / 3);
    }

    /** A valid PNG signature and IHDR chunk that claims width x height pixels, and nothing after. */
    static byte[] pngHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(4 + 13);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + ihdr.capacity() + 4);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return png.array();
    }

    static byte[] gif() {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "gif", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A multipart/form-data body as Python requests (urllib3) writes it: no Content-Type on the part. */
    static byte[] multipart(String boundary, String field, String fileName, byte[] content, boolean closed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                + fileName + "\"\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n" + (closed ? "--" + boundary + "--\r\n" : "")).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
