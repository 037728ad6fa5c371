package dev.verge.cloud.devices;

import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.Paging;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.api.Routes;
import dev.verge.cloud.api.UriPaths;

/**
 * The device registry's routes (API key):
 * <pre>
 * POST /api/devices                                   {"id": "cam-1", "group": "line-1"}   201, both keys shown once
 * GET  /api/devices[?group=line-1][&amp;limit=500][&amp;after=] {"devices": [...], "next": ...}: a page (at most 1000), in id
 *                                                     order; "next", when there is more, is the next page's after
 * GET  /api/devices/{id}                              version reported, last status, last seen
 * POST /api/devices/{id}/keys/{primary|secondary}/rotate                                   a new key for that slot
 * </pre>
 */
public final class DeviceRoutes implements RouteGroup {

    /** The body of {@code POST /api/devices}; {@code id} may be left out to have one made up. */
    public record CreateDevice(String id, String group) {}

    private static final int DEFAULT_PAGE = 500;
    private static final int MAX_PAGE = 1000;

    private final DeviceRegistry devices;

    public DeviceRoutes(DeviceRegistry devices) {
        this.devices = devices;
    }

    @Override
    public void addTo(Routes routes) {
        routes.post("/api/devices", this::create)
                .get("/api/devices", this::list)
                .get("/api/devices/{id}", call -> ApiResponse.json(200, devices.view(call.path("id"))))
                .post("/api/devices/{id}/keys/{slot}/rotate", call ->
                        ApiResponse.json(200, devices.rotate(call.path("id"), KeySlot.parse(call.path("slot")))));
    }

    /** One page of devices; {@code next}, when there is one, is the {@code after} of the next page. */
    private ApiResponse list(ApiCall call) {
        Paging paging = Paging.of(call, DEFAULT_PAGE, MAX_PAGE);
        DeviceRegistry.Page page = devices.views(call.query("group").filter(g -> !g.isBlank()), paging.after(), paging.limit());
        return Paging.answer("devices", page.devices(), page.next());
    }

    private ApiResponse create(ApiCall call) {
        CreateDevice body = call.jsonBody(CreateDevice.class);
        DeviceCredentials created = devices.create(body.id(), body.group());
        return ApiResponse.json(201, created)
                .withHeader("Location", "/api/devices/" + UriPaths.encodeSegment(created.id()))
                .withHeader("Cache-Control", "no-store");
    }
}
