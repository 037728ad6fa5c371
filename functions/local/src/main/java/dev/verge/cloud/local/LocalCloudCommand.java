package dev.verge.cloud.local;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.retention.RetentionConfig;
import dev.verge.cloud.rights.RightsConfig;
import dev.verge.cloud.events.EventsConfig;
import dev.verge.cloud.predict.PredictConfig;
import dev.verge.cloud.rollout.DeviceProtocolConfig;
import dev.verge.cloud.registry.RegistryConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line of {@link LocalCloud}. */
@Command(name = "verge cloud", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the Verge cloud functions on this machine: the model registry API over HTTP,",
                "packages in <data>/blobs, records in <data>/metadata.db. A package zip dropped into",
                "<data>/blobs/models/ is registered, as a bucket upload is in the cloud. Packages are signed",
                "for devices with VERGE_SIGNING_KEY (Base64 PKCS#8 or PEM Ed25519 private key) or, without it,",
                "with a key made once and kept in <data>/signing.key; GET /api/signing-key shows its public key."})
final class LocalCloudCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "7071", description = "HTTP port (0: any free port). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--host", description = "Address to listen on. Default: 0.0.0.0, or 127.0.0.1 with --insecure-local")
    String host;

    @Option(names = "--data", defaultValue = "./verge-data", description = "Data folder. Default: ${DEFAULT-VALUE}")
    Path data;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "API key the registry API requires, at least 16 characters (repeat for several; or set"
                    + " VERGE_API_KEYS=k1,k2, which ps does not show); none: one is generated and printed once")
    List<String> apiKeys = new ArrayList<>();

    @Option(names = "--insecure-local", description = "Accept every request without a key (local development only)")
    boolean insecureLocal;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "Base URL devices reach this server at, for package download links. Default: http://localhost:<port>")
    URI publicUrl;

    @Option(names = "--tls-cert", paramLabel = "PEM", defaultValue = "${env:VERGE_TLS_CERT}",
            description = "PEM certificate chain (this server's first); with --tls-key the port serves HTTPS only,"
                    + " and a renewed pair is picked up without a restart. Env: VERGE_TLS_CERT")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", defaultValue = "${env:VERGE_TLS_KEY}",
            description = "PEM PKCS#8 private key of --tls-cert (openssl pkcs8 -topk8 -nocrypt converts others). Env: VERGE_TLS_KEY")
    Path tlsKey;

    @Option(names = "--max-package-mb", defaultValue = "512", description = "Largest package accepted, at most 512 (what agents load). Default: ${DEFAULT-VALUE}")
    long maxPackageMb;

    @Option(names = "--rescan-seconds", defaultValue = "30",
            description = "How often blobs/models/ is rescanned for missed files. Default: ${DEFAULT-VALUE}")
    long rescanSeconds;

    @Option(names = "--rollout-tick-seconds", defaultValue = "5",
            description = "How often the rollout controller checks deployments in progress. Default: ${DEFAULT-VALUE}")
    long rolloutTickSeconds;

    /** The options, and from the environment as in the cloud: prediction limits, webhook secrets, event rules, device poll interval, analytics, device rights and retention. */
    CloudConfig config(List<String> keys, Map<String, String> env) {
        PredictConfig predict = PredictConfig.fromEnv(env);
        RegistryConfig registry = RegistryConfig.defaults().withMaxPackageBytes(maxPackageMb << 20)
                .withMaxSmokeTestTime(predict.maxInferenceTime());
        return new CloudConfig(keys, insecureLocal, registry, null, predict, env.get("VERGE_SIGNING_KEY"),
                EventsConfig.fromEnv(env), CloudConfig.devicePollSeconds(env), DeviceProtocolConfig.fromEnv(env),
                AnalyticsConfig.fromEnv(env), RightsConfig.fromEnv(env), RetentionConfig.fromEnv(env));
    }

    /**
     * The API keys: {@code --api-key}, else {@code VERGE_API_KEYS}; each at least 16 characters. With none and
     * without {@code --insecure-local} one is generated and printed to {@code out}, once: it is kept nowhere, so a
     * restart without a key makes a new one.
     */
    List<String> keys(String fromEnv, java.io.PrintStream out) {
        List<String> keys = new ArrayList<>(apiKeys);
        if (keys.isEmpty() && fromEnv != null) {
            keys.addAll(Arrays.stream(fromEnv.split(",")).map(String::strip).filter(k -> !k.isEmpty()).toList());
        }
        if (!keys.isEmpty() && insecureLocal) {
            throw new IllegalArgumentException("--insecure-local and API keys exclude each other; give one of them");
        }
        CloudConfig.requireStrongKeys(keys);
        if (keys.isEmpty() && !insecureLocal) {
            String generated = CloudConfig.generateApiKey();
            keys.add(generated);
            out.println("API key (generated, shown once; pass it as --api-key or VERGE_API_KEYS to keep it): " + generated);
        }
        return keys;
    }

    /** An empty VERGE_TLS_CERT (an env file's "VERGE_TLS_CERT=") means none, as an unset one does. */
    private static Path blankIsNone(Path path) {
        return path == null || path.toString().isBlank() ? null : path;
    }

    static int run(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        return new CommandLine(new LocalCloudCommand())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("verge cloud: " + e.getMessage());
                    return 1;
                })
                .execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        List<String> keys;
        try {
            keys = keys(System.getenv("VERGE_API_KEYS"), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("verge cloud: " + e.getMessage());
            return 2;
        }
        CloudConfig config = config(keys, System.getenv());
        String bindTo = host != null ? host : insecureLocal ? "127.0.0.1" : "0.0.0.0";
        LocalCloud.Settings settings = new LocalCloud.Settings(bindTo, port, data, config, publicUrl,
                Duration.ofSeconds(Math.max(1, rescanSeconds)), Duration.ofSeconds(1), Duration.ofSeconds(Math.max(1, rolloutTickSeconds)),
                blankIsNone(tlsCert), blankIsNone(tlsKey));
        LocalCloud cloud = LocalCloud.start(settings);
        System.out.println("package signing public key (give it to agents as --trusted-key): " + cloud.services().signer().publicKeyBase64());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cloud.close();
            stopped.countDown();
        }, "verge-cloud-shutdown"));
        stopped.await();
        return 0;
    }
}
