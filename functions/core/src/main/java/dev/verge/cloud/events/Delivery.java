package dev.verge.cloud.events;

import java.time.Instant;

/**
 * One event as received: its source, the id that makes a redelivery recognisable (the source's
 * delivery or event id, or the SHA-256 of the body when the source sends none), when the source says
 * it happened (for ordering), who caused it, and what it says.
 *
 * @param contentDigest the SHA-256 of what the source signed for this event (the body, or the event
 *                      within a batch): the same content again is a replay whatever its delivery id;
 *                      null when unknown (then only the delivery id deduplicates)
 */
public record Delivery(EventSource source, String deliveryId, Instant time, String by, ModelEvent event, String contentDigest) {

    public Delivery(EventSource source, String deliveryId, Instant time, String by, ModelEvent event) {
        this(source, deliveryId, time, by, event, null);
    }

    Delivery withContentDigest(String digest) {
        return new Delivery(source, deliveryId, time, by, event, digest);
    }

    Delivery withDeliveryId(String id) {
        return new Delivery(source, id, time, by, event, contentDigest);
    }
}
