package dev.verge.cloud.events;

import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.Paging;
import dev.verge.cloud.api.RouteGroup;
import dev.verge.cloud.api.Routes;
import dev.verge.error.ErrorBody;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The event routes:
 * <pre>
 * POST    /api/webhooks/{source}            acr, dockerhub, huggingface, mlflow, github, generic (each authenticates itself)
 * POST    /api/webhooks/{source}/{token}    dockerhub, whose webhooks can only carry a secret in the URL
 * POST    /api/events/eventgrid             Event Grid webhook delivery (Event Grid schema or CloudEvents 1.0)
 * OPTIONS /api/events/eventgrid             the CloudEvents webhook handshake
 * GET     /api/events?source=&amp;limit=        the audit log, newest first (API key)
 * </pre>
 * The webhook and Event Grid routes are public: their sources authenticate with their own schemes
 * ({@link EventIntake}). They answer themselves, so a refused request is logged without its URL,
 * which for Docker Hub holds the secret.
 */
public final class EventRoutes implements RouteGroup {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    private final EventIntake intake;
    private final ModelEvents events;

    public EventRoutes(EventIntake intake, ModelEvents events) {
        this.intake = intake;
        this.events = events;
    }

    @Override
    public void addTo(Routes routes) {
        routes.route("POST", "/api/webhooks/{source}", Routes.Access.PUBLIC, call -> webhook(call, null))
                .route("POST", "/api/webhooks/{source}/{token}", Routes.Access.PUBLIC, call -> webhook(call, call.path("token")))
                .route("POST", "/api/events/eventgrid", Routes.Access.PUBLIC, call -> {
                    byte[] body = body(call);
                    return body == null ? tooLarge() : respond(intake.eventGrid(body, false, call::header, call::query));
                })
                .route("OPTIONS", "/api/events/eventgrid", Routes.Access.PUBLIC,
                        call -> respond(intake.cloudEventsHandshake(call::header)))
                .get("/api/events", this::list);
    }

    private ApiResponse webhook(ApiCall call, String token) {
        Optional<EventSource> source = EventSource.webhook(call.path("source"));
        if (source.isEmpty()) {
            return ApiResponse.error(ErrorKind.NOT_FOUND, "webhook_source_unknown", "expected a webhook source among "
                    + EventSource.WEBHOOKS.stream().map(EventSource::json).toList() + ", found \""
                    + dev.verge.cloud.registry.ModelNames.printable(call.path("source")) + "\"");
        }
        byte[] body = body(call);
        return body == null ? tooLarge() : respond(intake.webhook(source.get(), token, body, call::header, call::query));
    }

    private ApiResponse list(ApiCall call) {
        EventSource source = call.query("source").filter(s -> !s.isBlank()).map(s -> EventSource.parse(s).orElseThrow(() ->
                new VergeException(ErrorKind.BAD_REQUEST, "source_invalid", "expected source among "
                        + java.util.Arrays.stream(EventSource.values()).map(EventSource::json).toList() + ", found \""
                        + dev.verge.cloud.registry.ModelNames.printable(s) + "\""))).orElse(null);
        Paging paging = Paging.of(call, DEFAULT_LIMIT, MAX_LIMIT);
        ModelEvents.Page page = events.page(source, paging.after(), paging.limit());
        return Paging.answer("events", page.events(), page.next());
    }

    private static ApiResponse respond(EventIntake.Answer answer) {
        ApiResponse response = answer.body() == null
                ? new ApiResponse(answer.status(), Map.of(), null)
                : ApiResponse.json(answer.status(), answer.body());
        for (Map.Entry<String, String> header : answer.headers().entrySet()) {
            response = response.withHeader(header.getKey(), header.getValue());
        }
        return response;
    }

    /** The body, or null when over {@link EventIntake#MAX_BODY_BYTES}. */
    private static byte[] body(ApiCall call) {
        try (InputStream in = call.request().body()) {
            byte[] bytes = in.readNBytes(EventIntake.MAX_BODY_BYTES + 1);
            return bytes.length > EventIntake.MAX_BODY_BYTES ? null : bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body", e);
        }
    }

    private static ApiResponse tooLarge() {
        return ApiResponse.json(413, new ErrorBody("body_too_large",
                "expected an event body of at most " + EventIntake.MAX_BODY_BYTES + " bytes, found more"));
    }
}
