package dev.verge.cloud.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.devices.DeviceRecord;
import dev.verge.cloud.devices.DeviceRegistry;
import dev.verge.cloud.devices.StatusReport;
import dev.verge.cloud.registry.ModelRegistry;
import dev.verge.cloud.rights.SentVersions;
import dev.verge.cloud.devices.DeviceHealth;
import dev.verge.cloud.rollout.DesiredState.DeploymentRef;
import dev.verge.cloud.rollout.DesiredState.ModelState;
import dev.verge.cloud.rollout.DesiredState.PackageRef;
import dev.verge.cloud.rollout.DesiredState.ShadowState;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an edge agent does with the cloud each poll: report its status, then ask what it should run.
 * The answer follows the group's current deployment of each model (see {@link Assignments}): canary devices of a
 * deployment in progress get its version, the others the group's last good version, everyone the version once it
 * is promoted and the last good one after a rollback; in a shadow everyone runs the new version beside the last
 * good one. A device whose ONNX Runtime cannot load the version's opset stays on the last good version, and the
 * deployment records why.
 */
public final class DeviceSync {
    private static final System.Logger LOG = System.getLogger(DeviceSync.class.getName());
    private static final Set<String> STATES = Set.of("serving", "no-model", "loading");
    /** How long a package URL handed to a device stays valid; a device asks again every poll. */
    static final long PACKAGE_URL_TTL_SECONDS = 60 * 60;
    /** The codes an agent reports when it refuses a desired state (see the agent's {@code StatementVerifier}). */
    private static final String REFUSAL_PREFIX = "statement_";
    /** A fleet of confused devices must not grow a deployment's history without end. */
    private static final int MAX_HISTORY_FOR_NOTES = 200;

    private final Deployments deployments;
    private final DeviceRegistry devices;
    private final ModelRegistry registry;
    private final RolloutController controller;
    private final int pollSeconds;
    private final Assignments assignments;
    private final SentVersions sent;

    public DeviceSync(Deployments deployments, DeviceRegistry devices, ModelRegistry registry, RolloutController controller,
                      int pollSeconds, SentVersions sent) {
        this.assignments = new Assignments(deployments);
        this.sent = sent;
        this.deployments = deployments;
        this.devices = devices;
        this.registry = registry;
        this.controller = controller;
        this.pollSeconds = pollSeconds;
    }

    /** What {@code device} should run now: every model its group's deployments name for it. */
    public DesiredState desired(DeviceIdentity device) {
        DeviceRecord record = devices.require(device.deviceId());
        Assignments.Assigned assigned = assignments.of(record);
        Optional<Assignments.Assignment> primary = assigned.primary();
        if (primary.isEmpty()) {
            return new DesiredState(record.id(), record.group(), null, null, null, null, defaultSampling(), pollSeconds, List.of());
        }
        assigned.models().stream().filter(a -> a.heldBecause() != null).forEach(a -> hold(a.deployment(), record.id(), a.heldBecause()));
        Optional<Assignments.Assignment> defaultModel = assigned.defaultModel();
        List<ModelState> models = assigned.running().stream().map(a -> modelState(record, a, a == defaultModel.orElse(null))).toList();
        Optional<ModelState> shown = models.stream().filter(ModelState::isDefault).findFirst();
        Deployment d = primary.get().deployment();
        return new DesiredState(record.id(), record.group(), new DeploymentRef(d.id(), d.strategy().type(), primary.get().role()),
                shown.map(ModelState::model).orElse(null), shown.map(ModelState::version).orElse(null),
                shown.map(ModelState::packageRef).orElse(null), d.sampling() == null ? defaultSampling() : d.sampling(), pollSeconds,
                models);
    }

    /** One model's part of the desired state; the device may report on its version and its shadow's from now on. */
    private ModelState modelState(DeviceRecord record, Assignments.Assignment a, boolean isDefault) {
        Deployment d = a.deployment();
        Target target = a.target();
        Instant now = deployments.clock().instant();
        sent.record(record.id(), target.model(), target.version(), target.deploymentId(), () -> deploymentStart(d, target), now);
        DeploymentRef ref = new DeploymentRef(d.id(), d.strategy().type(), a.role());
        ShadowState shadow = null;
        if (a.shadow() != null) {
            Target candidate = a.shadow();
            sent.record(record.id(), candidate.model(), candidate.version(), candidate.deploymentId(), d::createdAt, now);
            shadow = new ShadowState(candidate.version(), packageRef(candidate), d.strategy().percent(), ref);
        }
        return new ModelState(target.model(), target.version(), ref, packageRef(target), isDefault, shadow);
    }

    private PackageRef packageRef(Target target) {
        return new PackageRef(registry.packageUrl(target.model(), target.version(), PACKAGE_URL_TTL_SECONDS),
                target.sha256(), target.size(), target.signature());
    }

