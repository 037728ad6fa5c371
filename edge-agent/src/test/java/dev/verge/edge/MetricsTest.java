package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static RunningAgent agent;

    @BeforeAll
    static void start() {
        agent = RunningAgent.start();
    }

    @AfterAll
    static void stop() throws Exception {
        agent.close();
    }

    @Test
    void metrics_afterRequests_countsRoutesStatusesStagesAndErrors() {
        for (int i = 0; i < 3; i++) {
            assertThat(agent.client.post("/image", "image/jpeg", TestImages.appleJpeg()).status()).isEqualTo(200);
        }
        assertThat(agent.client.post("/image", "image/jpeg", new byte[0]).status()).isEqualTo(400);

        AgentClient.Answer metrics = agent.client.get("/metrics");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.text())
                .contains("verge_http_requests_total{route=\"image\",status=\"200\"} 3.0")
                .contains("verge_http_requests_total{route=\"image\",status=\"400\"} 1.0")
                .contains("verge_errors_total{code=\"image_empty\"} 1.0")
                .contains("verge_http_request_duration_seconds_count{route=\"image\"} 4")
                .contains("verge_inference_stage_duration_seconds_count{stage=\"decode\"} 3")
                .contains("verge_inference_stage_duration_seconds_count{stage=\"preprocess\"} 3")
                .contains("verge_inference_stage_duration_seconds_count{stage=\"infer\"} 3")
                .contains("verge_http_requests_in_flight 1.0") // this scrape itself
                .contains("verge_inferences_waiting 0.0")
                .containsPattern("verge_model_info\\{name=\"fruit-quality\",onnxruntime=\"[0-9.]+\",sha256=\"[0-9a-f]{64}\",version=\"3\"} 1.0");
    }
}
