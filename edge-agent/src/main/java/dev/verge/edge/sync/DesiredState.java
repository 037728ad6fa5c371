package dev.verge.edge.sync;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.inference.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The answer of {@code GET /api/devices/{id}/desired}: what this device should run. Read with Jackson and
 * then checked as a whole, so an answer that parses but makes no sense (a package without a sha256, a
 * version without a package) is refused like garbage is.
 *
 * @param sampling the deployment's sample capture settings, passed on as sent ({@link ModelSync#onSampling}); a
 *                 sampling object the agent cannot use does not make the rest of the answer invalid
 */
public record DesiredState(
        String deviceId,
        String group,
        Deployment deployment,
        String model,
        String version,
        @JsonProperty("package") PackageLocation packageLocation,
        JsonNode sampling,
        Integer pollSeconds) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Duration SHORTEST_POLL = Duration.ofSeconds(1);
    private static final Duration LONGEST_POLL = Duration.ofDays(1);

    public record Deployment(String id, String strategy, String role) {}

    public record PackageLocation(String url, String sha256, Long size, String signature) {}

    /** A package to run, where to get it, and the deployment that asked for it. */
    public record Target(PackageRef ref, String url, String deploymentId) {}

    /** Parses and checks an answer; anything else is a {@code cloud_answer_invalid} failure. */
    static DesiredState parse(byte[] body) {
        DesiredState desired;
        try {
            desired = Json.mapper().readValue(body, DesiredState.class);
        } catch (JacksonException e) {
            throw invalid("the desired state is not the expected JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("the desired state cannot be read: " + e.getMessage());
        }
        if (desired == null) {
            throw invalid("expected a JSON object as the desired state, found null");
        }
        desired.check();
        return desired;
    }

    private void check() {
        boolean nothing = model == null && version == null && packageLocation == null;
        if (nothing) {
            return;
        }
        if (model == null || model.isBlank() || version == null || version.isBlank() || packageLocation == null) {
            throw invalid("expected model, version and package all set (or all null when nothing is deployed), found model "
                    + model + ", version " + version + ", package " + (packageLocation == null ? "null" : "set"));
        }
        PackageLocation p = packageLocation;
        if (p.url() == null || p.url().isBlank()) {
            throw invalid("expected package.url, found none");
        }
        if (p.sha256() == null || !SHA256.matcher(p.sha256()).matches()) {
            throw invalid("expected package.sha256 as 64 hex digits, found " + p.sha256());
        }
        if (p.size() == null || p.size() <= 0) {
            throw invalid("expected package.size as a positive byte count, found " + p.size());
        }
        if (p.signature() == null || p.signature().isBlank()) {
            throw invalid("expected package.signature (Base64 Ed25519), found none");
        }
    }

    /** The package to run; empty when nothing is deployed to this device. */
    public Optional<Target> target() {
        if (packageLocation == null) {
            return Optional.empty();
        }
        PackageLocation p = packageLocation;
        PackageRef ref = new PackageRef(model, version, p.sha256().toLowerCase(Locale.ROOT), p.size(), p.signature().strip());
        return Optional.of(new Target(ref, p.url().strip(), deployment == null ? null : deployment.id()));
    }

    /** The cloud's poll interval, kept between one second and one day; {@code fallback} when it sets none. */
    public Duration pollInterval(Duration fallback) {
        if (pollSeconds == null) {
            return fallback;
        }
        Duration asked = Duration.ofSeconds(pollSeconds);
        return asked.compareTo(SHORTEST_POLL) < 0 ? SHORTEST_POLL : asked.compareTo(LONGEST_POLL) > 0 ? LONGEST_POLL : asked;
    }

    private static SyncException invalid(String message) {
        return SyncException.transientFailure("cloud_answer_invalid", message);
    }
}
