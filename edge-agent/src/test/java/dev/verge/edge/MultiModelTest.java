package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.demo.DemoModels;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.testing.TestPackages;
import dev.verge.inference.testing.TextPictures;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real packages on one agent, as {@code --model a --model b} serves them: the demo fruit-quality classifier (the
 * default) and PaddleOCR's text-orientation classifier, each answering on its own routes.
 */
class MultiModelTest {
    static final String OCR = "text-orientation";

    @TempDir
    static Path dir;

    static Path fruit;
    static Path ocr;

    @BeforeAll
    static void packages() {
        Assumptions.assumeTrue(TestPackages.ocrClassifierModel().isPresent(),
                "PaddleOCR classifier not found under " + TestPackages.vergeRoot() + "/.cache/ocr-models; run ./verge fetch-test-models");
        fruit = DemoModels.fruitQuality(dir.resolve("fruit"), RunningAgent.MODEL_VERSION);
        ocr = TestPackages.ocrClassifierPackage(dir.resolve("ocr"));
    }

    static RunningAgent twoModels(int maxLoaded) {
        return RunningAgent.start(settings -> settings.withMoreModels(List.of(ocr), maxLoaded));
    }

    static String top(AgentClient.Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json().at("/predictions/0/tagName").asText();
    }

    static String project(AgentClient.Answer answer) {
        return answer.json().path("project").asText();
    }

    @Test
    void twoPackages_eachModelOnItsOwnRoutes_answersItsOwnLabels() throws Exception {
        try (RunningAgent agent = twoModels(0)) {
            AgentClient c = agent.client;
            byte[] upright = TextPictures.png("ripe fruit", false);
            byte[] upsideDown = TextPictures.png("ripe fruit", true);

            // plain /image: the default model, the first --model, as before
            AgentClient.Answer plain = c.post("/image", "application/octet-stream", TestImages.appleJpeg());
            assertThat(top(plain)).isEqualTo("ripe");
            assertThat(project(plain)).isEqualTo("fruit-quality");
            assertThat(top(c.post("/fruit-quality/image", "application/octet-stream", TestImages.appleJpeg()))).isEqualTo("ripe");

            for (String path : List.of("/text-orientation/image", "/text-orientation/image/nostore",
                    "/text-orientation/classify/iterations/Iteration1/image",
                    "/text-orientation/detect/iterations/Iteration1/image/nostore",
                    "/customvision/v3.1/prediction/text-orientation/classify/iterations/Iteration1/image")) {
                AgentClient.Answer up = c.post(path, "application/octet-stream", upright);
                assertThat(top(up)).as(path).isEqualTo("0");
                assertThat(project(up)).as(path).isEqualTo(OCR);
                assertThat(top(c.post(path, "application/octet-stream", upsideDown))).as(path).isEqualTo("180");
            }
            try (TestWebServer web = new TestWebServer(upsideDown)) {
                String json = "{\"url\": \"" + web.url("/apple.jpg") + "\"}";
                assertThat(top(c.postJson("/text-orientation/url", json))).isEqualTo("180");
                assertThat(top(c.postJson("/text-orientation/classify/iterations/It1/url/nostore", json))).isEqualTo("180");
            }

            assertThat(c.get("/v2/models/text-orientation").json().path("name").asText()).isEqualTo(OCR);
            assertThat(c.get("/v2/models/fruit-quality").json().path("name").asText()).isEqualTo("fruit-quality");
            String body = "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\""
                    + Base64.getEncoder().encodeToString(upsideDown) + "\"]}]}";
            AgentClient.Answer infer = c.postJson("/v2/models/text-orientation/infer", body);
            assertThat(infer.status()).as(infer.toString()).isEqualTo(200);
            JsonNode data = infer.json().path("outputs").get(0).path("data");
            assertThat(data.get(1).asDouble()).as("labels [0, 180]: upside down").isGreaterThan(data.get(0).asDouble());
        }
    }

