package dev.verge.cloud.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.CloudApi;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.demo.SampleImages;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The predict routes stop a model that runs past {@code VERGE_MAX_INFERENCE_MS} and answer 503, both protocols. */
@Timeout(120)
class PredictTimeLimitTest {
    private static final String KEY = "predict-time-limit-key-0123";
    private static final String NAME = "looping";
    private static CloudApi api;

    @BeforeAll
    static void start() throws Exception {
        CloudConfig config = CloudConfig.withApiKeys(KEY)
                .withPredict(PredictConfig.fromEnv(Map.of("VERGE_MAX_INFERENCE_MS", "300")));
        api = CloudServices.create(new InMemoryBlobStore(), new InMemoryMetadataStore(), Clock.systemUTC(), config).api();
        // passes the registry's smoke test (a dark gradient), loops for hours on a bright picture
        ApiResponse uploaded = call("POST", "/api/models/" + NAME + "/versions",
                RegistryPackages.loopingOnBrightPictures(NAME, "1", 1_000_000_000_000L), "application/zip");
        assertThat(uploaded.status()).as(new String(uploaded.bodyBytes())).isEqualTo(201);
    }

    private static ApiResponse call(String method, String path, byte[] body, String contentType) {
        ApiResponse response = api.handle(ApiRequest.of(method, path,
                Map.of("x-api-key", List.of(KEY), "Content-Type", List.of(contentType)), new ByteArrayInputStream(body)));
        return new ApiResponse(response.status(), response.headers(), new ApiResponse.Bytes(response.bodyBytes()));
    }

    @Test
    void fromEnv_maxInferenceMs_setsTheLimit() {
        assertThat(PredictConfig.fromEnv(Map.of("VERGE_MAX_INFERENCE_MS", "1500")).maxInferenceTime())
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(PredictConfig.fromEnv(Map.of()).maxInferenceTime()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void predict_modelPastTheTimeLimit_is503InferenceTimeoutWithRetryAfter() throws Exception {
        ApiResponse response = call("POST", "/api/models/" + NAME + "/versions/1/predict",
                SampleImages.jpeg("ripe-red-apple"), "image/jpeg");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("Retry-After")).contains("1");
        JsonNode body = CloudJson.mapper().readTree(response.bodyBytes());
        assertThat(body.path("error").asText()).isEqualTo("inference_timeout");
        assertThat(body.path("message").asText()).contains("300 ms");
    }

    @Test
    void infer_modelPastTheTimeLimit_is503WithRetryAfter() throws Exception {
        ApiResponse response = call("POST", "/api/v2/models/" + NAME + "/versions/1/infer",
                ("{\"inputs\": [{\"name\": \"image\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\""
                        + java.util.Base64.getEncoder().encodeToString(SampleImages.jpeg("ripe-red-apple")) + "\"]}]}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json");

        assertThat(response.status()).as(new String(response.bodyBytes())).isEqualTo(503);
        assertThat(response.header("Retry-After")).contains("1");
        assertThat(new String(response.bodyBytes())).contains("inference_timeout");
    }
}
