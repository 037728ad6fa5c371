package dev.verge.edge;

import dev.verge.edge.sync.SyncSettings;
import static dev.verge.edge.AgentSettings.*;

import dev.verge.edge.AgentOptions.Needed;
import dev.verge.edge.AgentOptions.Requirement;

import dev.verge.error.VergeException;
import dev.verge.inference.json.Json;
import dev.verge.inference.runtime.Onnx;
import dev.verge.inference.runtime.ThreadSettings;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code java -jar verge-edge-agent.jar --model <package> [--model <package>...] [--port n]}: serves models to the devices around it. */
@Command(
        name = "verge edge",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpWidth = 110,
        description = {
            "Serves ONNX model packages to devices on the local network: POST /image and POST /url (the default",
            "model; POST /{model}/image for each) answer like the Custom Vision export container, the Custom Vision prediction SDKs' paths",
            "(/customvision/v3.1/prediction/...) like the prediction API; Open Inference Protocol v2 under /v2;",
            "Prometheus metrics at /metrics. Every option can also be set by its environment variable.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  java -jar verge-edge-agent.jar --model fruit-quality-3.zip",
            "  ./verge edge --model models/fruit-quality --port 80 --max-body-bytes 8MiB",
            "  VERGE_MODEL=/models/fruit-quality VERGE_PORT=80 java -jar verge-edge-agent.jar",
            "  VERGE_DEVICE_KEY=... java -jar verge-edge-agent.jar --cloud https://verge.example.com --device-id cam-1 \\",
            "      --trusted-key /etc/verge/signing.pub --state-dir /var/lib/verge",
            "  curl --data-binary @apple.jpg -H 'Content-Type: application/octet-stream' http://localhost:8080/image",
            "  curl -F imageData=@apple.jpg http://localhost:8080/image",
            "  curl -H 'Content-Type: application/json' -d '{\"url\": \"http://camera.local/snapshot.jpg\"}' http://localhost:8080/url",
        })
public final class Main implements Callable<Integer> {

    @Needed(Requirement.UNLESS_CLOUD)
    @Option(names = "--model", paramLabel = "<package>", defaultValue = "${env:" + ENV_MODEL + "}", split = ",",
            description = "Model package: a folder with model.onnx and manifest.json, or a .zip of one. Repeat it to serve"
                    + " several, each under its manifest's name (POST /{name}/image); the first is the default one"
                    + " (POST /image). Env: " + ENV_MODEL + " (comma-separated).")
    List<Path> models;

    @Option(names = "--max-loaded-models", paramLabel = "<n>",
            defaultValue = "${env:" + ENV_MAX_LOADED_MODELS + ":-" + DEFAULT_MAX_LOADED_MODELS + "}",
            description = "Models kept in memory at once; past it the least recently used is unloaded and loaded again when"
                    + " a request names it; 0 = all (default: ${DEFAULT-VALUE}). Env: " + ENV_MAX_LOADED_MODELS + ".")
    int maxLoadedModels;

