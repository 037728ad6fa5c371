package dev.verge.cloud.rights;

import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.devices.DeviceRegistry;
import dev.verge.cloud.rollout.Assignments;
import dev.verge.cloud.rollout.Target;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A device's rights follow its desired state: it may predict in the cloud each of its models only in the version
 * its group's current deployment of that model names for it (what {@code GET /api/devices/{id}/desired} answers), and report
 * telemetry and samples only for versions it was sent within the retention window ({@link ReportWindow}).
 * Every refusal is logged with its reason.
 */
public final class DeviceRights {
    private static final System.Logger LOG = System.getLogger(DeviceRights.class.getName());

    private final DeviceRegistry devices;
    private final Assignments assignments;
    private final SentVersions sent;
    private final RightsConfig config;
    private final Clock clock;

    public DeviceRights(DeviceRegistry devices, Assignments assignments, SentVersions sent, RightsConfig config, Clock clock) {
        this.devices = devices;
        this.assignments = assignments;
        this.sent = sent;
        this.config = config;
        this.clock = clock;
    }

    /**
     * The version of {@code model} {@code device} may predict: the one its desired state names, which must be
     * {@code asked} when a version is asked for. 403 {@code device_forbidden} otherwise.
     */
    public String predictable(DeviceIdentity device, String model, Optional<String> asked) {
        List<Target> running = assignments.of(devices.require(device.deviceId())).running().stream()
                .map(Assignments.Assignment::target).toList();
        Optional<Target> target = running.stream().filter(t -> t.model().equals(model)).findFirst();
        Optional<String> refusal;
        if (running.isEmpty()) {
            refusal = Optional.of("nothing is deployed to it (group " + device.group() + ")");
        } else if (target.isEmpty() || asked.filter(v -> !v.equals(target.get().version())).isPresent()) {
            refusal = Optional.of("its desired state names " + String.join(", ", running.stream().map(t -> t.model() + " "
                    + t.version()).toList()) + ", not " + model + asked.map(v -> " " + v).orElse(""));
        } else {
            return target.get().version();
        }
        String reason = "device " + device.deviceId() + " may predict only the version its desired state names: " + refusal.get();
        LOG.log(Level.WARNING, "prediction refused: " + reason);
        throw new VergeException(ErrorKind.FORBIDDEN, "device_forbidden", reason);
    }

    /** What {@code device} may report now. */
    public ReportWindow reportWindow(DeviceIdentity device) {
        return new ReportWindow(device.deviceId(), sent.of(device.deviceId()), clock.instant(), config.retention(), config.clockSkew());
    }

    public RightsConfig config() {
        return config;
    }
}
