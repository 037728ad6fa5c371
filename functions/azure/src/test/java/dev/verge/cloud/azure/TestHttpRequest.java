package dev.verge.cloud.azure;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link HttpRequestMessage} as the Java worker hands one to a function: header names lowercased,
 * query parameters decoded, a binary body that is empty when the request had none.
 */
final class TestHttpRequest implements HttpRequestMessage<Optional<byte[]>> {

    private final HttpMethod method;
    private final URI uri;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> query = new LinkedHashMap<>();
    private final byte[] body;

    TestHttpRequest(HttpMethod method, URI uri, Map<String, String> headers, byte[] body) {
        this.method = method;
        this.uri = uri;
        headers.forEach((name, value) -> this.headers.put(name.toLowerCase(Locale.ROOT), value));
        this.body = body;
        String raw = uri.getRawQuery();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.put(name, value);
            }
        }
    }

    @Override
    public URI getUri() {
        return uri;
    }

    @Override
    public HttpMethod getHttpMethod() {
        return method;
    }

    @Override
    public Map<String, String> getHeaders() {
        return headers;
    }

    @Override
    public Map<String, String> getQueryParameters() {
        return query;
    }

    @Override
    public Optional<byte[]> getBody() {
        return body == null || body.length == 0 ? Optional.empty() : Optional.of(body);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
        return new TestHttpResponse.Builder(status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
        return new TestHttpResponse.Builder(status);
    }
}
