package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Custom Vision prediction SDKs, pointed at the agent by their endpoint only, get answers they parse: the paths
 * they build, their {@code Prediction-Key} header, the picture as they frame it, errors as {@code {"code", "message"}}.
 * The requests are written byte for byte as each SDK sends them.
 */
class CustomVisionSdkRoutesTest {
    private static final String PROJECT = "5a6c3e8f-2a63-4b4e-9f2c-0d8b7f1e2c44";
    private static final String KEY = "0123456789abcdef0123456789abcdef";

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

    /** A request as an SDK sends it: its path, Content-Type and body. */
    private record SdkRequest(String sdk, String path, String contentType, byte[] body) {}

    private static String path(String version, String prediction, String kind, String action, boolean noStore) {
        return "/customvision/" + version + "/" + prediction + "/" + PROJECT + "/" + kind + "/iterations/Iteration3/"
                + action + (noStore ? "/nostore" : "");
    }

    /**
     * @azure/cognitiveservices-customvision-prediction 5.1 (ms-rest-js, Node): multipart through the form-data package,
     * whose boundary is 26 dashes and 24 digits and whose part for a Buffer carries Content-Type application/octet-stream.
     */
    private static SdkRequest javascript(String path) {
        String boundary = "--------------------------" + "482901736512098374650129";
        byte[] body = concat("--" + boundary + "\r\nContent-Disposition: form-data; name=\"imageData\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n", TestImages.appleJpeg(), "\r\n--" + boundary + "--\r\n");
        return new SdkRequest("javascript", path + "?application=line-camera", "multipart/form-data; boundary=" + boundary, body);
    }

    /** azure-cognitiveservices-vision-customvision (msrest, requests): a file object, so a filename, urllib3's boundary. */
    private static SdkRequest python(String path) {
        String boundary = "9f86d081884c7d659a2feaa0c55ad015";
        byte[] body = concat("--" + boundary + "\r\nContent-Disposition: form-data; name=\"imageData\"; filename=\"apple.jpg\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n", TestImages.appleJpeg(), "\r\n--" + boundary + "--\r\n");
        return new SdkRequest("python", path, "multipart/form-data; boundary=" + boundary, body);
    }

    /**
     * Microsoft.Azure.CognitiveServices.Vision.CustomVision.Prediction (.NET MultipartFormDataContent): a quoted GUID
     * boundary, the part's headers Content-Type first, unquoted name and filename ("unknown" for a non-file stream).
     */
    private static SdkRequest csharp(String path) {
        String boundary = "3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b";
        byte[] body = concat("--" + boundary + "\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Disposition: form-data; name=imageData; filename=unknown\r\n\r\n", TestImages.appleJpeg(),
                "\r\n--" + boundary + "--\r\n");
        return new SdkRequest("csharp", path, "multipart/form-data; boundary=\"" + boundary + "\"", body);
    }

    /** The REST reference's own example and hand-written clients (the seed tutorial): the raw picture. */
    private static SdkRequest rest(String path) {
        return new SdkRequest("rest", path, "application/octet-stream", TestImages.appleJpeg());
    }

