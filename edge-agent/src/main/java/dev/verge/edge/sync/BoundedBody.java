package dev.verge.edge.sync;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A response body written to a channel (a file or memory) that stops the exchange as soon as it would pass
 * {@code limit} bytes, and counts what arrived so a caller can tell a stalled download from a slow one.
 * Completes with the number of bytes written.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<Long> {
    private final WritableByteChannel sink;
    private final long limit;
    private final AtomicLong written = new AtomicLong();
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;

    BoundedBody(WritableByteChannel sink, long limit) {
        this.sink = sink;
        this.limit = limit;
    }

    /** Bytes written so far. */
    long written() {
        return written.get();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        try {
            for (ByteBuffer buffer : buffers) {
                int n = buffer.remaining();
                if (written.get() + n > limit) {
                    fail(new BodyTooLargeException(limit));
                    return;
                }
                while (buffer.hasRemaining()) {
                    sink.write(buffer);
                }
                written.addAndGet(n);
            }
            subscription.request(1);
        } catch (IOException e) {
            fail(e);
        }
    }

    private void fail(Throwable e) {
        subscription.cancel();
        result.completeExceptionally(e);
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(written.get());
    }

    @Override
    public CompletionStage<Long> getBody() {
        return result;
    }

    /** The body went past its limit; the exchange was cancelled. */
    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long limit) {
            super("the answer is larger than the " + limit + " bytes expected");
        }
    }
}
