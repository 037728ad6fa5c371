package dev.verge.edge.telemetry;

/**
 * The cloud could not take a delivery now (unreachable, timed out, 5xx, 429, or the device is not
 * authorized yet): the uplink keeps the data and retries with backoff.
 */
public final class CloudUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CloudUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public CloudUnavailableException(String message) {
        super(message);
    }
}
