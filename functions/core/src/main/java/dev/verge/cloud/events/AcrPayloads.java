package dev.verge.cloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.events.ModelEvent.ArtifactDeleted;
import dev.verge.cloud.events.ModelEvent.Ignored;
import dev.verge.cloud.events.ModelEvent.TagPushed;
import dev.verge.cloud.registry.ArtifactRef;
import java.util.List;
import java.util.Locale;

/**
 * Azure Container Registry webhook bodies ({@code push}, {@code delete}, {@code chart_push},
 * {@code chart_delete}, {@code quarantine}, {@code ping}), which are also the {@code data} of Event
 * Grid's {@code Microsoft.ContainerRegistry.*} events.
 */
final class AcrPayloads {
    private AcrPayloads() {}

    static List<Delivery> webhook(Received received) {
        JsonNode body = received.json();
        String id = Fields.text(body, "id").orElse(received.bodyDigest());
        String by = Fields.text(body, "actor", "name").orElse("acr");
        return List.of(new Delivery(EventSource.ACR, id, Fields.time(body, "timestamp").orElse(received.at()), by,
                event(Fields.text(body, "action").orElse(""), body, null)));
    }

    /**
     * The event an ACR action means. {@code registryHint}: the registry's host when the payload has no
     * {@code request.host} (Event Grid gives the registry in its topic).
     */
    static ModelEvent event(String action, JsonNode data, String registryHint) {
        String registry = Fields.text(data, "request", "host").orElse(registryHint == null ? "acr" : registryHint);
        return switch (action.toLowerCase(Locale.ROOT)) {
            case "push" -> {
                String repository = Fields.require(data, "ACR push", "target", "repository");
                String tag = Fields.require(data, "ACR push", "target", "tag");
                String digest = Fields.text(data, "target", "digest").orElse(null);
                yield new TagPushed(registry, repository, tag,
                        ArtifactRef.image(registry + "/" + repository + ":" + tag, digest));
            }
            case "delete" -> new ArtifactDeleted(registry, Fields.require(data, "ACR delete", "target", "repository"),
                    Fields.text(data, "target", "tag").orElse(null), Fields.text(data, "target", "digest").orElse(null));
            case "ping" -> new Ignored("ping", "ping: the webhook is configured", false);
            case "chart_push", "chart_delete" -> new Ignored(action, "Helm charts are not models", false);
            case "quarantine" -> new Ignored(action, "quarantined images are registered when they are pushed", false);
            default -> new Ignored(action.isEmpty() ? "unknown" : action,
                    "unknown ACR action \"" + action + "\": expected push, delete, chart_push, chart_delete or ping", true);
        };
    }
}
