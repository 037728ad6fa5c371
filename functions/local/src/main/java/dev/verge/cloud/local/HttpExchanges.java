package dev.verge.cloud.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.CloudApi;
import dev.verge.cloud.api.SecurityHeaders;
import dev.verge.cloud.api.UriPaths;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
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
        return handler((request, address) -> function.apply(request), false);
    }

    /**
     * The cloud API: it learns the caller's address (failed authentications are limited per address) and, in
     * {@code X-Forwarded-Proto}, whether this server speaks HTTPS; a client's own {@code X-Forwarded-Proto}
     * is replaced, as a proxy in front would.
     */
    static HttpHandler handler(CloudApi api, boolean https) {
        return handler(api::handle, https);
    }

    private static HttpHandler handler(java.util.function.BiFunction<ApiRequest, String, ApiResponse> function, boolean https) {
        return exchange -> {
            try (exchange) {
                ApiResponse response;
                try {
                    response = function.apply(toRequest(exchange, https), exchange.getRemoteAddress().getAddress().getHostAddress());
                } catch (VergeException e) {
                    // a query string that does not decode: the client's mistake
                    response = ApiResponse.error(e);
                } catch (RuntimeException e) {
                    // CloudApi never throws; this guards the other handlers (blob downloads). The URI is not
                    // logged: its query may carry a key or a signature
                    LOG.log(Level.ERROR, "failed to handle " + exchange.getRequestMethod() + " "
                            + exchange.getHttpContext().getPath(), e);
                    response = ApiResponse.error(ErrorKind.INTERNAL, "internal_error", "the server failed to handle the request");
                }
                // CloudApi set them already; blob downloads get them here
                send(exchange, SecurityHeaders.apply(response));
            } catch (IOException e) {
                // the client went away mid-response; nothing to tell it
                LOG.log(Level.DEBUG, () -> "response to " + exchange.getRequestMethod() + " "
                        + exchange.getHttpContext().getPath() + " not completed: " + e);
            }
        };
    }

    static ApiRequest toRequest(HttpExchange exchange) {
        return toRequest(exchange, false);
    }

    private static ApiRequest toRequest(HttpExchange exchange, boolean https) {
        Map<String, java.util.List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(exchange.getRequestHeaders());
        headers.remove("X-Forwarded-Proto");
        if (https) {
            headers.put("X-Forwarded-Proto", java.util.List.of("https"));
        }
        return new ApiRequest(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(),
                headers,
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
