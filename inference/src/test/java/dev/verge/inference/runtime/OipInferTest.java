package dev.verge.inference.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.verge.demo.SampleImages;
import dev.verge.error.VergeException;
import dev.verge.inference.json.Json;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.predict.OipV2;
import dev.verge.inference.testing.TestPackages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OipInferTest {
    @TempDir
    static Path dir;

    private static ModelPackage pkg;
    private static Model model;

    @BeforeAll
    static void load() {
        pkg = ModelPackage.open(TestPackages.fruitQuality(dir));
        model = Model.load(pkg, new ThreadSettings(1, 1));
    }

    @AfterAll
    static void close() {
        model.close();
        pkg.close();
    }

    @Test
    void metadata_fruitQuality_describesInputAndOutputTensors() throws Exception {
        JsonNode json = Json.mapper().valueToTree(OipV2.metadata(model.info()));
        assertThat(json.toString()).isEqualTo("{\"name\":\"fruit-quality\",\"versions\":[\"1\"],\"platform\":"
                + "\"onnxruntime_onnx\",\"inputs\":[{\"name\":\"image\",\"datatype\":\"FP32\",\"shape\":[1,3,224,224]}],"
                + "\"outputs\":[{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[1,2]}]}");
    }

    @Test
    void infer_fp32FlatTensor_returnsProbabilities() {
        OipV2.InferResponse response = model.infer(fp32("r1", new long[] {1, 3, 224, 224}, flat(3 * 224 * 224, 0.5f)));
        assertThat(response.model_name()).isEqualTo("fruit-quality");
        assertThat(response.model_version()).isEqualTo("1");
        assertThat(response.id()).isEqualTo("r1");
        assertThat(response.outputs()).hasSize(1);
        OipV2.ResponseTensor out = response.outputs().get(0);
        assertThat(out.name()).isEqualTo("probabilities");
        assertThat(out.datatype()).isEqualTo("FP32");
        assertThat(out.shape()).containsExactly(1, 2);
        float[] p = (float[]) out.data();
        assertThat(p[0] + p[1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void infer_fp32RedTensorParsedFromJson_saysRipe() throws Exception {
        // normalized red: R=(1-0.485)/0.229, G=(0-0.456)/0.224, B=(0-0.406)/0.225, nested [1][3][224*224]
        StringBuilder json = new StringBuilder("{\"id\":\"x\",\"inputs\":[{\"name\":\"image\",\"shape\":[1,3,224,224],"
                + "\"datatype\":\"FP32\",\"data\":[[");
        double[] values = {(1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (0 - 0.406) / 0.225};
        for (int c = 0; c < 3; c++) {
            json.append(c == 0 ? "[" : ",[");
            for (int i = 0; i < 224 * 224; i++) {
                json.append(i == 0 ? "" : ",").append((float) values[c]);
            }
            json.append("]");
        }
        json.append("]]}],\"outputs\":[{\"name\":\"probabilities\"}]}");
        OipV2.InferRequest request = OipV2.parseRequest(json.toString().getBytes(StandardCharsets.UTF_8));
        float[] p = (float[]) model.infer(request).outputs().get(0).data();
        assertThat(p[0]).isGreaterThan(0.99f);
    }

    @Test
    void infer_sameTensorAsJsonAndAsBinary_sameProbabilities() {
        float[] tensor = new float[3 * 224 * 224];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < tensor.length; i++) {
            tensor[i] = (float) random.nextGaussian();
        }
        ArrayNode numbers = JsonNodeFactory.instance.arrayNode();
        for (float v : tensor) {
            numbers.add(v);
        }
        OipV2.InferRequest json = new OipV2.InferRequest("j",
                List.of(new OipV2.RequestTensor("image", new long[] {1, 3, 224, 224}, "FP32", numbers)), null);

        byte[] header = ("{\"id\":\"b\",\"inputs\":[{\"name\":\"image\",\"shape\":[1,3,224,224],\"datatype\":\"FP32\","
                + "\"parameters\":{\"binary_data_size\":" + tensor.length * 4 + "}}],\"outputs\":[{\"name\":\"probabilities\","
                + "\"parameters\":{\"binary_data\":true}}]}").getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(header.length + tensor.length * 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        body.put(header).asFloatBuffer().put(tensor);
        OipV2.InferRequest binary = OipV2.parseRequest(body.array(), Integer.toString(header.length));

        float[] fromJson = (float[]) model.infer(json).outputs().get(0).data();
        OipV2.Encoded encoded = OipV2.encode(binary, model.infer(binary));
        float[] fromBinary = new float[2];
        java.nio.ByteBuffer.wrap(encoded.body(), encoded.jsonLength(), 8).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer().get(fromBinary);
        assertThat(fromBinary).containsExactly(fromJson);
        assertThat(encoded.body()).hasSize(encoded.jsonLength() + 8);
    }

    @Test
    void infer_binaryBytesImage_runsTheImagePath() {
        byte[] image = SampleImages.jpeg("unripe-green-apple");
        byte[] header = ("{\"inputs\":[{\"name\":\"image\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":"
                + "{\"binary_data_size\":" + (image.length + 4) + "}}]}").getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(header.length + 4 + image.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        body.put(header).putInt(image.length).put(image);
        OipV2.InferResponse response = model.infer(OipV2.parseRequest(body.array(), Integer.toString(header.length)));
        assertThat(response.id()).isNull();
        assertThat(((float[]) response.outputs().get(0).data())[1]).isGreaterThan(0.99f);
    }

    @Test
    void infer_binaryFp32OfTheWrongSize_400() {
        byte[] header = ("{\"inputs\":[{\"name\":\"image\",\"shape\":[1,3,224,224],\"datatype\":\"FP32\",\"parameters\":"
                + "{\"binary_data_size\":12}}]}").getBytes(StandardCharsets.UTF_8);
        byte[] body = java.util.Arrays.copyOf(header, header.length + 12);
        assertBadRequest(() -> model.infer(OipV2.parseRequest(body, Integer.toString(header.length))), "expected 602112 bytes");
    }

    @Test
    void infer_bytesWithBase64Image_runsTheImagePath() {
        String image = Base64.getEncoder().encodeToString(SampleImages.jpeg("unripe-green-apple"));
        ArrayNode data = JsonNodeFactory.instance.arrayNode().add(image);
        OipV2.InferResponse response = model.infer(new OipV2.InferRequest("b1",
                List.of(new OipV2.RequestTensor("image", new long[] {1}, "BYTES", data)), null));
        float[] p = (float[]) response.outputs().get(0).data();
        assertThat(response.outputs().get(0).shape()).containsExactly(1, 2);
        assertThat(p[1]).isGreaterThan(0.99f);
    }

    @Test
    void infer_bytesWithDataUrl_accepted() {
        String image = "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(SampleImages.jpeg("ripe-red-apple"));
        float[] p = (float[]) model.infer(new OipV2.InferRequest(null, List.of(new OipV2.RequestTensor("image",
                new long[] {1}, "BYTES", JsonNodeFactory.instance.arrayNode().add(image))), null))
                .outputs().get(0).data();
        assertThat(p[0]).isGreaterThan(0.99f);
    }

    @Test
    void infer_wrongShape_throws400WithExpectedShape() {
        assertBadRequest(() -> model.infer(fp32("x", new long[] {1, 3, 100, 100}, flat(3 * 100 * 100, 0))),
                "inputs[0].shape: expected [1, 3, 224, 224], found [1, 3, 100, 100]");
        assertBadRequest(() -> model.infer(fp32("x", new long[] {2, 3, 224, 224}, flat(2 * 3 * 224 * 224, 0))),
                "expected [1, 3, 224, 224], found [2, 3, 224, 224]");
    }

    @Test
    void infer_wrongElementCount_throws400() {
        assertBadRequest(() -> model.infer(fp32("x", new long[] {1, 3, 224, 224}, flat(10, 0))),
                "inputs[0].data: expected 150528 numbers for shape [1, 3, 224, 224], found 10");
        assertBadRequest(() -> model.infer(fp32("x", new long[] {1, 3, 224, 224}, flat(150529, 0))),
                "found 150529");
    }

    @Test
    void infer_nonNumericData_throws400() {
        ArrayNode data = JsonNodeFactory.instance.arrayNode().add(1).add("two");
        assertBadRequest(() -> model.infer(fp32("x", new long[] {1, 3, 224, 224}, data)),
                "inputs[0].data: expected numbers, found string at element 1");
    }

    @Test
    void infer_wrongDatatype_throws400ListingAccepted() {
        assertBadRequest(() -> model.infer(new OipV2.InferRequest("x", List.of(new OipV2.RequestTensor("image",
                        new long[] {1, 3, 224, 224}, "INT8", flat(1, 0))), null)),
                "inputs[0].datatype: expected FP32 (a tensor of shape [1, 3, 224, 224]) or BYTES");
    }

    @Test
    void infer_wrongInputOrOutputName_throws400() {
        assertBadRequest(() -> model.infer(new OipV2.InferRequest("x", List.of(new OipV2.RequestTensor("input_1",
                        new long[] {1, 3, 224, 224}, "FP32", flat(1, 0))), null)),
                "inputs[0].name: expected \"image\", found \"input_1\"");
        assertBadRequest(() -> model.infer(new OipV2.InferRequest("x", List.of(new OipV2.RequestTensor("image",
                        new long[] {1, 3, 224, 224}, "FP32", flat(150528, 0))), List.of(new OipV2.RequestOutput("logits")))),
                "outputs[0].name: expected \"probabilities\", found \"logits\"");
    }

    @Test
    void infer_noInputs_throws400() {
        assertBadRequest(() -> model.infer(new OipV2.InferRequest("x", List.of(), null)),
                "inputs: expected exactly one tensor named \"image\", found 0");
    }

    @Test
    void infer_bytesNotBase64OrNotAnImage_throws400() {
        assertBadRequest(() -> model.infer(new OipV2.InferRequest("x", List.of(new OipV2.RequestTensor("image",
                new long[] {1}, "BYTES", JsonNodeFactory.instance.arrayNode().add("%%%not base64%%%"))), null)),
                "expected base64");
        String notImage = Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> model.infer(new OipV2.InferRequest("x", List.of(new OipV2.RequestTensor("image",
                new long[] {1}, "BYTES", JsonNodeFactory.instance.arrayNode().add(notImage))), null)))
                .isInstanceOfSatisfying(VergeException.class, e -> {
                    assertThat(e.code()).isEqualTo("image_unsupported_format");
                    assertThat(e.kind().httpStatus()).isEqualTo(400);
                });
        assertBadRequest(() -> model.infer(new OipV2.InferRequest("x", List.of(new OipV2.RequestTensor("image",
                new long[] {2}, "BYTES", JsonNodeFactory.instance.arrayNode().add("a").add("b"))), null)),
                "expected one base64-encoded JPEG, PNG or BMP image (a string), found 2 elements");
    }

    @Test
    void parseRequest_invalidJson_throws400WithPosition() {
        assertBadRequest(() -> OipV2.parseRequest("{\"inputs\": [".getBytes(StandardCharsets.UTF_8)),
                "not a valid infer request at line 1");
        assertBadRequest(() -> OipV2.parseRequest(new byte[0]), "the body");
    }

    private static void assertBadRequest(ThrowingCallable call, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(VergeException.class, e -> {
            assertThat(e.code()).isEqualTo("infer_request_invalid");
            assertThat(e.kind().httpStatus()).isEqualTo(400);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    private static OipV2.InferRequest fp32(String id, long[] shape, JsonNode data) {
        return new OipV2.InferRequest(id, List.of(new OipV2.RequestTensor("image", shape, "FP32", data)), null);
    }

    private static ArrayNode flat(int n, float value) {
        ArrayNode data = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < n; i++) {
            data.add(value);
        }
        return data;
    }
}
