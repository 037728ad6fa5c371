package dev.verge.cloud.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.registry.VersionRecord;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A property test over mutated deliveries (a seeded {@link Random}, so a failure repeats): payloads
 * with flipped, dropped, duplicated or inserted bytes, JSON values swapped for other types, and
 * signatures, secrets and timestamps that are wrong. Properties: no answer is a 5xx, and no
 * unauthenticated delivery records anything. The committed corpus ({@code events/corpus/*}) holds
 * inputs that once broke a reader and runs first.
 */
class EventIntakeMutationTest {
    private static final long SEED = 0x5eed_2026_1202L;
    private static final int ROUNDS = 1500;
    private static final String[] FIXTURES = {"acr-webhook-push.json", "dockerhub-webhook-push.json",
            "huggingface-webhook-tag.json", "mlflow-webhook-model-version-created.json", "github-registry-package-published.json",
            "generic-image-pushed.json", "eventgrid-acr-image-pushed.json", "eventgrid-acr-image-pushed-pascalcase.json",
            "eventgrid-acr-image-pushed-cloudevent.json", "eventgrid-model-registered-pascalcase.json", "eventgrid-blob-created.json",
            "eventgrid-subscription-validation.json", "mlflow-webhook-alias-created.json", "acr-webhook-delete.json"};
    private static final String[] SOURCES = {"acr", "dockerhub", "huggingface", "mlflow", "github", "generic", "eventgrid"};
    private static final String[] CORPUS = {"deep-nesting.json", "huge-number-version.json", "nul-in-repository.json",
            "empty-array.json", "array-of-nulls.json", "wrong-types.json"};

    @Test
    void mutatedDeliveries_unauthenticatedOrMalformed_neverAnswer5xxAndNeverRegister() throws IOException {
        InMemoryMetadataStore metadata = new InMemoryMetadataStore();
        CloudServices services = CloudServices.create(new InMemoryBlobStore(), metadata, Clock.systemUTC(),
                CloudConfig.withApiKeys("mutation-key-0123456789").withEvents(EventFixtures.config()));
        Random random = new Random(SEED);

        for (String entry : CORPUS) {
            byte[] body = readCorpus(entry);
            for (String source : SOURCES) {
                ApiResponse response = send(services, source, body, random, true);
                assertThat(response.status()).as(source + " " + entry).isLessThan(500);
            }
        }
        for (int round = 0; round < ROUNDS; round++) {
            String source = SOURCES[random.nextInt(SOURCES.length)];
            byte[] body = mutate(EventFixtures.bytes(FIXTURES[random.nextInt(FIXTURES.length)]), random);
            boolean authentic = random.nextInt(3) == 0;
            int versionsBefore = count(metadata);

            ApiResponse response = send(services, source, body, random, authentic);

            String what = "round " + round + " " + source + " authentic=" + authentic + " body="
                    + new String(body, StandardCharsets.UTF_8).replace('\n', ' ');
            assertThat(response.status()).as(what).isLessThan(500);
            if (!authentic) {
                assertThat(response.status()).as(what).isEqualTo(401);
                assertThat(count(metadata)).as(what).isEqualTo(versionsBefore);
            }
        }
    }

    private static ApiResponse send(CloudServices services, String source, byte[] body, Random random, boolean authentic) {
        Map<String, List<String>> headers = new HashMap<>();
        String path = source.equals("eventgrid") ? "/api/events/eventgrid" : "/api/webhooks/" + source;
        String wrong = "wrong-" + random.nextInt(1000);
        switch (source) {
            case "acr" -> headers.put("X-Verge-Webhook-Secret", List.of(authentic ? EventFixtures.ACR_SECRET : wrong));
            case "dockerhub" -> path += "/" + (authentic ? EventFixtures.DOCKERHUB_TOKEN : wrong);
            case "huggingface" -> headers.put("X-Webhook-Secret", List.of(authentic ? EventFixtures.HUGGINGFACE_SECRET : wrong));
            case "github", "generic" -> {
                String secret = source.equals("github") ? EventFixtures.GITHUB_SECRET : EventFixtures.GENERIC_SECRET;
                String signature = EventFixtures.hubSignature(authentic ? secret : wrong, body);
                headers.put("X-Hub-Signature-256", List.of(authentic || random.nextBoolean() ? signature : signature.substring(0, 20)));
                headers.put("X-GitHub-Event", List.of(random.nextBoolean() ? "registry_package" : "ping"));
            }
            case "mlflow" -> {
                Instant at = authentic ? Instant.now() : random.nextBoolean() ? Instant.now().minusSeconds(900) : Instant.now();
                Map<String, String> signed = EventFixtures.mlflowHeaders(
                        authentic || at.isBefore(Instant.now().minusSeconds(600)) ? EventFixtures.MLFLOW_SECRET : wrong,
                        "d-" + random.nextInt(), at, body);
                signed.forEach((k, v) -> headers.put(k, List.of(v)));
            }
            case "eventgrid" -> path += "?code=" + (authentic ? EventFixtures.EVENTGRID_SECRET : wrong);
            default -> throw new IllegalArgumentException(source);
        }
        return services.api().handle(ApiRequest.of("POST", path, headers, new ByteArrayInputStream(body)));
    }

    /** One to four edits of the bytes or of the JSON's text. */
    static byte[] mutate(byte[] original, Random random) {
        String text = new String(original, StandardCharsets.UTF_8);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int at = text.isEmpty() ? 0 : random.nextInt(text.length());
            text = switch (random.nextInt(9)) {
                case 0 -> text.substring(0, at) + text.substring(Math.min(text.length(), at + 1 + random.nextInt(8)));
                case 1 -> text.substring(0, at) + "\"" + text.substring(at);
                case 2 -> text.substring(0, at) + randomValue(random) + text.substring(at);
                case 3 -> text.replaceFirst("\"[0-9A-Za-z.:-]+\"", randomValue(random));
                case 4 -> text.replaceFirst("\\{", "{\"id\": " + randomValue(random) + ", ");
                case 5 -> text.replace("\"3\"", random.nextBoolean() ? "3" : "\"../../etc\"");
                case 6 -> text.substring(0, at);
                case 7 -> "[" + text + "," + text + "]";
                default -> text.replaceFirst("\"(tag|repository|name|modelVersion|version)\": *\"[^\"]*\"",
                        "\"$1\": " + randomValue(random));
            };
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String randomValue(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> "null";
            case 1 -> "[]";
            case 2 -> "{}";
            case 3 -> Long.toString(random.nextLong());
            case 4 -> "1e400";
            case 5 -> "\"\\u0000\"";
            case 6 -> "\"" + "x".repeat(random.nextInt(400)) + "\"";
            case 7 -> "true";
            case 8 -> "\"sha256:zz\"";
            default -> "\"../" + random.nextInt(100) + "\"";
        };
    }

    private static int count(MetadataStore metadata) {
        return metadata.list(VersionRecord.COLLECTION, "").size() + metadata.list(EventRecord.COLLECTION, "").size();
    }

    private static byte[] readCorpus(String name) throws IOException {
        try (InputStream in = EventIntakeMutationTest.class.getResourceAsStream("/events/corpus/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing corpus entry events/corpus/" + name);
            }
            return in.readAllBytes();
        }
    }

    static List<String> corpus() {
        return new ArrayList<>(List.of(CORPUS));
    }
}