    @Option(names = "--host", defaultValue = "${env:" + ENV_HOST + ":-" + DEFAULT_HOST + "}",
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Env: " + ENV_HOST + ".")
    String host;

    @Option(names = "--port", defaultValue = "${env:" + ENV_PORT + ":-" + DEFAULT_PORT + "}",
            description = "TCP port, 0 for any free one (default: ${DEFAULT-VALUE}). Env: " + ENV_PORT + ".")
    int port;

    @Option(names = "--max-body-bytes", paramLabel = "<size>", converter = SizeConverter.class,
            defaultValue = "${env:" + ENV_MAX_BODY_BYTES + ":-" + DEFAULT_MAX_BODY_BYTES + "}",
            description = "Largest image accepted, e.g. 4MiB; larger gets 413 (default: ${DEFAULT-VALUE}). Env: " + ENV_MAX_BODY_BYTES + ".")
    long maxBodyBytes;

    @Option(names = "--max-pixels", defaultValue = "${env:" + ENV_MAX_PIXELS + ":-" + DEFAULT_MAX_PIXELS + "}",
            description = "Largest image accepted in pixels, checked before decoding; larger gets 413 (default: ${DEFAULT-VALUE}). Env: " + ENV_MAX_PIXELS + ".")
    long maxPixels;

    @Option(names = "--intra-op-threads", paramLabel = "<n|auto>", defaultValue = "${env:" + ENV_INTRA_OP_THREADS + ":-" + DEFAULT_THREADS + "}",
            description = "ONNX Runtime threads inside one operator; auto = from the CPUs this process may use (default: ${DEFAULT-VALUE}). Env: " + ENV_INTRA_OP_THREADS + ".")
    String intraOpThreads;

    @Option(names = "--inter-op-threads", paramLabel = "<n|auto>", defaultValue = "${env:" + ENV_INTER_OP_THREADS + ":-" + DEFAULT_THREADS + "}",
            description = "ONNX Runtime threads across operators (default: ${DEFAULT-VALUE}). Env: " + ENV_INTER_OP_THREADS + ".")
    String interOpThreads;

    @Option(names = "--max-concurrent-inferences", paramLabel = "<n|auto>",
            defaultValue = "${env:" + ENV_MAX_CONCURRENT_INFERENCES + ":-" + DEFAULT_THREADS + "}",
            description = "Inferences run at once, more requests queue; auto = one per CPU (default: ${DEFAULT-VALUE}). Env: " + ENV_MAX_CONCURRENT_INFERENCES + ".")
    String maxConcurrentInferences;

    @Option(names = "--url-connect-timeout", paramLabel = "<duration>", converter = DurationConverter.class,
            defaultValue = "${env:" + ENV_URL_CONNECT_TIMEOUT + ":-" + DEFAULT_URL_CONNECT_TIMEOUT + "}",
            description = "POST /url: connect timeout, e.g. 2s or 500ms (default: ${DEFAULT-VALUE}). Env: " + ENV_URL_CONNECT_TIMEOUT + ".")
    Duration urlConnectTimeout;

    @Option(names = "--url-timeout", paramLabel = "<duration>", converter = DurationConverter.class,
            defaultValue = "${env:" + ENV_URL_TIMEOUT + ":-" + DEFAULT_URL_TIMEOUT + "}",
            description = "POST /url: total time for the fetch, redirects and body included (default: ${DEFAULT-VALUE}). Env: " + ENV_URL_TIMEOUT + ".")
    Duration urlTimeout;

    @Option(names = "--url-max-redirects", defaultValue = "${env:" + ENV_URL_MAX_REDIRECTS + ":-" + DEFAULT_URL_MAX_REDIRECTS + "}",
            description = "POST /url: redirects followed (default: ${DEFAULT-VALUE}). Env: " + ENV_URL_MAX_REDIRECTS + ".")
    int urlMaxRedirects;

    @Option(names = "--shutdown-timeout", paramLabel = "<duration>", converter = DurationConverter.class,
            defaultValue = "${env:" + ENV_SHUTDOWN_TIMEOUT + ":-" + DEFAULT_SHUTDOWN_TIMEOUT + "}",
            description = "On SIGTERM, how long requests in flight may finish (default: ${DEFAULT-VALUE}). Env: " + ENV_SHUTDOWN_TIMEOUT + ".")
    Duration shutdownTimeout;

    @Option(names = "--keep-tiny-predictions", defaultValue = "${env:" + ENV_KEEP_TINY_PREDICTIONS + ":-" + DEFAULT_KEEP_TINY_PREDICTIONS + "}",
            description = "Also answer predictions below 1e-8, which the Custom Vision export leaves out (default: ${DEFAULT-VALUE}). Env: " + ENV_KEEP_TINY_PREDICTIONS + ".")
    boolean keepTinyPredictions;

    @Option(names = "--max-inference-ms", paramLabel = "<ms>",
            defaultValue = "${env:" + ENV_MAX_INFERENCE_MS + ":-" + DEFAULT_MAX_INFERENCE_MS + "}",
            description = "Longest one inference may run; ONNX Runtime stops it and the request gets 503 inference_timeout; 0 = no limit (default: ${DEFAULT-VALUE}). Env: " + ENV_MAX_INFERENCE_MS + ".")
    long maxInferenceMs;

    @Mixin
    SyncOptions sync;

    @Mixin
    TelemetryOptions telemetry = new TelemetryOptions();

    @Mixin
    AccessOptions access = new AccessOptions();

    public static void main(String[] args) {
        AgentLog.configure();
        OnnxNativeCache.use();
        // Loading ONNX Runtime's native library and initialising Jackson take most of the start-up; they
        // run on their own threads while picocli reads the options, and the main thread waits for them
        // only where it needs them (class initialisation is thread-safe).
        Thread.ofPlatform().daemon().name("verge-init-onnx").start(Onnx::environment);
        Thread.ofPlatform().daemon().name("verge-init-json").start(Json::mapper);
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        AgentSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            System.err.println("verge edge: " + e.getMessage());
            return 2;
        }
        EdgeAgent agent;
        try {
            agent = EdgeAgent.start(settings);
        } catch (VergeException e) {
            System.err.println("verge edge: cannot serve " + settings.model() + ": " + e.getMessage() + " (" + e.code() + ")");
            return 1;
        } catch (dev.verge.edge.sync.SyncException e) {
            System.err.println("verge edge: cannot start model sync: " + e.getMessage() + " (" + e.code() + ")");
            return 1;
        } catch (IllegalStateException e) {
            System.err.println("verge edge: " + e.getMessage());
            return 1;
        } catch (java.io.UncheckedIOException e) {
            System.err.println(e.getCause() instanceof java.net.SocketException
                    ? "verge edge: cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getCause().getMessage()
                    : "verge edge: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long start = System.nanoTime();
            agent.close();
            AgentLog.atShutdown(EdgeAgent.class.getName(), String.format(
                    "stopped: requests in flight finished and model closed in %d ms", (System.nanoTime() - start) / 1_000_000));
            stopped.countDown();
        }, "verge-shutdown"));
        stopped.await();
        return 0;
    }

    AgentSettings settings() {
        ThreadSettings auto = ThreadSettings.forAvailableCpus();
        ThreadSettings threads = new ThreadSettings(
                SettingValues.countOrAuto(intraOpThreads, auto.intraOpThreads()),
                SettingValues.countOrAuto(interOpThreads, auto.interOpThreads()));
        SyncSettings syncSettings = sync.settings();
        // an empty VERGE_MODEL (an env file's "VERGE_MODEL=") means none, as an unset one does; with a cloud the
        // model is only the factory one, served until the cloud sends its own, so a deployment file can name a
        // place for it that stays empty on devices that get everything from the cloud
        List<Path> given = models == null ? List.of()
                : models.stream().filter(p -> p != null && !p.toString().isBlank()).toList();
        Path modelPackage = given.isEmpty() ? null : given.get(0);
        if (modelPackage != null && syncSettings != null && !java.nio.file.Files.exists(modelPackage)) {
            System.getLogger(Main.class.getName()).log(System.Logger.Level.WARNING, "no factory model at " + modelPackage
                    + ": serving what the state directory holds, else nothing until the cloud sends a model");
            modelPackage = null;
        }
        return new AgentSettings(modelPackage, host, port, maxBodyBytes, maxPixels, threads,
                SettingValues.countOrAuto(maxConcurrentInferences, AgentSettings.defaultConcurrentInferences()),
                urlConnectTimeout, urlTimeout, urlMaxRedirects, shutdownTimeout, keepTinyPredictions,
                Duration.ofMillis(maxInferenceMs), syncSettings,
                telemetry.settings(syncSettings), access.settings(), given.isEmpty() ? List.of() : given.subList(1, given.size()),
                maxLoadedModels);
    }

    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return SettingValues.bytes(value);
        }
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return SettingValues.duration(value);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"verge edge agent " + (v == null ? "(development build)" : v)};
        }
    }
}
