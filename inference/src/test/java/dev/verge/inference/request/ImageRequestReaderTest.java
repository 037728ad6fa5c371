package dev.verge.inference.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.error.VergeException;
import dev.verge.inference.image.ImageLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRequestReaderTest {
    private static final ImageLimits LIMITS = new ImageLimits(1024, 1_000_000);
    private static final byte[] IMAGE = image(300);

    @ParameterizedTest
    @ValueSource(strings = {"image/jpeg", "image/png", "image/bmp", "application/octet-stream", "IMAGE/JPEG; charset=x",
            "image/jpg"})
    void read_rawBodyWithImageContentType_returnsTheBytes(String contentType) {
        assertThat(ImageRequestReader.read(contentType, in(IMAGE), LIMITS)).isEqualTo(IMAGE);
    }

    @Test
    void read_rawBodyWithoutContentType_returnsTheBytes() {
        assertThat(ImageRequestReader.read(null, in(IMAGE), LIMITS)).isEqualTo(IMAGE);
        assertThat(ImageRequestReader.read("  ", in(IMAGE), LIMITS)).isEqualTo(IMAGE);
    }

    @Test
    void read_rawBodyOverLimit_throws413WithoutReadingEverything() {
        CountingStream body = new CountingStream(new byte[1 << 20]);
        assertError(() -> ImageRequestReader.read("image/jpeg", body, LIMITS), 413, "image_too_large");
        assertThat(body.read).isLessThanOrEqualTo(LIMITS.maxBytes() + 1 + 8192);
    }

    @Test
    void read_rawBodyExactlyAtLimit_accepted() {
        assertThat(ImageRequestReader.read("image/png", in(image(1024)), LIMITS)).hasSize(1024);
    }

    @Test
    void read_emptyBody_throwsImageEmpty() {
        assertError(() -> ImageRequestReader.read("image/jpeg", in(new byte[0]), LIMITS), 400, "image_empty");
        assertError(() -> ImageRequestReader.read("image/jpeg", null, LIMITS), 400, "image_empty");
    }

    @Test
    void read_bodyStreamFails_throws400() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws java.io.IOException {
                throw new java.io.IOException("connection reset");
            }
        };
        assertError(() -> ImageRequestReader.read("image/jpeg", broken, LIMITS), 400, "request_body_unreadable");
    }

    @Test
    void read_otherContentType_throws415ListingAcceptedTypes() {
        assertThatThrownBy(() -> ImageRequestReader.read("application/json", in(IMAGE), LIMITS))
                .isInstanceOfSatisfying(VergeException.class, e -> {
                    assertThat(e.code()).isEqualTo("unsupported_media_type");
                    assertThat(e.kind().httpStatus()).isEqualTo(415);
                    assertThat(e.getMessage()).contains("application/json").contains("image/jpeg")
                            .contains("multipart/form-data");
                });
    }

    @Test
    void read_multipartWithImageData_returnsOnlyThatField() {
        String boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
        byte[] body = multipart(boundary, "\r\n",
                part("note", null, "hello".getBytes(StandardCharsets.UTF_8)),
                part("imageData", "photo.jpg", IMAGE));
        assertThat(ImageRequestReader.read("multipart/form-data; boundary=" + boundary, in(body), LIMITS))
                .isEqualTo(IMAGE);
    }

    @Test
    void read_testRequestsHelperBody_returnsTheImage() {
        byte[] body = dev.verge.inference.testing.TestRequests.multipartImage(IMAGE);
        assertThat(ImageRequestReader.read(dev.verge.inference.testing.TestRequests.multipartContentType(), in(body),
                LIMITS)).isEqualTo(IMAGE);
    }

    @Test
    void read_multipartQuotedBoundaryWithSpecialCharacters_parsed() {
        String boundary = "a'()+_,-./:=? b";
        byte[] body = multipart(boundary, "\r\n", part("imageData", "x.png", IMAGE));
        assertThat(ImageRequestReader.read("multipart/form-data; charset=utf-8; boundary=\"" + boundary + "\"", in(body),
                LIMITS)).isEqualTo(IMAGE);
    }

    @Test
    void read_multipartWithPreambleEpilogueAndBareLf_parsed() {
        String boundary = "xyz";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("This is the preamble --xyz not at line start\n".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(multipart(boundary, "\n", part("imageData", null, IMAGE)));
        out.writeBytes("\nepilogue".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(ImageRequestReader.read("multipart/form-data;boundary=xyz", in(out.toByteArray()), LIMITS))
                .isEqualTo(IMAGE);
    }

    @Test
    void read_multipartImageContainingBoundaryTextMidLine_keepsAllBytes() {
        byte[] tricky = "abc--xyzdef\r\n-xyz--xyz".getBytes(StandardCharsets.ISO_8859_1);
        byte[] body = multipart("xyz", "\r\n", part("imageData", null, tricky));
        assertThat(ImageRequestReader.read("multipart/form-data; boundary=xyz", in(body), LIMITS)).isEqualTo(tricky);
    }

    @Test
    void read_multipartFirstImageDataWins_andNameMatchesCaseInsensitively() {
        byte[] second = image(10);
        byte[] body = multipart("b", "\r\n", part("ImageData", null, IMAGE), part("imageData", null, second));
        assertThat(ImageRequestReader.read("multipart/form-data; boundary=b", in(body), LIMITS)).isEqualTo(IMAGE);
    }

    @Test
    void read_multipartWithoutClosingBoundary_throws400() {
        byte[] full = multipart("b", "\r\n", part("imageData", null, IMAGE));
        String text = new String(full, StandardCharsets.ISO_8859_1);
        byte[] cut = text.substring(0, text.lastIndexOf("--b--")).getBytes(StandardCharsets.ISO_8859_1);
        assertError(() -> ImageRequestReader.read("multipart/form-data; boundary=b", in(cut), LIMITS), 400,
                "multipart_invalid");
        byte[] cutInImage = text.substring(0, text.length() / 2).getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ImageRequestReader.read("multipart/form-data; boundary=b", in(cutInImage), LIMITS))
                .isInstanceOfSatisfying(VergeException.class, e -> {
                    assertThat(e.code()).isEqualTo("multipart_invalid");
                    assertThat(e.getMessage()).contains("has no closing boundary");
                });
    }

    @Test
    void read_multipartDelimiterWithoutLineBreakOrEnd_throws400() {
        byte[] body = "--b\r\nContent-Disposition: form-data; name=\"imageData\"\r\n\r\nabc\r\n--b"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertError(() -> ImageRequestReader.read("multipart/form-data; boundary=b", in(body), LIMITS), 400,
                "multipart_invalid");
    }

    @Test
    void read_multipartWithoutImageData_throws400NamingFoundFields() {
        byte[] body = multipart("b", "\r\n", part("file", "x.jpg", IMAGE), part("caption", null, new byte[] {'x'}));
        assertThatThrownBy(() -> ImageRequestReader.read("multipart/form-data; boundary=b", in(body), LIMITS))
                .isInstanceOfSatisfying(VergeException.class, e -> {
                    assertThat(e.code()).isEqualTo("multipart_invalid");
                    assertThat(e.kind().httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("no field named imageData").contains("[file, caption]");
                });
    }

    @Test
    void read_multipartWithoutBoundaryParameter_throws400() {
        assertError(() -> ImageRequestReader.read("multipart/form-data", in(IMAGE), LIMITS), 400, "multipart_invalid");
    }

    @Test
    void read_multipartWithWrongBoundary_throws400() {
        byte[] body = multipart("real", "\r\n", part("imageData", null, IMAGE));
        assertError(() -> ImageRequestReader.read("multipart/form-data; boundary=other", in(body), LIMITS), 400,
                "multipart_invalid");
    }

    @Test
    void read_multipartPartWithoutContentDisposition_throws400() {
        byte[] body = "--b\r\nContent-Type: image/jpeg\r\n\r\nabc\r\n--b--\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertError(() -> ImageRequestReader.read("multipart/form-data; boundary=b", in(body), LIMITS), 400,
                "multipart_invalid");
    }

    @Test
    void read_multipartEmptyImageData_throwsImageEmpty() {
        byte[] body = multipart("b", "\r\n", part("imageData", "x.jpg", new byte[0]));
        assertError(() -> ImageRequestReader.read("multipart/form-data; boundary=b", in(body), LIMITS), 400,
                "image_empty");
    }

    @Test
    void read_multipartImageOverLimit_throws413() {
        byte[] body = multipart("b", "\r\n", part("imageData", null, image(2000)));
        assertError(() -> ImageRequestReader.read("multipart/form-data; boundary=b", in(body), LIMITS), 413,
                "image_too_large");
    }

    @Test
    void read_multipartBodyFarOverLimit_throws413WithoutReadingEverything() {
        byte[] huge = multipart("b", "\r\n", part("imageData", null, image(1 << 20)));
        CountingStream body = new CountingStream(huge);
        assertError(() -> ImageRequestReader.read("multipart/form-data; boundary=b", body, LIMITS), 413,
                "image_too_large");
        assertThat(body.read).isLessThan(huge.length);
    }

    private static void assertError(ThrowingCallable call, int status, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(VergeException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.kind().httpStatus()).isEqualTo(status);
        });
    }

    private static byte[] image(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static InputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    private record Part(String name, String filename, byte[] content) {}

    private static Part part(String name, String filename, byte[] content) {
        return new Part(name, filename, content);
    }

    private static byte[] multipart(String boundary, String eol, Part... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            out.writeBytes(("--" + boundary + eol).getBytes(StandardCharsets.ISO_8859_1));
            String disposition = "Content-Disposition: form-data; name=\"" + p.name() + "\""
                    + (p.filename() == null ? "" : "; filename=\"" + p.filename() + "\"");
            out.writeBytes((disposition + eol).getBytes(StandardCharsets.ISO_8859_1));
            if (p.filename() != null) {
                out.writeBytes(("Content-Type: application/octet-stream" + eol).getBytes(StandardCharsets.ISO_8859_1));
            }
            out.writeBytes(eol.getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(p.content());
            out.writeBytes(eol.getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes(("--" + boundary + "--" + eol).getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static final class CountingStream extends ByteArrayInputStream {
        long read;

        CountingStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            if (n > 0) {
                read += n;
            }
            return n;
        }

        @Override
        public synchronized int read() {
            int n = super.read();
            if (n >= 0) {
                read++;
            }
            return n;
        }
    }
}
