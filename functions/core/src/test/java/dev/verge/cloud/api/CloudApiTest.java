package dev.verge.cloud.api;

import dev.verge.cloud.json.CloudJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing, authentication and error mapping of {@link CloudApi}, with routes made up for the test. */
class CloudApiTest {
    private static final String KEY = "unit-test-key";

    private final Routes routes = new Routes()
            .get("/api/things/{id}", call -> ApiResponse.json(200, Map.of("id", call.path("id"), "by", call.caller().name())))
            .get("/api/things/special", call -> ApiResponse.json(200, Map.of("special", true)))
            .post("/api/things/{id}", call -> ApiResponse.json(201, Map.of()))
            .post("/api/things", call -> ApiResponse.json(201, call.jsonBody(Map.class)))
            .get("/api/boom", call -> {
                throw new IllegalStateException("secret internal detail at com.example.Db.connect");
            })
            .get("/api/teapot", call -> {
                throw new VergeException(ErrorKind.CONFLICT, "teapot_busy", "the teapot is busy");
            })
            .get("/api/stream", call -> ApiResponse.stream(200, "text/plain",
                    new ByteArrayInputStream("streamed".getBytes(StandardCharsets.UTF_8)), 8))
            .route("GET", "/api/open", Routes.Access.PUBLIC, call -> ApiResponse.json(200, Map.of("open", true)));
    private final CloudApi api = new CloudApi(routes, ApiKeyAuth.requireKeys(List.of("other-key", KEY)));

    private ApiResponse send(String method, String path, Map<String, List<String>> headers) {
        return api.handle(ApiRequest.of(method, path, headers, null));
    }

    private ApiResponse authed(String method, String path) {
        return send(method, path, Map.of("X-Api-Key", List.of(KEY)));
    }

    private static JsonNode json(ApiResponse response) throws Exception {
        return CloudJson.mapper().readTree(response.bodyBytes());
    }

    @Test
    void handle_paramRoute_decodesSegmentAndNamesCaller() throws Exception {
        JsonNode body = json(authed("GET", "/api/things/a%20b%2Bc"));

        assertThat(body.path("id").asText()).isEqualTo("a b+c");
        assertThat(body.path("by").asText()).isEqualTo("api-key-2");
    }

    @Test
    void handle_literalAndParamBothMatch_literalWins() throws Exception {
        assertThat(json(authed("GET", "/api/things/special")).path("special").asBoolean()).isTrue();
    }

    @Test
    void handle_encodedSlash_staysInsideItsSegment() throws Exception {
        assertThat(json(authed("GET", "/api/things/a%2Fb")).path("id").asText()).isEqualTo("a/b");
    }

    @Test
    void handle_brokenPercentEncoding_is400() throws Exception {
        ApiResponse response = authed("GET", "/api/things/a%zz");

        assertThat(response.status()).isEqualTo(400);
        assertThat(json(response).path("error").asText()).isEqualTo("path_invalid");
    }

    @Test
    void handle_unknownPath_is404() throws Exception {
        ApiResponse response = authed("GET", "/api/nope");

        assertThat(response.status()).isEqualTo(404);
        assertThat(json(response).path("error").asText()).isEqualTo("route_not_found");
    }

    @Test
    void handle_wrongMethod_is405WithAllowedMethods() throws Exception {
        ApiResponse response = authed("DELETE", "/api/things/1");

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.header("allow")).contains("GET, POST");
        assertThat(json(response).path("error").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void handle_vergeException_mapsToItsStatusAndCode() throws Exception {
        ApiResponse response = authed("GET", "/api/teapot");

        assertThat(response.status()).isEqualTo(409);
        assertThat(json(response).path("error").asText()).isEqualTo("teapot_busy");
        assertThat(json(response).path("message").asText()).isEqualTo("the teapot is busy");
    }

    @Test
    void handle_unexpectedFailure_is500WithoutLeakingDetails() throws Exception {
        ApiResponse response = authed("GET", "/api/boom");

        assertThat(response.status()).isEqualTo(500);
        String body = new String(response.bodyBytes(), StandardCharsets.UTF_8);
        assertThat(json(response).path("error").asText()).isEqualTo("internal_error");
        assertThat(body).contains("incident").doesNotContain("secret").doesNotContain("IllegalStateException");
    }

    @Test
    void handle_noKey_is401WithChallenge() throws Exception {
        ApiResponse response = send("GET", "/api/things/1", Map.of());

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(json(response).path("error").asText()).isEqualTo("unauthorized");
    }

    @Test
    void handle_keyWithOtherCaseHeaderOrBearer_isAccepted() {
        assertThat(send("GET", "/api/things/1", Map.of("X-API-KEY", List.of(KEY))).status()).isEqualTo(200);
        assertThat(send("GET", "/api/things/1", Map.of("authorization", List.of("bearer " + KEY))).status()).isEqualTo(200);
    }

    @Test
    void handle_prefixOfKey_isRefused() {
        assertThat(send("GET", "/api/things/1", Map.of("x-api-key", List.of(KEY.substring(0, 5)))).status()).isEqualTo(401);
        assertThat(send("GET", "/api/things/1", Map.of("Authorization", List.of("Basic " + KEY))).status()).isEqualTo(401);
    }

    @Test
    void handle_publicRoute_needsNoKey() {
        assertThat(send("GET", "/api/open", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void handle_insecureLocal_letsEveryoneIn() throws Exception {
        CloudApi open = new CloudApi(routes, ApiKeyAuth.insecureLocal());

        ApiResponse response = open.handle(ApiRequest.of("GET", "/api/things/1", Map.of(), null));

        assertThat(response.status()).isEqualTo(200);
        assertThat(json(response).path("by").asText()).isEqualTo("insecure-local");
    }

    @Test
    void handle_head_answersHeadersWithoutBody() {
        ApiResponse response = authed("HEAD", "/api/stream");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyBytes()).isEmpty();
        assertThat(response.header("Content-Length")).contains("8");
    }

    @Test
    void request_headersAreCaseInsensitiveAndQueryDecoded() {
        ApiRequest request = ApiRequest.of("post", "/x?by=alice+smith&tag=a%26b&tag=c", Map.of("Content-TYPE", List.of("Application/Zip; q=1")), null);

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("content-type")).contains("Application/Zip; q=1");
        assertThat(request.mediaType()).contains("application/zip");
        assertThat(request.queryParam("by")).contains("alice smith");
        assertThat(request.query().get("tag")).containsExactly("a&b", "c");
    }

    @Test
    void routes_sameRouteTwice_isRefused() {
        Routes table = new Routes().get("/a/{x}", call -> null);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> table.get("/a/{x}", call -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void handle_bodyBrokenByTheClient_is400NotAServerError() throws Exception {
        java.io.InputStream broken = new java.io.InputStream() {
            @Override
            public int read() throws java.io.IOException {
                throw new java.io.IOException("connection reset by peer");
            }
        };

        ApiResponse response = api.handle(ApiRequest.of("POST", "/api/things", Map.of("X-Api-Key", List.of(KEY)), broken));

        assertThat(response.status()).isEqualTo(400);
        assertThat(new String(response.bodyBytes(), StandardCharsets.UTF_8)).contains("request_body_unreadable");
    }
}
