package dev.verge.cloud.telemetry;

import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.BoundedBody;
import dev.verge.cloud.api.DeviceAuthenticator;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.api.Routes;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.Map;

/**
 * The routes edge agents call with their device key (declared public, authenticated here first):
 * <pre>
 * POST /api/telemetry   a batch (JSON, optionally Content-Encoding: gzip)   200 {"batchId", "accepted", "rejected", "rejections", "duplicate"}
 * POST /api/samples     image bytes; ?model=&amp;version=&amp;label=&amp;probability=&amp;sampleId=   201 {"key"}, 200 when known
 * </pre>
 */
public final class TelemetryRoutes implements RouteGroup {
    private final DeviceAuthenticator devices;
    private final TelemetryIngest ingest;
    private final Samples samples;
    private final long maxBatchBytes;

    public TelemetryRoutes(DeviceAuthenticator devices, TelemetryIngest ingest, Samples samples, long maxBatchBytes) {
        this.devices = devices;
        this.ingest = ingest;
        this.samples = samples;
        this.maxBatchBytes = maxBatchBytes;
    }

    @Override
    public void addTo(Routes routes) {
        routes.route("POST", "/api/telemetry", Routes.Access.PUBLIC, this::telemetry)
                .route("POST", "/api/samples", Routes.Access.PUBLIC, this::sample);
    }

    private ApiResponse telemetry(ApiCall call) {
        DeviceIdentity device = devices.authenticate(call);
        call.request().mediaType().filter(type -> !type.equals("application/json")).ifPresent(type -> {
            throw new VergeException(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "expected a telemetry batch as application/json (optionally Content-Encoding: gzip), found " + type);
        });
        return ApiResponse.json(200, ingest.ingest(device, BoundedBody.open(call.request(), maxBatchBytes)));
    }

    private ApiResponse sample(ApiCall call) {
        DeviceIdentity device = devices.authenticate(call);
        Samples.Stored stored = samples.store(device, call.request().mediaType().orElse(null), call.request().body(),
                call.query("model").orElse(null), call.query("version").orElse(null), call.query("label").orElse(null),
                call.query("probability").orElse(null), call.query("sampleId").orElse(null));
        return ApiResponse.json(stored.created() ? 201 : 200, Map.of("key", stored.key()));
    }
}
