package dev.verge.cloud.rollout;

import dev.verge.cloud.devices.DeviceRecord;
import java.util.List;
import java.util.Optional;

/**
 * Which version each of a device's group's current deployments (one per model) names for it: canary devices of a
 * deployment in progress get its target, the others the group's last good version of that model; in a shadow every
 * device keeps the last good version and runs the target beside it. A device whose ONNX Runtime cannot load the
 * target's opset stays on the last good one without a shadow. One computation for the desired state
 * ({@link DeviceSync}) and for what the device may do with the cloud ({@code DeviceRights}).
 */
public final class Assignments {

    /**
     * @param target      what the device should run of the deployment's model; null when the group has no good
     *                    version of it yet, or the deployment retires it
     * @param role        {@code canary} or {@code stable}
     * @param heldBecause why the device is kept on the last good version; null otherwise
     * @param shadow      the version it runs beside {@code target} on a share of the requests; null when none
     */
    public record Assignment(Deployment deployment, Target target, String role, String heldBecause, Target shadow) {}

    /**
     * Every model's assignment, in the order the group's models were first deployed.
     *
     * @param groupDefault the group's default model (null for a group without deployments)
     */
    public record Assigned(List<Assignment> models, String groupDefault) {

        /** The models the device runs: those with a target. */
        public List<Assignment> running() {
            return models.stream().filter(a -> a.target() != null).toList();
        }

        /** The model plain {@code /image} answers with: the group's default when the device runs it, else the first it runs. */
        public Optional<Assignment> defaultModel() {
            List<Assignment> running = running();
            return running.stream().filter(a -> a.target().model().equals(groupDefault)).findFirst()
                    .or(() -> running.stream().findFirst());
        }

        /** The assignment of the deployment that names its default model, else the first; empty without deployments. */
        public Optional<Assignment> primary() {
            return defaultModel().or(() -> models.stream().filter(a -> a.deployment().model().equals(groupDefault)).findFirst())
                    .or(() -> models.stream().findFirst());
        }
    }

    private final Deployments deployments;

    public Assignments(Deployments deployments) {
        this.deployments = deployments;
    }

    /** No models when the device's group has no deployment. Reads only. */
    public Assigned of(DeviceRecord record) {
        Deployments.GroupDeployments group = deployments.currentIn(record.group());
        return new Assigned(group.current().stream().map(d -> assign(d, record)).toList(), group.defaultModel());
    }

    private static Assignment assign(Deployment d, DeviceRecord record) {
        boolean shadow = d.shadowing();
        if (d.state().inProgress() && (shadow || d.isCanary(record.id())) && !d.retires()) {
            String ort = record.lastStatus() == null ? null : record.lastStatus().ortVersion();
            Optional<String> problem = RuntimeCompatibility.problem(ort, d.target().opset(), d.target().validatedWithOrt());
            if (problem.isPresent()) {
                return new Assignment(d, d.previous(), "stable", problem.get(), null);
            }
            return shadow ? new Assignment(d, d.previous(), "stable", null, d.target())
                    : new Assignment(d, d.target(), "canary", null, null);
        }
        if (d.state().inProgress() && d.isCanary(record.id())) {
            return new Assignment(d, null, "canary", null, null); // a canary of a retirement drops the model first
        }
        return new Assignment(d, Deployments.lastGood(d), "stable", null, null);
    }
}
