package dev.verge.cloud.registry;

import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.api.Routes;
import dev.verge.cloud.api.UriPaths;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registry's HTTP routes:
 * <pre>
 * POST /api/models/{name}/versions[?version=v]        body: the package zip      201 new, 200 same bytes again
 *                                                      (or a Custom Vision ONNX export: then ?version= is required)
 * GET  /api/models                                     {"models": [...]}
 * GET  /api/models/{name}/versions                     {"name": ..., "versions": [...]}
 * GET  /api/models/{name}/versions/{version}           the version
 * GET  /api/models/{name}/versions/{version}/package   the zip (streamed, or 302 to a pre-signed URL)
 * POST /api/models/{name}/versions/{version}/stage     {"stage": "production", "by": "alice", "reason": "..."}
 * </pre>
 */
public final class RegistryRoutes implements RouteGroup {
    private static final Set<String> ZIP_TYPES =
            Set.of("application/zip", "application/x-zip-compressed", "application/x-zip", "application/octet-stream");
    private static final long DOWNLOAD_URL_TTL_SECONDS = 15 * 60;

    /** How {@code GET .../package} delivers the zip. */
    public enum PackageDelivery {
        /** Stream it through the function (local runtime; fine for packages of a few MB anywhere). */
        STREAM,
        /** Redirect (302) to the blob store's pre-signed URL: no size limit of the function's response. */
        REDIRECT
    }

    /** The body of {@code POST .../stage}. */
    public record StageRequest(String stage, String by, String reason) {}

    private final ModelRegistry registry;
    private final PackageDelivery delivery;

    public RegistryRoutes(ModelRegistry registry, PackageDelivery delivery) {
        this.registry = registry;
        this.delivery = delivery;
    }

    @Override
    public void addTo(Routes routes) {
        routes.post("/api/models/{name}/versions", this::upload)
                .get("/api/models", call -> ApiResponse.json(200, Map.of("models", registry.listModels())))
                .get("/api/models/{name}/versions", this::listVersions)
                .get("/api/models/{name}/versions/{version}", call ->
                        ApiResponse.json(200, registry.get(call.path("name"), call.path("version"))))
                .get("/api/models/{name}/versions/{version}/package", this::download)
                .post("/api/models/{name}/versions/{version}/stage", this::changeStage);
    }

    private ApiResponse upload(ApiCall call) {
        String name = ModelNames.checkName(call.path("name"));
        call.request().mediaType().filter(type -> !ZIP_TYPES.contains(type)).ifPresent(type -> {
            throw new VergeException(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "expected the package zip as the raw body (Content-Type application/zip or application/octet-stream,"
                            + " e.g. curl --data-binary @package.zip), found " + type);
        });
        String by = call.query("by").filter(s -> !s.isBlank()).map(ModelNames::printable).orElse(call.caller().name());
        String expectedVersion = call.query("version").filter(s -> !s.isBlank()).orElse(null);
        Registration registration = registry.register(call.request().body(), name, expectedVersion, PackageSource.api(by));
        ModelVersion version = registration.version();
        ApiResponse response = ApiResponse.json(registration.created() ? 201 : 200, version);
        return registration.created()
                ? response.withHeader("Location", "/api/models/" + UriPaths.encodeSegment(version.name())
                        + "/versions/" + UriPaths.encodeSegment(version.version()))
                : response;
    }

    private ApiResponse listVersions(ApiCall call) {
        String name = call.path("name");
        List<ModelVersion> versions = registry.listVersions(name);
        return ApiResponse.json(200, Map.of("name", name, "versions", versions));
    }

    private ApiResponse download(ApiCall call) {
        String name = call.path("name");
        String version = call.path("version");
        if (delivery == PackageDelivery.REDIRECT) {
            return ApiResponse.redirect(registry.packageUrl(name, version, DOWNLOAD_URL_TTL_SECONDS));
        }
        PackageDownload download = registry.openPackage(name, version);
        return ApiResponse.stream(200, "application/zip", download.in(), download.size())
                .withHeader("Content-Disposition", "attachment; filename=\"" + download.fileName() + "\"")
                .withHeader("ETag", "\"" + download.sha256() + "\"")
                .withHeader("X-Verge-Sha256", download.sha256());
    }

    private ApiResponse changeStage(ApiCall call) {
        StageRequest request = call.jsonBody(StageRequest.class);
        Stage stage = Stage.parse(request.stage());
        String by = request.by() == null || request.by().isBlank() ? call.caller().name() : request.by();
        return ApiResponse.json(200, registry.changeStage(call.path("name"), call.path("version"), stage, by, request.reason()));
    }
}
