package dev.verge.cloud.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Settings of the webhook and cloud event intake, read from the environment:
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><td>{@code VERGE_WEBHOOK_SECRET_ACR}</td><td>the value ACR webhooks send in their custom header
 *       {@code X-Verge-Webhook-Secret} (or {@code Authorization: Bearer <secret>})</td></tr>
 *   <tr><td>{@code VERGE_WEBHOOK_SECRET_DOCKERHUB}</td><td>the token Docker Hub webhooks carry in their
 *       URL, {@code /api/webhooks/dockerhub/<token>} (or header {@code X-Verge-Webhook-Secret})</td></tr>
 *   <tr><td>{@code VERGE_WEBHOOK_SECRET_HUGGINGFACE}</td><td>the Hugging Face webhook secret
 *       ({@code X-Webhook-Secret})</td></tr>
 *   <tr><td>{@code VERGE_WEBHOOK_SECRET_MLFLOW}</td><td>the MLflow webhook secret (HMAC-SHA256,
 *       {@code X-MLflow-Signature})</td></tr>
 *   <tr><td>{@code VERGE_WEBHOOK_SECRET_GITHUB}, {@code VERGE_WEBHOOK_SECRET_GENERIC}</td><td>the
 *       HMAC-SHA256 secret of {@code X-Hub-Signature-256}</td></tr>
 *   <tr><td>{@code VERGE_WEBHOOK_SECRET_EVENTGRID}</td><td>the secret of Event Grid's webhook delivery
 *       to {@code /api/events/eventgrid}: query {@code ?code=<secret>} or header
 *       {@code X-Verge-Webhook-Secret} (the Event Grid trigger of the Azure functions needs none)</td></tr>
 *   <tr><td>{@code VERGE_WEBHOOK_MAX_AGE_SECONDS}</td><td>how far a signed timestamp may be from now
 *       (default 300)</td></tr>
 *   <tr><td>{@code VERGE_EVENT_RULES}</td><td>the mapping rules, see {@link EventRules}</td></tr>
 * </table>
 * Each secret variable may hold two values, comma-separated, so a secret can be rotated. A source
 * without a secret refuses every delivery with 401.
 *
 * @param secrets the secrets of each source; sources without any are absent
 */
public record EventsConfig(Map<EventSource, List<String>> secrets, EventRules rules, Duration maxSignatureAge) {

    public static final String RULES_VARIABLE = "VERGE_EVENT_RULES";
    public static final String MAX_AGE_VARIABLE = "VERGE_WEBHOOK_MAX_AGE_SECONDS";

    /** Every environment variable this intake reads, for deployment templates and their tests. */
    public static final List<String> VARIABLES = Stream.concat(
            Stream.of(EventSource.ACR, EventSource.DOCKERHUB, EventSource.HUGGINGFACE, EventSource.MLFLOW,
                    EventSource.GITHUB, EventSource.GENERIC, EventSource.EVENTGRID).map(EventSource::secretVariable),
            Stream.of(MAX_AGE_VARIABLE, RULES_VARIABLE)).toList();

    public EventsConfig {
        EnumMap<EventSource, List<String>> copy = new EnumMap<>(EventSource.class);
        if (secrets != null) {
            secrets.forEach((source, values) -> {
                List<String> usable = values == null ? List.of()
                        : values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
                if (!usable.isEmpty()) {
                    copy.put(source, usable);
                }
            });
        }
        secrets = java.util.Collections.unmodifiableMap(copy);
        rules = rules == null ? EventRules.defaults() : rules;
        maxSignatureAge = maxSignatureAge == null ? Duration.ofMinutes(5) : maxSignatureAge;
    }

    /** No secrets (every webhook refused), default rules. */
    public static EventsConfig defaults() {
        return new EventsConfig(Map.of(), null, null);
    }

    public static EventsConfig fromEnv(Map<String, String> env) {
        Map<EventSource, List<String>> secrets = new EnumMap<>(EventSource.class);
        for (EventSource source : EventSource.values()) {
            String value = env.get(source.secretVariable());
            if (value != null && !value.isBlank()) {
                secrets.put(source, new ArrayList<>(Arrays.asList(value.split(","))));
            }
        }
        String rules = env.get(RULES_VARIABLE);
        String maxAge = env.get(MAX_AGE_VARIABLE);
        return new EventsConfig(secrets,
                rules == null || rules.isBlank() ? null : EventRules.parse(rules),
                maxAge == null || maxAge.isBlank() ? null : Duration.ofSeconds(Long.parseLong(maxAge.strip())));
    }

    public List<String> secretsOf(EventSource source) {
        return secrets.getOrDefault(source, List.of());
    }

    public EventsConfig withSecret(EventSource source, String... values) {
        Map<EventSource, List<String>> copy = new EnumMap<>(EventSource.class);
        copy.putAll(secrets);
        copy.put(source, List.of(values));
        return new EventsConfig(copy, rules, maxSignatureAge);
    }

    public EventsConfig withRules(EventRules newRules) {
        return new EventsConfig(secrets, newRules, maxSignatureAge);
    }

    @Override
    public String toString() {
        // never print the secrets themselves
        return "EventsConfig[sources with secrets=" + secrets.keySet() + ", rules=" + rules.repositories().size()
                + " repository and " + rules.blobs().size() + " blob rule(s), maxSignatureAge=" + maxSignatureAge + "]";
    }
}
