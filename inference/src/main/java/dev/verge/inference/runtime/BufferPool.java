package dev.verge.inference.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** Direct float buffers of one tensor size, reused across requests (ONNX Runtime reads them without a copy). */
final class BufferPool {
    private final int elements;
    private final int keep;
    private final ConcurrentLinkedQueue<FloatBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger freeCount = new AtomicInteger();

    BufferPool(int elements, int keep) {
        this.elements = elements;
        this.keep = keep;
    }

    FloatBuffer take() {
        FloatBuffer buffer = free.poll();
        if (buffer == null) {
            return allocate(elements);
        }
        freeCount.decrementAndGet();
        return buffer.clear();
    }

    void give(FloatBuffer buffer) {
        if (freeCount.incrementAndGet() <= keep) {
            free.offer(buffer);
        } else {
            freeCount.decrementAndGet();
        }
    }

    static FloatBuffer allocate(int elements) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(elements, Float.BYTES))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
