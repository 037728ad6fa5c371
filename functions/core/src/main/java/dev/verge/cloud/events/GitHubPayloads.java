package dev.verge.cloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.events.ModelEvent.Ignored;
import dev.verge.cloud.events.ModelEvent.TagPushed;
import dev.verge.cloud.registry.ArtifactRef;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * GitHub webhook bodies ({@code X-GitHub-Event}): {@code package} / {@code registry_package}
 * {@code published} of a container (GitHub Container Registry) is an image push; {@code ping} is
 * answered. The delivery id is {@code X-GitHub-Delivery}, which the signature does not cover: the body's
 * digest deduplicates, and {@code package_version.updated_at} (or {@code created_at}) orders promotions.
 */
final class GitHubPayloads {
    private GitHubPayloads() {}

    static List<Delivery> webhook(Received received) {
        JsonNode body = received.json();
        String event = received.header("X-GitHub-Event").orElse("");
        String id = received.header("X-GitHub-Delivery").orElse(received.bodyDigest());
        String by = Fields.text(body, "sender", "login").orElse("github");
        String action = Fields.text(body, "action").orElse("");
        ModelEvent result;
        // GitHub signs the body only: the package's own times in it order promotions, not the arrival
        Instant time = received.at();
        if (event.equals("ping")) {
            result = new Ignored("ping", "ping: the webhook is configured", false);
        } else if (event.equals("package") || event.equals("registry_package")) {
            JsonNode pkg = Fields.get(body, event);
            String type = Fields.text(pkg, "package_type").orElse("").toLowerCase(Locale.ROOT);
            if (!action.equals("published") || !type.equals("container")) {
                result = new Ignored(event + "." + action, "only published container packages are model versions, found "
                        + (type.isEmpty() ? "another package" : type) + " " + action, false);
            } else {
                JsonNode version = Fields.get(pkg, "package_version");
                String namespace = Fields.text(pkg, "namespace").orElseGet(() -> Fields.text(pkg, "owner", "login").orElse(""));
                String repository = (namespace.isEmpty() ? "" : namespace + "/") + Fields.require(pkg, "GitHub package", "name");
                String tag = Fields.text(version, "container_metadata", "tag", "name")
                        .orElseGet(() -> Fields.require(version, "GitHub package", "tag_name"));
                String digest = Fields.text(version, "container_metadata", "tag", "digest")
                        .orElseGet(() -> Fields.text(version, "version").filter(v -> v.startsWith("sha256:")).orElse(null));
                String reference = Fields.text(version, "package_url").orElse("ghcr.io/" + repository + ":" + tag);
                result = new TagPushed("ghcr.io", repository, tag, ArtifactRef.image(reference, digest));
                time = Fields.time(version, "updated_at").or(() -> Fields.time(version, "created_at"))
                        .or(() -> Fields.time(pkg, "updated_at")).orElse(received.at());
            }
        } else {
            result = new Ignored(event.isEmpty() ? "unknown" : event, "GitHub event \"" + event
                    + "\" does not publish a model: expected package or registry_package (published container), or ping", true);
        }
        return List.of(new Delivery(EventSource.GITHUB, id, time, by, result));
    }
}
