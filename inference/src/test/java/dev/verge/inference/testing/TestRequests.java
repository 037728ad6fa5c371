package dev.verge.inference.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Request bodies the way devices send them, for HTTP tests of {@code POST /image}. */
public final class TestRequests {
    public static final String BOUNDARY = "----VergeTestBoundary7MA4YWxkTrZu0gW";

    private TestRequests() {}

    /** {@code multipart/form-data; boundary=...} for {@link #multipartImage(byte[])}. */
    public static String multipartContentType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }

    /** A multipart body with the image in the field {@code imageData} (CRLF line ends, closing boundary). */
    public static byte[] multipartImage(byte[] image) {
        return multipart("imageData", "image.jpg", image);
    }

    /** A multipart body with one file field. */
    public static byte[] multipart(String field, String filename, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }
}
