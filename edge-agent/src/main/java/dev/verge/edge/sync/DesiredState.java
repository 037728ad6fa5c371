package dev.verge.edge.sync;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.inference.json.Json;
import dev.verge.wire.desired.DesiredStatement;
import dev.verge.wire.desired.DesiredStatement.ModelEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What this device should run, as the cloud's signed statement ({@link StatementVerifier}) says it: every model
 * ({@code models}, each with its target and shadow candidate), and the default one's fields on their own
 * ({@code model}, {@code version}, {@code package}, {@code deployment}) as before there were several.
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
        Integer pollSeconds,
        List<Wanted> models) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Duration SHORTEST_POLL = Duration.ofSeconds(1);
    private static final Duration LONGEST_POLL = Duration.ofDays(1);

    public DesiredState {
        models = models == null ? List.of() : List.copyOf(models);
    }

    public record Deployment(String id, String strategy, String role) {}

    public record PackageLocation(String url, String sha256, Long size, String signature) {}

    /** A package to run, where to get it, and the deployment that asked for it. */
    public record Target(PackageRef ref, String url, String deploymentId) {}

    /** One model of the device: its target, whether it is the default, and its shadow candidate (null: none). */
    public record Wanted(Target target, boolean isDefault, Shadow shadow) {
        public String name() {
            return target.ref().model();
        }
    }

    /** A candidate run beside a model on {@code percent} % of its requests. */
    public record Shadow(Target candidate, int percent) {}

    /**
     * What a verified statement tells this agent to run, checked as a whole: a statement that makes no sense (a
     * package without a sha256, a model without a version, two entries of one name, two defaults) is refused like
     * garbage is. The default is the entry that says so, else the first.
     */
    static DesiredState of(DesiredStatement statement) {
        List<ModelEntry> entries = statement.models() == null ? List.of() : statement.models();
        JsonNode sampling = statement.sampling() == null ? null : Json.mapper().valueToTree(statement.sampling());
        if (entries.isEmpty()) {
            return new DesiredState(statement.deviceId(), statement.group(), null, null, null, null, sampling,
                    statement.pollSeconds(), List.of());
        }
        if (entries.stream().anyMatch(java.util.Objects::isNull)) {
            throw invalid("expected a model in each of the desired state's models, found null");
        }
        long defaults = entries.stream().filter(ModelEntry::defaultModel).count();
        if (defaults > 1) {
            throw invalid("expected at most one model with \"default\": true, found " + defaults);
        }
        ModelEntry chosen = entries.stream().filter(ModelEntry::defaultModel).findFirst().orElse(entries.get(0));
        List<Wanted> wanted = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ModelEntry m : entries) {
            check(m.name(), m.version(), m.url(), m.sha256(), m.size(), m.signature());
            if (!names.add(m.name())) {
                throw invalid("expected each model once in the desired state, found " + m.name() + " twice");
            }
            Shadow shadow = null;
            if (m.shadow() != null) {
                DesiredStatement.Shadow s = m.shadow();
                check(m.name(), s.version(), s.url(), s.sha256(), s.size(), s.signature());
                if (s.percent() < 0 || s.percent() > 100) {
                    throw invalid("expected the shadow percent of " + m.name() + " within 0..100, found " + s.percent());
                }
                shadow = new Shadow(target(m.name(), s.version(), s.url(), s.sha256(), s.size(), s.signature(),
                        s.deployment() == null ? null : s.deployment().id()), s.percent());
            }
            wanted.add(new Wanted(target(m.name(), m.version(), m.url(), m.sha256(), m.size(), m.signature(),
                    m.deployment() == null ? null : m.deployment().id()), m == chosen, shadow));
        }
        Deployment deployment = chosen.deployment() == null ? null
                : new Deployment(chosen.deployment().id(), chosen.deployment().strategy(), chosen.deployment().role());
        return new DesiredState(statement.deviceId(), statement.group(), deployment, chosen.name(), chosen.version(),
                new PackageLocation(chosen.url(), chosen.sha256(), chosen.size(), chosen.signature()), sampling,
                statement.pollSeconds(), wanted);
    }

    private static void check(String model, String version, String url, String sha256, Long size, String signature) {
        if (model == null || model.isBlank() || version == null || version.isBlank()) {
            throw invalid("expected model, version and package all set (or all null when nothing is deployed), found model "
                    + model + ", version " + version);
        }
        if (url == null || url.isBlank()) {
            throw invalid("expected package.url, found none");
        }
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw invalid("expected package.sha256 as 64 hex digits, found " + sha256);
        }
        if (size == null || size <= 0) {
            throw invalid("expected package.size as a positive byte count, found " + size);
        }
        if (signature == null || signature.isBlank()) {
            throw invalid("expected package.signature (Base64 Ed25519), found none");
        }
    }

    private static Target target(String model, String version, String url, String sha256, long size, String signature,
                                 String deploymentId) {
        PackageRef ref = new PackageRef(model, version, sha256.toLowerCase(Locale.ROOT), size, signature.strip());
        return new Target(ref, url.strip(), deploymentId);
    }

    /** The default model's package; empty when nothing is deployed to this device. */
    public Optional<Target> target() {
        return models.stream().filter(Wanted::isDefault).findFirst().map(Wanted::target);
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
