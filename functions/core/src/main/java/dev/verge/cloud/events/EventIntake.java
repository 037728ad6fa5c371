package dev.verge.cloud.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.events.WebhookAuth.WebhookAuthException;
import dev.verge.error.ErrorBody;
import dev.verge.error.VergeException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Where every model event enters: authenticates the delivery by its source's scheme, reads its
 * payload, hands each event to {@link ModelEvents} and says what to answer. Every channel ends here:
 * the webhook routes, Event Grid's webhook delivery and trigger, EventBridge's Lambda handler. It never
 * throws: 401 when authentication fails (logged with source and reason, never the secret), 400 for a
 * body that is not JSON or not the source's shape, 202 {@code ignored} for unknown event types, 200
 * otherwise, and 503 when a store failed and the sender should retry.
 */
public final class EventIntake {
    private static final System.Logger LOG = System.getLogger(EventIntake.class.getName());
    static final int MAX_BODY_BYTES = 1024 * 1024;
    static final String SECRET_HEADER = "X-Verge-Webhook-Secret";

    /** What to answer: a status, extra headers and a JSON body. */
    public record Answer(int status, Map<String, String> headers, Object body) {
        static Answer of(int status, Object body) {
            return new Answer(status, Map.of(), body);
        }
    }

    private final ModelEvents events;
    private final EventsConfig config;
    private final Clock clock;

    public EventIntake(ModelEvents events, EventsConfig config, Clock clock) {
        this.events = events;
        this.config = config;
        this.clock = clock;
    }

    /**
     * A webhook delivery to {@code POST /api/webhooks/<source>[/<token>]}.
     *
     * @param pathToken the secret some sources (Docker Hub) can only send in the URL; null when absent
     */
    public Answer webhook(EventSource source, String pathToken, byte[] body, Function<String, Optional<String>> headers,
                          Function<String, Optional<String>> query) {
        return guarded(source, () -> {
            authenticate(source, pathToken, body, headers);
            Received received = new Received(body, json(body), headers, clock.instant());
            List<Delivery> deliveries = switch (source) {
                case ACR -> AcrPayloads.webhook(received);
                case DOCKERHUB -> DockerHubPayloads.webhook(received);
                case HUGGINGFACE -> HuggingFacePayloads.webhook(received);
                case MLFLOW -> MlflowPayloads.webhook(received);
                case GITHUB -> GitHubPayloads.webhook(received);
                case GENERIC -> GenericPayloads.webhook(received);
                case EVENTGRID, EVENTBRIDGE, S3, BLOBTRIGGER, FOLDER -> throw new IllegalArgumentException(source + " is not a webhook source");
            };
            return answer(withBodyDigest(deliveries, received));
        });
    }

    /** Each delivery of one body gets the body's digest (and its place, when the body holds several). */
    private static List<Delivery> withBodyDigest(List<Delivery> deliveries, Received received) {
        String digest = Fields.sha256(received.body());
        List<Delivery> out = new ArrayList<>();
        for (int i = 0; i < deliveries.size(); i++) {
            out.add(deliveries.get(i).withContentDigest(deliveries.size() == 1 ? digest : digest + "-" + i));
        }
        return out;
    }

