package dev.verge.cloud.events;

import java.time.Instant;

/**
 * The newest event that set a model's stage, collection {@value #COLLECTION}, key
 * {@code <model>/<stage>}: an event older than it is out of order and must not move the stage back.
 */
record PromotionMark(String model, String stage, String version, Instant eventTime, String source, String deliveryId) {
    static final String COLLECTION = "event-promotions";
}
