package dev.verge.cloud.api;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A request body with {@code Content-Encoding: gzip} undone and a cap on the bytes read after that
 * (so a small gzip bomb cannot fill the memory): 413 {@code body_too_large} past the cap, 400
 * {@code gzip_invalid} for a body that says gzip and is not, 415 for another encoding.
 */
public final class BoundedBody extends FilterInputStream {
    private final long maxBytes;
    private long read;

    private BoundedBody(InputStream in, long maxBytes) {
        super(in);
        this.maxBytes = maxBytes;
    }

    public static InputStream open(ApiRequest request, long maxBytes) {
        String encoding = request.header("Content-Encoding").map(e -> e.strip().toLowerCase(Locale.ROOT)).orElse("identity");
        InputStream body = request.body();
        switch (encoding) {
            case "", "identity" -> { }
            case "gzip", "x-gzip" -> {
                try {
                    body = new GZIPInputStream(body, 64 * 1024);
                } catch (ZipException | EOFException e) {
                    throw gzipInvalid(e);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("cannot read the request body", e);
                }
            }
            default -> throw new VergeException(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "content_encoding_unsupported",
                    "expected Content-Encoding gzip or none, found " + encoding);
        }
        return new BoundedBody(body, maxBytes);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = super.read(b, off, len);
        } catch (ZipException | EOFException e) {
            throw gzipInvalid(e);
        }
        if (n > 0) {
            read += n;
            if (read > maxBytes) {
                throw new VergeException(ErrorKind.PAYLOAD_TOO_LARGE, "body_too_large",
                        "expected a body of at most " + maxBytes + " bytes (after gzip), found more; send smaller batches");
            }
        }
        return n;
    }

    private static VergeException gzipInvalid(IOException e) {
        return new VergeException(ErrorKind.BAD_REQUEST, "gzip_invalid",
                "expected a gzip body (Content-Encoding: gzip), found bytes that are not valid gzip: " + e.getMessage());
    }
}
