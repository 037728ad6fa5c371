package dev.verge.cloud.api;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body whose read failures are the client's: a caller that goes away or breaks its stream
 * halfway gets 400 {@code request_body_unreadable}, whichever route was reading it, instead of the
 * 500 an I/O error would otherwise become. {@link CloudApi} wraps every body in one.
 */
final class ClientBody extends FilterInputStream {

    ClientBody(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private static VergeException unreadable(IOException e) {
        return new VergeException(ErrorKind.BAD_REQUEST, "request_body_unreadable",
                "the request body could not be read completely (" + e.getMessage() + "); send it again", e);
    }
}
