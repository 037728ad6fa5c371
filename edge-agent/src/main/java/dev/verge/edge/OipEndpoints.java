package dev.verge.edge;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.predict.OipV2;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ModelNotReadyException;
import dev.verge.inference.runtime.ModelSlot;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol v2 routes (KServe / Triton), for tools that speak it: JSON tensors and the binary tensor
 * data extension, errors as the protocol has them ({@code {"error": "<description>", "code": "<Verge's code>"}}).
 */
final class OipEndpoints {
    static final String SERVER_NAME = "verge-edge-agent";

    private final ModelShelf models;
    private final InferenceGate gate;
    private final ImageLimits limits;
    /** JSON tensors are verbose: a few times the largest image. */
    private final long maxInferBytes;

    OipEndpoints(ModelShelf models, InferenceGate gate, ImageLimits limits) {
        this.models = models;
        this.gate = gate;
        this.limits = limits;
        this.maxInferBytes = 4 * limits.maxBytes();
    }

    Reply live(Request request) {
        return Reply.ok(Map.of("live", true));
    }

    /** 200 once a model is loaded, 503 {@code model_not_ready} before. */
    Reply ready(Request request) {
        if (!models.isReady()) {
            throw new ModelNotReadyException();
        }
        return Reply.ok(Map.of("ready", true));
    }

    Reply server(Request request) {
        String version = OipEndpoints.class.getPackage().getImplementationVersion();
        return Reply.ok(Map.of("name", SERVER_NAME, "version", version == null ? "dev" : version, "extensions", OipV2.EXTENSIONS));
    }

    Reply model(Request request) {
        try (ModelSlot.Lease lease = leaseFor(request)) {
            return Reply.ok(lease.model().metadata());
        }
    }

    Reply modelReady(Request request) {
        try (ModelSlot.Lease lease = leaseFor(request)) {
            return Reply.ok(Map.of("name", lease.model().info().name(), "ready", true));
        }
    }

    Reply infer(Request request) throws IOException {
        try (ModelSlot.Lease lease = leaseFor(request)) {
            byte[] body = BodyLimits.readAtMost(request, maxInferBytes, "an infer request");
            OipV2.InferRequest infer = OipV2.parseRequest(body, request.header(OipV2.HEADER_LENGTH));
            OipV2.Encoded answer = OipV2.encode(infer, gate.run(() -> lease.model().infer(infer, limits)));
            Reply reply = new Reply(200, answer.hasBinary() ? answer.contentType() : Reply.JSON, answer.body());
            return answer.hasBinary() ? reply.withHeader(OipV2.HEADER_LENGTH, Integer.toString(answer.jsonLength())) : reply;
        }
    }

    /** The model {@code {name}} names if {@code {version}}, when given, is the one served; 404 otherwise. */
    private ModelSlot.Lease leaseFor(Request request) {
        String name = request.pathParam("name");
        ModelSlot.Lease lease = models.acquire(name);
        ModelInfo info = lease.model().info();
        String version = request.pathParam("version");
        boolean sameVersion = version == null || version.equals(info.version());
        if (!info.name().equals(name) || !sameVersion) {
            lease.close();
            throw new VergeException(ErrorKind.NOT_FOUND, "model_not_found", "this agent serves model '" + info.name()
                    + "' version '" + info.version() + "', not '" + name + "'" + (version == null ? "" : " version '" + version + "'"));
        }
        return lease;
    }
}
