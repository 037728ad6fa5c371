package dev.verge.cloud.rollout;

import dev.verge.cloud.devices.DeviceRecord;
import java.util.Optional;

/**
 * Which version a device's group's current deployment names for it: canary devices of a deployment in
 * progress get its target, the others the group's last good version; a canary whose ONNX Runtime cannot
 * load the target's opset stays on the last good one. One computation for the desired state
 * ({@link DeviceSync}) and for what the device may do with the cloud ({@code DeviceRights}).
 */
public final class Assignments {

    /**
     * @param target      what the device should run; null when its group has no good version yet
     * @param role        {@code canary} or {@code stable}
     * @param heldBecause why a canary is kept on the last good version; null otherwise
     */
    public record Assignment(Deployment deployment, Target target, String role, String heldBecause) {}

    private final Deployments deployments;

    public Assignments(Deployments deployments) {
        this.deployments = deployments;
    }

    /** Empty when the device's group has no deployment. Reads only. */
    public Optional<Assignment> of(DeviceRecord record) {
        return deployments.currentOf(record.group()).map(d -> assign(d, record));
    }

    private static Assignment assign(Deployment d, DeviceRecord record) {
        if (d.state().inProgress() && d.isCanary(record.id())) {
            String ort = record.lastStatus() == null ? null : record.lastStatus().ortVersion();
            Optional<String> problem = RuntimeCompatibility.problem(ort, d.target().opset(), d.target().validatedWithOrt());
            return problem.map(p -> new Assignment(d, d.previous(), "stable", p))
                    .orElseGet(() -> new Assignment(d, d.target(), "canary", null));
        }
        return new Assignment(d, Deployments.lastGood(d), "stable", null);
    }
}
