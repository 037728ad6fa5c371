package dev.verge.edge.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.verge.inference.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * The cloud's {@code POST /api/telemetry} and {@code POST /api/samples} as README "Telemetry" and verge-wire's TelemetryBatch describe them,
 * on 127.0.0.1, idempotent on batch id and sample id, that can be switched to answer as a cloud that is
 * down (503), failing (500), slow (keeps the batch, answers after the agent gave up), or refusing (400).
 */
public final class FakeCloud implements AutoCloseable {
    public static final String DEVICE_ID = "cam-1";
    public static final String DEVICE_KEY = "key-1";

    public enum Mode { UP, DOWN, FAILING, SLOW, REFUSING, FLAKY }

    /** One sample as stored: its query parameters, content type and bytes. */
    record StoredSample(Map<String, String> query, String contentType, byte[] image) {}

    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private volatile Mode mode = Mode.UP;
    private volatile Duration slowness = Duration.ofSeconds(2);
    private volatile java.util.function.Predicate<JsonNode> rejects = record -> false;
    public final List<JsonNode> rejected = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> batches = new ConcurrentHashMap<>();
    public final List<JsonNode> records = new CopyOnWriteArrayList<>();
    final List<JsonNode> envelopes = new CopyOnWriteArrayList<>();
    final AtomicLong droppedReported = new AtomicLong();
    final AtomicInteger telemetryRequests = new AtomicInteger();
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicInteger unauthorized = new AtomicInteger();
    final Map<String, StoredSample> samples = new ConcurrentHashMap<>();
    final AtomicInteger sampleRequests = new AtomicInteger();

    public FakeCloud() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(executor);
        http.createContext("/api/telemetry", this::telemetry);
        http.createContext("/api/samples", this::sample);
        http.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    public void mode(Mode newMode) {
        mode = newMode;
    }

    void slowness(Duration d) {
        slowness = d;
    }

    /** Records matching {@code rejects} are rejected one by one in the answer, as the cloud does with what it cannot read. */
    void rejectRecords(java.util.function.Predicate<JsonNode> which) {
        rejects = which;
    }

    public int acceptedRecords() {
        return records.size();
    }

    private void telemetry(HttpExchange exchange) throws IOException {
        try (exchange) {
            telemetryRequests.incrementAndGet();
            if (!authorized(exchange)) {
                return;
            }
            Mode now = mode;
            if (now == Mode.DOWN) {
                answer(exchange, 503, "{\"error\":\"unavailable\",\"message\":\"down for the test\"}");
                return;
            }
            if (now == Mode.FLAKY && telemetryRequests.get() % 5 == 0) {
                answer(exchange, 503, "{\"error\":\"unavailable\",\"message\":\"every fifth request fails for the test\"}");
                return;
            }
            if (now == Mode.FAILING) {
                answer(exchange, 500, "{\"error\":\"internal\",\"message\":\"failing for the test\"}");
                return;
            }
            byte[] body = readBody(exchange);
            JsonNode batch;
            try {
                batch = Json.mapper().readTree(body);
            } catch (IOException e) {
                answer(exchange, 400, "{\"error\":\"telemetry_batch_invalid\",\"message\":\"not JSON\"}");
                return;
            }
            if (now == Mode.REFUSING || !batch.path("batchId").isTextual() || !batch.path("records").isArray()) {
                answer(exchange, 400, "{\"error\":\"telemetry_batch_invalid\",\"message\":\"refused for the test\"}");
                return;
            }
            String batchId = batch.get("batchId").asText();
            List<Integer> rejectedAt = new java.util.ArrayList<>();
            for (int i = 0; i < batch.get("records").size(); i++) {
                if (rejects.test(batch.get("records").get(i))) {
                    rejectedAt.add(i);
                }
            }
            int count = batch.get("records").size() - rejectedAt.size();
            boolean duplicate;
            synchronized (batches) {
                duplicate = batches.putIfAbsent(batchId, count) != null;
                if (!duplicate) {
                    for (int i = 0; i < batch.get("records").size(); i++) {
                        (rejectedAt.contains(i) ? rejected : records).add(batch.get("records").get(i));
                    }
                    envelopes.add(batch);
                    droppedReported.addAndGet(batch.path("dropped").asLong());
                } else {
                    duplicates.incrementAndGet();
                }
            }
            if (now == Mode.SLOW) {
                sleep(slowness); // the batch is stored, but the agent gives up waiting: its retry is a duplicate
            }
            StringBuilder rejections = new StringBuilder();
            for (int i : rejectedAt) {
                rejections.append(rejections.isEmpty() ? "" : ",").append("{\"index\":").append(i)
                        .append(",\"field\":\"records[").append(i).append("]\",\"reason\":\"rejected for the test\"}");
            }
            answer(exchange, 200, "{\"batchId\":\"" + batchId + "\",\"accepted\":" + count + ",\"rejected\":"
                    + rejectedAt.size() + ",\"rejections\":[" + rejections + "],\"duplicate\":" + duplicate + "}");
        }
    }

    private void sample(HttpExchange exchange) throws IOException {
        try (exchange) {
            sampleRequests.incrementAndGet();
            if (!authorized(exchange)) {
                return;
            }
            if (mode == Mode.DOWN) {
                answer(exchange, 503, "{\"error\":\"unavailable\",\"message\":\"down for the test\"}");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String id = query.get("sampleId");
            byte[] image = readBody(exchange);
            boolean existed = samples.putIfAbsent(id,
                    new StoredSample(query, exchange.getRequestHeaders().getFirst("Content-Type"), image)) != null;
            answer(exchange, existed ? 200 : 201, "{\"key\":\"samples/" + query.get("model") + "/" + id + "\"}");
        }
    }

    private boolean authorized(HttpExchange exchange) throws IOException {
        if (!DEVICE_ID.equals(exchange.getRequestHeaders().getFirst("X-Device-Id"))
                || !DEVICE_KEY.equals(exchange.getRequestHeaders().getFirst("X-Device-Key"))) {
            unauthorized.incrementAndGet();
            answer(exchange, 401, "{\"error\":\"device_unauthorized\",\"message\":\"unknown device or key\"}");
            return false;
        }
        return true;
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(in);
        }
        return in.readAllBytes();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
