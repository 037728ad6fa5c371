package dev.verge.cloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.events.ModelEvent.AliasSet;
import dev.verge.cloud.events.ModelEvent.ArtifactDeleted;
import dev.verge.cloud.events.ModelEvent.Ignored;
import dev.verge.cloud.events.ModelEvent.TagPushed;
import dev.verge.cloud.registry.ArtifactRef;
import java.util.List;

/**
 * Verge's own webhook body, for registries and CI jobs without a format of their own, signed with
 * {@code X-Hub-Signature-256}:
 * <pre>{@code
 * {"id": "build-812", "type": "image.pushed", "time": "2026-11-20T10:00:00Z",
 *  "registry": "registry.example.com", "repository": "verge/fruit-quality", "tag": "4", "digest": "sha256:..."}
 * {"id": "...", "type": "image.deleted", "repository": "...", "digest": "sha256:..."}
 * {"id": "...", "type": "alias.set", "repository": "fruit-quality", "alias": "prod", "version": "4"}
 * }</pre>
 * The delivery id is {@code id}, else header {@code X-Delivery-Id}, else the body's SHA-256 (the same body
 * again is a replay whatever its id). A sender that can should also sign a timestamp: header
 * {@value #TIMESTAMP} (Unix seconds) with {@code X-Hub-Signature-256} over {@code <timestamp>.<body>}; such
 * deliveries older than {@code VERGE_WEBHOOK_MAX_AGE_SECONDS} are refused, and the timestamp orders
 * promotions when the body has no {@code time}.
 */
final class GenericPayloads {
    static final String TIMESTAMP = "X-Verge-Timestamp";

    private GenericPayloads() {}

    static List<Delivery> webhook(Received received) {
        JsonNode body = received.json();
        String id = Fields.text(body, "id").or(() -> received.header("X-Delivery-Id")).orElse(received.bodyDigest());
        String type = Fields.text(body, "type").orElse("");
        String registry = Fields.text(body, "registry").orElse("generic");
        ModelEvent event = switch (type) {
            case "image.pushed" -> {
                String repository = Fields.require(body, "image.pushed", "repository");
                String tag = Fields.require(body, "image.pushed", "tag");
                String reference = Fields.text(body, "reference").orElse(registry + "/" + repository + ":" + tag);
                yield new TagPushed(registry, repository, tag, ArtifactRef.image(reference, Fields.text(body, "digest").orElse(null)));
            }
            case "image.deleted" -> new ArtifactDeleted(registry, Fields.require(body, "image.deleted", "repository"),
                    Fields.text(body, "tag").orElse(null), Fields.require(body, "image.deleted", "digest"));
            case "alias.set" -> new AliasSet(registry, Fields.require(body, "alias.set", "repository"),
                    Fields.require(body, "alias.set", "alias"), Fields.require(body, "alias.set", "version"));
            case "ping" -> new Ignored("ping", "ping: the webhook is configured", false);
            default -> new Ignored(type.isEmpty() ? "unknown" : type, "unknown event type \"" + type
                    + "\": expected image.pushed, image.deleted, alias.set or ping", true);
        };
        // the signed timestamp was checked by WebhookAuth before the body is read
        java.time.Instant time = Fields.time(body, "time").or(() -> received.header(TIMESTAMP).flatMap(GenericPayloads::seconds))
                .orElse(received.at());
        return List.of(new Delivery(EventSource.GENERIC, id, time,
                Fields.text(body, "by").orElse("generic"), event));
    }

    private static java.util.Optional<java.time.Instant> seconds(String text) {
        try {
            return java.util.Optional.of(java.time.Instant.ofEpochSecond(Long.parseLong(text)));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return java.util.Optional.empty();
        }
    }
}
