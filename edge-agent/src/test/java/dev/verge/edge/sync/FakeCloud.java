package dev.verge.edge.sync;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.verge.inference.json.Json;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.pkg.PackageSignature;
import dev.verge.inference.pkg.StatementSignature;
import dev.verge.wire.desired.DesiredStatement;
import dev.verge.wire.desired.SignedStatement;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cloud's device API as README "Roll out to devices" and functions/core's RolloutRoutes fix it, on 127.0.0.1: {@code GET /api/devices/{id}/desired},
 * {@code POST /api/devices/{id}/status} and package downloads (with HTTP Range), behind the device headers.
 * It can also misbehave: answer garbage, answer 500, answer slowly, break a download halfway, and serve
 * packages whose bytes or announcement were tampered with. {@code POST /api/models/{name}/versions/{v}/predict}
 * answers like the real cloud (Custom Vision JSON, {@code X-Verge-Model-Version}; 400 for bytes that are no
 * JPEG) with the tag {@link #CLOUD_TAG}, and misbehaves on its own ({@link #predictMode}). It serves the apple
 * at {@code /apple.jpg} for {@code POST /url}.
 *
 * <p>The desired state is a signed statement (protocol 2) as the real cloud makes it, with a revision that grows
 * on every change. An attacker's tools are here too: replay an answer captured earlier ({@link #replay}), sign for
 * another device, with another key or with a clock that is off, tamper with the statement, or answer as a
 * protocol-1 cloud.
 */
final class FakeCloud implements AutoCloseable {
    static final String DEVICE_ID = "cam-1";
    static final String DEVICE_KEY = "primary-key-1";
    static final String CLOUD_TAG = "ripe-from-the-cloud";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
    private static final Pattern PREDICT = Pattern.compile("/api/models/([^/]+)/versions/([^/]+)/predict");

    enum Mode { OK, GARBAGE, ERROR, SLOW }

    private final HttpServer http;
    private final KeyPair signing = PackageSignature.generateKeyPair();
    private final Map<String, byte[]> packages = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicInteger deployments = new AtomicInteger();
    private volatile Mode mode = Mode.OK;
    private volatile Duration slowness = Duration.ofSeconds(3);
    private volatile ObjectNode desired; // null: nothing deployed
    private volatile List<DesiredStatement.ModelEntry> several; // non-null: these models, as listed (deployModels)
    private volatile boolean presign;
    private volatile long cutNextDownloadAfter = -1;
    private volatile Mode predictMode = Mode.OK;
    private final AtomicLong revision = new AtomicLong(1);
    private volatile String statementDevice = DEVICE_ID;
    private volatile Duration validity = Duration.ofHours(1);
    private volatile Duration clockOffset = Duration.ZERO;
    private volatile List<KeyPair> signers = List.of(signing);
    private volatile List<PublicKey> announced = List.of(signing.getPublic());
    private volatile byte[] replay;
    private volatile boolean tamper;
    private volatile boolean legacy;

    /** Every desired-state answer sent, as sent. */
    final List<byte[]> answers = new CopyOnWriteArrayList<>();

    final List<JsonNode> reports = new CopyOnWriteArrayList<>();
    /** The Range header of every package download ("" without one). */
    final List<String> downloads = new CopyOnWriteArrayList<>();
    final AtomicInteger desiredCalls = new AtomicInteger();
    /** The path of every prediction asked for, with the bytes it carried. */
    final List<Map.Entry<String, byte[]>> predictions = new CopyOnWriteArrayList<>();

    private FakeCloud(HttpServer http) {
        this.http = http;
    }

    static FakeCloud start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            FakeCloud cloud = new FakeCloud(http);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.createContext("/", cloud::handle);
            http.start();
            return cloud;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    PublicKey trustedKey() {
        return signing.getPublic();
    }

    PrivateKey signingKey() {
        return signing.getPrivate();
    }

    void mode(Mode newMode) {
        mode = newMode;
    }

    /** How the predict route behaves (the device routes keep their own mode). */
    void predictMode(Mode newMode) {
        predictMode = newMode;
    }

    void slowness(Duration delay) {
        slowness = delay;
    }

    /** The next package download sends this many bytes and then breaks the connection. */
    void cutNextDownloadAfter(long bytes) {
        cutNextDownloadAfter = bytes;
    }

    /** The announcement the real cloud would make for these bytes: sha256, size and a valid signature by the current key. */
    PackageRef announce(String model, String version, byte[] zip) {
        String sha256 = ModelPackage.sha256(zip);
        return new PackageRef(model, version, sha256, zip.length,
                PackageSignature.sign(signers.get(0).getPrivate(), model, version, sha256, zip.length));
    }

    /** Deploys honestly: the announced package is the served one. */
    PackageRef deploy(String model, String version, byte[] zip) {
        PackageRef ref = announce(model, version, zip);
        deploy(ref, zip);
        return ref;
    }

    /** Announces {@code announced} in the desired state and serves {@code served} at its URL (tampering when they differ). */
    void deploy(PackageRef announced, byte[] served) {
        String path = "/api/packages/" + announced.model() + "/" + announced.version() + "/" + (deployments.get() + 1) + ".zip";
        packages.put(path, served);
        deployAt(announced, path);
    }

    /** Announces {@code announced} at {@code url}, served by someone else (a bucket). */
    void deployAt(PackageRef announced, String url) {
        String path = url;
        deployments.incrementAndGet();
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("deviceId", DEVICE_ID).put("group", "line-1");
        root.putObject("deployment").put("id", "dep-" + deployments.get()).put("strategy", "all-at-once").put("role", "stable");
        root.put("model", announced.model()).put("version", announced.version());
        root.putObject("package").put("url", path).put("sha256", announced.sha256()).put("size", announced.size())
                .put("signature", announced.signature());
        root.putObject("sampling").put("enabled", false).put("belowProbability", 0.5).put("randomFraction", 0.01).put("maxPerHour", 60);
        desired = root;
        several = null;
        revision.incrementAndGet();
    }

    /** A model entry for {@link #deployModels}: the package announced, signed and served here. */
    DesiredStatement.ModelEntry entry(String model, String version, byte[] zip, Boolean isDefault, DesiredStatement.Shadow shadow) {
        PackageRef ref = announce(model, version, zip);
        String path = "/api/packages/" + model + "/" + version + "/" + deployments.incrementAndGet() + ".zip";
        packages.put(path, zip);
        return new DesiredStatement.ModelEntry(model, ref.version(), ref.sha256(), ref.size(), path, ref.signature(),
                new DesiredStatement.Deployment("dep-" + deployments.get(), "all-at-once", "stable"), isDefault, shadow);
    }

    /** A shadow candidate for {@link #entry}: its package announced, signed and served here. */
    DesiredStatement.Shadow shadow(String model, String version, byte[] zip, int percent) {
        PackageRef ref = announce(model, version, zip);
        String path = "/api/packages/" + model + "/" + version + "/shadow-" + deployments.incrementAndGet() + ".zip";
        packages.put(path, zip);
        return new DesiredStatement.Shadow(ref.version(), ref.sha256(), ref.size(), path, ref.signature(), percent,
                new DesiredStatement.Deployment("dep-" + deployments.get(), "shadow", "shadow"));
    }

    /** The desired state lists exactly {@code entries} (several models per device). */
    void deployModels(List<DesiredStatement.ModelEntry> entries) {
        several = List.copyOf(entries);
        desired = Json.mapper().createObjectNode();
        revision.incrementAndGet();
    }

    /** Announces {@code announced} at a cloud URL that redirects (302) the device to {@code location}. */
    void deployRedirectingTo(PackageRef announced, String location) {
        String path = "/api/packages/" + announced.model() + "/" + announced.version() + "/redirect-" + (deployments.get() + 1);
        redirects.put(path, location);
        deployAt(announced, path);
    }

    /** The current deployment's {@code sampling} becomes {@code json} (any JSON, even one an agent cannot use). */
    void sampling(String json) {
        ObjectNode root = desired.deepCopy();
        try {
            root.set("sampling", Json.mapper().readTree(json));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        desired = root;
        revision.incrementAndGet();
    }

    void nothingDeployed() {
        desired = null;
        several = null;
        revision.incrementAndGet();
    }

    /** From now on every desired-state answer is exactly {@code answer} (an attacker replaying a captured one); null: stop. */
    void replay(byte[] answer) {
        replay = answer;
    }

    /** Statements name {@code deviceId} instead of the device asking. */
    void statementsFor(String deviceId) {
        statementDevice = deviceId;
    }

    /** Statements are signed with {@code keys} (the first is the current key) and announce {@code trusted}. */
    void signWith(List<KeyPair> keys, List<PublicKey> trusted) {
        signers = List.copyOf(keys);
        announced = List.copyOf(trusted);
        revision.incrementAndGet(); // the announced keys are part of what a statement says
    }

    /** Statements are issued by a clock {@code offset} off the real one, and good for {@code newValidity}. */
    void clock(Duration offset, Duration newValidity) {
        clockOffset = offset;
        validity = newValidity;
    }

    /** Statements are changed after they are signed. */
    void tamperWithStatements() {
        tamper = true;
    }

    /** Answers as a protocol-1 cloud does: the unsigned desired state. */
    void answerUnsigned() {
        legacy = true;
    }

    /** The next change is made under the revision of the last one (a cloud that lost count). */
    void keepRevision() {
        revision.decrementAndGet();
    }

    long revision() {
        return revision.get();
    }

    /** The signed desired state, as the real cloud would answer it now. */
    private byte[] signedAnswer() {
        // the revision before what it covers: read the other way round, a deployment made in between would go out
        // under its own new revision with the old content, and every later answer would then be a conflict
        long sentRevision = revision.get();
        ObjectNode root = desired;
        List<DesiredStatement.ModelEntry> models = List.of();
        Map<String, Object> sampling = null;
        if (several != null) {
            models = several;
        } else if (root != null) {
            JsonNode p = root.get("package");
            JsonNode d = root.get("deployment");
            String url = p.get("url").asText() + (presign ? "?X-Amz-Signature=" + desiredCalls.get() : "");
            models = List.of(new DesiredStatement.ModelEntry(root.get("model").asText(), root.get("version").asText(),
                    p.get("sha256").asText(), p.get("size").asLong(), url, p.get("signature").asText(),
                    new DesiredStatement.Deployment(d.get("id").asText(), d.get("strategy").asText(), d.get("role").asText())));
            sampling = root.get("sampling") == null || root.get("sampling").isNull() ? null
                    : Json.mapper().convertValue(root.get("sampling"), new TypeReference<Map<String, Object>>() {});
        }
        java.time.Instant now = java.time.Instant.now().plus(clockOffset);
        DesiredStatement statement = new DesiredStatement(DesiredStatement.TYPE, DesiredStatement.PROTOCOL, statementDevice,
                "line-1", sentRevision, now.toString(), now.plus(validity).toString(), models, sampling, null,
                announced.stream().map(k -> new DesiredStatement.SigningKey(StatementSignature.keyId(k),
                        PackageSignature.encode(k))).toList());
        try {
            byte[] bytes = Json.mapper().writeValueAsBytes(statement);
            List<SignedStatement.Signature> signatures = signers.stream().map(k -> new SignedStatement.Signature(
                    StatementSignature.keyId(k.getPublic()), StatementSignature.sign(k.getPrivate(), bytes))).toList();
            byte[] sent = tamper ? new String(bytes, StandardCharsets.UTF_8).replace("\"line-1\"", "\"line-2\"")
                    .getBytes(StandardCharsets.UTF_8) : bytes;
            return Json.mapper().writeValueAsBytes(new SignedStatement(DesiredStatement.PROTOCOL,
                    Base64.getEncoder().encodeToString(sent), signatures));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every answer carries a freshly "signed" package URL (a new query string), as pre-signed bucket URLs do. */
    void presignEveryAnswer() {
        presign = true;
    }

    private String desiredJson() {
        ObjectNode root = desired;
        if (root == null) {
            return nothingDeployedJson();
        }
        if (presign) {
            root = root.deepCopy();
            ObjectNode location = (ObjectNode) root.get("package");
            location.put("url", location.get("url").asText() + "?X-Amz-Signature=" + desiredCalls.get());
        }
        return root.toString();
    }

    private static String nothingDeployedJson() {
        return "{\"deviceId\": \"" + DEVICE_ID + "\", \"group\": \"line-1\", \"deployment\": null, \"model\": null,"
                + " \"version\": null, \"package\": null, \"sampling\": null}";
    }

    /** The status reports whose lastError has this code. */
    List<JsonNode> reportsWithError(String code) {
        return reports.stream().filter(r -> code.equals(r.path("lastError").path("code").asText())).toList();
    }

    JsonNode lastReport() {
        return reports.isEmpty() ? null : reports.get(reports.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Matcher predict = PREDICT.matcher(path);
            if (path.startsWith("/api/devices/")) {
                device(exchange, path);
            } else if (predict.matches() && exchange.getRequestMethod().equals("POST")) {
                predict(exchange, path, predict.group(1), predict.group(2));
            } else if (path.equals("/apple.jpg")) {
                exchange.getResponseHeaders().set("Content-Type", "image/jpeg");
                exchange.sendResponseHeaders(200, SyncedAgent.APPLE.length);
                exchange.getResponseBody().write(SyncedAgent.APPLE);
            } else if (redirects.containsKey(path) && authorized(exchange)) {
                exchange.getResponseHeaders().set("Location", redirects.get(path));
                exchange.sendResponseHeaders(302, -1);
            } else if (packages.containsKey(path)) {
                if (!authorized(exchange)) {
                    send(exchange, 401, "{\"error\": \"device_unauthorized\", \"message\": \"bad device id or key\"}");
                    return;
                }
                download(exchange, packages.get(path));
            } else {
                send(exchange, 404, "{\"error\": \"not_found\", \"message\": \"no route " + path + "\"}");
            }
        }
    }

    private void device(HttpExchange exchange, String path) throws IOException {
        if (!authorized(exchange) || !path.startsWith("/api/devices/" + DEVICE_ID + "/")) {
            send(exchange, 401, "{\"error\": \"device_unauthorized\", \"message\": \"bad device id or key\"}");
            return;
        }
        Mode now = mode;
        if (now == Mode.SLOW) {
            try {
                closing.await(slowness.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (now == Mode.ERROR) {
            send(exchange, 500, "{\"error\": \"internal\", \"message\": \"the cloud is broken\"}");
            return;
        }
        if (path.endsWith("/status") && exchange.getRequestMethod().equals("POST")) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            reports.add(Json.mapper().readTree(body));
            send(exchange, 202, now == Mode.GARBAGE ? "<html>gateway says hi" : "{\"received\": true}");
        } else if (path.endsWith("/desired") && exchange.getRequestMethod().equals("GET")) {
            desiredCalls.incrementAndGet();
            byte[] answer = now == Mode.GARBAGE ? "{\"model\": \"fruit-quality\", \"version\": [1, 2".getBytes(StandardCharsets.UTF_8)
                    : replay != null ? replay : legacy ? desiredJson().getBytes(StandardCharsets.UTF_8) : signedAnswer();
            answers.add(answer);
            send(exchange, 200, new String(answer, StandardCharsets.UTF_8));
        } else {
            send(exchange, 404, "{\"error\": \"not_found\", \"message\": \"no route " + path + "\"}");
        }
    }

    private void predict(HttpExchange exchange, String path, String model, String version) throws IOException {
        if (!authorized(exchange)) {
            send(exchange, 401, "{\"error\": \"device_unauthorized\", \"message\": \"bad device id or key\"}");
            return;
        }
        byte[] image = exchange.getRequestBody().readAllBytes();
        predictions.add(Map.entry(path, image));
        Mode now = predictMode;
        if (now == Mode.SLOW) {
            try {
                closing.await(slowness.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (now == Mode.ERROR) {
            send(exchange, 500, "{\"error\": \"internal\", \"message\": \"the cloud is broken\"}");
        } else if (now == Mode.GARBAGE) {
            send(exchange, 200, "<html>gateway says hi");
        } else if (image.length < 2 || (image[0] & 0xff) != 0xff || (image[1] & 0xff) != 0xd8) {
            send(exchange, 400, "{\"error\": \"image_invalid\", \"message\": \"not a JPEG\"}");
        } else {
            exchange.getResponseHeaders().set("X-Verge-Model-Version", version);
            send(exchange, 200, "{\"created\": \"2026-12-02T10:00:00Z\", \"id\": \"c0ffee00-0000-0000-0000-000000000000\","
                    + " \"iteration\": \"" + version + "\", \"project\": \"" + model + "\", \"predictions\": [{\"probability\": 0.99,"
                    + " \"tagId\": \"0\", \"tagName\": \"" + CLOUD_TAG + "\", \"boundingBox\": null}]}");
        }
    }

    private static boolean authorized(HttpExchange exchange) {
        return DEVICE_ID.equals(exchange.getRequestHeaders().getFirst("X-Device-Id"))
                && DEVICE_KEY.equals(exchange.getRequestHeaders().getFirst("X-Device-Key"));
    }

    private void download(HttpExchange exchange, byte[] bytes) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        downloads.add(range == null ? "" : range);
        int from = 0;
        Matcher m = RANGE.matcher(range == null ? "" : range);
        if (m.matches()) {
            from = Integer.parseInt(m.group(1));
            if (from >= bytes.length) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + bytes.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/zip");
        exchange.sendResponseHeaders(from > 0 ? 206 : 200, bytes.length - from);
        long cut = cutNextDownloadAfter;
        cutNextDownloadAfter = -1;
        OutputStream out = exchange.getResponseBody();
        if (cut >= 0 && cut < bytes.length - from) {
            out.write(bytes, from, (int) cut);
            out.flush();
            // closing short of the announced length makes the JDK server drop the connection
            try {
                out.close();
            } catch (IOException expected) {
                // "insufficient bytes written to stream"
            }
            return;
        }
        out.write(bytes, from, bytes.length - from);
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        closing.countDown();
        http.stop(0);
    }
}
