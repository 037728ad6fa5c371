package dev.verge.inference.predict;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.json.Json;
import dev.verge.inference.runtime.ModelInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Open Inference Protocol v2 (KServe / Triton) JSON shapes, with Triton's binary tensor data extension as its and
 * KServe's clients use it by default: a JSON header of {@code Inference-Header-Content-Length} bytes, then the raw
 * little-endian tensors in the order of the inputs (or outputs) that give {@code "binary_data_size"}.
 */
public final class OipV2 {
    public static final String PLATFORM = "onnxruntime_onnx";
    public static final String FP32 = "FP32";
    public static final String BYTES = "BYTES";
    /** The request and response header that gives the JSON's length when binary tensors follow it. */
    public static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    /** What {@code GET /v2} lists in {@code extensions}. */
    public static final List<String> EXTENSIONS = List.of("binary_tensor_data");
    public static final String BINARY_DATA_SIZE = "binary_data_size";

    private OipV2() {}

    public record MetadataResponse(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
                                   List<TensorMetadata> outputs) {}

    public record TensorMetadata(String name, String datatype, long[] shape) {}

    public record InferRequest(String id, List<RequestTensor> inputs, List<RequestOutput> outputs, JsonNode parameters) {
        public InferRequest(String id, List<RequestTensor> inputs, List<RequestOutput> outputs) {
            this(id, inputs, outputs, null);
        }

        /** Whether {@code output} goes back as binary: its own {@code binary_data}, else the request's {@code binary_data_output}. */
        boolean wantsBinary(String output) {
            if (outputs != null) {
                for (RequestOutput o : outputs) {
                    if (o != null && output.equals(o.name()) && o.parameters() != null && o.parameters().has("binary_data")) {
                        return o.parameters().path("binary_data").asBoolean(false);
                    }
                }
            }
            return parameters != null && parameters.path("binary_data_output").asBoolean(false);
        }
    }

    /**
     * FP32 with flat or nested numbers matching the model input, or BYTES with one base64-encoded image; either of them
     * as {@code binary} bytes instead (the binary data extension: FP32 little-endian, BYTES a 4-byte little-endian
     * length before each element).
     */
    public record RequestTensor(String name, long[] shape, String datatype, JsonNode data, JsonNode parameters,
                                @JsonIgnore byte[] binary) {
        public RequestTensor(String name, long[] shape, String datatype, JsonNode data) {
            this(name, shape, datatype, data, null, null);
        }

        @JsonCreator
        static RequestTensor fromJson(@JsonProperty("name") String name, @JsonProperty("shape") long[] shape,
                                      @JsonProperty("datatype") String datatype, @JsonProperty("data") JsonNode data,
                                      @JsonProperty("parameters") JsonNode parameters) {
            return new RequestTensor(name, shape, datatype, data, parameters, null);
        }

        /** The declared {@code binary_data_size}, or -1 when the tensor is in JSON. */
        long binaryDataSize() {
            JsonNode size = parameters == null ? null : parameters.get(BINARY_DATA_SIZE);
            return size == null || size.isNull() ? -1 : size.isIntegralNumber() ? size.longValue() : -2;
        }

        RequestTensor withBinary(byte[] bytes) {
            return new RequestTensor(name, shape, datatype, data, parameters, bytes);
        }
    }

