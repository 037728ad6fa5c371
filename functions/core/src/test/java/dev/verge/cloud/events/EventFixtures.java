package dev.verge.cloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.json.CloudJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * The event payloads of {@code src/test/resources/events} (copies of the shared fixtures and the
 * variants written for Verge), the secrets every runtime under test is configured with, and the
 * signing schemes of the sources, for the event tests of every runtime.
 */
public final class EventFixtures {
    public static final String ACR_SECRET = "acr-secret-3f9a";
    public static final String DOCKERHUB_TOKEN = "dockerhub-token-81c2d0e7";
    public static final String HUGGINGFACE_SECRET = "hf-secret-77aa";
    public static final String MLFLOW_SECRET = "mlflow-secret-19bd";
    public static final String GITHUB_SECRET = "It's a Secret to Everybody";
    public static final String GENERIC_SECRET = "generic-secret-5e01";
    public static final String EVENTGRID_SECRET = "eventgrid-code-4410";
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * The rules every runtime under test gets: each source owns the repositories the cases use for it (ACR and
     * Event Grid: the bare test model names {@code m-*}; GitHub {@code acme-farms/*}; generic {@code verge/*}),
     * so one source's delivery never acts on another's; Docker Hub and Hugging Face register only.
     */
    public static final String RULES = """
            {"repositories": [
               {"sources": ["acr", "eventgrid"], "repository": "m-*"},
               {"source": "github", "repository": "acme-farms/*"},
               {"source": "generic", "repository": "verge/*"},
               {"sources": ["mlflow", "eventbridge"]},
               {"sources": ["dockerhub", "huggingface"], "promote": {}, "archive": false}],
             "blobs": [{}]}
            """;

    private EventFixtures() {}

    /** The settings every runtime under test is started with: each source's secret, default rules. */
    public static EventsConfig config() {
        return EventsConfig.defaults().withRules(EventRules.parse(RULES))
                .withSecret(EventSource.ACR, ACR_SECRET)
                .withSecret(EventSource.DOCKERHUB, DOCKERHUB_TOKEN)
                .withSecret(EventSource.HUGGINGFACE, HUGGINGFACE_SECRET)
                .withSecret(EventSource.MLFLOW, MLFLOW_SECRET)
                .withSecret(EventSource.GITHUB, GITHUB_SECRET)
                .withSecret(EventSource.GENERIC, GENERIC_SECRET)
                .withSecret(EventSource.EVENTGRID, EVENTGRID_SECRET);
    }

    /** The same settings as environment variables (for runtimes configured from app settings). */
    public static Map<String, String> env() {
        return Map.of(EventSource.ACR.secretVariable(), ACR_SECRET,
                EventSource.DOCKERHUB.secretVariable(), DOCKERHUB_TOKEN,
                EventSource.HUGGINGFACE.secretVariable(), HUGGINGFACE_SECRET,
                EventSource.MLFLOW.secretVariable(), MLFLOW_SECRET,
                EventSource.GITHUB.secretVariable(), GITHUB_SECRET,
                EventSource.GENERIC.secretVariable(), GENERIC_SECRET,
                EventSource.EVENTGRID.secretVariable(), EVENTGRID_SECRET,
                EventsConfig.RULES_VARIABLE, RULES);
    }

    /** A fixture as bytes. */
    public static byte[] bytes(String name) {
        try (InputStream in = EventFixtures.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture events/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture as a JSON tree to edit. */
    public static JsonNode json(String name) {
        try {
            return CloudJson.mapper().readTree(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode object(String name) {
        return (ObjectNode) json(name);
    }

    public static ArrayNode array(String name) {
        return (ArrayNode) json(name);
    }

    public static byte[] toBytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code sha256:<64 random hex>}. */
    public static String randomDigest() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "sha256:" + HexFormat.of().formatHex(bytes);
    }

    /** GitHub's {@code X-Hub-Signature-256} value. */
    public static String hubSignature(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(WebhookAuth.hmac(secret, body));
    }

    /** Verge's timestamped generic signature: {@code X-Hub-Signature-256} over {@code <timestamp>.<body>}. */
    public static String timestampedSignature(String secret, long timestamp, byte[] body) {
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, content, 0, prefix.length);
        System.arraycopy(body, 0, content, prefix.length, body.length);
        return hubSignature(secret, content);
    }

    /** MLflow's {@code X-MLflow-Signature} value. */
    public static String mlflowSignature(String secret, String deliveryId, String timestamp, byte[] body) {
        byte[] prefix = (deliveryId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, content, 0, prefix.length);
        System.arraycopy(body, 0, content, prefix.length, body.length);
        return "v1," + Base64.getEncoder().encodeToString(WebhookAuth.hmac(secret, content));
    }

    /** MLflow's three headers for {@code body}, signed now. */
    public static Map<String, String> mlflowHeaders(String secret, String deliveryId, Instant now, byte[] body) {
        String timestamp = Long.toString(now.getEpochSecond());
        return Map.of("X-MLflow-Delivery-Id", deliveryId, "X-MLflow-Timestamp", timestamp,
                "X-MLflow-Signature", mlflowSignature(secret, deliveryId, timestamp, body), "Content-Type", "application/json");
    }
}
