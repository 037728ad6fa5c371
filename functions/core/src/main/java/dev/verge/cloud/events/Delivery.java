package dev.verge.cloud.events;

import java.time.Instant;

/**
 * One event as received: its source, the id that makes a redelivery recognisable (the source's
 * delivery or event id, or the SHA-256 of the body when the source sends none), when the source says
 * it happened (for ordering), who caused it, and what it says.
 */
public record Delivery(EventSource source, String deliveryId, Instant time, String by, ModelEvent event) {}
