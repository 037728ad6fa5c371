package dev.verge.edge;

/**
 * Told about every {@code /image} and {@code /url} request the agent answered, right after the
 * answer was computed and before it is sent: the telemetry journal, the health window that sync
 * reports, and sample capture listen here. Runs on the request's thread, so it must be quick and
 * must not throw; a listener that needs I/O hands the event to its own thread.
 */
@FunctionalInterface
public interface PredictionListener {
    PredictionListener NONE = event -> {};

    void onPrediction(PredictionEvent event);

    /** Tells every listener, in order; one that throws does not stop the others or the answer. */
    static PredictionListener all(java.util.List<PredictionListener> listeners) {
        java.util.List<PredictionListener> copy = java.util.List.copyOf(listeners);
        return event -> {
            for (PredictionListener listener : copy) {
                try {
                    listener.onPrediction(event);
                } catch (RuntimeException e) {
                    System.getLogger(PredictionListener.class.getName()).log(System.Logger.Level.WARNING,
                            "prediction listener " + listener.getClass().getName() + " failed", e);
                }
            }
        };
    }
}
