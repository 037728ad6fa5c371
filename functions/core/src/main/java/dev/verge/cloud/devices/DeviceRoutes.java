package dev.verge.cloud.devices;

import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.api.Routes;
import dev.verge.cloud.api.UriPaths;
import java.util.Map;

/**
 * The device registry's routes (API key):
 * <pre>
 * POST /api/devices                                   {"id": "cam-1", "group": "line-1"}   201, both keys shown once
 * GET  /api/devices[?group=line-1]                    {"devices": [...]}
 * GET  /api/devices/{id}                              version reported, last status, last seen
 * POST /api/devices/{id}/keys/{primary|secondary}/rotate                                   a new key for that slot
 * </pre>
 */
public final class DeviceRoutes implements RouteGroup {

    /** The body of {@code POST /api/devices}; {@code id} may be left out to have one made up. */
    public record CreateDevice(String id, String group) {}

    private final DeviceRegistry devices;

    public DeviceRoutes(DeviceRegistry devices) {
        this.devices = devices;
    }

    @Override
    public void addTo(Routes routes) {
        routes.post("/api/devices", this::create)
                .get("/api/devices", call -> ApiResponse.json(200, Map.of("devices", devices.views(call.query("group")))))
                .get("/api/devices/{id}", call -> ApiResponse.json(200, devices.view(call.path("id"))))
                .post("/api/devices/{id}/keys/{slot}/rotate", call ->
                        ApiResponse.json(200, devices.rotate(call.path("id"), KeySlot.parse(call.path("slot")))));
    }

    private ApiResponse create(ApiCall call) {
        CreateDevice body = call.jsonBody(CreateDevice.class);
        DeviceCredentials created = devices.create(body.id(), body.group());
        return ApiResponse.json(201, created)
                .withHeader("Location", "/api/devices/" + UriPaths.encodeSegment(created.id()))
                .withHeader("Cache-Control", "no-store");
    }
}
