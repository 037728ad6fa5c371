package dev.verge.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.registry.ModelVersion;
import dev.verge.cloud.registry.VersionStatus;
import dev.verge.demo.DemoModels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the emulators: a package is put into the S3 emulator, the S3 notification (in the
 * shape of the shared fixture) goes to {@link S3UploadHandler}, and the version is in dynalite.
 */
class S3UploadHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private CloudServices services;
    private String bucket;
    private S3UploadHandler handler;

    @BeforeEach
    void setUp() {
        services = Emulators.newServices("key-1");
        bucket = ((S3BlobStore) services.blobs()).bucket();
        handler = new S3UploadHandler(services);
    }

    private BlobInfo putPackage(String key, String version) throws IOException {
        Path zip = DemoModels.zip(DemoModels.fruitQuality(tmp.resolve("v" + version), version), tmp.resolve(version + ".zip"));
        try (InputStream in = Files.newInputStream(zip)) {
            return services.blobs().put(key, in, Files.size(zip), "application/zip");
        }
    }

    /** The shared fixture, with this test's bucket and object; the key URL-encoded as S3 sends it. */
    private ObjectNode event(String key, BlobInfo blob) throws IOException {
        ObjectNode event = (ObjectNode) S3NotificationTest.fixture("s3-object-created.json");
        ObjectNode s3 = (ObjectNode) event.withArray("Records").get(0).get("s3");
        s3.withObject("bucket").put("name", bucket);
        s3.withObject("object")
                .put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"))
                .put("size", blob.size())
                .put("eTag", blob.etag());
        return event;
    }

    private JsonNode invoke(S3UploadHandler target, JsonNode event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        target.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void handle_packageUploaded_registersVersionInDynamoDb() throws IOException {
        BlobInfo blob = putPackage("models/fruit-quality/3/package.zip", "3");

        JsonNode report = invoke(handler, event("models/fruit-quality/3/package.zip", blob));

        assertThat(report.at("/records/0/result").asText()).isEqualTo("REGISTERED");
        assertThat(report.at("/records/0/version").asText()).isEqualTo("3");
        ModelVersion version = services.registry().get("fruit-quality", "3");
        assertThat(version.status()).isEqualTo(VersionStatus.REGISTERED);
        assertThat(version.source().store()).isEqualTo(bucket);
        assertThat(version.source().by()).isEqualTo("s3:AWS:AIDAEXAMPLEPRINCIPAL");
    }

    @Test
    void handle_keyWithSpacesAndPlus_isDecodedBeforeReadingTheObject() throws IOException {
        String key = "models/incoming/fruit quality+v7 été.zip";
        BlobInfo blob = putPackage(key, "7");

        JsonNode report = invoke(handler, event(key, blob));

        assertThat(report.at("/records/0/key").asText()).isEqualTo(key);
        assertThat(report.at("/records/0/result").asText()).isEqualTo("REGISTERED");
        assertThat(services.registry().get("fruit-quality", "7").status()).isEqualTo(VersionStatus.REGISTERED);
    }

    @Test
    void handle_redelivered_changesNothingTheSecondTime() throws IOException {
        BlobInfo blob = putPackage("models/fruit-quality/4/package.zip", "4");
        ObjectNode event = event("models/fruit-quality/4/package.zip", blob);
        invoke(handler, event);
        ModelVersion first = services.registry().get("fruit-quality", "4");

        JsonNode again = invoke(handler, event);

        assertThat(again.at("/records/0/result").asText()).isEqualTo("ALREADY_REGISTERED");
        assertThat(services.registry().get("fruit-quality", "4").updatedAt()).isEqualTo(first.updatedAt());
        assertThat(services.registry().listVersions("fruit-quality")).hasSize(1);
    }

    @Test
    void handle_quotedEtag_isTheSameObjectState() throws IOException {
        BlobInfo blob = putPackage("models/fruit-quality/5/package.zip", "5");
        ObjectNode unquoted = event("models/fruit-quality/5/package.zip", blob);
        ObjectNode quoted = unquoted.deepCopy();
        ((ObjectNode) quoted.at("/Records/0/s3/object")).put("eTag", "\"" + blob.etag() + "\"");
        invoke(handler, unquoted);

        assertThat(invoke(handler, quoted).at("/records/0/result").asText()).isEqualTo("ALREADY_REGISTERED");
    }

    @Test
    void handle_testEvent_doesNothing() throws IOException {
        JsonNode report = invoke(handler, S3NotificationTest.fixture("s3-test-event.json"));

        assertThat(report.get("testEvent").asBoolean()).isTrue();
        assertThat(report.get("records")).isEmpty();
        assertThat(services.registry().listModels()).isEmpty();
    }

    @Test
    void handle_severalRecordsSomeBad_registersTheGoodOneAndReportsEveryOther() throws IOException {
        BlobInfo blob = putPackage("models/fruit-quality/3/package.zip", "3");
        ObjectNode event = (ObjectNode) S3NotificationTest.fixture("s3-several-records.json");
        ArrayNode records = event.withArray("Records");
        for (JsonNode record : records) {
            ObjectNode name = (ObjectNode) record.at("/s3/bucket");
            if (name.get("name").asText().startsWith("verge-models")) {
                name.put("name", bucket);
            }
        }
        ((ObjectNode) records.get(0).at("/s3/object")).put("size", blob.size()).put("eTag", blob.etag());

        JsonNode report = invoke(handler, event);

        assertThat(report.get("records")).extracting(r -> r.get("result").asText())
                .containsExactly("REGISTERED", "SKIPPED", "SKIPPED", "IGNORED", "SKIPPED");
        assertThat(report.at("/records/3/reason").asText()).contains("some-other-bucket");
        assertThat(services.registry().get("fruit-quality", "3").status()).isEqualTo(VersionStatus.REGISTERED);
    }

    @Test
    void handle_notAPackage_isRejectedNotThrown() throws IOException {
        byte[] junk = "this is not a zip".getBytes(StandardCharsets.UTF_8);
        BlobInfo blob = services.blobs().put("models/junk/1/package.zip", new ByteArrayInputStream(junk), junk.length, "application/zip");

        JsonNode report = invoke(handler, event("models/junk/1/package.zip", blob));

        assertThat(report.at("/records/0/result").asText()).isEqualTo("REJECTED");
        assertThat(report.at("/records/0/reason").asText()).isNotBlank();
    }

    @Test
    void handle_eventWithoutSizeAndEtag_looksThemUp() throws IOException {
        BlobInfo blob = putPackage("models/fruit-quality/6/package.zip", "6");
        ObjectNode event = event("models/fruit-quality/6/package.zip", blob);
        ((ObjectNode) event.at("/Records/0/s3/object")).remove(List.of("size", "eTag"));

        assertThat(invoke(handler, event).at("/records/0/result").asText()).isEqualTo("REGISTERED");
    }

    @Test
    void handle_unreadableJson_isReportedNotThrown() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream("{not json".getBytes(StandardCharsets.UTF_8)), out, null);

        assertThat(JSON.readTree(out.toByteArray()).at("/records/0/result").asText()).isEqualTo("SKIPPED");
    }

    @Test
    void handle_blobStoreUnreachable_throwsSoLambdaRetries() throws IOException {
        BlobInfo blob = putPackage("models/fruit-quality/8/package.zip", "8");
        // same table, but S3 at a port where nothing listens
        URI nowhere = URI.create("http://127.0.0.1:9");
        S3BlobStore unreachable = new S3BlobStore(
                AwsClients.s3(Emulators.REGION, Optional.of(nowhere), Emulators.CREDENTIALS),
                AwsClients.s3Presigner(Emulators.REGION, Optional.of(nowhere), Emulators.CREDENTIALS), bucket);
        CloudServices down = CloudServices.create(unreachable, services.metadata(), Clock.systemUTC(), CloudConfig.withApiKeys("k"));
        ObjectNode event = event("models/fruit-quality/8/package.zip", blob);

        assertThatThrownBy(() -> invoke(new S3UploadHandler(down), event))
                .isInstanceOf(S3UploadEvents.RetryableFailure.class)
                .satisfies(e -> assertThat(((S3UploadEvents.RetryableFailure) e).report().records())
                        .singleElement().satisfies(r -> assertThat(r.result()).isEqualTo("FAILED")));

        // once S3 is back, the redelivered event registers the version
        assertThat(invoke(handler, event).at("/records/0/result").asText()).isEqualTo("REGISTERED");
    }
}
