package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every bad request gets its 4xx with a JSON reason, and the agent still answers the next good one. */
class BadInputTest {
    private static RunningAgent agent;
    private static TestWebServer web;

    @BeforeAll
    static void start() {
        agent = RunningAgent.start();
        web = new TestWebServer(TestImages.appleJpeg());
    }

    @AfterAll
    static void stop() throws Exception {
        web.close();
        agent.close();
    }

    record Bad(String name, String path, String contentType, byte[] body, int status, String code) {}

    static Bad image(String name, String contentType, byte[] body, int status, String code) {
        return new Bad(name, "/image", contentType, body, status, code);
    }

    static Bad url(String name, String json, int status, String code) {
        return new Bad(name, "/url", "application/json", json.getBytes(StandardCharsets.UTF_8), status, code);
    }

    static List<Bad> badRequests() {
        byte[] apple = TestImages.appleJpeg();
        String boundary = "0123456789abcdef0123456789abcdef";
        return List.of(
                image("zero bytes", "application/octet-stream", new byte[0], 400, "image_empty"),
                image("random bytes", "application/octet-stream", TestImages.randomBytes(5000), 400, "image_unsupported_format"),
                image("truncated JPEG", "image/jpeg", TestImages.truncatedJpeg(), 400, "image_corrupt"),
                image("PNG claiming 50000x50000", "image/png", TestImages.pngHeader(50_000, 50_000), 413, "image_too_many_pixels"),
                image("GIF", "application/octet-stream", TestImages.gif(), 400, "image_unsupported_format"),
                image("10 MB body", "application/octet-stream", TestImages.randomBytes(10_000_000), 413, "image_too_large"),
                image("text/plain", "text/plain", apple, 415, "unsupported_media_type"),
                image("application/json on /image", "application/json", "{\"url\": \"x\"}".getBytes(StandardCharsets.UTF_8),
                        415, "unsupported_media_type"),
                image("multipart without boundary", "multipart/form-data",
                        TestImages.multipart(boundary, "imageData", "apple.jpg", apple, true), 400, "multipart_invalid"),
                image("multipart without closing boundary", "multipart/form-data; boundary=" + boundary,
                        TestImages.multipart(boundary, "imageData", "apple.jpg", apple, false), 400, "multipart_invalid"),
                image("multipart without imageData", "multipart/form-data; boundary=" + boundary,
                        TestImages.multipart(boundary, "file", "apple.jpg", apple, true), 400, "multipart_invalid"),
                url("/url that never answers", "{\"url\": \"" + web.silentUrl() + "\"}", 400, "url_fetch_failed"),
                url("/url to an HTML page", "{\"url\": \"" + web.url("/page.html") + "\"}", 400, "image_unsupported_format"),
                url("/url to a refused port", "{\"url\": \"" + web.refusedUrl() + "\"}", 400, "url_fetch_failed"),
                url("/url with bad JSON", "{\"url\": ", 400, "url_request_invalid"),
                url("/url without url", "{\"link\": \"http://x/a.jpg\"}", 400, "url_request_invalid"),
                url("/url with a JSON string", "\"http://x/a.jpg\"", 400, "url_request_invalid"),
                url("/url with a file URL", "{\"url\": \"file:///etc/passwd\"}", 400, "url_invalid"),
                new Bad("/url with an image content type", "/url", "image/jpeg", apple, 415, "unsupported_media_type"),
                new Bad("unknown route", "/predict", "application/octet-stream", apple, 404, "route_not_found"),
                new Bad("another model's infer", "/v2/models/other-model/infer", "application/json",
                        "{\"inputs\": []}".getBytes(StandardCharsets.UTF_8), 404, "model_not_found"),
                new Bad("infer with bad JSON", "/v2/models/fruit-quality/infer", "application/json",
                        "{\"inputs\": [".getBytes(StandardCharsets.UTF_8), 400, "infer_request_invalid"));
    }

    @TestFactory
    Stream<DynamicTest> badRequest_answers4xxJson_thenServesTheNextGoodRequest() {
        return badRequests().stream().map(bad -> DynamicTest.dynamicTest(bad.name(), () -> {
            AgentClient.Answer answer = agent.client.post(bad.path(), bad.contentType(), bad.body());

            assertThat(answer.status()).as(answer.toString()).isEqualTo(bad.status());
            assertThat(answer.contentType()).startsWith("application/json");
            JsonNode error = answer.json();
            // OIP v2 routes answer the protocol's error body: the description in "error", Verge's code in "code"
            boolean oip = bad.path().startsWith("/v2/");
            assertThat(error.path(oip ? "code" : "error").asText()).as(answer.toString()).isEqualTo(bad.code());
            assertThat(error.path(oip ? "error" : "message").asText()).isNotBlank().doesNotContain("Exception")
                    .doesNotContain("\tat ");

            AgentClient.Answer good = agent.client.post("/image", "application/octet-stream", TestImages.appleJpeg());
            assertThat(good.status()).as(good.toString()).isEqualTo(200);
            assertThat(good.json().path("predictions").get(0).path("tagName").asText()).isEqualTo("ripe");
        }));
    }

    @TestFactory
    Stream<DynamicTest> wrongMethod_answers405JsonWithAllow() {
        return Stream.of("/image", "/url", "/v2/models/fruit-quality/infer").map(path -> DynamicTest.dynamicTest(path, () -> {
            AgentClient.Answer answer = agent.client.get(path);
            assertThat(answer.status()).isEqualTo(405);
            assertThat(answer.headers().firstValue("Allow")).hasValue("POST");
            assertThat(answer.json().path(path.startsWith("/v2/") ? "code" : "error").asText()).isEqualTo("method_not_allowed");
        }));
    }

    /**
     * A camera that writes its whole too-large picture before it reads the answer still gets the 413:
     * the agent reads and drops the rest of the body before it answers, instead of closing on the client.
     */
    @org.junit.jupiter.api.Test
    void image_tooLargeBodyWrittenWhole_clientStillReads413() throws Exception {
        byte[] body = new byte[6 * 1024 * 1024];
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), agent.agent.port())) {
            socket.setSoTimeout(30_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /image HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();

            assertThat(statusLine).startsWith("HTTP/1.1 413");
        }
    }
}
