package dev.verge.cloud.rollout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.Paging;
import dev.verge.cloud.api.DeviceAuthenticator;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.api.Routes;
import dev.verge.cloud.api.UriPaths;
import dev.verge.cloud.devices.StatusReport;
import dev.verge.cloud.json.CloudJson;
import dev.verge.error.ErrorKind;
import dev.verge.inference.pkg.StatementSignature;
import dev.verge.wire.DeviceHeaders;
import dev.verge.wire.desired.DesiredStatement;
import dev.verge.error.VergeException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rollout's routes:
 * <pre>
 * POST /api/deployments                  (API key) see {@link DeploymentRequest}; 201, 200 when the same one is in progress
 * GET  /api/deployments[?group=g][&amp;limit=100][&amp;after=]  (API key) {"deployments": [...], "next"}, newest first
 * GET  /api/deployments/{id}             (API key) state, canary devices, history of decisions, and while in progress
 *                                                  its figures so far ({@code progress}: requests, errors, p95Ms, drift;
 *                                                  for a shadow agreements and agreement)
 * POST /api/deployments/{id}/evaluate    (API key) runs the rollout controller on it now
 * GET  /api/devices/{id}/desired         (device)  with X-Verge-Protocol: 2 a signed statement ({@code SignedStatement});
 *                                                  without it (protocol 1) see {@link DesiredState}, or 426 once
 *                                                  VERGE_LEGACY_AGENTS=refuse
 * POST /api/devices/{id}/status          (device)  see {@code StatusReport}; 202 {"received": true}
 * GET  /api/signing-key                  (public)  the Ed25519 public key agents trust, and the keys statements announce
 * </pre>
 */
public final class RolloutRoutes implements RouteGroup {
    private final Deployments deployments;
    private final RolloutController controller;
    private final DeviceSync sync;
    private final DeviceAuthenticator authenticator;
    private final DesiredStatements statements;
    private final boolean legacyAgents;

    /** {@code statements} null: no signing key is configured; {@code legacyAgents}: protocol-1 agents are served. */
    public RolloutRoutes(Deployments deployments, RolloutController controller, DeviceSync sync,
                         DeviceAuthenticator authenticator, DesiredStatements statements, boolean legacyAgents) {
        this.deployments = deployments;
        this.controller = controller;
        this.sync = sync;
        this.authenticator = authenticator;
        this.statements = statements;
        this.legacyAgents = legacyAgents;
    }

    /** A page of deployments, newest first (100 by default, at most 1000); {@code next}, when there are more. */
    private ApiResponse list(ApiCall call) {
        Paging paging = Paging.of(call, 100, 1000);
        Deployments.Page page = deployments.page(call.query("group").filter(g -> !g.isBlank()), paging.after(), paging.limit());
        return Paging.answer("deployments", page.deployments(), page.next());
    }

    @Override
    public void addTo(Routes routes) {
        routes.post("/api/deployments", this::create)
                .get("/api/deployments", this::list)
                .get("/api/deployments/{id}", this::deployment)
                .post("/api/deployments/{id}/evaluate", call ->
                        ApiResponse.json(200, controller.evaluate(call.path("id"), deployments.clock().instant())))
                .route("GET", "/api/devices/{id}/desired", Routes.Access.PUBLIC, this::desired)
                .route("POST", "/api/devices/{id}/status", Routes.Access.PUBLIC, this::status)
                .route("GET", "/api/signing-key", Routes.Access.PUBLIC, this::signingKey);
    }

    /** The deployment and, while it is in progress, its figures so far ({@code progress}). */
    private ApiResponse deployment(ApiCall call) {
        Deployment d = deployments.get(call.path("id"));
        ObjectNode body = CloudJson.mapper().valueToTree(d);
        controller.progress(d).ifPresent(f -> {
            ObjectNode progress = body.putObject("progress");
            progress.put("requests", f.requests()).put("errors", f.errors()).put("p95Ms", f.p95Ms()).put("p95Device", f.p95Device())
                    .put("drift", f.drift());
            if (d.shadowing()) {
                progress.put("agreements", f.agreements()).put("agreement", f.agreement());
            }
        });
        return ApiResponse.json(200, body);
    }

    private ApiResponse create(ApiCall call) {
        Deployments.Created created = deployments.create(call.jsonBody(DeploymentRequest.class), call.caller().name());
        ApiResponse response = ApiResponse.json(created.created() ? 201 : 200, created.deployment());
        return created.created()
                ? response.withHeader("Location", "/api/deployments/" + UriPaths.encodeSegment(created.deployment().id()))
                : response;
    }

    private ApiResponse desired(ApiCall call) {
        DeviceIdentity device = device(call);
        Object answer;
        if (protocol(call) >= DesiredStatement.PROTOCOL) {
            if (statements == null) {
                throw signingKeyMissing();
            }
            answer = statements.sign(sync.desired(device));
        } else if (legacyAgents) {
            answer = sync.desired(device);
        } else {
            throw new VergeException(ErrorKind.UPGRADE_REQUIRED, "agent_upgrade_required",
                    "expected an agent that speaks the signed desired state (header " + DeviceHeaders.PROTOCOL + ": "
                            + DesiredStatement.PROTOCOL + "), found one without it; this cloud no longer serves protocol 1"
                            + " (VERGE_LEGACY_AGENTS=refuse): upgrade the agent");
        }
        return ApiResponse.json(200, answer).withHeader("Cache-Control", "no-store");
    }

    /** The protocol the agent announces; 1 when it announces none. */
    private static int protocol(ApiCall call) {
        String text = call.header(DeviceHeaders.PROTOCOL).map(String::strip).orElse("");
        if (text.isEmpty()) {
            return 1;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "protocol_invalid", "expected " + DeviceHeaders.PROTOCOL
                    + " as a whole number (" + DesiredStatement.PROTOCOL + "), found \"" + text.replaceAll("\\p{Cntrl}", "?") + "\"");
        }
    }

    private ApiResponse status(ApiCall call) {
        DeviceIdentity device = device(call);
        sync.report(device, call.jsonBody(StatusReport.class));
        return ApiResponse.json(202, Map.of("received", true));
    }

    /** The authenticated device, which must be the one the path names. */
    private DeviceIdentity device(ApiCall call) {
        DeviceIdentity device = authenticator.authenticate(call);
        if (!device.deviceId().equals(call.path("id"))) {
            throw new VergeException(ErrorKind.FORBIDDEN, "device_mismatch",
                    "expected the path to name the device that authenticated (" + device.deviceId() + "), found " + call.path("id"));
        }
        return device;
    }

    private static VergeException signingKeyMissing() {
        return new VergeException(ErrorKind.NOT_READY, "signing_key_missing",
                "no package signing key is configured; set VERGE_SIGNING_KEY");
    }

    private ApiResponse signingKey(ApiCall call) {
        if (statements == null) {
            throw new VergeException(ErrorKind.NOT_FOUND, "signing_key_missing",
                    "no package signing key is configured; set VERGE_SIGNING_KEY");
        }
        PackageSigner signer = statements.keys().current();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("algorithm", "Ed25519");
        body.put("keyId", StatementSignature.keyId(signer.publicKey()));
        body.put("publicKey", signer.publicKeyBase64());
        body.put("pem", signer.publicKeyPem());
        body.put("announced", statements.keys().announced());
        return ApiResponse.json(200, body);
    }
}
