package dev.verge.inference.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.inference.json.Json;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ThreadSettings;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        CustomVisionResponse response = CustomVisionResponse.of(PREDICTION, INFO);
        assertThat(Instant.parse(response.created())).isBetween(before, Instant.now());
        assertThat(response.id()).isEmpty();
        assertThat(response.iteration()).isEqualTo("3");
        assertThat(response.project()).isEqualTo("fruit-quality");

        String json = Json.mapper().writeValueAsString(response);
        assertThat(json).contains("\"predictions\":[{\"probability\":0.97,\"tagId\":\"0\",\"tagName\":\"ripe\","
                + "\"boundingBox\":null},{\"probability\":0.03,\"tagId\":\"1\",\"tagName\":\"unripe\",\"boundingBox\":null}]");
        JsonNode tree = Json.mapper().readTree(json);
        assertThat(tree.fieldNames()).toIterable().containsExactly("created", "id", "iteration", "project", "predictions");
    }

    @Test
    void customVision_created_hasMicrosecondsAndAnOffsetAsPythonIsoformatWrites() {
        assertThat(CustomVisionResponse.created(Instant.parse("2026-12-04T20:33:31.123456789Z")))
                .isEqualTo("2026-12-04T20:33:31.123456+00:00");
        // datetime.fromisoformat in Python 3.7 to 3.10 takes 3 or 6 fraction digits only: always 6, even for 0
        assertThat(CustomVisionResponse.created(Instant.parse("2026-12-04T20:33:31Z")))
                .isEqualTo("2026-12-04T20:33:31.000000+00:00")
                .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}\\+00:00");
    }

    @Test
    void customVision_tinyProbabilities_leftOutUnlessKept() {
        Prediction tiny = new Prediction(List.of(new LabelScore("0", "ripe", 1.0, null),
                new LabelScore("1", "unripe", 2.7e-14, null), new LabelScore("2", "rotten", 1e-8, null)),
                new Timings(1, 2, 3), 640, 480);
        assertThat(CustomVisionResponse.of(tiny, INFO).predictions())
                .extracting(CustomVisionResponse.Tag::tagName).containsExactly("ripe", "rotten");
        assertThat(CustomVisionResponse.of(tiny, INFO, true).predictions())
                .extracting(CustomVisionResponse.Tag::tagName).containsExactly("ripe", "unripe", "rotten");
    }

    @Test
    void customVision_tagId_isTextForClassificationAndAnIntegerForDetection() throws Exception {
        Prediction boxes = new Prediction(List.of(new LabelScore("1", "pear", 0.85, new BoundingBox(0.1, 0.2, 0.3, 0.4))),
                new Timings(1, 2, 3), 640, 480);
        JsonNode detection = Json.mapper().readTree(Json.mapper().writeValueAsBytes(CustomVisionResponse.of(boxes, INFO)));
        assertThat(detection.at("/predictions/0/tagId").isInt()).isTrue();
        assertThat(detection.at("/predictions/0/tagId").intValue()).isEqualTo(1);
        JsonNode classification = Json.mapper().readTree(Json.mapper().writeValueAsBytes(CustomVisionResponse.of(PREDICTION, INFO)));
        assertThat(classification.at("/predictions/0/tagId").isTextual()).isTrue();
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
