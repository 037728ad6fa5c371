package dev.verge.inference.runtime;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model being served, swappable under load. Every request holds a {@link Lease}; a model that was swapped
 * out is closed when its last lease closes, never while a request still runs on it.
 */
public final class ModelSlot implements AutoCloseable {
    private final AtomicReference<Counted> current = new AtomicReference<>();

    public ModelSlot() {}

    public ModelSlot(Model initial) {
        swap(initial);
    }

    /** A lease on the current model; throws {@link ModelNotReadyException} (503) when none is loaded. */
    public Lease acquire() {
        while (true) {
            Counted counted = current.get();
            if (counted == null) {
                throw new ModelNotReadyException();
            }
            if (counted.retain()) {
                return new CountedLease(counted);
            }
            // lost a race with swap: that model is closing, read the slot again
        }
    }

    public Optional<ModelInfo> current() {
        Counted counted = current.get();
        return counted == null ? Optional.empty() : Optional.of(counted.model.info());
    }

    public boolean isReady() {
        return current.get() != null;
    }

    /** New requests use {@code next}; the old model closes when its last lease closes. */
    public void swap(Model next) {
        if (next != null && next.isClosed()) {
            throw new IllegalArgumentException("cannot serve a closed model: " + next.info().name());
        }
        Counted present = current.get();
        if (next != null && present != null && present.model == next) {
            throw new IllegalArgumentException("this model is already in the slot; load a new Model to swap");
        }
        Counted previous = current.getAndSet(next == null ? null : new Counted(next));
        if (previous != null) {
            previous.release();
        }
    }

    /** Empties the slot (requests then get 503) and closes the model once idle. */
    @Override
    public void close() {
        swap(null);
    }

    /** Use with try-with-resources; closing twice is harmless. */
    public interface Lease extends AutoCloseable {
        Model model();

        @Override
        void close();
    }

    /** A model with a reference count; the slot holds one reference until the model is swapped out. */
    private static final class Counted {
        final Model model;
        final AtomicInteger references = new AtomicInteger(1);

        Counted(Model model) {
            this.model = model;
        }

        boolean retain() {
            while (true) {
                int n = references.get();
                if (n == 0) {
                    return false;
                }
                if (references.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (references.decrementAndGet() == 0) {
                model.close();
            }
        }
    }

    private static final class CountedLease implements Lease {
        private final Counted counted;
        private final AtomicBoolean closed = new AtomicBoolean();

        CountedLease(Counted counted) {
            this.counted = counted;
        }

        @Override
        public Model model() {
            if (closed.get()) {
                throw new IllegalStateException("the lease is closed");
            }
            return counted.model;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                counted.release();
            }
        }
    }
}
