package dev.verge.cloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.events.ModelEvent.ArtifactDeleted;
import dev.verge.cloud.events.ModelEvent.Ignored;
import dev.verge.cloud.events.ModelEvent.TagPushed;
import dev.verge.cloud.registry.ArtifactRef;
import java.util.Locale;

/**
 * Amazon EventBridge events: ECR {@code ECR Image Action} (PUSH, DELETE; only {@code result: SUCCESS}
 * counts) and S3 {@code Object Created}. The delivery id is the event's {@code id}, which EventBridge
 * keeps when it retries.
 */
final class EventBridgePayloads {
    private EventBridgePayloads() {}

    static Delivery delivery(Received received) {
        JsonNode event = received.json();
        if (!event.isObject()) {
            throw Fields.invalid("expected an EventBridge event (a JSON object with detail-type), found " + Fields.describe(event));
        }
        String id = Fields.text(event, "id").orElse(received.bodyDigest());
        String detailType = Fields.text(event, "detail-type").orElse("");
        String source = Fields.text(event, "source").orElse("");
        JsonNode detail = Fields.get(event, "detail");
        var time = Fields.time(event, "time").orElse(received.at());
        String account = Fields.text(event, "account").orElse("");
        String region = Fields.text(event, "region").orElse("");
        ModelEvent model;
        if (source.equals("aws.ecr") && detailType.equals("ECR Image Action")) {
            model = ecr(detail, account + ".dkr.ecr." + region + ".amazonaws.com");
        } else if (source.equals("aws.s3") && detailType.equals("Object Created")) {
            model = s3(detail);
        } else {
            model = new Ignored(detailType.isEmpty() ? "unknown" : detailType, "unknown EventBridge event \"" + detailType
                    + "\" from " + source + ": expected ECR Image Action (aws.ecr) or Object Created (aws.s3)", true);
        }
        return new Delivery(EventSource.EVENTBRIDGE, id, time, Fields.text(detail, "requester").orElse("eventbridge"), model);
    }

    private static ModelEvent ecr(JsonNode detail, String registry) {
        String result = Fields.text(detail, "result").orElse("");
        String action = Fields.text(detail, "action-type").orElse("").toUpperCase(Locale.ROOT);
        if (!result.equalsIgnoreCase("SUCCESS")) {
            return new Ignored("ecr." + action.toLowerCase(Locale.ROOT), "ECR " + action + " did not succeed (result "
                    + (result.isEmpty() ? "missing" : result) + ")", false);
        }
        String repository = Fields.require(detail, "ECR Image Action", "repository-name");
        String digest = Fields.text(detail, "image-digest").orElse(null);
        String tag = Fields.text(detail, "image-tag").orElse(null);
        return switch (action) {
            case "PUSH" -> {
                if (tag == null) {
                    yield new Ignored("ecr.push", "an untagged image of " + repository + " was pushed; tag it to register a version", false);
                }
                yield new TagPushed(registry, repository, tag, ArtifactRef.image(registry + "/" + repository + ":" + tag, digest));
            }
            case "DELETE" -> new ArtifactDeleted(registry, repository, tag, digest);
            default -> new Ignored("ecr." + action.toLowerCase(Locale.ROOT), "unknown ECR action-type \"" + action
                    + "\": expected PUSH or DELETE", true);
        };
    }

    private static BlobUpload s3(JsonNode detail) {
        String bucket = Fields.require(detail, "S3 Object Created", "bucket", "name");
        String rawKey = Fields.require(detail, "S3 Object Created", "object", "key");
        String key;
        try {
            key = BlobUpload.decodeS3Key(rawKey);
        } catch (IllegalArgumentException e) {
            key = rawKey;
        }
        return BlobUpload.inBucket(bucket, key, Fields.text(detail, "object", "etag").orElse(""),
                Fields.number(detail, -1, "object", "size"));
    }
}
