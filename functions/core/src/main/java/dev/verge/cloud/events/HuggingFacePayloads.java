package dev.verge.cloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.events.ModelEvent.ArtifactDeleted;
import dev.verge.cloud.events.ModelEvent.Ignored;
import dev.verge.cloud.events.ModelEvent.TagPushed;
import dev.verge.cloud.registry.ArtifactRef;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face webhook bodies. A {@code repo.content} update of a model repo lists the refs it moved in
 * {@code updatedRefs}: a tag ({@code refs/tags/v3}) is a version or a promotion, as for images; a branch
 * moving is not a version (tag the commit to register one) and is ignored with that reason.
 */
final class HuggingFacePayloads {
    private static final String ZERO_SHA = "0000000000000000000000000000000000000000";

    private HuggingFacePayloads() {}

    static List<Delivery> webhook(Received received) {
        JsonNode body = received.json();
        String scope = Fields.text(body, "event", "scope").orElse("");
        String action = Fields.text(body, "event", "action").orElse("");
        String type = scope + "." + action;
        String id = received.bodyDigest();
        if (!scope.equals("repo.content") || !action.equals("update")) {
            boolean known = scope.startsWith("repo") || scope.startsWith("discussion");
            return List.of(new Delivery(EventSource.HUGGINGFACE, id, received.at(), "huggingface",
                    new Ignored(type, "Hugging Face event " + type + " does not publish a model", !known)));
        }
        String repo = Fields.require(body, "Hugging Face repo update", "repo", "name");
        String repoType = Fields.text(body, "repo", "type").orElse("model");
        if (!repoType.equals("model")) {
            return List.of(new Delivery(EventSource.HUGGINGFACE, id, received.at(), "huggingface",
                    new Ignored(type, repo + " is a " + repoType + " repo, not a model", false)));
        }
        JsonNode refs = Fields.get(body, "updatedRefs");
        List<Delivery> deliveries = new ArrayList<>();
        if (!refs.isArray() || refs.isEmpty()) {
            String head = Fields.text(body, "repo", "headSha").orElse("?");
            deliveries.add(new Delivery(EventSource.HUGGINGFACE, id, received.at(), "huggingface",
                    new Ignored(type, repo + " changed (head " + head + ") without a tag; tag a commit (e.g. v3) to register a version", false)));
            return deliveries;
        }
        for (JsonNode ref : refs) {
            String name = Fields.text(ref, "ref").orElse("");
            String newSha = Fields.text(ref, "newSha").orElse(ZERO_SHA);
            ModelEvent event;
            if (name.startsWith("refs/tags/")) {
                String tag = name.substring("refs/tags/".length());
                event = newSha.equals(ZERO_SHA)
                        ? new ArtifactDeleted("huggingface.co", repo, tag, Fields.text(ref, "oldSha").orElse(null))
                        : new TagPushed("huggingface.co", repo, tag,
                                new ArtifactRef(ArtifactRef.HUGGING_FACE, "https://huggingface.co/" + repo + "@" + tag, newSha));
            } else {
                event = new Ignored(type, repo + ": " + name + " moved to " + newSha
                        + ", which is not a version; tag the commit (e.g. refs/tags/v3) to register one", false);
            }
            deliveries.add(new Delivery(EventSource.HUGGINGFACE, id, received.at(), "huggingface", event));
        }
        return deliveries;
    }
}
