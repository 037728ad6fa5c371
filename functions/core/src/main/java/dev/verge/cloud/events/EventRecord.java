package dev.verge.cloud.events;

import java.time.Instant;

/**
 * One received event in the audit log, collection {@value #COLLECTION}, key
 * {@code <source>/<delivery id>}, kept by the {@link dev.verge.cloud.port.IdempotencyLedger}: the key is claimed
 * (outcome {@code processing}) before the event is applied and completed with its outcome, so a redelivery
 * (same delivery id) finds it and changes nothing.
 *
 * @param eventTime  when the source says it happened
 * @param receivedAt when it arrived
 */
public record EventRecord(String source, String deliveryId, String type, EventOutcome outcome, String model,
                          String version, String reason, Instant eventTime, Instant receivedAt) {
    public static final String COLLECTION = "events";

    EventRecord finish(EventOutcome result, String modelName, String modelVersion, String why) {
        return new EventRecord(source, deliveryId, type, result, modelName, modelVersion, why, eventTime, receivedAt);
    }
}
