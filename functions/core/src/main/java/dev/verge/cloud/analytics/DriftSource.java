package dev.verge.cloud.analytics;

/**
 * Where the rollout controller reads a model version's drift for its health rules (promote when
 * healthy, roll back when {@link DriftReading#drifting()}).
 */
@FunctionalInterface
public interface DriftSource {
    /** The drift of {@code model} {@code version} now; never null (see {@link DriftReading#status()}). */
    DriftReading drift(String model, String version);
}
