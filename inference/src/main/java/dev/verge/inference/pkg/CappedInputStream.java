package dev.verge.inference.pkg;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Fails with {@link PackageInvalidException} as soon as more than {@code max} bytes have been read. */
final class CappedInputStream extends FilterInputStream {
    private final long max;
    private long count;

    CappedInputStream(InputStream in, long max) {
        super(in);
        this.max = max;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            add(skipped);
        }
        return skipped;
    }

    private void add(long n) {
        count += n;
        if (count > max) {
            throw new PackageInvalidException("the package is larger than " + max + " bytes");
        }
    }
}
