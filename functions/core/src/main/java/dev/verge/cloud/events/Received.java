package dev.verge.cloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/** A delivery's body (raw, and read as JSON), its headers and when it arrived: what every payload reader gets. */
record Received(byte[] body, JsonNode json, Function<String, Optional<String>> headers, Instant at) {

    Optional<String> header(String name) {
        return headers.apply(name).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** The id a source without delivery ids gets: the SHA-256 of the body, so the same body again is a duplicate. */
    String bodyDigest() {
        return "sha256-" + Fields.sha256(body);
    }
}
