package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.demo.SampleImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Device code written for the Custom Vision export container works against the agent unchanged. */
class CustomVisionClientsTest {
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

    /** What devices read: predictions[0].tagName and probability, sorted descending, no box for classification. */
    static void assertCustomVisionAnswer(AgentClient.Answer answer, String expectedTag) {
        assertCustomVisionAnswerFor(answer, expectedTag, RunningAgent.MODEL_VERSION);
    }

    static void assertCustomVisionAnswerFor(AgentClient.Answer answer, String expectedTag, String modelVersion) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/json");
        JsonNode json = answer.json();
        assertThat(json.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("created", "id", "iteration", "project", "predictions");
        // Python's datetime.fromisoformat (3.7 to 3.10) reads six fraction digits and +00:00, not nanoseconds or Z
        assertThat(json.path("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");
        assertThat(Instant.parse(json.path("created").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(json.path("id").asText()).as("empty, as the export container leaves it").isEmpty();
        assertThat(json.path("iteration").asText()).isEqualTo(modelVersion);
        assertThat(json.path("project").asText()).isEqualTo("fruit-quality");
        JsonNode predictions = json.path("predictions");
        // the export leaves out what is below 1e-8 (the apple's "unripe" is 2.7e-14)
        assertThat(predictions.size()).isBetween(1, 2);
        assertThat(predictions.get(0).path("tagName").asText()).isEqualTo(expectedTag);
        List<Double> probabilities = new ArrayList<>();
        for (JsonNode p : predictions) {
            assertThat(p.has("boundingBox")).isTrue();
            assertThat(p.path("boundingBox").isNull()).isTrue();
            assertThat(p.path("tagId").isTextual()).isTrue();
            assertThat(p.path("probability").isNumber()).isTrue();
            assertThat(p.path("probability").asDouble()).isGreaterThanOrEqualTo(1e-8);
            probabilities.add(p.path("probability").asDouble());
        }
        assertThat(probabilities).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(probabilities.get(0)).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
    }

    @Test
    void pythonRequestsOctetStream_classifies() {
        // requests.post(url, data=open('apple.jpg', 'rb').read(), headers={'Content-Type': 'application/octet-stream'})
        assertCustomVisionAnswer(agent.client.post("/image", "application/octet-stream", TestImages.appleJpeg()), "ripe");
    }

    @Test
    void pythonRequestsDataWithoutHeaders_classifies() {
        // requests.post(url, data=image_bytes): no Content-Type at all
        assertCustomVisionAnswer(agent.client.post("/image", null, TestImages.appleJpeg()), "ripe");
    }

    @Test
    void pythonRequestsMultipartFiles_classifies() {
        // requests.post(url, files={'imageData': open('apple.jpg', 'rb')}): urllib3 boundary, no part Content-Type
        String boundary = "a3f9c2d41e7b4f0c9d8e7f6a5b4c3d2e";
        byte[] body = TestImages.multipart(boundary, "imageData", "apple.jpg", TestImages.appleJpeg(), true);
        assertCustomVisionAnswer(agent.client.post("/image", "multipart/form-data; boundary=" + boundary, body), "ripe");
    }

    @Test
    void curlDataBinaryWithoutContentType_classifies() {
        // curl --data-binary @apple.jpg http://box/image sends curl's default form Content-Type
        assertCustomVisionAnswer(agent.client.post("/image", "application/x-www-form-urlencoded", TestImages.appleJpeg()), "ripe");
    }

    @Test
    void realCurl_dataBinaryAndForm_classify(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(commandExists("curl"), "curl is not installed");
        Path file = dir.resolve("apple.jpg");
        Files.write(file, TestImages.appleJpeg());
        String url = "http://127.0.0.1:" + agent.agent.port() + "/image";
        for (List<String> args : List.of(
                List.of("--data-binary", "@" + file),
                List.of("-H", "Content-Type: application/octet-stream", "--data-binary", "@" + file),
                List.of("-F", "imageData=@" + file))) {
            List<String> command = new ArrayList<>(List.of("curl", "-s", "-S", "-w", "\n%{http_code}", "-X", "POST"));
            command.addAll(args);
            command.add(url);
            Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(curl.getInputStream().readAllBytes());
            assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
            int newline = out.lastIndexOf('\n');
            AgentClient.Answer answer = new AgentClient.Answer(Integer.parseInt(out.substring(newline + 1).trim()),
                    java.net.http.HttpHeaders.of(Map.of("Content-Type", List.of("application/json")), (a, b) -> true),
                    out.substring(0, newline).getBytes());
            assertCustomVisionAnswer(answer, "ripe");
        }
    }

    @Test
    void customVisionPathAliases_classify() {
        for (String path : List.of("/image", "/image/nostore", "/fruit/image", "/fruit/image/nostore",
                "/fruit/classify/iterations/Iteration3/image", "/fruit/classify/iterations/Iteration3/image/nostore",
                "/image?iterationId=0f2c&application=camera")) {
            assertCustomVisionAnswer(agent.client.post(path, "application/octet-stream", TestImages.appleJpeg()), "ripe");
        }
    }

    @Test
    void keepTinyPredictions_on_answersEveryLabel() throws Exception {
        try (RunningAgent keeping = RunningAgent.start(settings -> settings.withKeepTinyPredictions(true))) {
            JsonNode kept = keeping.client.post("/image", "application/octet-stream", TestImages.appleJpeg()).json();
            JsonNode usual = agent.client.post("/image", "application/octet-stream", TestImages.appleJpeg()).json();
            assertThat(kept.path("predictions")).hasSize(2);
            assertThat(kept.at("/predictions/1/probability").asDouble()).as("the apple's unripe").isLessThan(1e-8);
            assertThat(usual.path("predictions")).hasSize(1);
        }
    }

    @Test
    void url_jsonContentTypeVariants_classify() {
        String json = "{\"url\": \"" + web.url("/apple.jpg") + "\"}";
        for (String type : new String[] {"application/json", "application/json; charset=utf-8", "text/json", null,
                "application/x-www-form-urlencoded", "text/plain"}) {
            AgentClient.Answer answer = agent.client.post("/url", type, json.getBytes());
            assertCustomVisionAnswer(answer, "ripe");
        }
        assertCustomVisionAnswer(agent.client.postJson("/fruit/classify/iterations/It3/url", json), "ripe");
    }

    @TestFactory
    Stream<DynamicTest> sampleImages_classifiedAsExpectedOverHttp() {
        return SampleImages.samples().entrySet().stream().map(sample -> DynamicTest.dynamicTest(sample.getKey(), () ->
                assertCustomVisionAnswer(agent.client.post("/image", "application/octet-stream", sample.getValue()),
                        SampleImages.expectedLabel(sample.getKey()))));
    }

    private static boolean commandExists(String name) {
        try {
            return new ProcessBuilder(name, "--version").redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
