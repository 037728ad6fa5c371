package dev.verge.cloud.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.api.DeviceAuthenticator.AuthenticatedDevice;
import dev.verge.cloud.devices.DeviceRecord;
import dev.verge.cloud.devices.DeviceRegistry;
import dev.verge.cloud.devices.StatusReport;
import dev.verge.cloud.registry.ModelRegistry;
import dev.verge.cloud.rights.SentVersions;
import dev.verge.cloud.rollout.DesiredState.DeploymentRef;
import dev.verge.cloud.rollout.DesiredState.PackageRef;
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
 * The answer follows the group's current deployment: canary devices of a deployment in progress get
 * its version, the others the group's last good version, everyone the version once it is promoted
 * and the last good one after a rollback. A canary device whose ONNX Runtime cannot load the
 * version's opset stays on the last good version, and the deployment records why.
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

    /** What {@code device} should run now. */
    public DesiredState desired(AuthenticatedDevice device) {
        DeviceRecord record = devices.require(device.deviceId());
        Optional<Assignments.Assignment> assignment = assignments.of(record);
        if (assignment.isEmpty()) {
            return new DesiredState(record.id(), record.group(), null, null, null, null, defaultSampling(), pollSeconds);
        }
        Deployment d = assignment.get().deployment();
        Target target = assignment.get().target();
        String role = assignment.get().role();
        if (assignment.get().heldBecause() != null) {
            hold(d, record.id(), assignment.get().heldBecause());
        }
        if (target != null) {
            sent.record(record.id(), target.model(), target.version(), target.deploymentId(),
                    () -> deploymentStart(d, target), deployments.clock().instant());
        }
        PackageRef pkg = target == null ? null : new PackageRef(
                registry.packageUrl(target.model(), target.version(), PACKAGE_URL_TTL_SECONDS),
                target.sha256(), target.size(), target.signature());
        return new DesiredState(record.id(), record.group(), new DeploymentRef(d.id(), d.strategy().type(), role),
                target == null ? null : target.model(), target == null ? null : target.version(), pkg,
                d.sampling() == null ? defaultSampling() : d.sampling(), pollSeconds);
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
     * Stores a status report and, when the device is a canary of its group's deployment in progress,
     * counts it towards that deployment's health; the controller then sees what the report changes
     * ({@link RolloutController#afterReport}).
     */
    public void report(AuthenticatedDevice device, StatusReport report) {
        validate(report);
        DeviceRecord record = devices.require(device.deviceId());
        noteRefusal(record, report);
        Optional<Deployment> current = deployments.currentOf(record.group()).filter(d -> d.state().inProgress());
        Optional<Deployment> taking = current.filter(d -> d.isCanary(record.id()));
        devices.recordStatus(record.id(), report, taking.map(Deployment::id).orElse(null),
                taking.map(Deployment::model).orElse(null), taking.map(Deployment::version).orElse(null));
        current.ifPresent(d -> {
            try {
                controller.afterReport(d, record, report, deployments.clock().instant());
            } catch (RuntimeException e) {
                // the report is stored; the timer evaluates the deployment again shortly
                LOG.log(Level.WARNING, "could not evaluate " + d.id() + " after a status report of " + record.id(), e);
            }
        });
    }

    /**
     * A device that refused the signed desired state it was sent (replayed, expired, another device's, a bad
     * signature) says so in its report; the group's deployment keeps it in its history, once per device and reason.
     */
    private void noteRefusal(DeviceRecord record, StatusReport report) {
        StatusReport.LastError error = report.lastError();
        if (error == null || error.code() == null || !error.code().startsWith(REFUSAL_PREFIX)) {
            return;
        }
        Optional<Deployment> current = deployments.currentOf(record.group());
        if (current.isEmpty()) {
            return;
        }
        String note = "device " + record.id() + " refused its desired state: " + error.code();
        if (current.get().history().stream().anyMatch(step -> step.reason().startsWith(note))
                || current.get().history().size() >= MAX_HISTORY_FOR_NOTES) {
            return;
        }
        String message = error.message() == null ? "" : error.message().replaceAll("\\p{Cntrl}", "?");
        String reason = note + " (" + (message.length() > 300 ? message.substring(0, 300) + "..." : message) + ")";
        Instant now = deployments.clock().instant();
        try {
            deployments.modify(current.get().id(), d -> d.history().stream().anyMatch(step -> step.reason().startsWith(note))
                    ? d : d.note(reason, now));
            LOG.log(Level.WARNING, () -> current.get().id() + ": " + reason);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not note in " + current.get().id() + " that " + record.id() + " refused its desired state", e);
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
