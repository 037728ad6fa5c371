package dev.verge.edge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.demo.SampleImages;
import dev.verge.edge.AccessSettings;
import dev.verge.edge.AgentSettings;
import dev.verge.edge.EdgeServer;
import dev.verge.edge.PredictionEvent;
import dev.verge.edge.PredictionListener;
import dev.verge.inference.json.Json;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ModelSlot;
import dev.verge.inference.runtime.ThreadSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * An agent with sync on: the slot, the sync and the real HTTP server, on 127.0.0.1, as EdgeAgent wires them
 * (with the cloud fallback when the settings turn it on). Every answered image is kept in {@link #events}.
 */
final class SyncedAgent implements AutoCloseable {
    static final byte[] APPLE = SampleImages.jpeg("ripe-red-apple");
    // HTTP/1.1 as cameras speak it (and as AgentClient does): no h2c upgrade attempt on a request with a body
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    final ModelSlot slot;
    final ModelSync sync;
    final EdgeServer server;
    final List<PredictionEvent> events;

    private SyncedAgent(ModelSlot slot, ModelSync sync, EdgeServer server, List<PredictionEvent> events) {
        this.slot = slot;
        this.sync = sync;
        this.server = server;
        this.events = events;
    }

    /** Quick polls and short backoff, so tests see several polls in well under a second. */
    static SyncSettings settings(URI cloud, java.security.PublicKey trustedKey, Path stateDir) {
        return SyncSettings.of(cloud, FakeCloud.DEVICE_ID, FakeCloud.DEVICE_KEY, trustedKey, stateDir)
                .withTimings(Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofMillis(20), Duration.ofMillis(200));
    }

    static SyncedAgent start(SyncSettings settings) {
        return start(settings, true);
    }

    static SyncedAgent start(SyncSettings settings, boolean poll) {
        ModelSlot slot = new ModelSlot();
        PrometheusRegistry registry = new PrometheusRegistry();
        ModelSync sync = ModelSync.create(settings, new ThreadSettings(1, 1), slot, registry);
        sync.serveLastGood();
        List<PredictionEvent> events = new CopyOnWriteArrayList<>();
        EdgeServer server = EdgeServer.serving(AgentSettings.defaults(Path.of("unused")).withHost("127.0.0.1").withPort(0)
                        .withAccess(AccessSettings.defaults().withUrlAllow("127.0.0.1")), slot) // /url fetches from FakeCloud
                .listener(PredictionListener.all(List.of(sync.health(), events::add))).registry(registry)
                .fallback(sync.cloudFallback().orElse(null)).start();
        if (poll) {
            sync.start();
        }
        return new SyncedAgent(slot, sync, server, events);
    }

    String servedVersion() {
        return slot.current().map(ModelInfo::version).orElse(null);
    }

    /** What GET /metrics answers. */
    String metrics() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POST /image with the apple: the status and the JSON answer. */
    Answer classify() {
        return post(server.port(), APPLE);
    }

    static Answer post(int port, byte[] image) {
        return send(port, "/image", "application/octet-stream", image);
    }

    /** POST {@code path} with this body; the status, the JSON answer and the headers. */
    static Answer send(int port, String path, String contentType, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), Json.mapper().readTree(response.body()), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Answer(int status, JsonNode json, HttpHeaders headers) {
        String iteration() {
            return json.path("iteration").asText();
        }

        /** {@code X-Verge-Served-By}: edge or cloud; "" when absent. */
        String servedBy() {
            return headers.firstValue("X-Verge-Served-By").orElse("");
        }
    }

    /** A 127.0.0.1 URL where nothing listens: a cloud that is down. */
    static URI unreachableCloud() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        sync.close();
        server.close();
        slot.close();
    }
}
