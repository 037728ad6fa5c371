package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Open Inference Protocol v2 routes over HTTP. */
class OipV2Test {
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
    void health_modelLoaded_liveAndReady() {
        assertThat(agent.client.get("/v2/health/live").json().path("live").asBoolean()).isTrue();
        AgentClient.Answer ready = agent.client.get("/v2/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("ready").asBoolean()).isTrue();
    }

    @Test
    void serverMetadata_namesTheAgent() {
        AgentClient.Answer answer = agent.client.get("/v2");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("name").asText()).isEqualTo("verge-edge-agent");
        assertThat(answer.json().path("extensions").isArray()).isTrue();
    }

    @Test
    void modelMetadata_servedModel_describesItsTensors() {
        AgentClient.Answer answer = agent.client.get("/v2/models/fruit-quality");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode json = answer.json();
        assertThat(json.path("name").asText()).isEqualTo("fruit-quality");
        assertThat(json.path("versions").get(0).asText()).isEqualTo(RunningAgent.MODEL_VERSION);
        assertThat(json.path("platform").asText()).isEqualTo("onnxruntime_onnx");
        assertThat(json.path("inputs").get(0).path("datatype").asText()).isEqualTo("FP32");
        assertThat(json.path("inputs").get(0).path("shape").size()).isEqualTo(4);
        assertThat(json.path("outputs").get(0).path("shape").get(1).asInt()).isEqualTo(2);
        assertThat(agent.client.get("/v2/models/fruit-quality/versions/" + RunningAgent.MODEL_VERSION).status()).isEqualTo(200);
        assertThat(agent.client.get("/v2/models/fruit-quality/ready").json().path("ready").asBoolean()).isTrue();
    }

    @Test
    void modelMetadata_anotherName_404Json() {
        AgentClient.Answer answer = agent.client.get("/v2/models/vegetables");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().path("error").asText()).isEqualTo("model_not_found");
        assertThat(answer.json().path("message").asText()).contains("fruit-quality").contains("vegetables");
        assertThat(agent.client.get("/v2/models/fruit-quality/versions/99").status()).isEqualTo(404);
    }

    @Test
    void infer_base64Image_returnsProbabilities() {
        String image = Base64.getEncoder().encodeToString(TestImages.appleJpeg());
        JsonNode metadata = agent.client.get("/v2/models/fruit-quality").json();
        String input = metadata.path("inputs").get(0).path("name").asText();
        String body = "{\"id\": \"req-1\", \"inputs\": [{\"name\": \"" + input + "\", \"shape\": [1], \"datatype\": \"BYTES\", "
                + "\"data\": [\"" + image + "\"]}]}";
        AgentClient.Answer answer = agent.client.postJson("/v2/models/fruit-quality/infer", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode json = answer.json();
        assertThat(json.path("model_name").asText()).isEqualTo("fruit-quality");
        assertThat(json.path("id").asText()).isEqualTo("req-1");
        JsonNode data = json.path("outputs").get(0).path("data");
        assertThat(data.size()).isEqualTo(2);
        // labels are [ripe, unripe]: the apple is ripe
        assertThat(data.get(0).asDouble()).isGreaterThan(data.get(1).asDouble());
    }

    @Test
    void infer_wrongInputName_400Json() {
        AgentClient.Answer answer = agent.client.postJson("/v2/models/fruit-quality/infer",
                "{\"inputs\": [{\"name\": \"nope\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"\"]}]}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error").asText()).isEqualTo("infer_request_invalid");
    }
}
