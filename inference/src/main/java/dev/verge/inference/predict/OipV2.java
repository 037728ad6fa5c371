package dev.verge.inference.predict;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.json.Json;
import dev.verge.inference.runtime.ModelInfo;
import java.io.IOException;
import java.util.List;

/** Open Inference Protocol v2 (KServe / Triton) JSON shapes. */
public final class OipV2 {
    public static final String PLATFORM = "onnxruntime_onnx";
    public static final String FP32 = "FP32";
    public static final String BYTES = "BYTES";

    private OipV2() {}

    public record MetadataResponse(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
                                   List<TensorMetadata> outputs) {}

    public record TensorMetadata(String name, String datatype, long[] shape) {}

    public record InferRequest(String id, List<RequestTensor> inputs, List<RequestOutput> outputs) {}

    /** FP32 with flat or nested numbers matching the model input, or BYTES with one base64-encoded image. */
    public record RequestTensor(String name, long[] shape, String datatype, JsonNode data) {}

    public record RequestOutput(String name) {}

    public record InferResponse(String model_name, String model_version, String id, List<ResponseTensor> outputs) {}

    public record ResponseTensor(String name, long[] shape, String datatype, Object data) {}

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

    /** Parses an infer request body; 400 {@code infer_request_invalid} with the position when it is not valid JSON. */
    public static InferRequest parseRequest(byte[] body) {
        try {
            InferRequest request = Json.mapper().readValue(body, InferRequest.class);
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

    /** 400 {@code infer_request_invalid}. */
    public static VergeException invalid(String message) {
        return new VergeException(ErrorKind.BAD_REQUEST, "infer_request_invalid", message);
    }
}