    @Test
    void severalModels_unknownName_404ModelNotFoundJson() throws Exception {
        try (RunningAgent agent = twoModels(0)) {
            for (String path : List.of("/fruit/image", "/no-such-model/classify/iterations/It1/image", "/v2/models/no-such-model")) {
                AgentClient.Answer answer = path.startsWith("/v2")
                        ? agent.client.get(path) : agent.client.post(path, "application/octet-stream", TestImages.appleJpeg());
                assertThat(answer.status()).as(path).isEqualTo(404);
                JsonNode json = answer.json();
                assertThat(json.path(path.startsWith("/v2") ? "code" : "error").asText()).as(path).isEqualTo("model_not_found");
            }
            AgentClient.Answer sdk = agent.client.post("/customvision/v3.1/prediction/no-such-model/classify/iterations/It1/image",
                    "application/octet-stream", TestImages.appleJpeg());
            assertThat(sdk.status()).isEqualTo(404);
            assertThat(sdk.json().path("error").asText()).isEqualTo("model_not_found");
        }
    }

    @Test
    void twoPackagesOfOneName_refusedAtStart_sayingWhich() {
        Path again = DemoModels.fruitQuality(dir.resolve("again"), "4");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunningAgent.start(
                        settings -> settings.withMoreModels(List.of(again), 0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("are both model 'fruit-quality'");
    }

    @Test
    void budgetOfOne_leastRecentlyUsedUnloaded_loadedAgainWhenNamed() throws Exception {
        try (RunningAgent agent = twoModels(1)) {
            ModelShelf models = agent.agent.models();
            assertThat(models.loaded()).extracting(m -> m.name()).containsExactly(OCR);
            assertThat(models.unloadsTotal()).as("the default went when the second model came").isEqualTo(1);

            assertThat(top(agent.client.post("/image", "application/octet-stream", TestImages.appleJpeg()))).isEqualTo("ripe");
            assertThat(models.loaded()).extracting(m -> m.name()).containsExactly("fruit-quality");
            assertThat(models.reloadsTotal()).isEqualTo(1);

            assertThat(top(agent.client.post("/text-orientation/image", "application/octet-stream",
                    TextPictures.png("hello edge", true)))).isEqualTo("180");
            assertThat(models.loaded()).extracting(m -> m.name()).containsExactly(OCR);
            assertThat(models.unloadsTotal()).isEqualTo(3);
            String metrics = new String(agent.client.get("/metrics").body());
            assertThat(metrics).contains("verge_models_loaded 1.0").contains("verge_model_reloads_total 2.0");
        }
    }

    @Test
    void hotSwapOfOneModel_whileBothServe_noFailedRequest() throws Exception {
        try (RunningAgent agent = twoModels(0)) {
            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicInteger answered = new AtomicInteger();
            byte[] line = TextPictures.png("sorting line", false);
            List<Thread> callers = List.of(
                    Thread.ofPlatform().start(() -> call(agent, "/text-orientation/image", line, "0", running, failures, answered)),
                    Thread.ofPlatform().start(() -> call(agent, "/image", TestImages.appleJpeg(), "ripe", running, failures, answered)));
            for (String version : List.of("4", "5", "6")) {
                Path next = DemoModels.fruitQuality(dir.resolve("swap-" + version), version);
                Model model = EdgeAgent.load(next, AgentSettings.defaults(next));
                agent.agent.models().put(model, null);
                Thread.sleep(100);
            }
            running.set(false);
            for (Thread t : callers) {
                t.join();
            }
            assertThat(failures).isEmpty();
            assertThat(answered.get()).isGreaterThan(2);
            assertThat(agent.client.post("/image", "application/octet-stream", TestImages.appleJpeg()).json()
                    .path("iteration").asText()).isEqualTo("6");
            assertThat(agent.agent.models().current(OCR)).map(m -> m.version()).contains("2.0");
        }
    }

    private static void call(RunningAgent agent, String path, byte[] image, String expected, AtomicBoolean running,
                             ConcurrentLinkedQueue<String> failures, AtomicInteger answered) {
        while (running.get()) {
            AgentClient.Answer answer = agent.client.post(path, "application/octet-stream", image);
            if (answer.status() != 200 || !expected.equals(answer.json().at("/predictions/0/tagName").asText())) {
                failures.add(path + ": " + answer);
            }
            answered.incrementAndGet();
        }
    }
}
