package dev.verge.cloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.events.ModelEvent.TagPushed;
import dev.verge.cloud.registry.ArtifactRef;
import java.util.List;

/**
 * Docker Hub webhook bodies: one kind only, a push ({@code push_data.tag}, {@code repository.repo_name}).
 * They carry no digest and no delivery id, so the body's SHA-256 (which includes {@code pushed_at})
 * identifies a delivery, and promotion by tag cannot tell which version a tag points at.
 */
final class DockerHubPayloads {
    private DockerHubPayloads() {}

    static List<Delivery> webhook(Received received) {
        JsonNode body = received.json();
        if (!Fields.path(body, "push_data").isObject()) {
            return List.of(new Delivery(EventSource.DOCKERHUB, received.bodyDigest(), received.at(), "dockerhub",
                    new ModelEvent.Ignored("unknown", "expected a Docker Hub push with push_data, found "
                            + Fields.describe(body), true)));
        }
        String repository = Fields.text(body, "repository", "repo_name").orElseGet(() ->
                Fields.text(body, "repository", "namespace").map(ns -> ns + "/").orElse("")
                        + Fields.require(body, "Docker Hub push", "repository", "name"));
        String tag = Fields.require(body, "Docker Hub push", "push_data", "tag");
        String pusher = Fields.text(body, "push_data", "pusher").orElse("dockerhub");
        return List.of(new Delivery(EventSource.DOCKERHUB, received.bodyDigest(),
                Fields.time(body, "push_data", "pushed_at").orElse(received.at()), pusher,
                new TagPushed("docker.io", repository, tag, ArtifactRef.image("docker.io/" + repository + ":" + tag, null))));
    }
}
