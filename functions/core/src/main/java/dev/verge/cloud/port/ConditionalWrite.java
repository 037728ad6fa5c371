package dev.verge.cloud.port;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one way use cases change a stored record: read it, compute the next value, write it only if nobody wrote it
 * in between (the store's revision), and when somebody did, read again and retry after a short jittered pause, a
 * bounded number of times. Two writers never both win and neither loses the other's change.
 *
 * @param <T> the record type
 */
public final class ConditionalWrite<T> {

    /**
     * What a write did: the record before it (empty when there was none) and after it, and the store's revision of
     * {@code after} (for a later conditional write that must not be retried, such as a claim's).
     */
    public record Written<T>(Optional<T> before, T after, long revision) {}

    /** Why nothing was written. */
    public enum Failure { MISSING, CONTENDED }

    /** Thrown by the {@code orElseThrow} callers when a write could not be made. */
    @FunctionalInterface
    public interface OnFailure {
        RuntimeException exception(Failure failure);
    }

    private static final int ATTEMPTS = 50;

    private final JsonCollection<T> collection;
    private final RetryPolicy<Attempt<T>> lostRace = RetryPolicy.<Attempt<T>>builder()
            // only lost races are tried again; a failing store, or a change that throws, is the caller's to see at once
            .handleIf((attempt, failure) -> failure == null && attempt.lost())
            .withMaxRetries(ATTEMPTS - 1)
            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(50))
            .withJitter(0.5)
            .build();

    private record Attempt<T>(Written<T> written, Failure failure, boolean lost) {}

    public ConditionalWrite(JsonCollection<T> collection) {
        this.collection = collection;
    }

    /**
     * Creates or replaces the record at {@code key} with {@code change} of what is there (empty: nothing). When
     * {@code change} answers the very record it was given, nothing is written.
     */
    public Written<T> upsert(String key, Function<Optional<T>, T> change, OnFailure onFailure) {
        return run(key, change, true, onFailure);
    }

    /** Replaces the record at {@code key} with {@code change} of it; {@link Failure#MISSING} when there is none. */
    public Written<T> update(String key, java.util.function.UnaryOperator<T> change, OnFailure onFailure) {
        return run(key, current -> change.apply(current.orElseThrow()), false, onFailure);
    }

    private Written<T> run(String key, Function<Optional<T>, T> change, boolean create, OnFailure onFailure) {
        Attempt<T> last = Failsafe.with(lostRace).get(() -> attempt(key, change, create));
        if (last.failure() != null) {
            throw onFailure.exception(last.failure());
        }
        if (last.lost()) {
            throw onFailure.exception(Failure.CONTENDED);
        }
        return last.written();
    }

    private Attempt<T> attempt(String key, Function<Optional<T>, T> change, boolean create) {
        Optional<Revisioned<T>> current = collection.get(key);
        if (current.isEmpty() && !create) {
            return new Attempt<>(null, Failure.MISSING, false);
        }
        Optional<T> before = current.map(Revisioned::value);
        T next = change.apply(before);
        if (before.isPresent() && next == before.get()) {
            return new Attempt<>(new Written<>(before, next, current.get().revision()), null, false);
        }
        boolean written = current.isEmpty() ? collection.create(key, next) : collection.update(key, current.get().revision(), next);
        long revision = current.isEmpty() ? 1 : current.get().revision() + 1;
        return written ? new Attempt<>(new Written<>(before, next, revision), null, false) : new Attempt<>(null, null, true);
    }
}
