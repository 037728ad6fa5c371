package dev.verge.inference.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.error.VergeException;
import dev.verge.inference.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Triton's binary tensor data extension (docs/protocol/extension_binary_data.md), on its own examples. */
class OipBinaryDataTest {
    /** The extension's example request: input0 UINT32 [2, 2] (16 bytes) and input1 BOOL [3] (3 bytes) as binary. */
    private static final String SPEC_REQUEST = """
            {
              "model_name" : "mymodel",
              "inputs" : [
                {
                  "name" : "input0",
                  "shape" : [ 2, 2 ],
                  "datatype" : "UINT32",
                  "parameters" : {
                    "binary_data_size" : 16
                  }
                },
                {
                  "name" : "input1",
                  "shape" : [ 3 ],
                  "datatype" : "BOOL",
                  "parameters" : {
                    "binary_data_size" : 3
                  }
                }
              ],
              "outputs" : [
                {
                  "name" : "output0",
                  "parameters" : {
                    "binary_data" : true
                  }
                }
              ]
            }""";

    private static byte[] specBody(byte[] json) {
        ByteBuffer binary = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        binary.putInt(1).putInt(2).putInt(3).putInt(4).put((byte) 1).put((byte) 0).put((byte) 1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(json);
        body.writeBytes(binary.array());
        return body.toByteArray();
    }

    @Test
    void parseRequest_specExample_givesEachInputItsBytesInOrder() {
        byte[] json = SPEC_REQUEST.getBytes(StandardCharsets.UTF_8);
        OipV2.InferRequest request = OipV2.parseRequest(specBody(json), Integer.toString(json.length));

        assertThat(request.inputs()).extracting(OipV2.RequestTensor::name).containsExactly("input0", "input1");
        ByteBuffer input0 = ByteBuffer.wrap(request.inputs().get(0).binary()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new int[] {input0.getInt(), input0.getInt(), input0.getInt(), input0.getInt()}).containsExactly(1, 2, 3, 4);
        assertThat(request.inputs().get(1).binary()).containsExactly(1, 0, 1);
        assertThat(request.wantsBinary("output0")).isTrue();
        assertThat(request.wantsBinary("output1")).isFalse();
    }

    @Test
    void parseRequest_sizesThatDoNotAddUp_400SayingWhy() {
        byte[] json = SPEC_REQUEST.getBytes(StandardCharsets.UTF_8);
        byte[] body = specBody(json);
        assertThatThrownBy(() -> OipV2.parseRequest(Arrays.copyOf(body, body.length - 1), Integer.toString(json.length)))
                .isInstanceOf(VergeException.class).hasMessageContaining("binary_data_size").hasMessageContaining("2 bytes left");
        assertThatThrownBy(() -> OipV2.parseRequest(Arrays.copyOf(body, body.length + 5), Integer.toString(json.length)))
                .isInstanceOf(VergeException.class).hasMessageContaining("5 bytes after");
        assertThatThrownBy(() -> OipV2.parseRequest(body, "-3"))
                .isInstanceOf(VergeException.class).hasMessageContaining("Inference-Header-Content-Length");
        assertThatThrownBy(() -> OipV2.parseRequest(json, null))
                .as("binary_data_size without the header: the body is all JSON, no bytes are left")
                .isInstanceOf(VergeException.class).hasMessageContaining("no Inference-Header-Content-Length");
    }

    @Test
    void encode_specExampleResponse_jsonHeaderThenTheOutputsBytes() throws Exception {
        // "Assuming the model returns a [ 3, 2 ] tensor of data type FP32"
        float[] values = {0.5f, -1.25f, 3f, 4.5f, 1e-3f, 7f};
        OipV2.InferResponse response = new OipV2.InferResponse("mymodel", "1", null,
                List.of(new OipV2.ResponseTensor("output0", new long[] {3, 2}, "FP32", values)));
        byte[] json = SPEC_REQUEST.getBytes(StandardCharsets.UTF_8);

        OipV2.Encoded encoded = OipV2.encode(OipV2.parseRequest(specBody(json), Integer.toString(json.length)), response);

        assertThat(encoded.hasBinary()).isTrue();
        assertThat(encoded.contentType()).isEqualTo("application/octet-stream");
        assertThat(encoded.body()).hasSize(encoded.jsonLength() + 24);
        JsonNode header = Json.mapper().readTree(Arrays.copyOf(encoded.body(), encoded.jsonLength()));
        assertThat(header.toString()).isEqualTo("{\"model_name\":\"mymodel\",\"model_version\":\"1\",\"outputs\":[{\"name\":"
                + "\"output0\",\"shape\":[3,2],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":24}}]}");
        ByteBuffer binary = ByteBuffer.wrap(encoded.body(), encoded.jsonLength(), 24).slice().order(ByteOrder.LITTLE_ENDIAN);
        float[] back = new float[6];
        binary.asFloatBuffer().get(back);
        assertThat(back).containsExactly(values);
    }

    @Test
    void encode_mixedOutputs_binaryWhereAskedJsonElsewhere_andBinaryDataOutputAsTheDefault() throws Exception {
        OipV2.InferResponse response = new OipV2.InferResponse("m", "1", "r-7", List.of(
                new OipV2.ResponseTensor("boxes", new long[] {1, 2}, "FP32", new float[] {1, 2}),
                new OipV2.ResponseTensor("scores", new long[] {1, 1}, "FP32", new float[] {0.75f})));
        OipV2.InferRequest request = OipV2.parseRequest(("{\"parameters\": {\"binary_data_output\": true}, \"inputs\": [],"
                + " \"outputs\": [{\"name\": \"boxes\"}, {\"name\": \"scores\", \"parameters\": {\"binary_data\": false}}]}")
                .getBytes(StandardCharsets.UTF_8), null);

        OipV2.Encoded encoded = OipV2.encode(request, response);

        JsonNode header = Json.mapper().readTree(Arrays.copyOf(encoded.body(), encoded.jsonLength()));
        assertThat(header.path("id").asText()).isEqualTo("r-7");
        assertThat(header.at("/outputs/0/parameters/binary_data_size").asInt()).isEqualTo(8);
        assertThat(header.at("/outputs/0").has("data")).isFalse();
        assertThat(header.at("/outputs/1/data/0").floatValue()).isEqualTo(0.75f);
        assertThat(header.at("/outputs/1").has("parameters")).isFalse();
        assertThat(encoded.body()).hasSize(encoded.jsonLength() + 8);
    }

    @Test
    void encode_nothingAskedAsBinary_plainJsonWithoutId() throws Exception {
        OipV2.InferResponse response = new OipV2.InferResponse("m", "1", null,
                List.of(new OipV2.ResponseTensor("p", new long[] {1, 2}, "FP32", new float[] {0.25f, 0.75f})));
        OipV2.Encoded encoded = OipV2.encode(OipV2.parseRequest("{\"inputs\": []}".getBytes(StandardCharsets.UTF_8)), response);
        assertThat(encoded.hasBinary()).isFalse();
        assertThat(new String(encoded.body(), StandardCharsets.UTF_8)).isEqualTo("{\"model_name\":\"m\",\"model_version\":\"1\","
                + "\"outputs\":[{\"name\":\"p\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[0.25,0.75]}]}");
    }
}
