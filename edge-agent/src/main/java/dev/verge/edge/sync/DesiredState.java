package dev.verge.edge.sync;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.inference.json.Json;
import dev.verge.wire.desired.DesiredStatement;
import dev.verge.wire.desired.DesiredStatement.ModelEntry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What this device should run, as the cloud's signed statement ({@link StatementVerifier}) says it.
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

    /**
     * What a verified statement tells this agent to run, checked as a whole: a statement that makes no sense (a
     * package without a sha256, a model without a version) is refused like garbage is. This agent serves one
     * model: the statement's first.
     */
    static DesiredState of(DesiredStatement statement) {
        List<ModelEntry> models = statement.models() == null ? List.of() : statement.models();
        JsonNode sampling = statement.sampling() == null ? null : Json.mapper().valueToTree(statement.sampling());
        if (models.isEmpty()) {
            return new DesiredState(statement.deviceId(), statement.group(), null, null, null, null, sampling,
                    statement.pollSeconds());
        }
        ModelEntry m = models.get(0);
        if (m == null) {
            throw invalid("expected a model in the desired state's models, found null");
        }
        Deployment deployment = m.deployment() == null ? null
                : new Deployment(m.deployment().id(), m.deployment().strategy(), m.deployment().role());
        DesiredState desired = new DesiredState(statement.deviceId(), statement.group(), deployment, m.name(), m.version(),
                new PackageLocation(m.url(), m.sha256(), m.size(), m.signature()), sampling, statement.pollSeconds());
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
