package dev.verge.edge;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the picture bytes held in memory by requests at once. Decoding already follows the model's input, so
 * what a request holds is its upload; without a bound, a burst of 12 MP uploads on many connections could take
 * the whole heap. A request reserves its declared length (or the largest accepted picture when it declares
 * none) before reading, waits up to {@code maxWait} for room, and is answered 503 with Retry-After past that.
 */
final class UploadBudget {
    private static final int KIB = 1024;
    private final Semaphore kibibytes;
    private final int totalKib;
    private final long largestUpload;
    private final Duration maxWait;

    UploadBudget(long budgetBytes, long largestUpload, Duration maxWait) {
        if (budgetBytes < largestUpload) {
            throw new IllegalArgumentException("the upload budget (" + budgetBytes + " bytes) must hold at least one"
                    + " upload of the largest accepted size (" + largestUpload + " bytes)");
        }
        this.totalKib = (int) Math.min(Integer.MAX_VALUE, budgetBytes / KIB);
        this.kibibytes = new Semaphore(totalKib, true);
        this.largestUpload = largestUpload;
        this.maxWait = maxWait;
    }

    /** Room for one upload of {@code declaredLength} bytes (-1: unknown); close it when the request is answered. */
    Reservation reserve(long declaredLength) {
        long bytes = declaredLength < 0 ? largestUpload : Math.min(declaredLength, largestUpload);
        int kib = (int) Math.max(1, (bytes + KIB - 1) / KIB);
        try {
            if (!kibibytes.tryAcquire(kib, maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        return () -> kibibytes.release(kib);
    }

    /** Bytes reserved by requests right now, for /metrics. */
    long reservedBytes() {
        return (long) (totalKib - kibibytes.availablePermits()) * KIB;
    }

    private static VergeException busy() {
        return new VergeException(ErrorKind.NOT_READY, "busy",
                "the agent is holding as many uploads as its memory allows; retry in a moment");
    }

    /** A reservation that is given back once. */
    interface Reservation extends AutoCloseable {
        @Override
        void close();
    }
}
