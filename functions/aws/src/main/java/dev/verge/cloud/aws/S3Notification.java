package dev.verge.cloud.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.events.BlobUpload;
import java.util.ArrayList;
import java.util.List;

/**
 * An S3 event notification as S3 delivers it to Lambda: either the {@code s3:TestEvent} S3 sends when
 * a notification is configured, or one or more records. Each record is read on its own, so one
 * malformed record is reported without losing the others.
 *
 * <p>Read from the JSON tree rather than into aws-lambda-java-events' {@code S3EventNotification}
 * (3.16.1): that model has constructors only, no Jackson bindings, and brings joda-time; the Lambda
 * runtime's own reader of it (aws-lambda-java-serialization 1.2.0, on org.json) reads a delivery all at
 * once, turns a missing size into 0, fails the whole delivery when one record has no {@code eventTime},
 * and reads the test event as an empty delivery. The few fields used here are read directly into the
 * core's {@link BlobUpload}, with its decoding of keys (S3 form-encodes them); what to do with an upload
 * is not decided here.
 */
sealed interface S3Notification {

    /** Sent once when the notification is configured; nothing to do. */
    record TestEvent(String bucket) implements S3Notification {}

    /** The records of one delivery, in order; {@code records} may mix valid and malformed ones. */
    record Records(List<Entry> records) implements S3Notification {}

    /** One record of a delivery. */
    sealed interface Entry {
        int index();
    }

    /** A readable record: the object, decoded, and who created it. */
    record ObjectEvent(int index, String eventName, BlobUpload upload, String principal) implements Entry {

        boolean isObjectCreated() {
            return eventName.startsWith("ObjectCreated:");
        }
    }

    /** A record that could not be read, with what was wrong. */
    record Malformed(int index, String reason) implements Entry {}

    /** Reads a notification; a body that is neither a test event nor has a Records array is itself malformed. */
    static S3Notification from(JsonNode event) {
        if ("s3:TestEvent".equals(event.path("Event").asText())) {
            return new TestEvent(event.path("Bucket").asText(null));
        }
        JsonNode records = event.path("Records");
        if (!records.isArray()) {
            return new Records(List.of(new Malformed(-1,
                    "expected an S3 notification with a Records array or an s3:TestEvent, found " + describe(event))));
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            entries.add(entry(i, records.get(i)));
        }
        return new Records(entries);
    }

    private static Entry entry(int index, JsonNode record) {
        String eventName = record.path("eventName").asText("");
        String bucket = record.path("s3").path("bucket").path("name").asText("");
        JsonNode object = record.path("s3").path("object");
        String rawKey = object.path("key").asText("");
        if (eventName.isEmpty() || bucket.isEmpty() || rawKey.isEmpty()) {
            return new Malformed(index, "expected eventName, s3.bucket.name and s3.object.key, found "
                    + describe(record));
        }
        String key;
        try {
            key = BlobUpload.decodeS3Key(rawKey);
        } catch (IllegalArgumentException e) {
            return new Malformed(index, "expected a URL-encoded object key, found \"" + rawKey + "\": " + e.getMessage());
        }
        JsonNode size = object.path("size");
        BlobUpload upload = BlobUpload.inBucket(bucket, key, object.path("eTag").asText(object.path("etag").asText("")),
                size.canConvertToLong() ? size.asLong() : -1);
        return new ObjectEvent(index, eventName, upload, record.path("userIdentity").path("principalId").asText("s3"));
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
