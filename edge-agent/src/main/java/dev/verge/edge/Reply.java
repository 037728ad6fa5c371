package dev.verge.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.verge.error.ErrorBody;
import dev.verge.inference.json.Json;
import java.io.UncheckedIOException;

/** What an endpoint answers: a status, a content type and the bytes of the body. */
record Reply(int status, String contentType, byte[] body) {
    static final String JSON = "application/json; charset=utf-8";

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
}
