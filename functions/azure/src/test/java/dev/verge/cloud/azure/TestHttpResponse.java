package dev.verge.cloud.azure;

import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** The {@link HttpResponseMessage} a test double builds; the body is what the function put in, unconverted. */
final class TestHttpResponse implements HttpResponseMessage {

    private final HttpStatusType status;
    private final Map<String, String> headers;
    private final Object body;

    private TestHttpResponse(HttpStatusType status, Map<String, String> headers, Object body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    @Override
    public HttpStatusType getStatus() {
        return status;
    }

    @Override
    public String getHeader(String name) {
        return headers.get(name);
    }

    Map<String, String> headers() {
        return headers;
    }

    @Override
    public Object getBody() {
        return body;
    }

    /** The body as bytes, the way the worker would send a byte[] or String body. */
    byte[] bodyBytes() {
        return switch (body) {
            case null -> new byte[0];
            case byte[] bytes -> bytes;
            case String text -> text.getBytes(StandardCharsets.UTF_8);
            default -> throw new AssertionError("the function returned a body the worker would serialize as JSON: " + body.getClass());
        };
    }

    static final class Builder implements HttpResponseMessage.Builder {
        private HttpStatusType status;
        private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private Object body;

        Builder(HttpStatusType status) {
            this.status = status;
        }

        @Override
        public HttpResponseMessage.Builder status(HttpStatusType status) {
            this.status = status;
            return this;
        }

        @Override
        public HttpResponseMessage.Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        @Override
        public HttpResponseMessage.Builder body(Object body) {
            this.body = body;
            return this;
        }

        @Override
        public HttpResponseMessage build() {
            return new TestHttpResponse(status, headers, body);
        }
    }
}
