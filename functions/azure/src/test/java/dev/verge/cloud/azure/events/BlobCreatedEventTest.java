package dev.verge.cloud.azure.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.error.VergeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BlobCreatedEventTest {

    static String fixture(String name) throws IOException {
        try (InputStream in = BlobCreatedEventTest.class.getResourceAsStream("/events/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parse_eventGridSchemaFixture_readsContainerNameEtagAndSize() throws IOException {
        assertThat(BlobCreatedEvent.parse(fixture("eventgrid-blob-created.json"))).containsExactly(new BlobCreatedEvent(
                "831e1650-001e-001b-66ab-eeb76e069631", "models", "fruit-quality/3/package.zip", "0x8D4BCC2E4835CD0",
                184302, "application/zip"));
    }

    @Test
    void parse_cloudEventsSchemaWithQuotedEtag_readsTheSame() {
        String json = """
                {"specversion":"1.0","type":"Microsoft.Storage.BlobCreated",
                 "source":"/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct",
                 "subject":"/blobServices/default/containers/models/blobs/fruit quality/3/package.zip",
                 "id":"e1","time":"2026-11-20T10:25:00Z",
                 "data":{"api":"PutBlob","eTag":"\\"0x8D4\\"","contentLength":10,"contentType":"application/zip",
                         "url":"https://acct.blob.core.windows.net/models/fruit%20quality/3/package.zip"}}
                """;

        assertThat(BlobCreatedEvent.parse(json))
                .containsExactly(new BlobCreatedEvent("e1", "models", "fruit quality/3/package.zip", "0x8D4", 10, "application/zip"));
    }

    @Test
    void parse_noSubject_fallsBackToDecodedUrl() {
        String json = """
                {"eventType":"Microsoft.Storage.BlobCreated","id":"e2",
                 "data":{"url":"https://acct.blob.core.windows.net/models/a%2Bb%20c/package.zip"}}
                """;

        BlobCreatedEvent event = BlobCreatedEvent.parse(json).getFirst();
        assertThat(event.container()).isEqualTo("models");
        assertThat(event.name()).isEqualTo("a+b c/package.zip");
        assertThat(event.size()).isEqualTo(-1);
    }

    @Test
    void parse_otherEventTypes_areSkipped() {
        String json = """
                [{"eventType":"Microsoft.Storage.BlobDeleted","subject":"/blobServices/default/containers/models/blobs/x","data":{}},
                 {"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":"abc"}}]
                """;

        assertThat(BlobCreatedEvent.parse(json)).isEmpty();
    }

    @Test
    void parse_notJson_isABadRequest() {
        assertThatThrownBy(() -> BlobCreatedEvent.parse("<xml/>"))
                .isInstanceOfSatisfying(VergeException.class, e -> assertThat(e.kind().httpStatus()).isEqualTo(400));
    }

    @Test
    void parse_blobCreatedWithoutSubjectOrUrl_saysWhatWasExpected() {
        assertThatThrownBy(() -> BlobCreatedEvent.parse("{\"eventType\":\"Microsoft.Storage.BlobCreated\",\"subject\":\"/x\"}"))
                .hasMessageContaining("expected subject");
    }
}
