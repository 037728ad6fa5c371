package dev.verge.cloud.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The route table of {@link CloudApi}. Each feature adds its routes through a {@link RouteGroup}:
 * <pre>{@code
 * routes.get("/api/models/{name}/versions", call -> ...)
 *       .post("/api/models/{name}/versions", call -> ...)
 *       .route("GET", "/api/health", Access.PUBLIC, call -> ...);
 * }</pre>
 * Patterns are '/'-separated literals and {@code {param}} segments; a literal beats a parameter when
 * two patterns match the same path.
 */
public final class Routes {

    /** Who may call a route. Webhooks and device routes will check their own credentials in the handler. */
    public enum Access {
        /** No credentials (health checks, routes that authenticate the request themselves). */
        PUBLIC,
        /** The registry's API key ({@code x-api-key} or {@code Authorization: Bearer}). */
        API_KEY
    }

    /** Turns a matched call into a response; throws {@code VergeException} for anything the caller got wrong. */
    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiCall call);
    }

    record Route(String method, String pattern, List<String> segments, Access access, Handler handler) {
        int literalCount() {
            return (int) segments.stream().filter(s -> !isParam(s)).count();
        }

        Optional<Map<String, String>> match(List<String> path) {
            if (path.size() != segments.size()) {
                return Optional.empty();
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < segments.size(); i++) {
                String pattern = segments.get(i);
                if (isParam(pattern)) {
                    params.put(pattern.substring(1, pattern.length() - 1), path.get(i));
                } else if (!pattern.equals(path.get(i))) {
                    return Optional.empty();
                }
            }
            return Optional.of(params);
        }
    }

    /** The outcome of looking a request up. */
    sealed interface Lookup permits Found, WrongMethod, NotFound {}

    record Found(Route route, Map<String, String> params) implements Lookup {}

    record WrongMethod(Set<String> allowed) implements Lookup {}

    record NotFound() implements Lookup {}

    private final List<Route> routes = new ArrayList<>();

    public Routes get(String pattern, Handler handler) {
        return route("GET", pattern, Access.API_KEY, handler);
    }

    public Routes post(String pattern, Handler handler) {
        return route("POST", pattern, Access.API_KEY, handler);
    }

    public Routes put(String pattern, Handler handler) {
        return route("PUT", pattern, Access.API_KEY, handler);
    }

    public Routes delete(String pattern, Handler handler) {
        return route("DELETE", pattern, Access.API_KEY, handler);
    }

    public Routes route(String method, String pattern, Access access, Handler handler) {
        List<String> segments = List.of(pattern.split("/")).stream().filter(s -> !s.isEmpty()).toList();
        String upper = method.toUpperCase(Locale.ROOT);
        for (Route existing : routes) {
            if (existing.method().equals(upper) && existing.segments().equals(segments)) {
                throw new IllegalArgumentException("route " + upper + " " + pattern + " is defined twice");
            }
        }
        routes.add(new Route(upper, pattern, segments, access, handler));
        routes.sort(Comparator.comparingInt(Route::literalCount).reversed());
        return this;
    }

    public Routes addAll(RouteGroup group) {
        group.addTo(this);
        return this;
    }

    Lookup lookup(String method, List<String> path) {
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Optional<Map<String, String>> params = route.match(path);
            if (params.isEmpty()) {
                continue;
            }
            if (route.method().equals(method)) {
                return new Found(route, params.get());
            }
            allowed.add(route.method());
        }
        return allowed.isEmpty() ? new NotFound() : new WrongMethod(allowed);
    }

    private static boolean isParam(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }

    /** Every route as "METHOD pattern", for error messages and documentation. */
    public List<String> describe() {
        return routes.stream().map(r -> r.method() + " " + r.pattern()).sorted().toList();
    }
}
