package dev.verge.inference.predict;

/** Where one prediction spent its time. */
public record Timings(long decodeNanos, long preprocessNanos, long inferNanos) {
    public long totalNanos() {
        return decodeNanos + preprocessNanos + inferNanos;
    }
}
