package dev.verge.cloud.aws;

import com.amazonaws.serverless.proxy.model.AwsProxyRequest;
import com.amazonaws.serverless.proxy.model.AwsProxyResponse;
import com.amazonaws.serverless.proxy.model.HttpApiV2ProxyRequest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.UriPaths;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Translates API Gateway proxy events into {@link ApiRequest}s and {@link ApiResponse}s back, with
 * aws-serverless-java-container's model classes: REST APIs send payload format 1.0
 * ({@link AwsProxyRequest}), HTTP APIs 2.0 ({@link HttpApiV2ProxyRequest}) or 1.0; both are answered
 * with an {@link AwsProxyResponse}.
 *
 * <p>Paths: REST APIs keep the percent-encoding of the path, HTTP APIs decode it (and put a named
 * stage in front of it); {@link ApiRequest} wants it encoded, so characters that cannot stand
 * unencoded in a path are encoded again and the stage is removed.
 */
final class ApiGatewayEvents {
    private static final System.Logger LOG = System.getLogger(ApiGatewayEvents.class.getName());

    /** Lambda refuses responses over 6 MB; what is left for the body once the JSON around it is counted. */
    static final int MAX_RESPONSE_BODY = 6 * 1024 * 1024 - 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ApiGatewayEvents() {}

    /**
     * Reads an API Gateway event of either payload format; 400 {@code event_invalid} when the
     * invocation is not one (the answers of both formats have the same shape).
     */
    static ApiRequest read(InputStream in) throws IOException {
        return readEvent(in).request();
    }

    /** A request and the caller's address as API Gateway saw it (null when the event has none). */
    record Event(ApiRequest request, String sourceIp) {}

    /** Like {@link #read}, with the caller's address ({@code requestContext.identity.sourceIp} or {@code .http.sourceIp}). */
    static Event readEvent(InputStream in) throws IOException {
        JsonNode tree;
        try {
            tree = JSON.readTree(in);
            if (tree != null && ("2.0".equals(tree.path("version").asText()) || tree.has("rawPath"))) {
                return new Event(fromV2(JSON.treeToValue(tree, HttpApiV2ProxyRequest.class)),
                        text(tree.path("requestContext").path("http").path("sourceIp")));
            }
            if (tree != null && tree.has("httpMethod")) {
                return new Event(fromV1(JSON.treeToValue(tree, AwsProxyRequest.class)),
                        text(tree.path("requestContext").path("identity").path("sourceIp")));
            }
        } catch (JsonProcessingException e) {
            throw invalid("expected an API Gateway proxy event in JSON, found unreadable JSON: " + e.getOriginalMessage());
        }
        throw invalid("expected an API Gateway proxy event with httpMethod (format 1.0) or version 2.0, found "
                + (tree != null && tree.isObject() ? "fields " + fieldNames(tree) : String.valueOf(tree)));
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    static ApiRequest fromV1(AwsProxyRequest event) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (event.getMultiValueHeaders() != null) {
            event.getMultiValueHeaders().forEach(headers::put);
        } else if (event.getHeaders() != null) {
            event.getHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (event.getMultiValueQueryStringParameters() != null) {
            event.getMultiValueQueryStringParameters().forEach(query::put);
        } else if (event.getQueryStringParameters() != null) {
            event.getQueryStringParameters().forEach((name, value) -> query.put(name, List.of(value)));
        }
        return new ApiRequest(event.getHttpMethod(), encodePath(event.getPath()), headers, query,
                body(event.getBody(), event.isBase64Encoded()));
    }

    static ApiRequest fromV2(HttpApiV2ProxyRequest event) {
        var context = event.getRequestContext();
        if (context == null || context.getHttp() == null || context.getHttp().getMethod() == null) {
            throw invalid("expected requestContext.http.method in an HTTP API (2.0) event, found none");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
        }
        if (event.getCookies() != null && !event.getCookies().isEmpty()) {
            headers.put("Cookie", List.of(String.join("; ", event.getCookies())));
        }
        String path = withoutStage(event.getRawPath() == null ? context.getHttp().getPath() : event.getRawPath(),
                context.getStage());
        return new ApiRequest(context.getHttp().getMethod(), encodePath(path), headers,
                UriPaths.parseQuery(event.getRawQueryString()), body(event.getBody(), event.isBase64Encoded()));
    }

    /** Writes {@code response} as the proxy response API Gateway expects. */
    static void write(ApiResponse response, OutputStream out) throws IOException {
        AwsProxyResponse proxy = new AwsProxyResponse(response.status());
        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        byte[] body = response.bodyBytes();
        boolean text = isText(response.header("Content-Type").orElse(""));
        if ((text ? body.length : (body.length + 2) / 3 * 4) > MAX_RESPONSE_BODY) {
            LOG.log(Level.WARNING, "a response of " + body.length + " bytes is over Lambda's 6 MB limit");
            write(ApiResponse.error(ErrorKind.INTERNAL, "response_too_large", "the answer (" + body.length
                    + " bytes) is over the 6 MB a Lambda function can return; set VERGE_PACKAGE_DELIVERY=redirect"
                    + " so that packages are downloaded from S3"), out);
            return;
        }
        if (body.length > 0) {
            proxy.setBody(text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
            proxy.setBase64Encoded(!text);
        }
        proxy.setHeaders(headers);
        JSON.writeValue(out, proxy);
    }

    /** An HTTP API with a named stage puts it in front of the path ("/prod/api/models"). */
    static String withoutStage(String path, String stage) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        if (stage == null || stage.isEmpty() || stage.equals("$default")) {
            return path;
        }
        String prefix = "/" + stage;
        if (path.equals(prefix)) {
            return "/";
        }
        return path.startsWith(prefix + "/") ? path.substring(prefix.length()) : path;
    }

    /**
     * Percent-encodes what cannot appear unencoded in a path (space, '%' not starting an escape,
     * '?', '#', control and non-ASCII characters): an encoded path comes out unchanged, a decoded
     * one comes out encoded.
     */
    static String encodePath(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder(path.length());
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            boolean escapeStart = b == '%' && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2]);
            boolean literal = b > 0x20 && b < 0x7F && b != '?' && b != '#' && (b != '%' || escapeStart);
            if (literal) {
                out.append((char) b);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b));
            }
        }
        return out.toString();
    }

    private static boolean isHex(byte b) {
        return Character.digit(b, 16) >= 0;
    }

    private static boolean isText(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.isEmpty() || type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("javascript");
    }

    private static InputStream body(String body, boolean base64) {
        if (body == null || body.isEmpty()) {
            return InputStream.nullInputStream();
        }
        try {
            return new ByteArrayInputStream(base64 ? Base64.getMimeDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw invalid("expected a base64 body (isBase64Encoded is true), found invalid base64: "
                    + e.getMessage());
        }
    }

    private static List<String> fieldNames(JsonNode tree) {
        List<String> names = new ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static VergeException invalid(String message) {
        return new VergeException(ErrorKind.BAD_REQUEST, "event_invalid", message);
    }
}
