package dev.verge.cloud.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.registry.ModelVersion;
import dev.verge.cloud.registry.VersionStatus;
import dev.verge.cloud.testing.RegistryPackages;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blob upload means the same whichever door announces it (S3 notification, EventBridge, Event Grid,
 * the Azure blob trigger, the local folder watcher): each door only decodes its envelope, and the event
 * rules, the audit record and idempotency are the core's. Every door's test extends this class (several doors of
 * one runtime as {@code @Nested} classes sharing it): it starts
 * its runtime with {@link #RULES} ({@link #events()} or {@link #env()}), drops packages into the
 * runtime's own store and announces them in the door's envelope, built from the real payloads of
 * {@code src/test/resources/events} ({@link #s3Notification}, {@link #eventBridge}, {@link #eventGrid}).
 * Runtimes may share one store across tests: every case uses its own model name.
 */
@Timeout(120)
public abstract class BlobUploadContract {

    /** Blobs register only under {@code models/m-} (every case's model name): a rule every door must apply. */
    public static final String RULES = """
            {"repositories": [{"sources": ["eventgrid", "eventbridge"]}], "blobs": [{"prefix": "models/m-"}]}
            """;

    private final EventSource door;

    /** @param door the source the door's audit records name */
    protected BlobUploadContract(EventSource door) {
        this.door = door;
    }

    /** The runtime under test; its blob store is where the cases drop packages. */
    protected abstract CloudServices services();

    /** Announces {@code blob}, just written to {@code services().blobs()}, through the door. */
    protected abstract void announce(BlobInfo blob) throws Exception;

    public static EventsConfig events() {
        return EventsConfig.defaults().withRules(EventRules.parse(RULES));
    }

    public static Map<String, String> env() {
        return Map.of(EventsConfig.RULES_VARIABLE, RULES);
    }

    protected String model;

    @BeforeEach
    void pickModelName() {
        model = "m-" + UUID.randomUUID().toString().substring(0, 12);
    }

    // ---- the cases -----------------------------------------------------------------------------

    @Test
    void announced_packageDropped_registersFromItsManifestAndKeepsAnAuditRecord() throws Exception {
        byte[] zip = RegistryPackages.valid(model, "3");

        announce(drop("models/" + model + "/3/package.zip", zip));

        ModelVersion version = services().registry().get(model, "3");
        assertThat(version.status()).isEqualTo(VersionStatus.REGISTERED);
        assertThat(version.sha256()).isEqualTo(RegistryPackages.sha256(zip));
        assertThat(version.source().by()).startsWith(door.json() + ":");
        assertThat(audit()).singleElement().satisfies(record -> {
            assertThat(record.source()).isEqualTo(door.json());
            assertThat(record.type()).isEqualTo("blob.created");
            assertThat(record.outcome()).isEqualTo(EventOutcome.REGISTERED);
            assertThat(record.version()).isEqualTo("3");
        });
    }

    @Test
    void announcedTwice_changesNothingTheSecondTime() throws Exception {
        BlobInfo blob = drop("models/" + model + "/4/package.zip", RegistryPackages.valid(model, "4"));
        announce(blob);
        ModelVersion first = services().registry().get(model, "4");

        announce(blob);

        assertThat(services().registry().get(model, "4").updatedAt()).isEqualTo(first.updatedAt());
        assertThat(services().registry().listVersions(model)).hasSize(1);
        assertThat(audit()).hasSize(1);
    }

    @Test
    void announced_nameWithSpacesAndPlus_isDecodedBeforeTheObjectIsRead() throws Exception {
        announce(drop("models/" + model + "/drops/fruit quality+v5 été.zip", RegistryPackages.valid(model, "5")));

        assertThat(services().registry().get(model, "5").status()).isEqualTo(VersionStatus.REGISTERED);
    }

    @Test
    void announced_notAPackage_isIgnoredWithTheReason() throws Exception {
        announce(drop("models/" + model + "/readme.txt", "hello".getBytes(StandardCharsets.UTF_8)));

        assertThat(services().registry().listModels()).noneMatch(m -> m.name().equals(model));
        assertThat(audit()).singleElement().satisfies(record -> {
            assertThat(record.outcome()).isEqualTo(EventOutcome.IGNORED);
            assertThat(record.reason()).contains("readme.txt");
        });
    }

    @Test
    void announced_brokenPackage_isRecordedRejected() throws Exception {
        announce(drop("models/" + model + "/6/package.zip", RegistryPackages.digestMismatch(model, "6")));

        assertThat(services().registry().get(model, "6").status()).isEqualTo(VersionStatus.REJECTED);
        assertThat(audit()).singleElement().satisfies(record -> assertThat(record.outcome()).isEqualTo(EventOutcome.REJECTED));
    }

    @Test
    void announced_noBlobRuleMatches_isIgnoredByTheEventRules() throws Exception {
        announce(drop("models/unruled/" + model + "/7/package.zip", RegistryPackages.valid(model, "7")));

        assertThat(services().registry().listModels()).noneMatch(m -> m.name().equals(model));
        assertThat(audit()).singleElement().satisfies(record -> {
            assertThat(record.outcome()).isEqualTo(EventOutcome.IGNORED);
            assertThat(record.reason()).contains("no blob rule matches");
        });
    }

    // ---- helpers -------------------------------------------------------------------------------

    private BlobInfo drop(String key, byte[] bytes) {
        return services().blobs().put(key, new ByteArrayInputStream(bytes), bytes.length, "application/zip");
    }

    /** This case's audit records of the door: those naming its model, in the model field or the reason. */
    private List<EventRecord> audit() {
        return new JsonCollection<>(services().metadata(), EventRecord.COLLECTION, EventRecord.class)
                .list(door.json() + "/").stream()
                .map(JsonCollection.Revisioned::value)
                .filter(r -> model.equals(r.model()) || (r.reason() != null && r.reason().contains(model)))
                .toList();
    }

    /** The same id for the same object state, as a source's redelivery keeps its event id. */
    private static String eventId(BlobInfo blob) {
        return UUID.nameUUIDFromBytes((blob.key() + "#" + blob.etag()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The fixture {@code s3-object-created.json} announcing {@code blob} of {@code bucket}, its key form-encoded as S3 sends it. */
    public static byte[] s3Notification(String bucket, BlobInfo blob) {
        ObjectNode event = EventFixtures.object("s3-object-created.json");
        ObjectNode s3 = (ObjectNode) event.withArray("Records").get(0).get("s3");
        s3.withObject("bucket").put("name", bucket);
        s3.withObject("object").put("key", URLEncoder.encode(blob.key(), StandardCharsets.UTF_8).replace("%2F", "/"))
                .put("size", blob.size()).put("eTag", blob.etag());
        return EventFixtures.toBytes(event);
    }

    /** The fixture {@code eventbridge-s3-object-created.json} announcing {@code blob} of {@code bucket}. */
    public static byte[] eventBridge(String bucket, BlobInfo blob) {
        ObjectNode event = EventFixtures.object("eventbridge-s3-object-created.json").put("id", eventId(blob));
        ObjectNode detail = (ObjectNode) event.get("detail");
        detail.withObject("bucket").put("name", bucket);
        detail.withObject("object").put("key", URLEncoder.encode(blob.key(), StandardCharsets.UTF_8).replace("%2F", "/"))
                .put("size", blob.size()).put("etag", "\"" + blob.etag() + "\"");
        return EventFixtures.toBytes(event);
    }

    /** The fixture {@code eventgrid-blob-created.json} announcing {@code blobName} of {@code container} ({@code blob}'s state). */
    public static byte[] eventGrid(String container, String blobName, BlobInfo blob) {
        var grid = EventFixtures.array("eventgrid-blob-created.json");
        ObjectNode event = ((ObjectNode) grid.get(0)).put("id", eventId(blob))
                .put("subject", "/blobServices/default/containers/" + container + "/blobs/" + blobName);
        ((ObjectNode) event.get("data")).put("eTag", blob.etag()).put("contentLength", blob.size())
                .put("url", "https://vergemodels.blob.core.windows.net/" + container + "/"
                        + URLEncoder.encode(blobName, StandardCharsets.UTF_8).replace("%2F", "/").replace("+", "%20"));
        return EventFixtures.toBytes(grid);
    }
}
