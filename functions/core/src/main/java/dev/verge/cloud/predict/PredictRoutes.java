package dev.verge.cloud.predict;

import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.ApiKeyAuth;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.DeviceAuthenticator;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.api.Routes;
import dev.verge.cloud.api.Routes.Access;
import dev.verge.cloud.rights.DeviceRights;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.predict.CustomVisionResponse;
import dev.verge.inference.predict.OipV2;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.predict.Timings;
import dev.verge.inference.request.ImageRequestReader;
import dev.verge.inference.runtime.ModelSlot;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Predictions in the cloud, answered exactly as the edge agent answers them (same reader, same limits,
 * same errors, same JSON), for devices without an edge box and agents that have no model yet:
 * <pre>
 * POST /api/models/{name}/predict                       the production version; body: the image (raw or multipart imageData)
 * POST /api/models/{name}/versions/{version}/predict    a named version
 * POST /api/v2/models/{name}/infer                      Open Inference Protocol v2, production version (JSON or
 *                                                       the binary tensor data extension)
 * POST /api/v2/models/{name}/versions/{version}/infer
 * GET  /api/v2/models/{name}                            OIP v2 model metadata
 * </pre>
 * Answers carry {@code Server-Timing} (decode, preprocess, infer, in ms) and {@code X-Verge-Model-Version}.
 * The two predict routes also take a device's credentials ({@code X-Device-Id}, {@code X-Device-Key}), for the
 * version the device's desired state names only; the OIP routes take the API key only.
 */
public final class PredictRoutes implements RouteGroup {
    private final LoadedModels models;
    private final PredictConfig config;
    private final ApiKeyAuth apiKeys;
    private final DeviceAuthenticator devices;
    private final DeviceRights rights;

    public PredictRoutes(LoadedModels models, PredictConfig config, ApiKeyAuth apiKeys, DeviceAuthenticator devices,
                         DeviceRights rights) {
        this.rights = rights;
        this.models = models;
        this.config = config;
        this.apiKeys = apiKeys;
        this.devices = devices;
    }

    @Override
    public void addTo(Routes routes) {
        routes.route("POST", "/api/models/{name}/predict", Access.PUBLIC,
                        call -> predict(call, authorized(call, Optional.empty())))
                .route("POST", "/api/models/{name}/versions/{version}/predict", Access.PUBLIC,
                        call -> predict(call, authorized(call, Optional.of(call.path("version")))))
                .post("/api/v2/models/{name}/infer", call -> oipErrors(() -> infer(call, Optional.empty())))
                .post("/api/v2/models/{name}/versions/{version}/infer",
                        call -> oipErrors(() -> infer(call, Optional.of(call.path("version")))))
                .get("/api/v2/models/{name}", call -> oipErrors(() -> metadata(call)));
    }

    /**
     * What the OIP routes themselves refuse (bad request, unknown model) in the protocol's error shape: the description
     * in {@code error}, Verge's code beside it. Refusals of the API key come before the route and keep Verge's shape.
     */
    private static ApiResponse oipErrors(java.util.function.Supplier<ApiResponse> route) {
        try {
            return route.get();
        } catch (VergeException e) {
            ApiResponse error = ApiResponse.json(e.kind().httpStatus(), OipV2.ErrorBody.of(e));
            return e.kind() == dev.verge.error.ErrorKind.NOT_READY ? error.withHeader("Retry-After", "1") : error;
        }
    }

    /**
     * Predictions take the API key, or a device's own credentials: an edge agent that has no model yet
     * forwards its cameras' pictures here ({@code --cloud-fallback}) with the key it syncs with. A device may
     * predict only the version its desired state names (403 {@code device_forbidden} otherwise, before any
     * model is loaded); on the route without a version it gets that version.
     *
     * @return the version to serve; empty for the production version
     */
    private Optional<String> authorized(ApiCall call, Optional<String> version) {
        if (call.header(DeviceAuthenticator.DEVICE_ID_HEADER).isPresent()) {
            return Optional.of(rights.predictable(devices.authenticate(call), call.path("name"), version));
        }
        apiKeys.authenticate(call.request());
        return version;
    }

    /**
     * {@code POST .../predict} for another route's call (the Custom Vision SDK paths): path parameter {@code name},
     * authenticated as the predict routes are.
     */
    ApiResponse predictImage(ApiCall call, Optional<String> version) {
        return predict(call, authorized(call, version));
    }

    private ApiResponse predict(ApiCall call, Optional<String> version) {
        long declared = call.header("Content-Length").map(PredictRoutes::parseLength).orElse(-1L);
        try (ModelSlot.Lease lease = models.acquire(call.path("name"), version)) {
            byte[] image = ImageRequestReader.readPredictionBody(
                    call.header("Content-Type").orElse(null), declared, call.request().body(), config.limits());
            Prediction prediction = lease.model().predict(image, config.limits());
            return ApiResponse.json(200, CustomVisionResponse.of(prediction, lease.model().info()))
                    .withHeader("Server-Timing", serverTiming(prediction.timings()))
                    .withHeader("X-Verge-Model-Version", lease.model().info().version());
        }
    }

    private ApiResponse infer(ApiCall call, Optional<String> version) {
        try (ModelSlot.Lease lease = models.acquire(call.path("name"), version)) {
            OipV2.InferRequest request = OipV2.parseRequest(readAtMost(call.request().body(), 4 * config.limits().maxBytes()),
                    call.header(OipV2.HEADER_LENGTH).orElse(null));
            OipV2.Encoded answer = OipV2.encode(request, lease.model().infer(request, config.limits()));
            Map<String, String> headers = answer.hasBinary()
                    ? Map.of("Content-Type", answer.contentType(), OipV2.HEADER_LENGTH, Integer.toString(answer.jsonLength()))
                    : Map.of("Content-Type", ApiResponse.JSON);
            return new ApiResponse(200, headers, new ApiResponse.Bytes(answer.body()))
                    .withHeader("X-Verge-Model-Version", lease.model().info().version());
        }
    }

    private ApiResponse metadata(ApiCall call) {
        try (ModelSlot.Lease lease = models.acquire(call.path("name"), Optional.empty())) {
            return ApiResponse.json(200, lease.model().metadata());
        }
    }

    /** The W3C Server-Timing header: where the function spent a prediction, in milliseconds. */
    static String serverTiming(Timings t) {
        return String.format(Locale.ROOT, "decode;dur=%.2f, preprocess;dur=%.2f, infer;dur=%.2f",
                t.decodeNanos() / 1e6, t.preprocessNanos() / 1e6, t.inferNanos() / 1e6);
    }

    private static long parseLength(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return -1; // the runtime already framed the body; an odd header is not the caller's image problem
        }
    }

    private static byte[] readAtMost(InputStream body, long max) {
        try {
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (bytes.length > max) {
                throw new VergeException(ErrorKind.PAYLOAD_TOO_LARGE, "request_too_large",
                        "an infer request may have at most " + max + " bytes, found more");
            }
            return bytes;
        } catch (IOException e) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "request_body_unreadable",
                    "the request body could not be read completely (" + e.getMessage() + "); send it again", e);
        }
    }
}