    public record RequestOutput(String name, JsonNode parameters) {
        public RequestOutput(String name) {
            this(name, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InferResponse(String model_name, String model_version, String id, List<ResponseTensor> outputs) {}

    /** {@code data} in JSON, or null with {@code parameters.binary_data_size} when the tensor follows as binary. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ResponseTensor(String name, long[] shape, String datatype, Object data, Map<String, Object> parameters) {
        public ResponseTensor(String name, long[] shape, String datatype, Object data) {
            this(name, shape, datatype, data, null);
        }
    }

    /** An error on the OIP routes, as the protocol has it: the description in {@code error}; Verge's code beside it. */
    public record ErrorBody(String error, String code) {
        public static ErrorBody of(VergeException e) {
            return new ErrorBody(e.getMessage(), e.code());
        }
    }

    /** An encoded infer answer: {@code jsonLength} is the JSON's length when binary tensors follow it, else -1. */
    public record Encoded(byte[] body, int jsonLength) {
        public boolean hasBinary() {
            return jsonLength >= 0;
        }

        public String contentType() {
            return hasBinary() ? "application/octet-stream" : "application/json";
        }
    }

    /**
     * {@code GET /v2/models/{name}}: the image input as the model takes it, the probabilities as it gives them.
     * A detector's outputs are only known to its session: prefer {@code Model.metadata()}, which lists them all;
     * here its first output has an unknown shape.
     */
    public static MetadataResponse metadata(ModelInfo m) {
        long[] outputShape = "detection".equals(m.task()) ? new long[] {-1} : new long[] {1, m.labels().size()};
        return new MetadataResponse(m.name(), List.of(m.version()), PLATFORM,
                List.of(new TensorMetadata(m.inputName(), FP32, m.inputShape())),
                List.of(new TensorMetadata(m.outputName(), FP32, outputShape)));
    }

    /** Parses an infer request body that is JSON only; 400 {@code infer_request_invalid} with the position when it is not. */
    public static InferRequest parseRequest(byte[] body) {
        return parseRequest(body, null);
    }

    /**
     * Parses an infer request; {@code headerLength} (the {@code Inference-Header-Content-Length} header, null when
     * absent) splits the JSON from the binary tensors, which go to the inputs that declare {@code binary_data_size}, in
     * order. 400 {@code infer_request_invalid} when the sizes do not add up.
     */
    public static InferRequest parseRequest(byte[] body, String headerLength) {
        int jsonLength = jsonLength(body.length, headerLength);
        InferRequest request = parseJson(Arrays.copyOf(body, jsonLength));
        if (request.inputs() == null) {
            return request;
        }
        List<RequestTensor> inputs = new ArrayList<>();
        int offset = jsonLength;
        for (int i = 0; i < request.inputs().size(); i++) {
            RequestTensor input = request.inputs().get(i);
            long size = input == null ? -1 : input.binaryDataSize();
            if (size == -1) {
                inputs.add(input);
                continue;
            }
            if (size < 0 || size > body.length - offset) {
                throw invalid("inputs[" + i + "].parameters.binary_data_size: expected at most the " + (body.length - offset)
                        + " bytes left after the JSON header" + (headerLength == null ? " (no " + HEADER_LENGTH + " header:"
                        + " the body is all JSON)" : "") + ", found " + input.parameters().get(BINARY_DATA_SIZE));
            }
            if (input.data() != null && !input.data().isNull()) {
                throw invalid("inputs[" + i + "]: expected either \"data\" or parameters.binary_data_size, found both");
            }
            inputs.add(input.withBinary(Arrays.copyOfRange(body, offset, offset + (int) size)));
            offset += (int) size;
        }
        if (offset != body.length) {
            throw invalid("the body has " + (body.length - offset) + " bytes after the JSON header and the binary inputs;"
                    + " expected the inputs' binary_data_size to add up to the " + (body.length - jsonLength)
                    + " bytes after the " + jsonLength + "-byte header");
        }
        return new InferRequest(request.id(), inputs, request.outputs(), request.parameters());
    }

    private static int jsonLength(int bodyLength, String headerLength) {
        if (headerLength == null) {
            return bodyLength;
        }
        try {
            long length = Long.parseLong(headerLength.strip());
            if (length >= 0 && length <= bodyLength) {
                return (int) length;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(HEADER_LENGTH + ": expected the JSON header's length, 0 to the body's " + bodyLength
                + " bytes, found \"" + headerLength + "\"");
    }

    private static InferRequest parseJson(byte[] json) {
        try {
            InferRequest request = Json.mapper().readValue(json, InferRequest.class);
            if (request == null) {
                throw invalid("the body is empty; expected {\"inputs\": [{\"name\", \"shape\", \"datatype\", \"data\"}]}");
            }
            return request;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw invalid("the body is not a valid infer request" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("the body cannot be read: " + e.getMessage());
        }
    }

    /**
     * The answer's bytes: JSON, or, when the request asks for any output as binary ({@code "binary_data": true} on it,
     * or {@code "binary_data_output": true} on the request), the JSON header followed by those outputs' raw
     * little-endian bytes; the other outputs stay in JSON.
     */
    public static Encoded encode(InferRequest request, InferResponse response) {
        List<ResponseTensor> outputs = new ArrayList<>();
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        boolean anyBinary = false;
        for (ResponseTensor tensor : response.outputs()) {
            if (request != null && request.wantsBinary(tensor.name()) && tensor.data() instanceof float[] values) {
                byte[] bytes = littleEndian(values);
                binary.writeBytes(bytes);
                outputs.add(new ResponseTensor(tensor.name(), tensor.shape(), tensor.datatype(), null,
                        Map.of(BINARY_DATA_SIZE, bytes.length)));
                anyBinary = true;
            } else {
                outputs.add(tensor);
            }
        }
        try {
            if (!anyBinary) {
                return new Encoded(Json.mapper().writeValueAsBytes(response), -1);
            }
            byte[] json = Json.mapper().writeValueAsBytes(
                    new InferResponse(response.model_name(), response.model_version(), response.id(), outputs));
            ByteArrayOutputStream body = new ByteArrayOutputStream(json.length + binary.size());
            body.writeBytes(json);
            binary.writeTo(body);
            return new Encoded(body.toByteArray(), json.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    /** 400 {@code infer_request_invalid}. */
    public static VergeException invalid(String message) {
        return new VergeException(ErrorKind.BAD_REQUEST, "infer_request_invalid", message);
    }
}
