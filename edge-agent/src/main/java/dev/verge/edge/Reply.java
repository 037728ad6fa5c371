package dev.verge.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.verge.error.ErrorBody;
import dev.verge.inference.json.Json;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** What an endpoint answers: a status, a content type, the bytes of the body and any further headers. */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    static final String JSON = "application/json; charset=utf-8";

    Reply(int status, String contentType, byte[] body) {
        this(status, contentType, body, Map.of());
    }

    static Reply json(int status, Object value) {
        try {
            return new Reply(status, JSON, Json.mapper().writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Reply ok(Object value) {
        return json(200, value);
    }

    static Reply error(int status, ErrorBody body) {
        return json(status, body);
    }

    /** This reply with the header {@code name} set to {@code value}. */
    Reply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, contentType, body, Map.copyOf(more));
    }
}