    /**
     * An Event Grid delivery. {@code trusted}: it came through the Functions host's Event Grid trigger,
     * which authenticated it; otherwise (webhook delivery to {@code /api/events/eventgrid}) it must carry
     * the secret in query {@code code} or header {@value #SECRET_HEADER}.
     */
    public Answer eventGrid(byte[] body, boolean trusted, Function<String, Optional<String>> headers,
                            Function<String, Optional<String>> query) {
        return guarded(EventSource.EVENTGRID, () -> {
            if (!trusted) {
                WebhookAuth.sharedSecret(query.apply("code").or(() -> headers.apply(SECRET_HEADER)),
                        config.secretsOf(EventSource.EVENTGRID), "query parameter code or header " + SECRET_HEADER);
            }
            JsonNode json = json(body);
            List<JsonNode> batch = EventGridPayloads.events(json);
            Optional<String> validation = batch.size() == 1 ? EventGridPayloads.validationCode(batch.get(0)) : Optional.empty();
            if (validation.isPresent()) {
                LOG.log(Level.INFO, "Event Grid subscription validation answered");
                return Answer.of(200, Map.of("validationResponse", validation.get()));
            }
            Received received = new Received(body, json, headers, clock.instant());
            List<Delivery> deliveries = new ArrayList<>();
            for (JsonNode event : batch) {
                // Event Grid batches events as it likes: each event's own content identifies it
                deliveries.add(EventGridPayloads.delivery(event, received)
                        .withContentDigest(Fields.sha256(event.toString())));
            }
            return answer(deliveries);
        });
    }

    /** The CloudEvents webhook handshake ({@code OPTIONS} with {@code WebHook-Request-Origin}). */
    public Answer cloudEventsHandshake(Function<String, Optional<String>> headers) {
        Optional<String> origin = headers.apply("WebHook-Request-Origin").map(String::strip).filter(o -> !o.isEmpty());
        if (origin.isEmpty()) {
            return Answer.of(400, new ErrorBody("handshake_invalid",
                    "expected the CloudEvents webhook handshake header WebHook-Request-Origin, found none"));
        }
        return new Answer(200, Map.of("WebHook-Allowed-Origin", origin.get(), "WebHook-Allowed-Rate", "*",
                "Allow", "POST, OPTIONS"), null);
    }

    /** An EventBridge event delivered to the Lambda handler (EventBridge authenticated it). */
    public Answer eventBridge(byte[] body) {
        return guarded(EventSource.EVENTBRIDGE, () -> {
            Received received = new Received(body, json(body), name -> Optional.empty(), clock.instant());
            return answer(withBodyDigest(List.of(EventBridgePayloads.delivery(received)), received));
        });
    }

    // ---- answering ---------------------------------------------------------------------------

    private Answer answer(List<Delivery> deliveries) {
        List<Map<String, Object>> results = new ArrayList<>();
        boolean allUnknown = true;
        for (int i = 0; i < deliveries.size(); i++) {
            Delivery d = deliveries.get(i);
            long sameId = deliveries.stream().filter(o -> o.deliveryId().equals(d.deliveryId())).count();
            Delivery unique = sameId > 1 ? d.withDeliveryId(d.deliveryId() + "#" + i) : d;
            ModelEvents.Result result = events.handle(unique);
            results.add(view(result));
            allUnknown &= d.event() instanceof ModelEvent.Ignored ignored && ignored.unknownType();
        }
        int status = allUnknown ? 202 : 200;
        if (results.size() == 1) {
            return Answer.of(status, results.get(0));
        }
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("outcome", "batch");
        batch.put("results", results);
        return Answer.of(status, batch);
    }

    private static Map<String, Object> view(ModelEvents.Result result) {
        EventRecord r = result.record();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("outcome", r.outcome().json());
        if (r.reason() != null) {
            out.put("reason", r.reason());
        }
        out.put("source", r.source());
        out.put("deliveryId", r.deliveryId());
        out.put("type", r.type());
        out.put("model", r.model());
        out.put("version", r.version());
        out.put("duplicate", result.duplicate());
        return out;
    }

