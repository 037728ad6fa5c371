package dev.verge.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verge.cloud.aws.S3Notification.Malformed;
import dev.verge.cloud.events.BlobUpload;
import dev.verge.cloud.aws.S3Notification.ObjectEvent;
import dev.verge.cloud.aws.S3Notification.Records;
import dev.verge.cloud.aws.S3Notification.TestEvent;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class S3NotificationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode fixture(String name) throws IOException {
        try (InputStream in = S3NotificationTest.class.getResourceAsStream("/events/" + name)) {
            return JSON.readTree(in);
        }
    }

    @Test
    void from_objectCreatedFixture_readsBucketKeySizeEtagAndPrincipal() throws IOException {
        Records records = (Records) S3Notification.from(fixture("s3-object-created.json"));

        assertThat(records.records()).containsExactly(new ObjectEvent(0, "ObjectCreated:Put", BlobUpload.inBucket(
                "verge-models-123456789012", "models/fruit-quality/3/package.zip", "d41d8cd98f00b204e9800998ecf8427e", 184302),
                "AWS:AIDAEXAMPLEPRINCIPAL"));
    }

    @Test
    void from_encodedKeyAndQuotedEtag_decodesPlusAsSpaceAndUnquotes() throws IOException {
        Records records = (Records) S3Notification.from(fixture("s3-object-created-encoded-key.json"));

        ObjectEvent event = (ObjectEvent) records.records().get(0);
        assertThat(event.upload().objectName()).isEqualTo("models/fruit quality/v+2/été package.zip");
        assertThat(event.upload().etag()).isEqualTo("5f3c1a6f8e2b4d0c9a7e6b5d4c3b2a10-2");
        assertThat(event.isObjectCreated()).isTrue();
    }

    @Test
    void from_testEvent_isTestEventOfItsBucket() throws IOException {
        assertThat(S3Notification.from(fixture("s3-test-event.json"))).isEqualTo(new TestEvent("verge-models-123456789012"));
    }

    @Test
    void from_severalRecords_readsEachOnItsOwn() throws IOException {
        Records records = (Records) S3Notification.from(fixture("s3-several-records.json"));

        assertThat(records.records()).hasSize(5);
        assertThat(records.records().get(0)).isInstanceOf(ObjectEvent.class);
        assertThat(records.records().get(1)).isInstanceOfSatisfying(Malformed.class,
                bad -> assertThat(bad.reason()).contains("s3.object.key"));
        assertThat(records.records().get(2)).isInstanceOfSatisfying(ObjectEvent.class, removed -> {
            assertThat(removed.isObjectCreated()).isFalse();
            assertThat(removed.upload().size()).isEqualTo(-1);
            assertThat(removed.upload().etag()).isEmpty();
        });
        assertThat(records.records().get(3)).isInstanceOfSatisfying(ObjectEvent.class,
                other -> assertThat(other.upload().store()).isEqualTo("some-other-bucket"));
        assertThat(records.records().get(4)).isInstanceOfSatisfying(Malformed.class,
                bad -> assertThat(bad.reason()).contains("models/bad%ZZkey.zip"));
    }

    @Test
    void from_notANotification_isOneMalformedRecord() throws IOException {
        Records records = (Records) S3Notification.from(JSON.readTree("{\"hello\": \"world\"}"));

        assertThat(records.records()).singleElement().isInstanceOfSatisfying(Malformed.class,
                bad -> assertThat(bad.reason()).contains("Records").contains("hello"));
    }
}
