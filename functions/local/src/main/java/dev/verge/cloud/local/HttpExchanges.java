package dev.verge.cloud.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.UriPaths;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.function.Function;

/** Adapts the JDK HTTP server to an {@link ApiRequest} -> {@link ApiResponse} function: the whole local adapter. */
final class HttpExchanges {
    private static final System.Logger LOG = System.getLogger(HttpExchanges.class.getName());

    private HttpExchanges() {}

    static HttpHandler handler(Function<ApiRequest, ApiResponse> function) {
        return exchange -> {
            try (exchange) {
                ApiResponse response = function.apply(toRequest(exchange));
                send(exchange, response);
            } catch (IOException e) {
                // the client went away mid-response; nothing to tell it
                LOG.log(Level.DEBUG, () -> "response to " + exchange.getRequestURI() + " not completed: " + e);
            }
        };
    }

    static ApiRequest toRequest(HttpExchange exchange) {
        return new ApiRequest(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(),
                exchange.getRequestHeaders(),
                UriPaths.parseQuery(exchange.getRequestURI().getRawQuery()),
                exchange.getRequestBody());
    }

    static void send(HttpExchange exchange, ApiResponse response) throws IOException {
        for (Map.Entry<String, String> header : response.headers().entrySet()) {
            // the server computes Content-Length itself from the length given below
            if (!header.getKey().equalsIgnoreCase("Content-Length")) {
                exchange.getResponseHeaders().set(header.getKey(), header.getValue());
            }
        }
        long length = response.contentLength();
        boolean noBody = exchange.getRequestMethod().equalsIgnoreCase("HEAD") || response.status() == 204 || response.status() == 304;
        if (noBody) {
            response.discardBody();
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        try {
            // 0 means "chunked" to the JDK server, -1 means "no body"
            exchange.sendResponseHeaders(response.status(), length == 0 ? -1 : length < 0 ? 0 : length);
            if (length != 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    response.writeBody(out);
                }
            }
        } finally {
            response.discardBody();
        }
    }
}
