package dev.verge.cloud.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The part of the Lambda Runtime API a runtime interface client talks to, on 127.0.0.1: it hands out
 * queued events on {@code GET /2018-06-01/runtime/invocation/next} and completes each event's future
 * with what the function posts to {@code .../response} or {@code .../error}; an init error fails
 * every pending event. A SnapStart init ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}) is
 * "restored" as soon as it asks, so no snapshot is really taken.
 */
public final class LocalRuntimeApi implements AutoCloseable {
    private static final String BASE = "/2018-06-01/runtime";

    /** What the function answered to one event. */
    public record Outcome(boolean error, String body, long nanoTime) {}

    private record Pending(String requestId, byte[] event) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-runtime-api");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
    private final CompletableFuture<Long> firstPoll = new CompletableFuture<>();

    public LocalRuntimeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext(BASE + "/invocation/next", this::next);
        server.createContext(BASE + "/invocation/", this::answer);
        server.createContext(BASE + "/init/error", this::initError);
        // with SnapStart the client reports the end of init here and waits for the restore: restore at once
        server.createContext(BASE + "/restore/next", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /**
     * Serves the function's role credentials the way Lambda does for SnapStart functions, which get no
     * {@code AWS_ACCESS_KEY_ID}: returns the value for {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}; requests
     * must carry {@code token} (AWS_CONTAINER_AUTHORIZATION_TOKEN) in their Authorization header.
     */
    public String serveContainerCredentials(String accessKeyId, String secretAccessKey, String token) {
        server.createContext("/credentials", exchange -> {
            boolean authorized = token.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            // Lambda's answer also has a session "Token"; left out because s3proxy refuses x-amz-security-token
            byte[] body = ("{\"AccessKeyId\": \"" + accessKeyId + "\", \"SecretAccessKey\": \"" + secretAccessKey
                    + "\", \"Expiration\": \"2099-01-01T00:00:00Z\"}")
                    .getBytes(StandardCharsets.UTF_8);
            if (!authorized) {
                exchange.sendResponseHeaders(403, -1);
            } else {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        return "http://" + address() + "/credentials";
    }

    /** {@code host:port}, as AWS_LAMBDA_RUNTIME_API holds it. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues an event; the future completes with the function's answer. */
    public CompletableFuture<Outcome> invoke(byte[] event) {
        String id = UUID.randomUUID().toString();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        outcomes.put(id, outcome);
        queue.add(new Pending(id, event));
        return outcome;
    }

    /** When the function first asked for an event: its init phase was over. */
    public CompletableFuture<Long> firstPoll() {
        return firstPoll;
    }

    private void next(HttpExchange exchange) throws IOException {
        firstPoll.complete(System.nanoTime());
        Pending pending;
        try {
            pending = queue.poll(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending = null;
        }
        if (pending == null) {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.add("Lambda-Runtime-Aws-Request-Id", pending.requestId());
        headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + Duration.ofMinutes(5).toMillis()));
        headers.add("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:verge-test");
        headers.add("Lambda-Runtime-Trace-Id", "Root=1-5f84c7a1-0123456789abcdef01234567;Sampled=0");
        headers.add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, pending.event().length);
        exchange.getResponseBody().write(pending.event());
        exchange.close();
    }

    private void answer(HttpExchange exchange) throws IOException {
        long at = System.nanoTime();
        String[] parts = exchange.getRequestURI().getPath().substring((BASE + "/invocation/").length()).split("/");
        byte[] body = exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(202, -1);
        exchange.close();
        CompletableFuture<Outcome> outcome = parts.length == 2 ? outcomes.remove(parts[0]) : null;
        if (outcome != null) {
            outcome.complete(new Outcome(parts[1].equals("error"), new String(body, StandardCharsets.UTF_8), at));
        }
    }

    private void initError(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(202, -1);
        exchange.close();
        firstPoll.completeExceptionally(new IllegalStateException("init error: " + body));
        outcomes.values().forEach(o -> o.completeExceptionally(new IllegalStateException("init error: " + body)));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
