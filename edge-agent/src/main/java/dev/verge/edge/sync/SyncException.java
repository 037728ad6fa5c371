package dev.verge.edge.sync;

/**
 * Why one step of sync failed, with the stable code that goes into the status report's {@code lastError}.
 * {@code retryable} failures (the network, the cloud) are tried again after a backoff; the others (the
 * package itself is wrong) are remembered so the same package is not fetched again and again.
 */
public final class SyncException extends RuntimeException {
    private final String code;
    private final boolean retryable;

    private SyncException(String code, String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retryable = retryable;
    }

    /** The cloud or the network failed; the same step may succeed later. */
    static SyncException transientFailure(String code, String message, Throwable cause) {
        return new SyncException(code, message, true, cause);
    }

    static SyncException transientFailure(String code, String message) {
        return new SyncException(code, message, true, null);
    }

    /** The package is wrong (digest, signature, size, manifest, model); fetching it again gives the same. */
    static SyncException refused(String code, String message, Throwable cause) {
        return new SyncException(code, message, false, cause);
    }

    static SyncException refused(String code, String message) {
        return new SyncException(code, message, false, null);
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}
