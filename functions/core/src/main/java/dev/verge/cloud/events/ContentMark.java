package dev.verge.cloud.events;

import java.time.Instant;

/**
 * The first delivery that carried a given content, collection {@value #COLLECTION}, key
 * {@code <source>/<content sha256>}: a later delivery with the same content under another delivery id is
 * a replay (a captured delivery sent again) and changes nothing. {@code replays} counts them.
 */
record ContentMark(String source, String contentDigest, String eventKey, String deliveryId, Instant firstAt, long replays,
                   Instant lastReplayAt) {
    static final String COLLECTION = "event-contents";

    ContentMark replayed(Instant at) {
        return new ContentMark(source, contentDigest, eventKey, deliveryId, firstAt, replays + 1, at);
    }

    ContentMark takenBy(String key, String id, Instant at) {
        return new ContentMark(source, contentDigest, key, id, at, replays, lastReplayAt);
    }
}