    /** When the deployment that brought {@code target} started (the current one, or the earlier one it came from). */
    private Instant deploymentStart(Deployment current, Target target) {
        if (target.deploymentId() == null || target.deploymentId().equals(current.id())) {
            return current.createdAt();
        }
        try {
            return deployments.get(target.deploymentId()).createdAt();
        } catch (RuntimeException e) {
            return current.createdAt();
        }
    }

    private void hold(Deployment d, String deviceId, String reason) {
        if (d.heldDevices().containsKey(deviceId)) {
            return;
        }
        Instant now = deployments.clock().instant();
        try {
            deployments.modify(d.id(), x -> x.heldDevices().containsKey(deviceId) || !x.state().inProgress() ? x : x.hold(deviceId, reason, now));
        } catch (RuntimeException e) {
            // the device is kept back either way; the next poll records it
            LOG.log(Level.WARNING, "could not record that " + deviceId + " is held back in " + d.id(), e);
        }
        LOG.log(Level.WARNING, () -> d.id() + ": device " + deviceId + " stays on " + Deployments.describe(d.previous()) + ": " + reason);
    }

    /**
     * Stores a status report and counts it towards the health of each deployment in progress of the device's group
     * that the device takes part in (as a canary, or running the shadow); the controller then sees what the report
     * changes for each of them ({@link RolloutController#afterReport}).
     */
    public void report(DeviceIdentity device, StatusReport report) {
        validate(report);
        DeviceRecord record = devices.require(device.deviceId());
        List<Deployment> current = deployments.currentIn(record.group()).current();
        noteRefusal(record, report, current);
        List<Deployment> inProgress = current.stream().filter(d -> d.state().inProgress()).toList();
        List<DeviceHealth.Part> parts = inProgress.stream().filter(d -> !d.retires())
                .filter(d -> d.shadowing() ? !d.heldDevices().containsKey(record.id()) : d.isCanary(record.id()))
                .map(Deployment::part).toList();
        devices.recordStatus(record.id(), report, parts);
        for (Deployment d : inProgress) {
            try {
                controller.afterReport(d, record, report, deployments.clock().instant());
            } catch (RuntimeException e) {
                // the report is stored; the timer evaluates the deployment again shortly
                LOG.log(Level.WARNING, "could not evaluate " + d.id() + " after a status report of " + record.id(), e);
            }
        }
    }

    /**
     * A device that refused the signed desired state it was sent (replayed, expired, another device's, a bad
     * signature) says so in its report; each of the group's current deployments keeps it in its history, once per
     * device and reason.
     */
    private void noteRefusal(DeviceRecord record, StatusReport report, List<Deployment> current) {
        StatusReport.LastError error = report.lastError();
        if (error == null || error.code() == null || !error.code().startsWith(REFUSAL_PREFIX)) {
            return;
        }
        String note = "device " + record.id() + " refused its desired state: " + error.code();
        String message = error.message() == null ? "" : error.message().replaceAll("\\p{Cntrl}", "?");
        String reason = note + " (" + (message.length() > 300 ? message.substring(0, 300) + "..." : message) + ")";
        Instant now = deployments.clock().instant();
        for (Deployment deployment : current) {
            if (deployment.history().stream().anyMatch(step -> step.reason().startsWith(note))
                    || deployment.history().size() >= MAX_HISTORY_FOR_NOTES) {
                continue;
            }
            try {
                deployments.modify(deployment.id(), d -> d.history().stream().anyMatch(step -> step.reason().startsWith(note))
                        ? d : d.note(reason, now));
                LOG.log(Level.WARNING, () -> deployment.id() + ": " + reason);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not note in " + deployment.id() + " that " + record.id() + " refused its desired state", e);
            }
        }
    }

    private static void validate(StatusReport report) {
        List<String> problems = new ArrayList<>();
        if (report.state() == null || !STATES.contains(report.state())) {
            problems.add("state: expected one of " + STATES + ", found " + (report.state() == null ? "none" : "\"" + report.state() + "\""));
        }
        if ("serving".equals(report.state()) && (report.model() == null || report.version() == null)) {
            problems.add("model, version: expected the model and version served when state is serving, found none");
        }
        if (report.requests() < 0 || report.errors() < 0) {
            problems.add("requests, errors: expected counts of 0 or more, found " + report.requests() + " and " + report.errors());
        }
        if (!problems.isEmpty()) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "status_invalid", String.join("; ", problems));
        }
    }

    /** Sampling off, with the settings an agent would use when a deployment turns it on without details. */
    static JsonNode defaultSampling() {
        ObjectNode sampling = CloudJson.mapper().createObjectNode();
        sampling.put("enabled", false).put("belowProbability", 0.5).put("randomFraction", 0.01).put("maxPerHour", 60);
        return sampling;
    }
}
