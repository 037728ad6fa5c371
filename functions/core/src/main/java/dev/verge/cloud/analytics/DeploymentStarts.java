package dev.verge.cloud.analytics;

import java.time.Instant;
import java.util.Optional;

/** When a model version was first deployed to a device group: its drift baseline is made from data after that. */
@FunctionalInterface
public interface DeploymentStarts {
    /** Empty when the version was never deployed. */
    Optional<Instant> firstDeployed(String model, String version);
}
