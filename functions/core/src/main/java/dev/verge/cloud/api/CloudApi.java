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

    /**
     * Marks an answer as a failed authentication (a wrong API key or device key, a wrong dashboard login), which
     * counts against the caller's address; removed before the answer leaves. Webhook signatures do not count:
     * a registry with a stale secret keeps retrying from a few addresses and would lock them out.
     */
    public static final String AUTH_FAILED = "X-Verge-Auth-Failed";

    private final Routes routes;
    private final ApiKeyAuth auth;
    private final FailedAuthLimiter failures;

    public CloudApi(Routes routes, ApiKeyAuth auth) {
        this(routes, auth, FailedAuthLimiter.defaults(java.time.Clock.systemUTC()));
    }

    public CloudApi(Routes routes, ApiKeyAuth auth, FailedAuthLimiter failures) {
        this.routes = routes;
        this.auth = auth;
        this.failures = failures;
    }

    public CloudApi(List<RouteGroup> groups, ApiKeyAuth auth) {
        this(collect(groups), auth);
    }

    public CloudApi(List<RouteGroup> groups, ApiKeyAuth auth, FailedAuthLimiter failures) {
        this(collect(groups), auth, failures);
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

    /**
     * Never throws: every outcome, including bugs, is a response. Logs name the route's template
     * ({@code POST /api/webhooks/{source}}), never the path or query as sent: those carry keys and tokens.
     */
    public ApiResponse handle(ApiRequest request) {
        return handle(request, null);
    }

    /**
     * Like {@link #handle(ApiRequest)}, for a runtime that knows the caller's address: an address that failed to
     * authenticate too often ({@link FailedAuthLimiter}) is answered 429 with {@code Retry-After} until its
     * window ends, whatever it sends.
     */
    public ApiResponse handle(ApiRequest request, String clientAddress) {
        if (clientAddress != null) {
            java.util.Optional<java.time.Duration> wait = failures.retryAfter(clientAddress);
            if (wait.isPresent()) {
                long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
                return SecurityHeaders.apply(ApiResponse.error(ErrorKind.TOO_MANY_REQUESTS, "too_many_failed_attempts",
                        "too many failed authentications from this address; retry in " + seconds + " s")
                        .withHeader("Retry-After", Long.toString(seconds)));
            }
        }
        ApiResponse response = answer(request);
        if (response.header(AUTH_FAILED).isPresent()) {
            if (clientAddress != null) {
                failures.failed(clientAddress);
            }
            response = response.withoutHeader(AUTH_FAILED);
        }
        return SecurityHeaders.apply(response);
    }

    private ApiResponse answer(ApiRequest request) {
        boolean head = request.method().equals("HEAD");
        String method = head ? "GET" : request.method();
        String route = request.method() + " (no route)";
        try {
            Routes.Lookup lookup = routes.lookup(method, UriPaths.segments(request.path()));
            if (lookup instanceof Routes.Found found) {
                route = request.method() + " " + found.route().pattern();
            }
            ApiResponse response = dispatch(request, lookup);
            return head ? response.withoutBody() : response;
        } catch (VergeException e) {
            String where = route;
            if (e.kind().httpStatus() >= 500) {
                LOG.log(Level.WARNING, where + " failed: " + e.code() + ": " + e.getMessage(), e);
            } else {
                LOG.log(Level.DEBUG, () -> where + " refused: " + e.code());
            }
            ApiResponse error = ApiResponse.error(e);
            return switch (e.kind()) {
                case UNAUTHORIZED -> error.withHeader("WWW-Authenticate", "Bearer realm=\"verge\"").withHeader(AUTH_FAILED, "1");
                // temporary (an inference over its time limit, a store that is away): say when to come back
                case NOT_READY -> error.withHeader("Retry-After", "1");
                default -> error;
            };
        } catch (RuntimeException e) {
            String incident = UUID.randomUUID().toString();
            LOG.log(Level.ERROR, route + " failed unexpectedly, incident " + incident, e);
            return ApiResponse.error(ErrorKind.INTERNAL, "internal_error",
                    "the server failed to handle the request; it was logged as incident " + incident);
        }
    }

    private ApiResponse dispatch(ApiRequest sent, Routes.Lookup lookup) {
        ApiRequest request = new ApiRequest(sent.method(), sent.path(), sent.headers(), sent.query(), new ClientBody(sent.body()));
        return switch (lookup) {
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
