package dev.verge.cloud.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Jazzer over every payload reader: any body, delivered with valid credentials (so it gets past
 * authentication and into the reader) to each webhook source, to Event Grid and to EventBridge, is
 * answered with a status below 500: registered, ignored with a reason, or refused as malformed.
 * {@code mvn verify} replays the committed inputs in {@code EventPayloadsFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1 mvn -pl functions/core test -Dtest=EventPayloadsFuzzTest} fuzzes for real.
 * (The seeded {@link EventIntakeMutationTest} covers wrong credentials and signatures.)
 */
class EventPayloadsFuzzTest {
    private static final CloudServices SERVICES = CloudServices.create(new InMemoryBlobStore(), new InMemoryMetadataStore(),
            Clock.systemUTC(), CloudConfig.withApiKeys("fuzz-key-0123456789").withEvents(EventFixtures.config()));

    @FuzzTest(maxDuration = "60s")
    void anyBody_authenticatedToEverySource_isAnsweredBelow500(byte[] body) {
        for (String source : List.of("acr", "dockerhub", "huggingface", "mlflow", "github", "generic", "eventgrid")) {
            int status = SERVICES.api().handle(authenticated(source, body)).status();
            assertThat(status).as(source).isLessThan(500);
        }
        assertThat(SERVICES.eventIntake().eventBridge(body).status()).as("eventbridge").isLessThan(500);
    }

    private static ApiRequest authenticated(String source, byte[] body) {
        Map<String, List<String>> headers = new HashMap<>();
        String path = "/api/webhooks/" + source;
        switch (source) {
            case "acr" -> headers.put("X-Verge-Webhook-Secret", List.of(EventFixtures.ACR_SECRET));
            case "dockerhub" -> path += "/" + EventFixtures.DOCKERHUB_TOKEN;
            case "huggingface" -> headers.put("X-Webhook-Secret", List.of(EventFixtures.HUGGINGFACE_SECRET));
            case "github", "generic" -> {
                String secret = source.equals("github") ? EventFixtures.GITHUB_SECRET : EventFixtures.GENERIC_SECRET;
                headers.put("X-Hub-Signature-256", List.of(EventFixtures.hubSignature(secret, body)));
                headers.put("X-GitHub-Event", List.of("registry_package"));
            }
            case "mlflow" -> EventFixtures.mlflowHeaders(EventFixtures.MLFLOW_SECRET, "fuzz", Instant.now(), body)
                    .forEach((k, v) -> headers.put(k, List.of(v)));
            case "eventgrid" -> path = "/api/events/eventgrid?code=" + EventFixtures.EVENTGRID_SECRET;
            default -> throw new IllegalArgumentException(source);
        }
        return ApiRequest.of("POST", path, headers, new ByteArrayInputStream(body));
    }
}
