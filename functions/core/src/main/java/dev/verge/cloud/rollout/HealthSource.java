package dev.verge.cloud.rollout;

import dev.verge.cloud.devices.DeviceRecord;
import java.util.List;

/**
 * Where the {@link RolloutController} reads how a deployment's new version does on its canary
 * devices. {@link StatusReportHealth} reads the status reports agents send with each sync; the
 * analytics stream may add one that knows prediction drift, combined with {@link #firstOf}.
 */
@FunctionalInterface
public interface HealthSource {

    /** The figures for {@code deployment}'s target version on {@code devices} (as the controller read them just now). */
    HealthFigures read(Deployment deployment, List<DeviceRecord> devices);

    /** Each figure from the first source that knows it. */
    static HealthSource firstOf(List<HealthSource> sources) {
        return (deployment, devices) -> {
            HealthFigures figures = HealthFigures.unknown();
            for (HealthSource source : sources) {
                figures = figures.orElse(source.read(deployment, devices));
            }
            return figures;
        };
    }
}
