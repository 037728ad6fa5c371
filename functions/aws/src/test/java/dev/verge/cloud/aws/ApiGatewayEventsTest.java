package dev.verge.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.error.VergeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiGatewayEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ApiRequest read(String json) throws IOException {
        return ApiGatewayEvents.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode write(ApiResponse response) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ApiGatewayEvents.write(response, out);
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void encodePath_encodedPath_isUnchanged() {
        assertThat(ApiGatewayEvents.encodePath("/api/models/a%2Fb/versions/1%0A2")).isEqualTo("/api/models/a%2Fb/versions/1%0A2");
    }

    @Test
    void encodePath_decodedPath_encodesWhatCannotStandInAPath() {
        assertThat(ApiGatewayEvents.encodePath("/api/models/my model/é?#\n100%"))
                .isEqualTo("/api/models/my%20model/%C3%A9%3F%23%0A100%25");
    }

    @Test
    void withoutStage_namedStagePrefix_isRemovedOnlyAsAWholeSegment() {
        assertThat(ApiGatewayEvents.withoutStage("/prod/api/models", "prod")).isEqualTo("/api/models");
        assertThat(ApiGatewayEvents.withoutStage("/prod", "prod")).isEqualTo("/");
        assertThat(ApiGatewayEvents.withoutStage("/production/api", "prod")).isEqualTo("/production/api");
        assertThat(ApiGatewayEvents.withoutStage("/api/models", "$default")).isEqualTo("/api/models");
    }

    @Test
    void read_restApiEvent_keepsEncodedPathMultiValuesAndDecodesBase64Body() throws IOException {
        ApiRequest request = read("""
                {"resource": "/{proxy+}", "path": "/api/models/a%20b/versions", "httpMethod": "POST",
                 "headers": {"X-Api-Key": "k2"}, "multiValueHeaders": {"X-Api-Key": ["k1", "k2"]},
                 "queryStringParameters": {"by": "b"}, "multiValueQueryStringParameters": {"by": ["a b", "b"]},
                 "requestContext": {"stage": "prod", "path": "/prod/api/models/a%20b/versions"},
                 "body": "BODY", "isBase64Encoded": true}
                """.replace("BODY", Base64.getEncoder().encodeToString(new byte[] {1, 2, (byte) 0xFF})));

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/api/models/a%20b/versions");
        assertThat(request.headers().get("x-api-key")).containsExactly("k1", "k2");
        assertThat(request.query().get("by")).containsExactly("a b", "b");
        assertThat(request.body().readAllBytes()).containsExactly(1, 2, 0xFF);
    }

    @Test
    void read_httpApiEvent_removesStageReencodesPathAndParsesRawQuery() throws IOException {
        ApiRequest request = read("""
                {"version": "2.0", "routeKey": "$default", "rawPath": "/prod/api/models/my model/versions",
                 "rawQueryString": "by=al%2Bice&x=1+2", "cookies": ["a=1", "b=2"],
                 "headers": {"content-type": "application/json"},
                 "requestContext": {"stage": "prod", "http": {"method": "GET", "path": "/prod/api/models/my model/versions"}},
                 "body": "{\\"stage\\": \\"production\\"}", "isBase64Encoded": false}
                """);

        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/api/models/my%20model/versions");
        assertThat(request.queryParam("by")).contains("al+ice");
        assertThat(request.queryParam("x")).contains("1 2");
        assertThat(request.header("Cookie")).contains("a=1; b=2");
        assertThat(new String(request.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"stage\": \"production\"}");
    }

    @Test
    void read_eventsWithAuthorizers_areRead() throws IOException {
        ApiRequest v2 = read("""
                {"version": "2.0", "rawPath": "/api/models", "rawQueryString": "",
                 "requestContext": {"stage": "$default", "http": {"method": "GET", "path": "/api/models"},
                   "authorizer": {"jwt": {"claims": {"sub": "alice"}, "scopes": ["models/read"]}}},
                 "isBase64Encoded": false}
                """);
        ApiRequest v1 = read("""
                {"path": "/api/models", "httpMethod": "GET",
                 "requestContext": {"stage": "prod", "authorizer": {"principalId": "alice", "claims": {"sub": "alice"}}},
                 "isBase64Encoded": false}
                """);

        assertThat(v2.path()).isEqualTo("/api/models");
        assertThat(v1.path()).isEqualTo("/api/models");
    }

    @Test
    void read_functionUrlEvent_keepsEncodedRawPath() throws IOException {
        ApiRequest request = read("""
                {"version": "2.0", "rawPath": "/api/models/a%2Fb/versions", "rawQueryString": "",
                 "requestContext": {"stage": "$default", "http": {"method": "POST", "path": "/api/models/a%2Fb/versions"}},
                 "isBase64Encoded": false}
                """);

        assertThat(request.path()).isEqualTo("/api/models/a%2Fb/versions");
        assertThat(request.body().readAllBytes()).isEmpty();
    }

    @Test
    void read_notAnApiGatewayEvent_is400EventInvalid() {
        for (String notAnEvent : new String[] {"{\"Records\": []}", "[1, 2]", "{broken", "", "{\"version\": \"2.0\"}"}) {
            assertThatThrownBy(() -> read(notAnEvent))
                    .as(notAnEvent)
                    .isInstanceOfSatisfying(VergeException.class, e -> {
                        assertThat(e.code()).isEqualTo("event_invalid");
                        assertThat(e.kind().httpStatus()).isEqualTo(400);
                    });
        }
    }

    @Test
    void write_jsonAnswer_isTextWithHeaders() throws IOException {
        JsonNode proxy = write(ApiResponse.json(201, Map.of("ok", true)).withHeader("Location", "/api/x"));

        assertThat(proxy.get("statusCode").asInt()).isEqualTo(201);
        assertThat(proxy.get("isBase64Encoded").asBoolean()).isFalse();
        assertThat(proxy.get("body").asText()).isEqualTo("{\"ok\":true}");
        assertThat(proxy.at("/headers/Location").asText()).isEqualTo("/api/x");
        assertThat(proxy.at("/headers/Content-Type").asText()).isEqualTo("application/json");
    }

    @Test
    void write_zipAnswer_isBase64() throws IOException {
        byte[] zip = {'P', 'K', 3, 4, (byte) 0x80};

        JsonNode proxy = write(ApiResponse.stream(200, "application/zip", new ByteArrayInputStream(zip), zip.length));

        assertThat(proxy.get("isBase64Encoded").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(proxy.get("body").asText())).isEqualTo(zip);
    }

    @Test
    void write_answerOverLambdaLimit_is500JsonSayingWhatToSet() throws IOException {
        byte[] big = new byte[5 * 1024 * 1024];

        JsonNode proxy = write(ApiResponse.stream(200, "application/zip", new ByteArrayInputStream(big), big.length));

        assertThat(proxy.get("statusCode").asInt()).isEqualTo(500);
        JsonNode body = JSON.readTree(proxy.get("body").asText());
        assertThat(body.get("error").asText()).isEqualTo("response_too_large");
        assertThat(body.get("message").asText()).contains("VERGE_PACKAGE_DELIVERY=redirect");
    }

    @Test
    void handler_notAnApiGatewayEvent_answers400Json() throws IOException {
        ApiHandler handler = new ApiHandler(request -> {
            throw new AssertionError("must not be called");
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        handler.handleRequest(new ByteArrayInputStream("{\"Records\": []}".getBytes(StandardCharsets.UTF_8)), out, null);

        JsonNode proxy = JSON.readTree(out.toByteArray());
        assertThat(proxy.get("statusCode").asInt()).isEqualTo(400);
        assertThat(JSON.readTree(proxy.get("body").asText()).get("error").asText()).isEqualTo("event_invalid");
    }

    @Test
    void handler_wrongKeysFromOneSourceIp_areAnswered429() throws IOException {
        ApiHandler handler = new ApiHandler(dev.verge.cloud.CloudServices.create(new dev.verge.cloud.testing.InMemoryBlobStore(),
                new dev.verge.cloud.testing.InMemoryMetadataStore(), java.time.Clock.systemUTC(),
                dev.verge.cloud.CloudConfig.withApiKeys("aws-limit-key-0123456789")).api());
        String event = "{\"version\": \"2.0\", \"rawPath\": \"/api/models\", \"headers\": {\"x-api-key\": \"wrong-key-0123456789\"},"
                + " \"requestContext\": {\"http\": {\"method\": \"GET\", \"path\": \"/api/models\", \"sourceIp\": \"203.0.113.9\"}}}";
        java.util.List<Integer> statuses = new java.util.ArrayList<>();
        JsonNode last = null;
        for (int i = 0; i < 12; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
            last = JSON.readTree(out.toByteArray());
            statuses.add(last.get("statusCode").asInt());
        }

        assertThat(statuses.subList(0, 10)).containsOnly(401);
        assertThat(statuses.subList(10, 12)).containsOnly(429);
        assertThat(last.path("headers").path("Retry-After").asText()).isNotEmpty();
        assertThat(last.path("headers").path("X-Content-Type-Options").asText()).isEqualTo("nosniff");
    }
}
