package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.inference.runtime.ModelSlot;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Before a model is loaded the agent is live, not ready, and answers predictions with 503 JSON. */
class EmptySlotTest {
    private static ModelSlot slot;
    private static EdgeServer server;
    private static AgentClient client;

    @BeforeAll
    static void start() {
        slot = new ModelSlot();
        server = EdgeServer.serving(AgentSettings.defaults(Path.of("unused")).withHost("127.0.0.1").withPort(0), slot).start();
        client = new AgentClient(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
        slot.close();
    }

    @Test
    void health_noModel_liveButNotReady() {
        assertThat(client.get("/v2/health/live").status()).isEqualTo(200);
        AgentClient.Answer ready = client.get("/v2/health/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().path("code").asText()).isEqualTo("model_not_ready");
        assertThat(ready.json().path("error").asText()).contains("no model");
    }

    @Test
    void image_noModel_503Json() {
        AgentClient.Answer answer = client.post("/image", "image/jpeg", TestImages.appleJpeg());
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().path("error").asText()).isEqualTo("model_not_ready");
        assertThat(client.get("/v2/models/fruit-quality").status()).isEqualTo(503);
    }

    @Test
    void metrics_noModel_stillScrapesWithoutModelInfo() {
        AgentClient.Answer metrics = client.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).doesNotContain("verge_model_info{");
    }
}
