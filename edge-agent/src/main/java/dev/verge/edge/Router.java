package dev.verge.edge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one HTTP handler of the agent: finds the route, runs it, and turns every failure into a JSON
 * error with its status here and nowhere else. Also counts and times every request.
 */
final class Router implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(Router.class.getName());
    /**
     * After an early error the client may still be sending its body. Reading (and dropping) up to
     * this much lets it finish and read our answer; past it the connection is closed instead.
     */
    private static final long DISCARD_LIMIT = 16L * 1024 * 1024;

    private final List<Route> routes;
    private final AgentMetrics metrics;
    private final CallerKeys keys;

    Router(List<Route> routes, AgentMetrics metrics) {
        this(routes, metrics, new CallerKeys(List.of()));
    }

    Router(List<Route> routes, AgentMetrics metrics, CallerKeys keys) {
        this.routes = List.copyOf(routes);
        this.metrics = metrics;
        this.keys = keys;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        metrics.requestStarted();
        Outcome outcome;
        try {
            outcome = dispatch(exchange);
            // counted before it is sent: a client that has its answer finds it in /metrics
            metrics.requestCompleted(outcome.route(), outcome.reply().status(), System.nanoTime() - start);
        } finally {
            metrics.requestEnded();
        }
        send(exchange, outcome.reply());
        Runnable after = outcome.after().get();
        if (after != null) {
            try {
                after.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "work after the answer to " + exchange.getRequestURI().getPath()
                        + " failed (the answer was sent)", e);
            }
        }
    }

    /** The reply, and the route name its metrics carry ("unmatched" for 404 and 405). */
    private record Outcome(String route, Reply reply, AtomicReference<Runnable> after) {
        Outcome(String route, Reply reply) {
            this(route, reply, new AtomicReference<>());
        }
    }

    private Outcome dispatch(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        TreeSet<String> allowed = new TreeSet<>();
        Route.ErrorFormat errors = Route.VERGE_ERRORS;
        for (Route route : routes) {
            Optional<Map<String, String>> params = route.match(path);
            if (params.isPresent()) {
                if (route.method().equals(method)) {
                    Request request = new Request(exchange, params.get());
                    return new Outcome(route.name(), run(route, request), request.after());
                }
                allowed.add(route.method());
                errors = route.errors();
            }
        }
        if (!allowed.isEmpty()) {
            exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
            return new Outcome("unmatched", errorReply(new VergeException(ErrorKind.METHOD_NOT_ALLOWED, "method_not_allowed",
                    path + " accepts " + String.join(", ", allowed) + ", not " + method), errors));
        }
        return new Outcome("unmatched", errorReply(new VergeException(ErrorKind.NOT_FOUND, "route_not_found",
                "no route " + method + " " + path + "; the agent serves POST /image, POST /url, GET /v2/health/ready, "
                        + "GET /v2/models/{name}, POST /v2/models/{name}/infer and GET /metrics")));
    }

    private Reply run(Route route, Request request) {
        try {
            keys.check(route.name(), request.exchange().getRequestHeaders());
            return route.endpoint().handle(request);
        } catch (VergeException e) {
            return errorReply(e, route.errors());
        } catch (IOException | UncheckedIOException e) {
            // the client went away or sent a broken stream: its problem, not ours
            return errorReply(new VergeException(ErrorKind.BAD_REQUEST, "request_read_failed",
                    "could not read the request body: " + e.getMessage()), route.errors());
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "unexpected failure on " + route.method() + " " + route.name(), e);
            return errorReply(new VergeException(ErrorKind.INTERNAL, "internal_error",
                    "the agent failed unexpectedly (" + e.getClass().getSimpleName() + "); the agent log has the details"),
                    route.errors());
        }
    }

    private Reply errorReply(VergeException e) {
        return errorReply(e, Route.VERGE_ERRORS);
    }

    private Reply errorReply(VergeException e, Route.ErrorFormat errors) {
        metrics.errorReported(e.code());
        Reply reply = Reply.json(e.kind().httpStatus(), errors.body(e));
        // every 503 here is temporary (no model yet, busy, shutting down): tell clients when to come back
        return e.kind() == ErrorKind.NOT_READY ? reply.withHeader("Retry-After", "1") : reply;
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        if (reply.status() >= 400) {
            // before answering: once an answer ends, the JDK server drains only 64 KiB of an unread body and
            // closes the connection, and a client still sending its (too large) picture then loses our 413
            discardUnreadBody(exchange);
        }
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        reply.headers().forEach(exchange.getResponseHeaders()::set);
        try (exchange) {
            exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    /**
     * Drops what the client still sends after an early error, up to {@link #DISCARD_LIMIT}; the
     * server closes the connection when some of the body is left unread.
     */
    private static void discardUnreadBody(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            long left = DISCARD_LIMIT;
            byte[] sink = new byte[64 * 1024];
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            // the client closed first; nothing left to protect
        }
    }
}
