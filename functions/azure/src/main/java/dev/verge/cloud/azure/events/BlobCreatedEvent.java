package dev.verge.cloud.azure.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code Microsoft.Storage.BlobCreated} event from Event Grid, in the Event Grid schema
 * ({@code eventType}) or the CloudEvents 1.0 schema ({@code type}); one event or a batch (array).
 * {@code etag} is unquoted; {@code size} is -1 when the event does not say.
 */
public record BlobCreatedEvent(String id, String container, String name, String etag, long size, String contentType) {

    static final String TYPE = "Microsoft.Storage.BlobCreated";
    private static final Pattern SUBJECT = Pattern.compile("^/blobServices/default/containers/([^/]+)/blobs/(.+)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The BlobCreated events in {@code json}; events of other types are skipped. */
    public static List<BlobCreatedEvent> parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw invalid("the event is not JSON: " + e.getOriginalMessage());
        }
        List<BlobCreatedEvent> events = new ArrayList<>();
        for (JsonNode event : root.isArray() ? root : List.of(root)) {
            String type = event.hasNonNull("eventType") ? event.get("eventType").asText() : event.path("type").asText();
            if (TYPE.equals(type)) {
                events.add(of(event));
            }
        }
        return events;
    }

    private static BlobCreatedEvent of(JsonNode event) {
        JsonNode data = event.path("data");
        String container;
        String name;
        Matcher subject = SUBJECT.matcher(event.path("subject").asText(""));
        if (subject.matches()) {
            container = subject.group(1);
            name = subject.group(2);
        } else if (data.hasNonNull("url")) {
            // https://<account>.blob.core.windows.net/<container>/<blob, URL-encoded>
            String path = URI.create(data.get("url").asText()).getRawPath().substring(1);
            int slash = path.indexOf('/');
            if (slash < 0) {
                throw invalid("data.url names no blob: " + data.get("url").asText());
            }
            container = path.substring(0, slash);
            name = URLDecoder.decode(path.substring(slash + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
        } else {
            throw invalid("expected subject /blobServices/default/containers/<container>/blobs/<name> or data.url, found subject '"
                    + event.path("subject").asText("") + "'");
        }
        String etag = data.path("eTag").asText("");
        if (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            etag = etag.substring(1, etag.length() - 1);
        }
        return new BlobCreatedEvent(event.path("id").asText(""), container, name, etag,
                data.path("contentLength").asLong(-1), data.path("contentType").asText(null));
    }

    private static VergeException invalid(String message) {
        return new VergeException(ErrorKind.BAD_REQUEST, "event_invalid", "BlobCreated event: " + message);
    }
}
