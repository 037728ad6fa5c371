package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.DemoModels;
import dev.verge.inference.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --max-inference-ms: a model that loops past it is stopped by ONNX Runtime, answered 503 and counted; the agent goes on. */
@Timeout(120)
class InferenceTimeLimitTest {
    @TempDir
    Path dir;

    @Test
    void image_modelPastTheTimeLimit_is503InferenceTimeoutCountedAndTheAgentKeepsServing() throws Exception {
        // passes the smoke test at load (a dark gradient), loops 10^12 times on a bright picture
        Path looping = DemoModels.fruitQualityLoopingOnBrightPictures(dir, "1", 1_000_000_000_000L);
        AgentSettings settings = AgentSettings.defaults(looping).withHost("127.0.0.1").withPort(0)
                .withMaxInferenceTime(Duration.ofMillis(300));
        try (EdgeAgent agent = EdgeAgent.start(settings)) {
            AgentClient client = new AgentClient(agent.port());

            for (int i = 0; i < 3; i++) {
                AgentClient.Answer answer = client.post("/image", "image/jpeg", TestImages.appleJpeg());
                assertThat(answer.status()).as(answer.text()).isEqualTo(503);
                assertThat(answer.headers().firstValue("Retry-After")).contains("1");
                assertThat(Json.mapper().readTree(answer.body()).path("code").asText()
                        + Json.mapper().readTree(answer.body()).path("error").asText()).contains("inference_timeout");
            }
            AgentClient.Answer oip = client.postJson("/v2/models/fruit-quality/infer",
                    "{\"inputs\": [{\"name\": \"image\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\""
                            + java.util.Base64.getEncoder().encodeToString(TestImages.appleJpeg()) + "\"]}]}");
            assertThat(oip.status()).as(oip.text()).isEqualTo(503);

            assertThat(client.get("/v2/health/ready").status()).isEqualTo(200);
            assertThat(client.get("/metrics").text()).contains("verge_errors_total{code=\"inference_timeout\"} 4.0");
        }
    }

    @Test
    void start_modelWhoseSmokeTestPassesTheLimit_refusesToServeIt() {
        Path looping = DemoModels.fruitQualityLooping(dir, "1", 1_000_000_000_000L);
        AgentSettings settings = AgentSettings.defaults(looping).withHost("127.0.0.1").withPort(0)
                .withMaxInferenceTime(Duration.ofMillis(300));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EdgeAgent.start(settings).close())
                .isInstanceOf(dev.verge.inference.runtime.ModelTooSlowException.class)
                .hasMessageContaining("300 ms");
    }
}