    /** Runs {@code work}, turning every failure into an answer. */
    private Answer guarded(EventSource source, java.util.function.Supplier<Answer> work) {
        try {
            return work.get();
        } catch (WebhookAuthException e) {
            LOG.log(Level.WARNING, "webhook " + source.json() + " refused: " + e.getMessage());
            return Answer.of(401, new ErrorBody("webhook_unauthorized", source.json() + ": " + e.getMessage()));
        } catch (VergeException e) {
            if (e.kind().httpStatus() >= 500) {
                LOG.log(Level.WARNING, "event from " + source.json() + " failed, the sender should retry: " + e.getMessage(), e);
                return Answer.of(503, new ErrorBody("event_retry", "the event could not be handled now; retry later"));
            }
            LOG.log(Level.INFO, () -> dev.verge.cloud.registry.ObjectKeys.escapeControls(
                    "event from " + source.json() + " refused: " + e.code() + ": " + e.getMessage()));
            return Answer.of(e.kind().httpStatus(), e.body());
        } catch (RuntimeException e) {
            String incident = UUID.randomUUID().toString();
            LOG.log(Level.ERROR, "event from " + source.json() + " failed, incident " + incident, e);
            return Answer.of(503, new ErrorBody("event_retry",
                    "the event could not be handled now (incident " + incident + "); retry later"));
        }
    }

    private void authenticate(EventSource source, String pathToken, byte[] body, Function<String, Optional<String>> headers) {
        if (pathToken != null && source != EventSource.DOCKERHUB) {
            throw new WebhookAuthException("a secret in the URL is only accepted from dockerhub; " + source.json()
                    + " authenticates with its headers");
        }
        List<String> secrets = config.secretsOf(source);
        switch (source) {
            case ACR -> WebhookAuth.sharedSecret(headers.apply(SECRET_HEADER).or(() -> bearer(headers)), secrets,
                    "header " + SECRET_HEADER + " or Authorization: Bearer");
            case DOCKERHUB -> WebhookAuth.sharedSecret(Optional.ofNullable(pathToken).or(() -> headers.apply(SECRET_HEADER)),
                    secrets, "the URL (/api/webhooks/dockerhub/<token>) or header " + SECRET_HEADER);
            case HUGGINGFACE -> WebhookAuth.sharedSecret(headers.apply("X-Webhook-Secret"), secrets, "header X-Webhook-Secret");
            case MLFLOW -> WebhookAuth.mlflowSignature(body, headers.apply(MlflowPayloads.DELIVERY_ID),
                    headers.apply(MlflowPayloads.TIMESTAMP), headers.apply(MlflowPayloads.SIGNATURE), secrets,
                    clock.instant(), config.maxSignatureAge());
            case GITHUB -> WebhookAuth.hubSignature(body, headers.apply("X-Hub-Signature-256"), secrets);
            case GENERIC -> {
                Optional<String> timestamp = headers.apply(GenericPayloads.TIMESTAMP).map(String::strip).filter(t -> !t.isEmpty());
                if (timestamp.isPresent()) {
                    WebhookAuth.timestampedHubSignature(body, timestamp.get(), headers.apply("X-Hub-Signature-256"), secrets,
                            clock.instant(), config.maxSignatureAge());
                } else {
                    WebhookAuth.hubSignature(body, headers.apply("X-Hub-Signature-256"), secrets);
                }
            }
            case EVENTGRID, EVENTBRIDGE, S3, BLOBTRIGGER, FOLDER -> throw new IllegalArgumentException(source + " is not a webhook source");
        }
    }

    private static Optional<String> bearer(Function<String, Optional<String>> headers) {
        return headers.apply("Authorization").map(String::strip)
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(v -> v.substring(7).strip());
    }

    private static JsonNode json(byte[] body) {
        if (body.length == 0) {
            throw Fields.invalid("expected a JSON body, found an empty one");
        }
        try {
            JsonNode tree = CloudJson.mapper().readTree(body);
            if (tree == null || !(tree.isObject() || tree.isArray())) {
                throw Fields.invalid("expected a JSON object or array, found " + Fields.describe(tree));
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new VergeException(dev.verge.error.ErrorKind.BAD_REQUEST, "json_invalid",
                    "expected a JSON body, found unreadable JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // bytes in memory cannot fail to read: this is text in no Unicode encoding (found by EventPayloadsFuzzTest)
            throw new VergeException(dev.verge.error.ErrorKind.BAD_REQUEST, "json_invalid",
                    "expected a JSON body in UTF-8, found bytes that are not text: " + e.getMessage());
        }
    }
}
