package dev.verge.edge;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.verge.wire.tls.TlsFiles;
import dev.verge.edge.shadow.Shadows;
import dev.verge.edge.sync.CloudFallback;
import dev.verge.inference.predict.CustomVisionError;
import dev.verge.inference.predict.OipV2;
import dev.verge.inference.request.ImageRequestReader;
import dev.verge.inference.runtime.ModelSlot;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The agent's HTTP server: the JDK's own, with every route built by {@link #serving}, which the tests
 * start on port 0 to reach the real routes over HTTP.
 */
public final class EdgeServer implements AutoCloseable {
    /**
     * Seconds a client has to send its whole request before the JDK server closes the connection
     * ({@code sun.net.httpserver.maxReqTime}, unset by default = forever): a camera that stops halfway
     * through an upload must not hold a connection and a virtual thread for ever. Read once per JVM by
     * the JDK, so it is set here, before the first server starts, unless the command line set it.
     */
    static final String MAX_REQUEST_SECONDS = "30";

    static {
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        }
    }

    private static final Route.ErrorFormat OIP_ERRORS = OipV2.ErrorBody::of;

    private final HttpServer http;
    private final ExecutorService executor;
    private final InferenceGate gate;
    private final Duration shutdownTimeout;

    private EdgeServer(HttpServer http, ExecutorService executor, InferenceGate gate, Duration shutdownTimeout) {
        this.http = http;
        this.executor = executor;
        this.gate = gate;
        this.shutdownTimeout = shutdownTimeout;
    }

    /**
     * A server for {@code models}: each on its own routes ({@code /{model}/image}, {@code /v2/models/{model}}) and the
     * default one on the plain routes, listening on {@code settings.host():settings.port()} once {@link Builder#start}ed.
     */
    public static Builder serving(AgentSettings settings, ModelShelf models) {
        return new Builder(settings, models);
    }

    /** A server for whatever model {@code slot} holds (see {@link #serving(AgentSettings, ModelShelf)}). */
    public static Builder serving(AgentSettings settings, ModelSlot slot) {
        return new Builder(settings, ModelShelf.around(slot));
    }

    /** What an {@link EdgeServer} serves with; everything but the settings and the models is optional. */
    public static final class Builder {
        private final AgentSettings settings;
        private final ModelShelf models;
        private PredictionListener listener = PredictionListener.NONE;
        private PrometheusRegistry registry;
        private CloudFallback fallback;
        private Shadows shadows = Shadows.NONE;

        private Builder(AgentSettings settings, ModelShelf models) {
            this.settings = settings;
            this.models = models;
        }

        /** Told about every answered image (default: nobody). */
        public Builder listener(PredictionListener value) {
            this.listener = value;
            return this;
        }

        /** Served at {@code /metrics}, where other parts of the agent (telemetry) register theirs too (default: its own). */
        public Builder registry(PrometheusRegistry value) {
            this.registry = value;
            return this;
        }

        /** Answers {@code /image} and {@code /url} while no model is loaded (default, or null: 503 at once). */
        public Builder fallback(CloudFallback value) {
            this.fallback = value;
            return this;
        }

        /** Offered the picture after each answer is sent (default: no shadows). */
        public Builder shadows(Shadows value) {
            this.shadows = value;
            return this;
        }

        /** Listens and serves. */
        public EdgeServer start() {
            return EdgeServer.start(this);
        }
    }

    private static EdgeServer start(Builder parts) {
        AgentSettings settings = parts.settings;
        ModelShelf models = parts.models;
        PrometheusRegistry registry = parts.registry == null ? new PrometheusRegistry() : parts.registry;
        AgentMetrics metrics = new AgentMetrics(models, registry);
        InferenceGate gate = new InferenceGate(settings.maxConcurrentInferences(), metrics);
        CustomVisionEndpoints customVision = new CustomVisionEndpoints(
                models, gate, uploadBudget(settings), settings.imageLimits(), UrlImageFetcher.of(settings), metrics, parts.listener,
                parts.fallback, settings.keepTinyPredictions(), parts.shadows);
        OipEndpoints oip = new OipEndpoints(models, gate, settings.imageLimits());
        List<String> params = CustomVisionEndpoints.PARAMS;
        List<Route> routes = List.of(
                Route.post("image", CustomVisionEndpoints.IMAGE_PATHS, params, customVision::image),
                Route.post("url", CustomVisionEndpoints.URL_PATHS, params, customVision::url),
                Route.post("customvision_image", CustomVisionEndpoints.PREDICTION_API_IMAGE_PATHS, params, customVision::image)
                        .withErrors(CustomVisionError::of),
                Route.post("customvision_url", CustomVisionEndpoints.PREDICTION_API_URL_PATHS, params, customVision::url)
                        .withErrors(CustomVisionError::of),
                Route.get("v2_live", "/v2/health/live", oip::live).withErrors(OIP_ERRORS),
                Route.get("v2_ready", "/v2/health/ready", oip::ready).withErrors(OIP_ERRORS),
                Route.get("v2_server", "/v2", oip::server).withErrors(OIP_ERRORS),
                Route.get("v2_model", "/v2/models/{name}", oip::model).withErrors(OIP_ERRORS),
                Route.get("v2_model", "/v2/models/{name}/versions/{version}", oip::model).withErrors(OIP_ERRORS),
                Route.get("v2_model_ready", "/v2/models/{name}/ready", oip::modelReady).withErrors(OIP_ERRORS),
                Route.get("v2_model_ready", "/v2/models/{name}/versions/{version}/ready", oip::modelReady).withErrors(OIP_ERRORS),
                Route.post("v2_infer", "/v2/models/{name}/infer", oip::infer).withErrors(OIP_ERRORS),
                Route.post("v2_infer", "/v2/models/{name}/versions/{version}/infer", oip::infer).withErrors(OIP_ERRORS),
                Route.get("metrics", "/metrics", metrics::scrape),
                Route.get("index", "/", request -> Reply.ok(Map.of("name", OipEndpoints.SERVER_NAME,
                        "models", models.names(), "default", models.defaultModel().orElse(""),
                        "routes", List.of("POST /image", "POST /url", "POST /{model}/image", "POST /{model}/url",
                                "POST /customvision/v3.1/prediction/{projectId}/classify/iterations/{publishedName}/image",
                                "POST /customvision/v3.1/prediction/{projectId}/classify/iterations/{publishedName}/url",
                                "GET /v2/health/ready", "GET /v2/models/{name}",
                                "POST /v2/models/{name}/infer", "GET /metrics")))));

        HttpServer http;
        try {
            InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
            http = settings.access().https() ? https(address, settings.access()) : HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // one virtual thread per request: reading bodies and fetching URLs wait on the network; the
        // CPU-bound part runs on the InferenceGate's few platform threads
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", new Router(routes, metrics, new CallerKeys(settings.access().clientKeys())));
        http.start();
        return new EdgeServer(http, executor, gate, settings.shutdownTimeout());
    }

    /** HTTPS only, with the certificate files read again when they change (see {@link TlsFiles}). */
    private static HttpServer https(InetSocketAddress address, AccessSettings access) throws IOException {
        TlsFiles tls = new TlsFiles(access.tlsCert(), access.tlsKey());
        HttpsServer server = HttpsServer.create(address, 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.sslContext()));
        return server;
    }

    /**
     * A quarter of the heap for uploads held at once (at least one of the largest accepted, at most eight): the
     * rest is left to decoding, which follows the model's input, and to everything else the agent does.
     */
    private static UploadBudget uploadBudget(AgentSettings settings) {
        long largest = settings.maxBodyBytes() + ImageRequestReader.MULTIPART_OVERHEAD;
        long budget = Math.max(largest, Math.min(Runtime.getRuntime().maxMemory() / 4, 8 * largest));
        return new UploadBudget(budget, largest, Duration.ofSeconds(5));
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** Stops accepting, lets requests in flight finish for up to the shutdown timeout, then closes. */
    @Override
    public void close() {
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, shutdownTimeout.toSeconds()));
        http.stop(seconds);
        gate.close();
        executor.shutdown();
        try {
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