    private static AgentClient.Answer send(SdkRequest request, String key) {
        HttpRequest.Builder http = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.agent.port() + request.path()))
                .header("Content-Type", request.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
        if (key != null) {
            http.header("Prediction-Key", key);
        }
        return agent.client.send(http);
    }

    /** What the SDKs' ImagePrediction mapper reads. */
    private static void assertSdkParses(AgentClient.Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode json = answer.json();
        assertThat(json.fieldNames()).toIterable().containsExactly("created", "id", "iteration", "project", "predictions");
        assertThat(json.path("iteration").asText()).isEqualTo(RunningAgent.MODEL_VERSION);
        JsonNode top = json.path("predictions").path(0);
        assertThat(top.path("tagName").asText()).isEqualTo("ripe");
        assertThat(top.path("probability").asDouble()).isGreaterThan(0.5);
        assertThat(top.has("boundingBox")).isTrue();
    }

    @TestFactory
    Stream<DynamicTest> imageRoutes_everySdkShape_withAndWithoutPredictionKey_classify() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String version : List.of("v3.0", "v3.1")) {
            for (String prediction : List.of("prediction", "Prediction")) {
                for (String kind : List.of("classify", "detect")) {
                    for (boolean noStore : List.of(false, true)) {
                        String path = path(version, prediction, kind, "image", noStore);
                        for (SdkRequest request : List.of(javascript(path), python(path), csharp(path), rest(path))) {
                            for (String key : new String[] {KEY, null}) {
                                tests.add(DynamicTest.dynamicTest(request.sdk() + " " + path + (key == null ? "" : " with key"),
                                        () -> assertSdkParses(send(request, key))));
                            }
                        }
                    }
                }
            }
        }
        return tests.stream();
    }

    @Test
    void urlRoutes_sdkJsonBodies_withAndWithoutPredictionKey_classify() {
        String url = web.url("/apple.jpg");
        for (String version : List.of("v3.0", "v3.1")) {
            for (boolean noStore : List.of(false, true)) {
                for (String key : new String[] {KEY, null}) {
                    // JavaScript and Python: {"url": ...}; the REST reference and .NET's serializer: {"Url": ...}
                    assertSdkParses(send(new SdkRequest("javascript", path(version, "prediction", "classify", "url", noStore),
                            "application/json; charset=utf-8", ("{\"url\":\"" + url + "\"}").getBytes(StandardCharsets.UTF_8)), key));
                    assertSdkParses(send(new SdkRequest("csharp", path(version, "Prediction", "detect", "url", noStore),
                            "application/json; charset=utf-8", ("{\"Url\":\"" + url + "\"}").getBytes(StandardCharsets.UTF_8)), key));
                }
            }
        }
    }

    @Test
    void imageRoute_notAnImage_answersCustomVisionErrorWithVergesCodeBeside() {
        AgentClient.Answer answer = send(new SdkRequest("javascript", path("v3.1", "prediction", "classify", "image", false),
                "application/octet-stream", "hello".getBytes(StandardCharsets.US_ASCII)), KEY);

        assertThat(answer.status()).isEqualTo(400);
        JsonNode json = answer.json();
        assertThat(json.fieldNames()).toIterable().containsExactly("code", "message", "error");
        assertThat(json.path("code").asText()).isEqualTo("BadRequestImageFormat");
        assertThat(json.path("error").asText()).isEqualTo("image_unsupported_format");
        assertThat(json.path("message").asText()).contains("JPEG");
    }

    @Test
    void predictionApiRoutes_otherMistakes_answerTheirCustomVisionCodes() {
        String image = path("v3.0", "Prediction", "classify", "image", true);
        String url = path("v3.0", "Prediction", "classify", "url", false);
        assertThat(send(new SdkRequest("rest", image, "application/octet-stream", new byte[0]), KEY).json().path("code").asText())
                .isEqualTo("BadRequestImageStream");
        assertThat(send(new SdkRequest("rest", url, "application/json", "{\"link\": 1}".getBytes(StandardCharsets.UTF_8)), KEY)
                .json().path("code").asText()).isEqualTo("BadRequestImageUrl");
        assertThat(send(new SdkRequest("rest", url, "image/png", "{}".getBytes(StandardCharsets.UTF_8)), null).json().path("code")
                .asText()).isEqualTo("UnsupportedMediaType");
        AgentClient.Answer get = agent.client.get(image);
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.json().path("code").asText()).isEqualTo("BadRequestNotSupported");
        assertThat(get.json().path("error").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void exportContainerPaths_keepVergesErrorShape() {
        JsonNode json = agent.client.post("/image", "application/octet-stream", "hello".getBytes(StandardCharsets.US_ASCII)).json();
        assertThat(json.fieldNames()).toIterable().containsExactly("error", "message");
        assertThat(json.path("error").asText()).isEqualTo("image_unsupported_format");
    }

    private static byte[] concat(String head, byte[] content, String tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(content);
        out.writeBytes(tail.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }
}
