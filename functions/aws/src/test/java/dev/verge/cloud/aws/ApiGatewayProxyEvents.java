package dev.verge.cloud.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.UriPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Builds the proxy events API Gateway would send for an HTTP request, and reads its proxy answers:
 * what a client's request looks like by the time it reaches the function. The two formats differ
 * as the services do: a REST API (1.0) keeps the path percent-encoded and puts the stage only in
 * the request context; an HTTP API (2.0) decodes the path, prefixes a named stage to it, lower-cases
 * header names and joins repeated headers with commas. Both base64-encode binary bodies.
 */
final class ApiGatewayProxyEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String STAGE = "prod";

    /** The payload formats API Gateway sends to Lambda. */
    enum PayloadFormat {
        /** REST API proxy integration, payload format 1.0. */
        REST_V1,
        /** HTTP API with a named stage, payload format 2.0. */
        HTTP_V2
    }

    private ApiGatewayProxyEvents() {}

    static byte[] event(PayloadFormat format, ApiRequest request) {
        byte[] body = readAll(request.body());
        String contentType = request.header("Content-Type").orElse("");
        // a compressed body is bytes whatever its type says (binary media types */* on REST APIs)
        boolean binary = body.length > 0 && (!isText(contentType) || request.header("Content-Encoding").isPresent());
        ObjectNode event = switch (format) {
            case REST_V1 -> v1(request);
            case HTTP_V2 -> v2(request);
        };
        if (body.length > 0) {
            event.put("body", binary ? Base64.getEncoder().encodeToString(body) : new String(body, StandardCharsets.UTF_8));
        } else {
            event.putNull("body");
        }
        event.put("isBase64Encoded", binary);
        try {
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode v1(ApiRequest request) {
        ObjectNode event = JSON.createObjectNode();
        event.put("resource", "/{proxy+}");
        event.put("path", request.path());
        event.put("httpMethod", request.method());
        ObjectNode headers = event.putObject("headers");
        ObjectNode multiHeaders = event.putObject("multiValueHeaders");
        request.headers().forEach((name, values) -> {
            headers.put(name, values.get(values.size() - 1));
            values.forEach(multiHeaders.withArray(name)::add);
        });
        if (request.query().isEmpty()) {
            event.putNull("queryStringParameters");
            event.putNull("multiValueQueryStringParameters");
        } else {
            ObjectNode query = event.putObject("queryStringParameters");
            ObjectNode multiQuery = event.putObject("multiValueQueryStringParameters");
            request.query().forEach((name, values) -> {
                query.put(name, values.get(values.size() - 1));
                values.forEach(multiQuery.withArray(name)::add);
            });
        }
        event.putObject("pathParameters").put("proxy", request.path().substring(1));
        event.putNull("stageVariables");
        ObjectNode context = event.putObject("requestContext");
        context.put("resourcePath", "/{proxy+}");
        context.put("httpMethod", request.method());
        context.put("path", "/" + STAGE + request.path());
        context.put("stage", STAGE);
        context.put("requestId", UUID.randomUUID().toString());
        context.put("accountId", "123456789012");
        context.put("apiId", "abcdef1234");
        context.putObject("identity").put("sourceIp", nextSourceIp()).put("userAgent", "verge-test");
        return event;
    }

    private static ObjectNode v2(ApiRequest request) {
        ObjectNode event = JSON.createObjectNode();
        String decodedPath = "/" + STAGE + decodeKeepingInvalid(request.path());
        event.put("version", "2.0");
        event.put("routeKey", "$default");
        event.put("rawPath", decodedPath);
        event.put("rawQueryString", rawQuery(request.query()));
        ObjectNode headers = event.putObject("headers");
        request.headers().forEach((name, values) -> {
            if (name.equalsIgnoreCase("Cookie")) {
                values.forEach(v -> event.withArray("cookies").add(v));
            } else {
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values));
            }
        });
        if (!request.query().isEmpty()) {
            ObjectNode query = event.putObject("queryStringParameters");
            request.query().forEach((name, values) -> query.put(name, String.join(",", values)));
        }
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "123456789012");
        context.put("apiId", "abcdef1234");
        context.put("domainName", "abcdef1234.execute-api.eu-west-1.amazonaws.com");
        context.put("requestId", UUID.randomUUID().toString());
        context.put("routeKey", "$default");
        context.put("stage", STAGE);
        context.put("time", "20/Nov/2026:10:15:30 +0000");
        context.put("timeEpoch", 1795170930000L);
        context.putObject("http")
                .put("method", request.method())
                .put("path", decodedPath)
                .put("protocol", "HTTP/1.1")
                .put("sourceIp", nextSourceIp())
                .put("userAgent", "verge-test");
        return event;
    }

    /** Reads a proxy answer back into a response with the whole body, base64-decoded where it was encoded. */
    static ApiResponse response(byte[] proxyResponse) throws IOException {
        JsonNode json = JSON.readTree(proxyResponse);
        Map<String, String> headers = new LinkedHashMap<>();
        json.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        json.path("multiValueHeaders").properties().forEach(e -> headers.putIfAbsent(e.getKey(), e.getValue().path(0).asText()));
        String body = json.path("body").asText("");
        byte[] bytes = json.path("isBase64Encoded").asBoolean()
                ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
        return new ApiResponse(json.path("statusCode").asInt(), headers, new ApiResponse.Bytes(bytes));
    }

    /** As HTTP APIs do: %XX escapes decoded, except where the result would not be UTF-8. */
    private static String decodeKeepingInvalid(String path) {
        try {
            return UriPaths.decode(path);
        } catch (RuntimeException invalid) {
            return path;
        }
    }

    private static String rawQuery(Map<String, List<String>> query) {
        return query.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> encode(e.getKey()) + "=" + encode(v)))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static boolean isText(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.contains("json");
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger CALLERS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Each event from its own address: the contract suites send wrong keys on purpose, and the cloud limits failed
     * authentications per address (its own tests cover the limit).
     */
    private static String nextSourceIp() {
        int n = CALLERS.incrementAndGet();
        return "10." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }
}
