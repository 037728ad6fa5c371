package dev.verge.cloud.predict;

import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.DeviceAuthenticator;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.api.Routes;
import dev.verge.cloud.api.Routes.Access;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.predict.CustomVisionError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The paths the Custom Vision prediction SDKs build from an endpoint, on the cloud's predict route, so that an SDK
 * pointed at {@code https://<api>/api} predicts with a registered model:
 * <pre>
 * POST /api/customvision/{v3.0|v3.1}/{prediction|Prediction}/{projectId}/{classify|detect}/iterations/{publishedName}/image[/nostore]
 * POST /api/customvision/.../url[/nostore]     refused 400 BadRequestNotSupported: the cloud fetches no URLs
 * </pre>
 * {@code projectId} is the model's name and {@code publishedName} its version, or {@code production} for the
 * production version. The SDKs' {@code Prediction-Key} header is taken as the API key, or, next to {@code X-Device-Id},
 * as that device's key; the prediction itself is {@link PredictRoutes}' (same checks, limits, answer). Errors have the
 * prediction API's shape ({@code code}, {@code message}) with Verge's code beside it in {@code error}.
 */
public final class CustomVisionPredictionRoutes implements RouteGroup {
    static final String PATTERN =
            "/api/customvision/{apiVersion}/{prediction}/{projectId}/{kind}/iterations/{publishedName}/{action}";
    static final String PREDICTION_KEY_HEADER = "Prediction-Key";
    /** The published name that means the production version rather than a version of that name. */
    static final String PRODUCTION = "production";
    private static final Set<String> API_VERSIONS = Set.of("v3.0", "v3.1");
    private static final Set<String> KINDS = Set.of("classify", "detect");

    private final PredictRoutes predict;

    public CustomVisionPredictionRoutes(PredictRoutes predict) {
        this.predict = predict;
    }

    @Override
    public void addTo(Routes routes) {
        routes.route("POST", PATTERN, Access.PUBLIC, this::handle)
                .route("POST", PATTERN + "/nostore", Access.PUBLIC, this::handle);
    }

    private ApiResponse handle(ApiCall call) {
        try {
            String action = call.path("action");
            if (!API_VERSIONS.contains(call.path("apiVersion")) || !call.path("prediction").equalsIgnoreCase("prediction")
                    || !KINDS.contains(call.path("kind").toLowerCase(Locale.ROOT))
                    || !(action.equals("image") || action.equals("url"))) {
                throw new VergeException(ErrorKind.NOT_FOUND, "route_not_found", "expected POST /api/customvision/"
                        + "v3.0|v3.1/prediction/{projectId}/classify|detect/iterations/{publishedName}/image[/nostore],"
                        + " found " + call.request().path());
            }
            if (action.equals("url")) {
                throw new VergeException(ErrorKind.BAD_REQUEST, "url_not_supported", "the cloud does not fetch pictures"
                        + " from URLs; send the picture itself to .../image (or ask an edge agent's /url)");
            }
            String published = call.path("publishedName");
            Optional<String> version = published.equalsIgnoreCase(PRODUCTION) ? Optional.empty() : Optional.of(published);
            Map<String, String> params = version.map(v -> Map.of("name", call.path("projectId"), "version", v))
                    .orElse(Map.of("name", call.path("projectId")));
            return predict.predictImage(new ApiCall(withPredictionKey(call.request()), params, call.caller()), version);
        } catch (VergeException e) {
            CustomVisionError body = e.code().equals("url_not_supported")
                    ? new CustomVisionError("BadRequestNotSupported", e.getMessage(), e.code()) : CustomVisionError.of(e);
            return ApiResponse.json(e.kind().httpStatus(), body);
        }
    }

    /** The request with Prediction-Key as the device key (next to X-Device-Id) or the API key, unless one is there. */
    static ApiRequest withPredictionKey(ApiRequest request) {
        Optional<String> key = request.header(PREDICTION_KEY_HEADER).map(String::strip).filter(k -> !k.isEmpty());
        if (key.isEmpty()) {
            return request;
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(request.headers());
        String target = request.header(DeviceAuthenticator.DEVICE_ID_HEADER).isPresent()
                ? DeviceAuthenticator.DEVICE_KEY_HEADER : "x-api-key";
        boolean apiKeyGiven = request.header("x-api-key").isPresent() || request.header("Authorization").isPresent();
        if (!headers.containsKey(target) && (target.equals(DeviceAuthenticator.DEVICE_KEY_HEADER) || !apiKeyGiven)) {
            headers.put(target, new ArrayList<>(List.of(key.get())));
        }
        return new ApiRequest(request.method(), request.path(), headers, request.query(), request.body());
    }
}
