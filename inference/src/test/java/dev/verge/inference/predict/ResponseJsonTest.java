package dev.verge.inference.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.inference.json.Json;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ThreadSettings;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResponseJsonTest {
    private static final ModelInfo INFO = new ModelInfo("fruit-quality", "3", "ab".repeat(32), "classification",
            List.of("ripe", "unripe"), "image", new long[] {1, 3, 224, 224}, "probabilities", 13, 8, "1.29.0",
            new ThreadSettings(2, 1));

    private static final Prediction PREDICTION = new Prediction(List.of(
            new LabelScore("0", "ripe", 0.97, null), new LabelScore("1", "unripe", 0.03, null)),
            new Timings(1, 2, 3), 640, 480);

    @Test
    void customVision_of_fillsIdentityFromModelAndSerializesLikeTheExportContainer() throws Exception {
        Instant before = Instant.now();
        CustomVisionResponse response = CustomVisionResponse.of(PREDICTION, INFO);
        assertThat(Instant.parse(response.created())).isBetween(before, Instant.now());
        assertThat(UUID.fromString(response.id())).isNotNull();
        assertThat(response.iteration()).isEqualTo("3");
        assertThat(response.project()).isEqualTo("fruit-quality");

        String json = Json.mapper().writeValueAsString(response);
        assertThat(json).contains("\"predictions\":[{\"probability\":0.97,\"tagId\":\"0\",\"tagName\":\"ripe\","
                + "\"boundingBox\":null},{\"probability\":0.03,\"tagId\":\"1\",\"tagName\":\"unripe\",\"boundingBox\":null}]");
        JsonNode tree = Json.mapper().readTree(json);
        assertThat(tree.fieldNames()).toIterable().containsExactly("created", "id", "iteration", "project", "predictions");
    }

    @Test
    void customVision_readBack_givesEqualRecord() throws Exception {
        CustomVisionResponse response = CustomVisionResponse.of(PREDICTION, INFO);
        byte[] json = Json.mapper().writeValueAsBytes(response);
        assertThat(Json.mapper().readValue(json, CustomVisionResponse.class)).isEqualTo(response);
    }

    @Test
    void prediction_top_isTheFirstLabel() {
        assertThat(PREDICTION.top().tagName()).isEqualTo("ripe");
        assertThat(PREDICTION.timings().totalNanos()).isEqualTo(6);
    }

    @Test
    void inferResponse_serializesOipFieldNames() throws Exception {
        OipV2.InferResponse response = new OipV2.InferResponse("fruit-quality", "3", "r1",
                List.of(new OipV2.ResponseTensor("probabilities", new long[] {1, 2}, "FP32", new float[] {0.25f, 0.75f})));
        assertThat(Json.mapper().writeValueAsString(response)).isEqualTo("{\"model_name\":\"fruit-quality\","
                + "\"model_version\":\"3\",\"id\":\"r1\",\"outputs\":[{\"name\":\"probabilities\",\"shape\":[1,2],"
                + "\"datatype\":\"FP32\",\"data\":[0.25,0.75]}]}");
    }

    @Test
    void inferRequest_withUnknownFields_parses() {
        OipV2.InferRequest request = OipV2.parseRequest(("{\"id\":\"a\",\"parameters\":{\"x\":1},\"inputs\":[{\"name\":"
                + "\"image\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"aGk=\"],\"parameters\":{}}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(request.id()).isEqualTo("a");
        assertThat(request.inputs().get(0).data().get(0).asText()).isEqualTo("aGk=");
        assertThat(request.outputs()).isNull();
    }
}
