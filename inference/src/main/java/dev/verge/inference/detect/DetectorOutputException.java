package dev.verge.inference.detect;

/** A detector's outputs do not have the shape the manifest's decoding expects. */
public final class DetectorOutputException extends RuntimeException {
    public DetectorOutputException(String message) {
        super(message);
    }
}
