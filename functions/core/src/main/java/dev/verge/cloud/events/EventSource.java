package dev.verge.cloud.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a model event comes from. The first six are webhook sources, served at
 * {@code POST /api/webhooks/<source>}; Event Grid is served at {@code /api/events/eventgrid} and through
 * the Azure Event Grid triggers, EventBridge only through its Lambda handler. The last three only
 * announce blob uploads ({@link BlobUploads}): S3 event notifications to their Lambda handler, the Azure
 * blob trigger and the local cloud's watched folder.
 */
public enum EventSource {
    ACR, DOCKERHUB, HUGGINGFACE, MLFLOW, GITHUB, GENERIC, EVENTGRID, EVENTBRIDGE, S3, BLOBTRIGGER, FOLDER;

    /** The sources {@code POST /api/webhooks/{source}} accepts. */
    public static final List<EventSource> WEBHOOKS = List.of(ACR, DOCKERHUB, HUGGINGFACE, MLFLOW, GITHUB, GENERIC);

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The environment variable holding this source's secret(s), comma-separated. */
    public String secretVariable() {
        return "VERGE_WEBHOOK_SECRET_" + name();
    }

    public static Optional<EventSource> webhook(String text) {
        return WEBHOOKS.stream().filter(s -> s.json().equals(text)).findFirst();
    }

    public static Optional<EventSource> parse(String text) {
        return Arrays.stream(values()).filter(s -> s.json().equalsIgnoreCase(text == null ? "" : text.strip())).findFirst();
    }
}
