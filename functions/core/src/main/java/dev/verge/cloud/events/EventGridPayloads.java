package dev.verge.cloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.events.ModelEvent.Ignored;
import dev.verge.cloud.events.ModelEvent.VersionPublished;
import dev.verge.cloud.registry.ArtifactRef;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azure Event Grid deliveries, in the Event Grid schema (an array of events with {@code eventType})
 * or the CloudEvents 1.0 schema (one structured event, or a batch array, with {@code specversion} and
 * {@code type}). Field names are read ignoring case, since they have changed case between versions.
 * Types: {@code Microsoft.ContainerRegistry.ImagePushed} / {@code ImageDeleted} (the data of an ACR
 * webhook), {@code Microsoft.Storage.BlobCreated}, {@code Microsoft.MachineLearningServices.ModelRegistered};
 * the {@code SubscriptionValidationEvent} is the handshake, answered by {@link EventIntake}.
 */
final class EventGridPayloads {
    static final String VALIDATION = "Microsoft.EventGrid.SubscriptionValidationEvent";
    private static final Pattern BLOB_SUBJECT = Pattern.compile("^/blobServices/default/containers/([^/]+)/blobs/(.+)$",
            Pattern.DOTALL); // a name with a line break is still this blob's name (and refused for it)
    private static final Pattern REGISTRY_TOPIC = Pattern.compile("(?i).*/registries/([^/]+)$");

    private EventGridPayloads() {}

    /** The events of a delivery, in order; a body that is neither an event nor an array of events is 400. */
    static List<JsonNode> events(JsonNode body) {
        List<JsonNode> events = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(events::add);
        } else if (body.isObject()) {
            events.add(body);
        }
        if (events.isEmpty() || events.stream().anyMatch(e -> !e.isObject())) {
            throw Fields.invalid("expected Event Grid events (an array of objects) or a CloudEvent, found " + Fields.describe(body));
        }
        return events;
    }

    static String type(JsonNode event) {
        return isCloudEvent(event) ? Fields.text(event, "type").orElse("") : Fields.text(event, "eventType").orElse("");
    }

    /** The validation code of a handshake event, if {@code event} is one. */
    static Optional<String> validationCode(JsonNode event) {
        return VALIDATION.equals(type(event)) ? Fields.text(event, "data", "validationCode") : Optional.empty();
    }

    static Delivery delivery(JsonNode event, Received received) {
        boolean cloudEvent = isCloudEvent(event);
        String type = type(event);
        String id = Fields.text(event, "id").orElse(received.bodyDigest());
        String subject = Fields.text(event, "subject").orElse("");
        String topic = Fields.text(event, cloudEvent ? "source" : "topic").orElse("");
        JsonNode data = Fields.get(event, "data");
        var time = Fields.time(event, cloudEvent ? "time" : "eventTime").orElse(received.at());
        ModelEvent model = switch (type) {
            case "Microsoft.ContainerRegistry.ImagePushed" -> AcrPayloads.event("push", data, registry(topic));
            case "Microsoft.ContainerRegistry.ImageDeleted" -> AcrPayloads.event("delete", data, registry(topic));
            case "Microsoft.ContainerRegistry.ChartPushed", "Microsoft.ContainerRegistry.ChartDeleted" ->
                    new Ignored(type, "Helm charts are not models", false);
            case "Microsoft.Storage.BlobCreated" -> blobCreated(subject, data);
            case "Microsoft.MachineLearningServices.ModelRegistered" -> modelRegistered(topic, data);
            case "Microsoft.EventGrid.SubscriptionDeletedEvent" -> new Ignored(type, "the subscription was deleted", false);
            default -> new Ignored(type.isEmpty() ? "unknown" : type, "unknown Event Grid event type \"" + type
                    + "\": expected Microsoft.ContainerRegistry.ImagePushed, Microsoft.Storage.BlobCreated or"
                    + " Microsoft.MachineLearningServices.ModelRegistered", true);
        };
        return new Delivery(EventSource.EVENTGRID, id, time, "event-grid", model);
    }

    private static boolean isCloudEvent(JsonNode event) {
        return Fields.text(event, "specversion").isPresent();
    }

    private static String registry(String topic) {
        Matcher m = REGISTRY_TOPIC.matcher(topic);
        return m.matches() ? m.group(1) + ".azurecr.io" : null;
    }

    private static BlobUpload blobCreated(String subject, JsonNode data) {
        String container;
        String name;
        Matcher m = BLOB_SUBJECT.matcher(subject);
        if (m.matches()) {
            container = m.group(1);
            name = m.group(2);
        } else {
            // https://<account>.blob.core.windows.net/<container>/<blob, URL-encoded>
            String url = Fields.text(data, "url").orElseThrow(() -> Fields.invalid("BlobCreated: expected subject"
                    + " /blobServices/default/containers/<container>/blobs/<name> or data.url, found subject \"" + subject + "\""));
            String path;
            try {
                path = new URI(url).getRawPath();
            } catch (URISyntaxException e) {
                throw Fields.invalid("BlobCreated: data.url is not a URL: " + e.getMessage());
            }
            int slash = path == null ? -1 : path.indexOf('/', 1);
            if (slash < 0 || slash == path.length() - 1) {
                throw Fields.invalid("BlobCreated: data.url names no blob: " + url);
            }
            container = path.substring(1, slash);
            name = URLDecoder.decode(path.substring(slash + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
        }
        return BlobUpload.inContainer(container, name, Fields.text(data, "eTag").orElse(""), Fields.number(data, -1, "contentLength"));
    }

    private static VersionPublished modelRegistered(String topic, JsonNode data) {
        String name = Fields.require(data, "ModelRegistered", "modelName");
        String version = Fields.require(data, "ModelRegistered", "modelVersion");
        String reference = "azureml:" + (topic.isEmpty() ? "" : topic + "/") + "models/" + name + "/versions/" + version;
        return new VersionPublished("azureml", name, version, new ArtifactRef(ArtifactRef.AZURE_ML, reference, null));
    }
}
