package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
        assertThat(answer.json().path("extensions")).extracting(JsonNode::asText).contains("binary_tensor_data");
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
        // the protocol's error body: the description in "error"; Verge's code beside it
        assertThat(answer.json().path("code").asText()).isEqualTo("model_not_found");
        assertThat(answer.json().path("error").asText()).contains("fruit-quality").contains("vegetables");
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
        assertThat(answer.json().fieldNames()).toIterable().containsExactly("error", "code");
        assertThat(answer.json().path("code").asText()).isEqualTo("infer_request_invalid");
        assertThat(answer.json().path("error").asText()).contains("inputs[0].name").contains("nope");
    }

    @Test
    void modelReady_perVersion_servedVersionReadyOthers404() {
        AgentClient.Answer served = agent.client.get("/v2/models/fruit-quality/versions/" + RunningAgent.MODEL_VERSION + "/ready");
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.json().path("ready").asBoolean()).isTrue();
        AgentClient.Answer other = agent.client.get("/v2/models/fruit-quality/versions/99/ready");
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.json().path("code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void infer_withoutId_answersWithoutId() {
        String image = Base64.getEncoder().encodeToString(TestImages.appleJpeg());
        AgentClient.Answer answer = agent.client.postJson("/v2/models/fruit-quality/infer", "{\"inputs\": [{\"name\": \"image\","
                + " \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"" + image + "\"]}]}");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().has("id")).isFalse();
    }

    /**
     * As tritonclient.http sends it by default (InferInput.set_data_from_numpy(binary_data=True),
     * InferRequestedOutput(binary_data=True)): no Content-Type, the JSON's length in Inference-Header-Content-Length,
     * the picture as a BYTES element (4-byte little-endian length, then the bytes); and the same tensor in JSON.
     */
    @Test
    void infer_tritonClientBinaryRequest_answersBinaryOutputEqualToTheJsonOne() {
        byte[] image = TestImages.appleJpeg();
        byte[] header = ("{\"id\":\"t-1\",\"inputs\":[{\"name\":\"image\",\"shape\":[1],\"datatype\":\"BYTES\","
                + "\"parameters\":{\"binary_data_size\":" + (image.length + 4) + "}}],\"outputs\":[{\"name\":\"probabilities\","
                + "\"parameters\":{\"binary_data\":true}}]}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(header.length + 4 + image.length).order(ByteOrder.LITTLE_ENDIAN);
        body.put(header).putInt(image.length).put(image);
        AgentClient.Answer answer = agent.client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + agent.agent.port() + "/v2/models/fruit-quality/infer"))
                .header("Inference-Header-Content-Length", Integer.toString(header.length))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.array())));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        int jsonLength = Integer.parseInt(answer.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        assertThat(answer.body()).hasSize(jsonLength + 8);
        JsonNode json;
        try {
            json = com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                    .readTree(java.util.Arrays.copyOf(answer.body(), jsonLength));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(json.path("id").asText()).isEqualTo("t-1");
        assertThat(json.at("/outputs/0/parameters/binary_data_size").asInt()).isEqualTo(8);
        float[] binary = new float[2];
        ByteBuffer.wrap(answer.body(), jsonLength, 8).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(binary);

        String base64 = Base64.getEncoder().encodeToString(image);
        JsonNode fromJson = agent.client.postJson("/v2/models/fruit-quality/infer", "{\"inputs\": [{\"name\": \"image\","
                + " \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"" + base64 + "\"]}]}").json();
        assertThat(binary[0]).isEqualTo(fromJson.at("/outputs/0/data/0").floatValue());
        assertThat(binary[1]).isEqualTo(fromJson.at("/outputs/0/data/1").floatValue());
        assertThat(binary[0]).isGreaterThan(binary[1]);
    }
}
