package dev.verge.cloud.rights;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one device may report right now: records of versions it was sent within the retention window, timed
 * between the start of the deployment that brought the version (less the clock skew) and the cloud's clock
 * (plus the skew). Records no model answered (model and version null) may lie within the retention window.
 */
public final class ReportWindow {

    /** Why a record is refused, and the field to name. */
    public record Refusal(String field, String reason) {}

    private final String deviceId;
    private final List<SentVersion> sent;
    private final Instant now;
    private final Duration retention;
    private final Duration skew;

    ReportWindow(String deviceId, List<SentVersion> sent, Instant now, Duration retention, Duration skew) {
        this.deviceId = deviceId;
        this.sent = List.copyOf(sent);
        this.now = now;
        this.retention = retention;
        this.skew = skew;
    }

    /** What {@code deviceId}, sent {@code sent}, may report at {@code now}. */
    public static ReportWindow of(String deviceId, List<SentVersion> sent, Instant now, RightsConfig config) {
        return new ReportWindow(deviceId, sent, now, config.retention(), config.clockSkew());
    }

    /** A window that refuses nothing (for tests of what is made of telemetry, and tools that replay it). */
    public static ReportWindow open(Instant now) {
        return new ReportWindow(null, List.of(), now, null, null);
    }

    /** Why {@code model} {@code version} at {@code time} is refused; empty when the device may report it. */
    public Optional<Refusal> check(String model, String version, Instant time) {
        if (retention == null) {
            return Optional.empty();
        }
        if (time.isAfter(now.plus(skew))) {
            return Optional.of(new Refusal("time", "expected a time no later than the cloud's clock (" + now + ") plus the "
                    + skew.toSeconds() + " s clock skew, found " + time + "; check the device's clock"));
        }
        if (model == null) {
            Instant earliest = now.minus(retention).minus(skew);
            return time.isBefore(earliest) ? Optional.of(new Refusal("time", "expected a time within the last "
                    + retention.toDays() + " days (" + earliest + " or later), found " + time)) : Optional.empty();
        }
        Optional<SentVersion> named = sent.stream().filter(v -> v.model().equals(model) && v.version().equals(version)).findFirst();
        if (named.isEmpty()) {
            return Optional.of(new Refusal("version", "device " + deviceId + " was never sent " + model + " " + version
                    + "; it may report only the versions its desired state named"));
        }
        SentVersion v = named.get();
        if (v.lastSentAt().plus(retention).isBefore(now)) {
            return Optional.of(new Refusal("version", "device " + deviceId + " was last sent " + model + " " + version + " at "
                    + v.lastSentAt() + ", more than the " + retention.toDays() + " days reports are kept open"));
        }
        Instant from = v.deployedAt().minus(skew);
        if (time.isBefore(from)) {
            return Optional.of(new Refusal("time", "expected a time after " + model + " " + version + " was deployed ("
                    + v.deployedAt() + ", less the " + skew.toSeconds() + " s clock skew), found " + time));
        }
        return Optional.empty();
    }
}
