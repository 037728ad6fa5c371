package dev.verge.edge;

import com.sun.net.httpserver.HttpExchange;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.OptionalLong;

/** The parts of an HTTP request an endpoint reads, with the path parameters its route captured. */
record Request(HttpExchange exchange, Map<String, String> pathParams, AtomicReference<Runnable> after) {

    Request(HttpExchange exchange, Map<String, String> pathParams) {
        this(exchange, pathParams, new AtomicReference<>());
    }

    String contentType() {
        return exchange.getRequestHeaders().getFirst("Content-Type");
    }

    /** Empty when the client sends the body chunked, without a length. */
    OptionalLong contentLength() {
        String value = exchange.getRequestHeaders().getFirst("Content-Length");
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The first value of header {@code name}; null when absent. */
    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    InputStream body() {
        return exchange.getRequestBody();
    }

    String pathParam(String name) {
        return pathParams.get(name);
    }

    /** Runs {@code task} on this request's thread once its answer was sent (the Router does); one task per request. */
    void afterAnswer(Runnable task) {
        after.set(task);
    }
}
