package dev.verge.cloud.api;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The one HTTP function of the cloud side: routes an {@link ApiRequest} to its handler, checks the
 * API key, and maps every error to a status and an {@code {"error", "message"}} JSON body, once for
 * every runtime. Adapters (local server, API Gateway, Azure HttpTrigger) only translate their
 * request into an {@link ApiRequest} and the {@link ApiResponse} back.
 *
 * <p>Unknown paths get 404 {@code route_not_found}, a known path with another method 405
 * {@code method_not_allowed} (with {@code Allow}), an unexpected failure 500 {@code internal_error}
 * whose message carries an incident id that is logged with the stack trace (never sent).
 */
public final class CloudApi implements Function<ApiRequest, ApiResponse> {
    private static final System.Logger LOG = System.getLogger(CloudApi.class.getName());

    private final Routes routes;
    private final ApiKeyAuth auth;

    public CloudApi(Routes routes, ApiKeyAuth auth) {
        this.routes = routes;
        this.auth = auth;
    }

    public CloudApi(List<RouteGroup> groups, ApiKeyAuth auth) {
        this(collect(groups), auth);
    }

    private static Routes collect(List<RouteGroup> groups) {
        Routes routes = new Routes();
        groups.forEach(routes::addAll);
        return routes;
    }

    @Override
    public ApiResponse apply(ApiRequest request) {
        return handle(request);
    }

    /** Never throws: every outcome, including bugs, is a response. */
    public ApiResponse handle(ApiRequest request) {
        boolean head = request.method().equals("HEAD");
        try {
            ApiResponse response = dispatch(request, head ? "GET" : request.method());
            return head ? response.withoutBody() : response;
        } catch (VergeException e) {
            if (e.kind().httpStatus() >= 500) {
                LOG.log(Level.WARNING, request + " failed: " + e.code() + ": " + e.getMessage(), e);
            } else {
                LOG.log(Level.DEBUG, () -> request + " refused: " + e.code() + ": " + e.getMessage());
            }
            ApiResponse error = ApiResponse.error(e);
            return e.kind() == ErrorKind.UNAUTHORIZED ? error.withHeader("WWW-Authenticate", "Bearer realm=\"verge\"") : error;
        } catch (RuntimeException e) {
            String incident = UUID.randomUUID().toString();
            LOG.log(Level.ERROR, request + " failed unexpectedly, incident " + incident, e);
            return ApiResponse.error(ErrorKind.INTERNAL, "internal_error",
                    "the server failed to handle the request; it was logged as incident " + incident);
        }
    }

    private ApiResponse dispatch(ApiRequest sent, String method) {
        ApiRequest request = new ApiRequest(sent.method(), sent.path(), sent.headers(), sent.query(), new ClientBody(sent.body()));
        List<String> path = UriPaths.segments(request.path());
        return switch (routes.lookup(method, path)) {
            case Routes.Found found -> {
                Caller caller = found.route().access() == Routes.Access.PUBLIC ? Caller.ANONYMOUS : auth.authenticate(request);
                yield found.route().handler().handle(new ApiCall(request, found.params(), caller));
            }
            case Routes.WrongMethod wrong -> ApiResponse.error(ErrorKind.METHOD_NOT_ALLOWED, "method_not_allowed",
                            "expected one of " + wrong.allowed() + " for " + request.path() + ", found " + request.method())
                    .withHeader("Allow", String.join(", ", wrong.allowed()));
            case Routes.NotFound notFound -> ApiResponse.error(ErrorKind.NOT_FOUND, "route_not_found",
                    "no route for " + request.method() + " " + request.path() + "; the routes are " + routes.describe());
        };
    }
}
